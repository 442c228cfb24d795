// The period report (báo cáo định kỳ) of departments and admins: a period picked as a year,
// its first half (mid-term), a school year (final) or any two dates in dd/mm/yyyy; the
// headline figures, tables and bar charts of GET /api/reports/period, and the same report
// as XLSX and PDF. Figures carry the PDF's names (server/reports/words.py, docs/reports.md)
// and are written as the language writes numbers.

import { request } from "../api.js";
import { barChart } from "../chart.js";
import { append, h, replace, saveBlob, uid } from "../dom.js";
import { count, number } from "../explain.js";
import { lang, t, tx } from "../i18n.js";
import { dateInput, dateValue, day } from "../dates.js";
import { download } from "../sites.js";

/** The headline figures in the order of every table listing them (as the PDF's SUMMARY). */
const SUMMARY = [
  "facilities",
  "inspections",
  "facilities_inspected",
  "facilities_passed",
  "facilities_failed",
  "facilities_not_inspected",
  "actions_opened",
  "fixes_reported",
  "actions_verified",
  "actions_overdue_at_end",
];
const HEADLINE = ["inspections", "facilities_inspected", "facilities_passed", "facilities_failed", "facilities_not_inspected", "actions_overdue_at_end"];
const RESULTS = ["facilities_passed", "facilities_failed", "facilities_not_inspected"];
const ACTIONS = ["actions_opened", "fixes_reported", "actions_verified", "actions_overdue_at_end"];
const NATIONWIDE = "Toàn quốc";
const LONGEST_DAYS = 3 * 366;

/** @typedef {{pick: string, year: number, from: string, to: string}} Choice from, to: ISO days */
/** The last choice, kept while the app is open. @type {Choice} */
const choice = { pick: "year", year: new Date().getFullYear(), from: "", to: "" };

/**
 * The days a choice covers (docs/reports.md): a year; its first half (sơ kết); the school
 * year ending in it, 1 September to 31 August (tổng kết); or two typed days (`from` and `to`
 * as the date fields read them: ISO, "" or null, with the text typed for the message).
 * @param {Choice} c @param {{from: HTMLInputElement, to: HTMLInputElement}} fields
 * @returns {{start: string, end: string}|{error: string}}
 */
function periodOf(c, fields) {
  const y = c.year;
  if (c.pick === "year") return { start: `${y}-01-01`, end: `${y}-12-31` };
  if (c.pick === "half") return { start: `${y}-01-01`, end: `${y}-06-30` };
  if (c.pick === "schoolYear") return { start: `${y - 1}-09-01`, end: `${y}-08-31` };
  const start = dateValue(fields.from);
  if (!start) return { error: t("report.badDate", { value: fields.from.value.trim() || "…" }) };
  const end = dateValue(fields.to);
  if (!end) return { error: t("report.badDate", { value: fields.to.value.trim() || "…" }) };
  if (end < start) return { error: t("report.backwards") };
  // The server's limit (server/reports/routes.py), said here in the reader's words.
  if ((Date.parse(end) - Date.parse(start)) / 86400000 >= LONGEST_DAYS) return { error: t("report.tooLong") };
  return { start, end };
}

/** @param {{start: string, end: string}} p */
const label = (p) => `${day(p.start)} – ${day(p.end)}`;

/** Passed out of inspected, in per cent to one decimal ("69,1 %"); a dash for none. @param {any} f */
function passRate(f) {
  if (!f.facilities_inspected) return "–";
  return `${number(String(Math.round((1000 * f.facilities_passed) / f.facilities_inspected) / 10))} %`;
}

/** @param {number} n */
const signed = (n) => (n > 0 ? `+${count(n)}` : count(n));

/** @param {HTMLElement} root @param {import("../app.js").Ctx} ctx */
export async function render(root, ctx) {
  append(root, h("h1", { text: t("report.title") }));
  if (!["department", "admin"].includes(ctx.session?.user?.role || "")) {
    append(root, h("p", { text: t("report.notForRole") }));
    return {};
  }
  const status = h("p", { role: "status", class: "muted" });
  const result = h("div", { class: "report" });
  const form = periodForm(async (period) => {
    if (!navigator.onLine) {
      status.textContent = t("report.offline");
      return;
    }
    status.textContent = t("report.loading");
    replace(result); // never the figures of another period under the new choice
    const answer = await request(`/api/reports/period?start=${period.start}&end=${period.end}`, { timeoutMs: 120000 });
    if (!answer.ok) {
      status.textContent = answer.network ? t("report.offline") : t("report.failed", { message: answer.error?.message || answer.status });
      return;
    }
    status.textContent = "";
    replace(result, ...reportView(answer.data, period, status));
  });
  append(root, form, status, result);
  return {};
}

