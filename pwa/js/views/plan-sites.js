// The plan form's sites: each with a team and a window, picked by hand (searched by name or
// code, accents optional) or by a filter over the department list: statuses, kind,
// communes, overdue corrective actions — e.g. every non-compliant or overdue preschool in
// two communes. What a filter finds is added to the list, where it can still be changed.

import { request, requestAll } from "../api.js";
import { LIST_PAGE } from "../data.js";
import { dateInput, dateValue } from "../dates.js";
import { h, replace, uid } from "../dom.js";
import { t } from "../i18n.js";

/** @typedef {import("./plan-teams.js").FormParts} FormParts */
/** @typedef {import("../plan-form-state.js").SiteDraft} SiteDraft */

const STATUSES = ["non_compliant", "overdue", "not_inspected", "compliant"];
const KINDS = ["preschool", "independent_childcare", "primary", "lower_secondary", "upper_secondary", "multi_level", "after_hours_childcare"];

/** @param {FormParts} form */
export function sitesSection(form) {
  const province = form.draft.province;
  const list = h("ol", { class: "cards plan-sites" });
  const count = h("p", { class: "count", role: "status" });
  const draw = () => {
    replace(list, form.draft.sites.map((s, n) => siteCard(form, s, n, draw)));
    count.textContent = t("planForm.siteCount", { n: form.draft.sites.length });
    form.changed();
  };
  /** @param {any[]} rows compliance rows */
  const addRows = (rows) => {
    let added = 0;
    for (const row of rows) {
      const f = row.facility;
      if (form.draft.sites.some((s) => s.code === f.code)) continue;
      form.draft.sites.push({ code: f.code, name: f.name, commune: f.commune_name, team: 0, start: form.draft.start, end: form.draft.end });
      added += 1;
    }
    draw();
    return added;
  };
  replace(list, form.draft.sites.map((s, n) => siteCard(form, s, n, draw)));
  count.textContent = t("planForm.siteCount", { n: form.draft.sites.length });
  return h(
    "section",
    { class: "panel" },
    h("h2", { text: t("planForm.sites") }),
    count,
    list,
    searchPart(province, addRows),
    filterPart(province, addRows),
  );
}

/** @param {FormParts} form @param {SiteDraft} s @param {number} n @param {() => void} draw */
function siteCard(form, s, n, draw) {
  const team = h("select", { disabled: s.done }, form.draft.teams.map((x, k) => h("option", { value: String(k), text: x.name.trim() || t("planForm.team", { n: k + 1 }) })));
  team.value = String(Math.min(s.team, form.draft.teams.length - 1));
  team.addEventListener("change", () => {
    s.team = Number(team.value);
    form.changed();
  });
  /** @param {"start"|"end"} key */
  const date = (key) => {
    const input = dateInput({ value: s[key], disabled: s.done });
    input.addEventListener("input", () => {
      // Half-typed stays as typed (kept with the draft); the server names it if sent so.
      s[key] = dateValue(input) ?? input.value;
      form.changed();
    });
    return input;
  };
  const path = `sites[${n}]`;
  return h(
    "li",
    { class: `card plan-site${s.done ? " done" : ""}` },
    h("span", { class: "title", text: s.name }),
    h("span", { class: "meta", text: `${s.code} · ${s.commune}` }),
    s.done ? h("span", { class: "pill visit-done", text: t("plan.state.done") }) : null,
    form.field(path, "", h("span")),
    form.field(`${path}.team`, t("planForm.siteTeam"), team),
    h("div", { class: "row dates" }, form.field(`${path}.start`, t("planForm.from"), date("start")), form.field(`${path}.end`, t("planForm.to"), date("end"))),
    s.done
      ? null
      : h("button", {
          type: "button",
          class: "secondary small",
          text: t("planForm.removeSite", { name: s.name }),
          onclick: () => {
            form.draft.sites.splice(n, 1);
            draw();
          },
        }),
  );
}

/**
 * Search the department list by name or code; each result can be added.
 * @param {string} province @param {(rows: any[]) => number} addRows
 */
