// The province screen's pictures, below the list: inspections passed and failed month by
// month, the share passed by kind and by commune, the checks failed most often, and
// corrective actions opened and verified (with how many are overdue now). Each chart has
// its table one tap away, the same figures in words.

import { barChart, monthBars } from "../chart.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";

/** @typedef {{month: string, passed: number, failed: number}} MonthCount */

const MOST_BARS = 20;

/**
 * A chart with its caption, its key and its table.
 * @param {string} title @param {Element} chart @param {string[]} head @param {(string|number)[][]} rows
 * @param {[string, string][]} [key] class and name of each colour
 */
function figure(title, chart, head, rows, key) {
  return h(
    "figure",
    { class: "province-chart" },
    h("figcaption", { text: title }),
    chart,
    key ? h("p", { class: "legend" }, key.flatMap(([cls, name]) => [h("span", { class: `key ${cls}` }), name])) : null,
    h(
      "details",
      { class: "table" },
      h("summary", { text: t("province.asTable") }),
      h(
        "table",
        null,
        h("caption", { class: "visually-hidden", text: title }),
        h("thead", null, h("tr", null, head.map((text) => h("th", { scope: "col", text })))),
        h("tbody", null, rows.map((row) => h("tr", null, row.map((cell, i) => h(i ? "td" : "th", i ? { text: String(cell) } : { scope: "row", text: String(cell) }))))),
      ),
    ),
  );
}

/** Share passed over all months, as a whole percentage. @param {MonthCount[]} months */
function share(months) {
  const passed = months.reduce((n, m) => n + m.passed, 0);
  const all = passed + months.reduce((n, m) => n + m.failed, 0);
  return { passed, all, pct: all ? Math.round((passed / all) * 100) : 0 };
}

/**
 * @param {{key: string, label: string, months: MonthCount[]}[]} series @param {(s: any) => string} name
 * @param {string} title @param {boolean} [worstFirst] lowest share first
 */
function shares(series, name, title, worstFirst = false) {
  const rows = series.map((s) => ({ name: name(s), ...share(s.months) })).filter((r) => r.all);
  if (worstFirst) rows.sort((a, b) => a.pct - b.pct || a.name.localeCompare(b.name, "vi"));
  // A province has up to a hundred communes: the picture shows the lowest, the table all.
  const drawn = worstFirst ? rows.slice(0, MOST_BARS) : rows;
  const words = drawn.map((r) => `${r.name}: ${r.pct}%`).join("; ");
  const caption = drawn.length < rows.length ? `${title} (${t("province.chart.lowest", { n: drawn.length, total: rows.length })})` : title;
  return figure(
    caption,
    barChart(drawn.map((r) => ({ label: r.name, values: [r.pct] })), [title], `${caption}. ${words}`, (n) => `${n}%`, 100),
    [t("province.chart.name"), t("province.chart.passed"), t("province.chart.inspections"), t("province.chart.share")],
    rows.map((r) => [r.name, r.passed, r.all, `${r.pct}%`]),
  );
}

/**
 * @param {any} trends the server's /api/reports/trends
 * @param {number|null} overdueNow open corrective actions past their due date, when known
 */
export function charts(trends, overdueNow) {
  /** @param {number} j */
  const busy = (j) => trends.overall[j].passed + trends.overall[j].failed + trends.actions[j].opened + trends.actions[j].verified > 0;
  // From the first month with anything to show: a new province's empty year says nothing.
  const start = Math.max(0, trends.months.findIndex((/** @type {string} */ _, /** @type {number} */ j) => busy(j)));
  const months = trends.months.slice(start);
  const overall = trends.overall.slice(start);
  const actions = trends.actions.slice(start);
  const monthTitle = t("province.chart.monthly");
  const monthWords = overall.map((/** @type {MonthCount} */ m) => t("province.chart.monthWords", { month: m.month, passed: m.passed, failed: m.failed })).join("; ");
  const actionTitle = t("province.chart.actions");
  const actionWords = actions.map((/** @type {any} */ a) => t("province.chart.actionWords", { month: a.month, opened: a.opened, verified: a.verified })).join("; ");
  const failedTitle = t("province.chart.mostFailed");
  return [
    figure(
      monthTitle,
      monthBars(months, [{ cls: "passed", values: overall.map((/** @type {MonthCount} */ m) => m.passed) }, { cls: "failed", values: overall.map((/** @type {MonthCount} */ m) => m.failed) }], `${monthTitle}. ${monthWords}`),
      [t("province.chart.month"), t("province.chart.passed"), t("province.chart.failed")],
      overall.map((/** @type {MonthCount} */ m) => [m.month, m.passed, m.failed]),
      [["passed", t("province.chart.passed")], ["failed", t("province.chart.failed")]],
    ),
    shares(trends.by_kind, (s) => t(`kind.${s.key}`), t("province.chart.byKind")),
    shares(trends.by_commune, (s) => s.label, t("province.chart.byCommune"), true),
    figure(
      failedTitle,
      barChart(trends.most_failed.map((/** @type {any} */ c) => ({ label: c.text, values: [c.failed] })), [failedTitle], `${failedTitle}. ${trends.most_failed.map((/** @type {any} */ c) => `${c.text}: ${c.failed}`).join("; ")}`, String),
      [t("province.chart.check"), t("province.chart.times"), t("province.chart.sites")],
      trends.most_failed.map((/** @type {any} */ c) => [c.text, c.failed, c.facilities]),
    ),
    figure(
      actionTitle,
      monthBars(months, [{ cls: "verified", values: actions.map((/** @type {any} */ a) => a.verified) }, { cls: "opened", values: actions.map((/** @type {any} */ a) => a.opened) }], `${actionTitle}. ${actionWords}`),
      [t("province.chart.month"), t("province.chart.opened"), t("province.chart.verified")],
      actions.map((/** @type {any} */ a) => [a.month, a.opened, a.verified]),
      [["opened", t("province.chart.opened")], ["verified", t("province.chart.verified")]],
    ),
    overdueNow === null ? null : h("p", { class: "overdue-now", text: t("province.chart.overdueNow", { n: overdueNow }) }),
  ];
}
