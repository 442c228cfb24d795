// Facility picker: the facilities in the inspector's scope (from the phone's copy), searched
// by name or code without needing accents, filtered by commune and kind, each with its
// latest known status: an inspection completed on this phone since the server's status was
// fetched shows as "Chờ gửi" until sent, then with the server's result (its receipt), then
// the server's status once refreshed; all without reloading. Overdue sites come first.

import { append, fold, h, replace, uid } from "../dom.js";
import { refreshStatuses } from "../data.js";
import { t, when } from "../i18n.js";
import * as store from "../store.js";

/** @typedef {import("../data.js").Facility} Facility */
/** @typedef {import("../data.js").Status} Status */

const PAGE = 50;
const KINDS = ["preschool", "independent_childcare", "primary", "lower_secondary", "upper_secondary", "multi_level", "after_hours_childcare"];
/** Filters survive leaving and coming back to the list. */
const filters = { q: "", commune: "", kind: "" };

/**
 * The status line of a facility.
 * @param {Status|undefined} status @param {import("../store.js").Inspection|undefined} local
 */
export function statusBadge(status, local) {
  const newer = local && local.completed_at && (!status?.last_completed_at || local.completed_at > status.last_completed_at);
  if (local && newer) {
    if (local.status === "queued" || local.status === "sending") return h("span", { class: "pill state-queued", text: t("facilities.pending") });
    if (local.status === "attention") return h("span", { class: "pill state-attention", text: t("facilities.attention") });
    if (local.receipt) {
      const result = local.receipt.result || "not_assessed";
      return h("span", { class: `pill result-${result}`, text: t("facilities.received", { result: t(`result.${result}`), score: local.receipt.score_display || "" }).trim() });
    }
  }
  if (status && status.status) {
    return h("span", { class: `pill status-${status.status}`, text: t(`status.${status.status}`) });
  }
  if (local) {
    const result = local.receipt?.result || local.preview?.result || "not_assessed";
    const score = local.receipt?.score_display || local.preview?.score_display || "";
    return h("span", { class: `pill result-${result}`, text: t("status.local", { result: t(`result.${result}`), score }) });
  }
  return h("span", { class: "pill status-unknown", text: t("status.unknown") });
}

/** Latest completed inspection on this phone per facility. */
export async function latestLocal() {
  /** @type {import("../store.js").Inspection[]} */
  const inspections = await store.all("inspections");
  /** @type {Map<string, import("../store.js").Inspection>} */
  const latest = new Map();
  for (const i of inspections) {
    if (i.status === "draft" || !i.completed_at) continue;
    const seen = latest.get(i.facility_code);
    if (!seen || String(seen.completed_at) < i.completed_at) latest.set(i.facility_code, i);
  }
  return latest;
}

/**
 * Fill a filter's choices ("all" first) and keep the wanted choice when it is still offered.
 * @param {HTMLSelectElement} select @param {[string, string][]} options value and label
 * @param {string} wanted
 */
function fillChoices(select, options, wanted) {
  replace(
    select,
    h("option", { value: "", text: t("facilities.all") }),
    options.map(([value, text]) => h("option", { value, text })),
  );
  select.value = options.some(([value]) => value === wanted) ? wanted : "";
}

/**
 * One facility of the list, linking to its page.
 * @param {Facility} f @param {Status|undefined} status
 * @param {import("../store.js").Inspection|undefined} local
 */
function facilityCard(f, status, local) {
  return h(
    "li",
    null,
    h(
      "a",
      { class: "card", href: `#/facility/${encodeURIComponent(f.code)}` },
      h("span", { class: "title", text: f.name }),
      h("span", { class: "meta", text: `${f.code} · ${f.commune_name} · ${t(`kind.${f.kind}`)}` }),
      statusBadge(status, local),
    ),
  );
}

/** The facilities that pass the filters. @param {Facility[]} facilities */
function matching(facilities) {
  const words = fold(filters.q).split(" ").filter(Boolean);
  return facilities.filter(
    (f) =>
      (!filters.commune || f.commune_code === filters.commune) &&
      (!filters.kind || f.kind === filters.kind) &&
      words.every((w) => f.search.includes(w)),
  );
}

