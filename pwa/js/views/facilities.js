// Facility picker: the facilities in the inspector's scope (from the phone's copy), searched
// by name or code without needing accents, filtered by commune and kind, each with its
// latest known status: an inspection completed on this phone since the server's status was
// fetched shows as "Chờ gửi" until sent, then with the server's result (its receipt), then
// the server's status once refreshed; all without reloading. Sites with a visit assigned to
// this inspector and not yet made come first (soonest window end first, marked with it),
// then overdue sites, then the rest by name.

import { append, fold, h, replace, uid } from "../dom.js";
import { refreshStatuses } from "../data.js";
import { day } from "../dates.js";
import { t, when } from "../i18n.js";
import { cachedSchedule, inspectionsByVisit, shownState } from "../plans.js";
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

/**
 * The visits assigned to this account still to make (not done, not sent from this phone),
 * the one ending soonest per facility.
 * @param {import("../plans.js").Schedule|undefined} schedule
 * @returns {Promise<Map<string, import("../plans.js").Visit>>}
 */
async function visitsToMake(schedule) {
  const local = await inspectionsByVisit();
  /** @type {Map<string, import("../plans.js").Visit>} */
  const by = new Map();
  for (const v of schedule?.visits || []) {
    const state = shownState(v, local.get(v.id));
    if (state !== "pending" && state !== "late" && state !== "draft") continue;
    const seen = by.get(v.facility_code);
    if (!seen || v.end < seen.end) by.set(v.facility_code, v);
  }
  return by;
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
 * @param {import("../plans.js").Visit|undefined} visit an assigned visit still to make
 */
function facilityCard(f, status, local, visit) {
  return h(
    "li",
    null,
    h(
      "a",
      { class: "card", href: `#/facility/${encodeURIComponent(f.code)}` },
      h("span", { class: "title", text: f.name }),
      h("span", { class: "meta", text: `${f.code} · ${f.commune_name} · ${t(`kind.${f.kind}`)}` }),
      statusBadge(status, local),
      visit ? h("span", { class: `pill visit-${visit.state}`, text: t(visit.state === "late" ? "facilities.visitLate" : "facilities.visitDue", { date: day(visit.end) }) }) : null,
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
  /** @type {Map<string, import("../plans.js").Visit>} */
  let visits = new Map();
  /** When the schedule shown was fetched: a newer one re-sorts the list. */
  let scheduleAt = "";

  async function load() {
    facilities = await store.all("facilities");
    statuses = new Map((/** @type {Status[]} */ (await store.all("statuses"))).map((s) => [s.code, s]));
    const schedule = await cachedSchedule();
    scheduleAt = schedule?.at || "";
    visits = await visitsToMake(schedule);
    const due = (/** @type {Facility} */ f) => visits.get(f.code)?.end || "9999-12-31";
    const byDue = (/** @type {Facility} */ a, /** @type {Facility} */ b) => (due(a) < due(b) ? -1 : due(a) > due(b) ? 1 : 0);
    const overdue = (/** @type {Facility} */ f) => (statuses.get(f.code)?.status === "overdue" ? 0 : 1);
    facilities.sort((a, b) => byDue(a, b) || overdue(a) - overdue(b) || a.name.localeCompare(b.name, "vi"));
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
    replace(list, matches.slice(0, limit).map((f) => facilityCard(f, statuses.get(f.code), local.get(f.code), visits.get(f.code))));
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
      else if (stores.includes("meta")) {
        cachedSchedule().then((s) => {
          if ((s?.at || "") !== scheduleAt) load();
        });
      }
    },
    // Records were sent: the server's status of their sites changed.
    onSync: () => {
      if (navigator.onLine) refreshStatuses().catch(() => undefined);
    },
  };
}