/**
 * The period form; `show` gets the chosen days once they are valid.
 * @param {(period: {start: string, end: string}) => void} show
 */
function periodForm(show) {
  const pick = h(
    "select",
    { id: uid("pick") },
    ["year", "half", "schoolYear", "custom"].map((p) => h("option", { value: p, text: t(`report.pick.${p}`), selected: p === choice.pick })),
  );
  const year = h("select", { id: uid("year") });
  const from = dateInput({ id: uid("from"), value: choice.from });
  const to = dateInput({ id: uid("to"), value: choice.to });
  const hintId = uid("hint");
  from.setAttribute("aria-describedby", hintId);
  to.setAttribute("aria-describedby", hintId);
  const error = h("p", { class: "error", role: "alert" });
  const yearBox = h("div", null, h("label", { for: year.id, text: t("report.year") }), year);
  const days = h(
    "div",
    null,
    h("div", { class: "row" }, h("div", null, h("label", { for: from.id, text: t("report.from") }), from), h("div", null, h("label", { for: to.id, text: t("report.to") }), to)),
    h("p", { id: hintId, class: "hint muted", text: t("report.dateHint") }),
  );
  const sync = () => {
    choice.pick = pick.value;
    const now = new Date().getFullYear();
    const years = Array.from({ length: 7 }, (_, i) => now + 1 - i);
    replace(
      year,
      years.map((y) => h("option", { value: String(y), text: choice.pick === "schoolYear" ? t("report.schoolYear", { from: y - 1, to: y }) : String(y), selected: y === choice.year })),
    );
    yearBox.hidden = choice.pick === "custom";
    days.hidden = choice.pick !== "custom";
  };
  pick.addEventListener("change", sync);
  sync();
  return h(
    "form",
    {
      class: "report-form panel",
      novalidate: true,
      onsubmit: (/** @type {Event} */ e) => {
        e.preventDefault();
        Object.assign(choice, { pick: pick.value, year: Number(year.value), from: dateValue(from) || "", to: dateValue(to) || "" });
        const period = periodOf(choice, { from, to });
        error.textContent = "error" in period ? period.error : "";
        if (!("error" in period)) show(period);
      },
    },
    h("label", { for: pick.id, text: t("report.for") }),
    pick,
    yearBox,
    days,
    error,
    h("button", { type: "submit", class: "primary", text: t("report.show") }),
  );
}

/**
 * The report on screen: headline, downloads, tables each with its chart.
 * @param {any} r the server's report (themes and veto events named in both languages)
 * @param {{start: string, end: string}} period @param {HTMLElement} status
 */