/** How many are shown of how many. @param {number} total @param {number} matches @param {number} limit */
function countText(total, matches, limit) {
  if (!total) return t("facilities.empty");
  if (!matches) return t("facilities.noMatch");
  return t("facilities.count", { shown: Math.min(limit, matches), total: matches });
}

/** The search box and the two filters, labelled.
 * @param {HTMLInputElement} search @param {HTMLSelectElement} commune @param {HTMLSelectElement} kind */
function filterBar(search, commune, kind) {
  return h(
    "div",
    { class: "filters", role: "search" },
    h("label", { for: search.id, text: t("facilities.search") }),
    search,
    h(
      "div",
      { class: "row" },
      h("div", null, h("label", { for: commune.id, text: t("facilities.commune") }), commune),
      h("div", null, h("label", { for: kind.id, text: t("facilities.kind") }), kind),
    ),
  );
}

/** @param {HTMLElement} root @param {import("../app.js").Ctx} ctx */
export async function render(root, ctx) {
  const search = h("input", { id: uid("q"), type: "search", value: filters.q, autocomplete: "off", enterkeyhint: "search" });
  const commune = h("select", { id: uid("commune") });
  const kind = h("select", { id: uid("kind") });
  const count = h("p", { class: "count", role: "status" });
  const list = h("ul", { class: "cards facilities" });
  const more = h("button", { type: "button", class: "secondary", text: t("common.more"), hidden: true });
  const updated = h("p", { class: "muted" });
  let limit = PAGE;

  /** @type {Facility[]} */
  let facilities = [];
  /** @type {Map<string, Status>} */
  let statuses = new Map();
  /** @type {Map<string, any>} */
  let local = new Map();

  async function load() {
    facilities = await store.all("facilities");
    statuses = new Map((/** @type {Status[]} */ (await store.all("statuses"))).map((s) => [s.code, s]));
    const overdue = (/** @type {Facility} */ f) => (statuses.get(f.code)?.status === "overdue" ? 0 : 1);
    facilities.sort((a, b) => overdue(a) - overdue(b) || a.name.localeCompare(b.name, "vi"));
    local = await latestLocal();
    const communes = new Map(facilities.map((f) => [f.commune_code, f.commune_name]));
    fillChoices(commune, [...communes].sort((a, b) => a[1].localeCompare(b[1], "vi")), filters.commune);
    const kinds = new Set(facilities.map((f) => f.kind));
    fillChoices(kind, KINDS.filter((k) => kinds.has(k)).map((k) => [k, t(`kind.${k}`)]), filters.kind);
    updated.textContent = t("facilities.updated", { time: when(await store.getMeta("facilities_at")) });
    show();
  }

  function show() {
    filters.q = search.value;
    filters.commune = commune.value;
    filters.kind = kind.value;
    const matches = matching(facilities);
    replace(list, matches.slice(0, limit).map((f) => facilityCard(f, statuses.get(f.code), local.get(f.code))));
    more.hidden = matches.length <= limit;
    count.textContent = countText(facilities.length, matches.length, limit);
  }

  for (const [input, type] of /** @type {const} */ ([[search, "input"], [commune, "change"], [kind, "change"]])) {
    input.addEventListener(type, () => {
      limit = PAGE;
      show();
    });
  }
  more.addEventListener("click", () => {
    limit += PAGE;
    show();
  });

  append(root, h("h1", { text: t("facilities.title") }), filterBar(search, commune, kind), count, list, more, updated);
  await load();
  requestAnimationFrame(() => performance.mark("safeschool:facilities-ready"));
  return {
    onChange: (/** @type {string[]} */ stores) => {
      if (stores.some((s) => s === "facilities" || s === "statuses" || s === "inspections")) load();
    },
    // Records were sent: the server's status of their sites changed.
    onSync: () => {
      if (navigator.onLine) refreshStatuses().catch(() => undefined);
    },
  };
}