function searchPart(province, addRows) {
  const id = uid("site-q");
  const q = h("input", { id, type: "search", autocomplete: "off", enterkeyhint: "search" });
  const results = h("ul", { class: "cards results" });
  const status = h("p", { class: "muted", role: "status" });
  const run = async () => {
    const query = new URLSearchParams({ q: q.value.trim(), province, per_page: "20" });
    const got = await request(`/api/compliance/facilities?${query}`);
    if (!got.ok) {
      status.textContent = got.network ? t("planForm.needOnline") : t("plans.failed");
      return;
    }
    status.textContent = got.data.items.length ? "" : t("facilities.noMatch");
    replace(
      results,
      got.data.items.map((/** @type {any} */ row) =>
        h(
          "li",
          { class: "card" },
          h("span", { class: "title", text: row.facility.name }),
          h("span", { class: "meta", text: `${row.facility.code} · ${row.facility.commune_name} · ${t(`status.${row.status}`)}` }),
          h("button", { type: "button", class: "secondary small", text: t("planForm.add", { name: row.facility.name }), onclick: () => addRows([row]) }),
        ),
      ),
    );
  };
  q.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      run();
    }
  });
  return h(
    "div",
    { class: "site-search", role: "search" },
    h("label", { for: id, text: t("planForm.search") }),
    h("div", { class: "inline" }, q, h("button", { type: "button", class: "secondary", text: t("planForm.find"), onclick: run })),
    status,
    results,
  );
}

/**
 * The filter; "Thêm" adds every site it finds (each status and commune asked of the list).
 * @param {string} province @param {(rows: any[]) => number} addRows
 */
function filterPart(province, addRows) {
  const boxes = STATUSES.map((s) => h("input", { type: "checkbox", value: s, checked: s === "non_compliant" || s === "overdue" }));
  const kind = h("select", { id: uid("kind") }, h("option", { value: "", text: t("facilities.all") }), KINDS.map((k) => h("option", { value: k, text: t(`kind.${k}`) })));
  const overdue = h("input", { type: "checkbox" });
  const communes = h("div", { class: "options communes" });
  const status = h("p", { class: "muted", role: "status" });
  request(`/api/units/communes?province=${encodeURIComponent(province)}`).then((got) => {
    if (got.ok) replace(communes, got.data.map((/** @type {any} */ c) => h("label", { class: "opt" }, h("input", { type: "checkbox", value: c.code }), h("span", { text: c.name }))));
  });
  const run = async () => {
    const statuses = boxes.filter((b) => b.checked).map((b) => b.value);
    const chosen = [...communes.querySelectorAll("input:checked")].map((b) => /** @type {HTMLInputElement} */ (b).value);
    const rows = [];
    for (const st of statuses.length ? statuses : [""]) {
      for (const commune of chosen.length ? chosen : [""]) {
        const query = new URLSearchParams({ province, ...(st && { status: st }), ...(commune && { commune }), ...(kind.value && { kind: kind.value }), ...(overdue.checked && { overdue_actions: "true" }) });
        // Every page: a province's filter can match more sites than one page holds.
        const got = await requestAll(`/api/compliance/facilities?${query}`, LIST_PAGE);
        if (!got.ok) {
          status.textContent = got.network ? t("planForm.needOnline") : t("plans.failed");
          return;
        }
        rows.push(...got.data.items);
      }
    }
    status.textContent = t("planForm.filterAdded", { n: addRows(rows), found: rows.length });
  };
  const kindLabel = h("label", { for: kind.id, text: t("facilities.kind") });
  return h(
    "fieldset",
    { class: "site-filter" },
    h("legend", { text: t("planForm.filter") }),
    h("p", { class: "muted", text: t("planForm.filterHelp") }),
    h("div", { class: "options n2" }, boxes.map((b) => h("label", { class: "opt" }, b, h("span", { text: t(`status.${b.value}`) })))),
    kindLabel,
    kind,
    h("p", { class: "label", text: t("planForm.communes") }),
    communes,
    h("label", { class: "opt" }, overdue, h("span", { text: t("planForm.overdueOnly") })),
    h("button", { type: "button", class: "secondary", text: t("planForm.addFiltered"), onclick: run }),
    status,
  );
}