function reportView(r, period, status) {
  const cur = r.current;
  const prev = r.previous;
  const scope = r.scope === NATIONWIDE ? t("report.country") : r.scope;
  const series = [t("report.current"), t("report.previous")];
  const themes = cur.themes.map((/** @type {any} */ x) => ({ ...x, title: tx(x.text) || x.title }));
  /** @param {string[]} keys */
  const rows = (keys) => keys.map((k) => ({ label: t(`report.${k}`), values: [cur[k], prev[k]] }));
  /** @param {{label: string, values: number[]}[]} data */
  const words = (data) => data.map((d) => `${d.label}: ${d.values.map(count).join(" / ")}`).join("; ");
  return [
    h("h2", { text: t("report.heading", { scope, period: label(cur.period) }) }),
    h("p", { class: "muted", text: t("report.comparedWith", { period: label(prev.period) }) }),
    h("h3", { text: t("report.headline") }),
    h(
      "ul",
      { class: "figures" },
      HEADLINE.map((k) =>
        h(
          "li",
          null,
          h("span", { class: "name", text: t(`report.${k}`) }),
          h("span", { class: "value", text: count(cur[k]) }),
          h("span", { class: "before", text: t("report.before", { n: count(prev[k]) }) }),
        ),
      ),
      h(
        "li",
        null,
        h("span", { class: "name", text: t("report.passRate") }),
        h("span", { class: "value", text: passRate(cur) }),
        h("span", { class: "before", text: t("report.before", { n: passRate(prev) }) }),
      ),
    ),
    downloads(period, status),
    table(
      t("report.summary"),
      [t("report.indicator"), t("report.current"), t("report.previous"), t("report.change")],
      [...SUMMARY.map((k) => [t(`report.${k}`), count(cur[k]), count(prev[k]), signed(cur[k] - prev[k])]), [t("report.passRate"), passRate(cur), passRate(prev), ""]],
    ),
    chart(t("report.chartResults"), rows(RESULTS), series),
    table(
      t("report.byKind"),
      [t("report.kind"), t("report.ownership"), t("report.facilities")],
      r.by_kind_and_ownership.map((/** @type {any} */ c) => {
        const [kind, owner] = c.key.split("/");
        return [t(`kind.${kind}`), t(`report.ownership.${owner}`), count(c.count)];
      }),
      2,
    ),
    themes.length
      ? [
          table(t("report.themes"), [t("report.theme"), t("report.failedChecks"), t("report.facilities")], themes.map((/** @type {any} */ x) => [x.title, count(x.failed_checks), count(x.facilities)])),
          chart(t("report.chartThemes"), themes.map((/** @type {any} */ x) => ({ label: x.title, values: [x.failed_checks] })), series.slice(0, 1)),
        ]
      : [h("h3", { text: t("report.themes") }), h("p", { class: "empty", text: t("report.none") })],
    cur.vetoes.length
      ? table(t("report.vetoes"), [t("report.veto"), t("report.times")], cur.vetoes.map((/** @type {any} */ v) => [tx(v.text) || v.label, count(v.count)]))
      : [h("h3", { text: t("report.vetoes") }), h("p", { class: "empty", text: t("report.none") })],
    chart(`${t("report.chartActions")}`, rows(ACTIONS), series, words(rows(ACTIONS))),
  ].flat();

  /**
   * @param {string} title @param {{label: string, values: number[]}[]} data @param {string[]} names
   * @param {string} [extra] the figures in words when no table beside the chart holds them
   */
  function chart(title, data, names, extra) {
    const id = uid("chart");
    return h(
      "figure",
      { class: "report-chart", "aria-labelledby": id },
      h("figcaption", { id, text: title }),
      barChart(data, names, `${title}. ${extra || words(data)}`, count),
    );
  }
}

/**
 * A table with its caption, in a box that scrolls sideways on a narrow phone.
 * @param {string} caption @param {string[]} head @param {string[][]} rows
 * @param {number} [texts] how many columns hold words; numbers after them
 */
function table(caption, head, rows, texts = 1) {
  return h(
    "div",
    { class: "table-scroll", role: "region", tabindex: "0", "aria-label": caption },
    h(
      "table",
      { class: "data" },
      h("caption", { text: caption }),
      h("thead", null, h("tr", null, head.map((x, i) => h("th", { scope: "col", class: i >= texts ? "num" : null, text: x })))),
      h("tbody", null, rows.map((row) => h("tr", null, row.map((x, i) => (i ? h("td", { class: i >= texts ? "num" : null, text: x }) : h("th", { scope: "row", text: x })))))),
    ),
  );
}

/**
 * Buttons that fetch the report as XLSX and PDF (with the token) and save them, both in the
 * language of the screen.
 * @param {{start: string, end: string}} period @param {HTMLElement} status
 */
function downloads(period, status) {
  const query = `start=${period.start}&end=${period.end}`;
  /** @param {string} ext @param {string} text */
  const button = (ext, text) =>
    h("button", {
      type: "button",
      class: "secondary",
      text,
      onclick: async () => {
        const name = `bao-cao-${period.start}-${period.end}.${ext}`;
        const got = await download(`/api/reports/period.${ext}?${query}${lang() === "en" ? "&lang=en" : ""}`);
        if (!got.blob) {
          status.textContent = t("report.downloadFailed", { code: got.code });
          return;
        }
        saveBlob(got.blob, name);
        status.textContent = t("report.downloaded", { name });
      },
    });
  return h("div", { class: "downloads", role: "group", "aria-label": t("report.download") }, button("xlsx", t("report.xlsx")), button("pdf", t("report.pdf")));
}
