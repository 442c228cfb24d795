// Small charts as inline SVG, built with DOM calls (no library, no inline style: colours
// come from app.css): a score over time, bars of figures, stacked bars per month. Their
// text equivalent is the caller's: an aria-label and a table.

const SVG = "http://www.w3.org/2000/svg";
const W = 320;
const H = 120;
const PAD = { left: 30, right: 10, top: 10, bottom: 20 };

/**
 * @param {string} tag @param {Record<string, string|number>} attrs @param {string} [text]
 * @returns {SVGElement}
 */
function svg(tag, attrs, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/**
 * A line of scores (0 to 100) over time; a failed result is a hollow red point.
 * @param {{at: string, score: number, failed: boolean}[]} points oldest first
 * @param {string} label the chart in words
 */
export function scoreChart(points, label) {
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "aria-label": label });
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const times = points.map((p) => Date.parse(p.at));
  const first = Math.min(...times);
  const span = Math.max(1, Math.max(...times) - first);
  /** @param {number} i */
  const x = (i) => PAD.left + (points.length === 1 ? innerW / 2 : ((times[i] - first) / span) * innerW);
  /** @param {number} score */
  const y = (score) => PAD.top + innerH - (Math.max(0, Math.min(100, score)) / 100) * innerH;
  for (const level of [0, 50, 100]) {
    root.append(svg("line", { x1: PAD.left, x2: W - PAD.right, y1: y(level), y2: y(level), class: "grid" }));
    root.append(svg("text", { x: PAD.left - 4, y: y(level) + 4, class: "axis", "text-anchor": "end" }, String(level)));
  }
  if (points.length > 1) {
    const line = points.map((p, i) => `${x(i).toFixed(1)},${y(p.score).toFixed(1)}`).join(" ");
    root.append(svg("polyline", { points: line, class: "line" }));
  }
  points.forEach((p, i) => {
    root.append(svg("circle", { cx: x(i).toFixed(1), cy: y(p.score).toFixed(1), r: 4, class: p.failed ? "point failed" : "point" }));
  });
  return root;
}

/**
 * Horizontal bars, one row per figure and a bar per series (this period, the one before),
 * each label above its bars and each value at its bar's end; the same shape as the PDF's
 * charts (server/reports/charts.py).
 * @param {{label: string, values: number[]}[]} rows
 * @param {string[]} series names, shown as a legend when more than one
 * @param {string} label the chart in words
 * @param {(n: number) => string} format a value as the language writes it
 * @param {number} [max] the value of a full bar (100 for shares); default the largest
 */
export function barChart(rows, series, label, format, max = 0) {
  const BAR = 12;
  const LABEL = 16;
  const GAP = 10;
  const ROOM = 44;
  const width = 360;
  const top = series.length > 1 ? 24 : 4;
  const rowHeight = LABEL + BAR * series.length + GAP;
  const height = top + rowHeight * rows.length;
  const most = max || Math.max(1, ...rows.flatMap((r) => r.values));
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart bars", role: "img", "aria-label": label });
  let x = 4;
  if (series.length > 1) {
    series.forEach((name, s) => {
      root.append(svg("rect", { x, y: 4, width: 12, height: 10, class: `bar series-${s}` }));
      root.append(svg("text", { x: x + 16, y: 13, class: "legend" }, name));
      x += 16 + 6 * name.length + 20;
    });
  }
  rows.forEach((row, i) => {
    const y = top + i * rowHeight;
    // SVG text does not wrap: a long theme is cut here and whole in the caller's table.
    const text = row.label.length > 58 ? `${row.label.slice(0, 56)}…` : row.label;
    root.append(svg("text", { x: 4, y: y + 12, class: "label" }, text));
    row.values.forEach((value, s) => {
      const barY = y + LABEL + s * BAR;
      const w = value ? Math.max(1, ((width - 4 - ROOM) * value) / most) : 0;
      root.append(svg("rect", { x: 4, y: barY, width: w.toFixed(1), height: BAR - 2, class: `bar series-${s}` }));
      root.append(svg("text", { x: (4 + w + 4).toFixed(1), y: barY + 9, class: "value" }, format(value)));
    });
  });
  return root;
}

/**
 * Bars per month, stacked (e.g. passed under failed); each series a class from app.css.
 * @param {string[]} months "YYYY-MM", oldest first
 * @param {{cls: string, values: number[]}[]} series bottom first
 * @param {string} label the chart in words
 */
export function monthBars(months, series, label) {
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart bars", role: "img", "aria-label": label });
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const totals = months.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] || 0), 0));
  const top = niceTop(Math.max(1, ...totals));
  /** @param {number} v */
  const y = (v) => PAD.top + innerH - (v / top) * innerH;
  for (const level of [0, top / 2, top]) {
    root.append(svg("line", { x1: PAD.left, x2: W - PAD.right, y1: y(level), y2: y(level), class: "grid" }));
    root.append(svg("text", { x: PAD.left - 4, y: y(level) + 4, class: "axis", "text-anchor": "end" }, String(level)));
  }
  const step = innerW / Math.max(1, months.length);
  months.forEach((month, i) => {
    let base = 0;
    const x = PAD.left + i * step + step * 0.15;
    for (const s of series) {
      const v = s.values[i] || 0;
      if (v) root.append(svg("rect", { x: x.toFixed(1), y: y(base + v).toFixed(1), width: (step * 0.7).toFixed(1), height: (y(base) - y(base + v)).toFixed(1), class: s.cls }));
      base += v;
    }
    if (months.length <= 12 || i % 2 === 0) {
      root.append(svg("text", { x: (x + step * 0.35).toFixed(1), y: H - 6, class: "axis", "text-anchor": "middle" }, month.slice(5)));
    }
  });
  return root;
}

/** A round top for an axis: 1, 2, 5 × 10ⁿ at or above `n`. @param {number} n */
function niceTop(n) {
  const power = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 5, 10].map((m) => m * power).find((v) => v >= n) || n;
}
