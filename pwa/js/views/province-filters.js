// The province screen's filters: search (accents optional, the server folds them), commune,
// kind, overdue corrective actions and the sort in view; ownership, checklist (and the
// province, for an admin) one tap further. Every change calls back with the new filters.

import { h, uid } from "../dom.js";
import { t } from "../i18n.js";

/** @typedef {import("../province.js").Filters} Filters */
/** @typedef {{communes: [string, string][], provinces: [string, string][], checklists: [string, string][]}} Choices */

export const KINDS = ["preschool", "independent_childcare", "primary", "lower_secondary", "upper_secondary", "multi_level", "after_hours_childcare"];
const OWNERSHIPS = ["public", "community", "private"];
const SORTS = ["status", "score", "date", "due", "name"];

/**
 * A labelled select with "all" first (or no such choice when `all` is null).
 * @param {string} label @param {[string, string][]} options @param {string} value @param {string|null} [all]
 */
function choice(label, options, value, all = t("facilities.all")) {
  const select = h("select", { id: uid("pf") });
  if (all !== null) select.append(h("option", { value: "", text: all }));
  for (const [v, text] of options) select.append(h("option", { value: v, text }));
  select.value = options.some(([v]) => v === value) ? value : all === null ? options[0][0] : "";
  return { select, field: h("div", { class: "field-stack" }, h("label", { for: select.id, text: label }), select) };
}

/**
 * @param {Filters} filters what is applied now
 * @param {Choices} choices @param {boolean} admin
 * @param {(filters: Filters) => void} onChange called with the form's filters only
 */
export function filterForm(filters, choices, admin, onChange) {
  const search = h("input", { id: uid("pq"), type: "search", value: filters.q || "", autocomplete: "off", enterkeyhint: "search" });
  const commune = choice(t("facilities.commune"), choices.communes, filters.commune || "");
  const kind = choice(t("facilities.kind"), KINDS.map((k) => [k, t(`kind.${k}`)]), filters.kind || "");
  const sort = choice(t("province.sort"), SORTS.map((s) => [s, t(`province.sort.${s}`)]), filters.sort || "status", null);
  const ownership = choice(t("province.ownership"), OWNERSHIPS.map((o) => [o, t(`ownership.${o}`)]), filters.ownership || "");
  const checklist = choice(t("province.checklist"), choices.checklists, filters.checklist || "");
  const province = admin ? choice(t("province.province"), choices.provinces, filters.province || "") : null;
  const overdue = h("input", { id: uid("po"), type: "checkbox", checked: filters.overdue_actions === "true" });

  /** The form's own filters; the status and the order stay the screen's. @param {Event} [event] */
  const read = (event) => {
    /** @type {Filters} */
    const next = {
      q: search.value.trim(),
      commune: commune.select.value,
      kind: kind.select.value,
      sort: sort.select.value === "status" ? "" : sort.select.value,
      ownership: ownership.select.value,
      checklist: checklist.select.value,
      overdue_actions: overdue.checked ? "true" : "",
    };
    if (province) next.province = province.select.value;
    if (province && event?.target === province.select) next.commune = "";
    if (event?.target === sort.select) next.order = ""; // each sort's natural direction
    onChange(next);
  };
  for (const select of [commune, kind, sort, ownership, checklist, province]) select?.select.addEventListener("change", read);
  overdue.addEventListener("change", read);
  let typing = 0;
  search.addEventListener("input", () => {
    clearTimeout(typing);
    typing = window.setTimeout(read, 400);
  });
  search.addEventListener("change", () => {
    clearTimeout(typing);
    read();
  });

  const more = Boolean(filters.ownership || filters.checklist || filters.province);
  return h(
    "div",
    { class: "filters province-filters", role: "search", "aria-label": t("province.filters") },
    h("div", { class: "field-stack search" }, h("label", { for: search.id, text: t("facilities.search") }), search),
    h("div", { class: "row" }, commune.field, kind.field),
    h("div", { class: "row" }, sort.field, h("label", { class: "check", for: overdue.id }, overdue, h("span", { text: t("province.overdueOnly") }))),
    h(
      "details",
      { class: "more-filters", open: more },
      h("summary", { text: t("province.moreFilters") }),
      h("div", { class: "row" }, ownership.field, checklist.field, province?.field),
    ),
  );
}
