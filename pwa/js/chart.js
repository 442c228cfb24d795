// A small score-over-time chart as inline SVG, built with DOM calls (no library, no inline
// style: colours come from app.css). Its text equivalent is the caller's: an aria-label and
// a visually hidden table.

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
