// Facility picker: the facilities in the inspector's scope (from the phone's copy), searched
// by name or code without needing accents, filtered by commune and kind, each with its last
// known status (the server's, or else the latest result on this phone).

import { append, fold, h, replace, uid } from "../dom.js";
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

/** @param {HTMLElement} root @param {import("../app.js").Ctx} ctx */
export async function render(root, ctx) {
  const searchId = uid("q");
  const communeId = uid("commune");
  const kindId = uid("kind");
  const search = h("input", { id: searchId, type: "search", value: filters.q, autocomplete: "off", enterkeyhint: "search" });
  const commune = h("select", { id: communeId });
  const kind = h("select", { id: kindId });
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
    facilities.sort((a, b) => a.name.localeCompare(b.name, "vi"));
    statuses = new Map((/** @type {Status[]} */ (await store.all("statuses"))).map((s) => [s.code, s]));
    local = await latestLocal();
    const communes = new Map(facilities.map((f) => [f.commune_code, f.commune_name]));
    replace(
      commune,
      h("option", { value: "", text: t("facilities.all") }),
      [...communes].sort((a, b) => a[1].localeCompare(b[1], "vi")).map(([code, name]) => h("option", { value: code, text: name })),
    );
    commune.value = communes.has(filters.commune) ? filters.commune : "";
    const kinds = new Set(facilities.map((f) => f.kind));
    replace(
      kind,
      h("option", { value: "", text: t("facilities.all") }),
      KINDS.filter((k) => kinds.has(k)).map((k) => h("option", { value: k, text: t(`kind.${k}`) })),
    );
    kind.value = kinds.has(filters.kind) ? filters.kind : "";
    updated.textContent = t("facilities.updated", { time: when(await store.getMeta("facilities_at")) });
    show();
  }

  function show() {
    filters.q = search.value;
    filters.commune = commune.value;
    filters.kind = kind.value;
    const words = fold(filters.q).split(" ").filter(Boolean);
    const matches = facilities.filter(
      (f) =>
        (!filters.commune || f.commune_code === filters.commune) &&
        (!filters.kind || f.kind === filters.kind) &&
        words.every((w) => f.search.includes(w)),
    );
    replace(
      list,
      matches.slice(0, limit).map((f) =>
        h(
          "li",
          null,
          h(
            "a",
            { class: "card", href: `#/facility/${encodeURIComponent(f.code)}` },
            h("span", { class: "title", text: f.name }),
            h("span", { class: "meta", text: `${f.code} · ${f.commune_name} · ${t(`kind.${f.kind}`)}` }),
            statusBadge(statuses.get(f.code), local.get(f.code)),
          ),
        ),
      ),
    );
    more.hidden = matches.length <= limit;
    count.textContent = facilities.length
      ? matches.length
        ? t("facilities.count", { shown: Math.min(limit, matches.length), total: matches.length })
        : t("facilities.noMatch")
      : t("facilities.empty");
  }

  search.addEventListener("input", () => {
    limit = PAGE;
    show();
  });
  commune.addEventListener("change", () => {
    limit = PAGE;
    show();
  });
  kind.addEventListener("change", () => {
    limit = PAGE;
    show();
  });
  more.addEventListener("click", () => {
    limit += PAGE;
    show();
  });

  append(root, 
    h("h1", { text: t("facilities.title") }),
    h(
      "div",
      { class: "filters", role: "search" },
      h("label", { for: searchId, text: t("facilities.search") }),
      search,
      h(
        "div",
        { class: "row" },
        h("div", null, h("label", { for: communeId, text: t("facilities.commune") }), commune),
        h("div", null, h("label", { for: kindId, text: t("facilities.kind") }), kind),
      ),
    ),
    count,
    list,
    more,
    updated,
  );
  await load();
  requestAnimationFrame(() => performance.mark("safeschool:facilities-ready"));
  return {
    onChange: (/** @type {string[]} */ stores) => {
      if (stores.some((s) => s === "facilities" || s === "statuses")) load();
    },
  };
}
