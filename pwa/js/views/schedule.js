// "Lịch kiểm tra": the inspector's planned visits, from the phone's copy (works offline),
// undone first and by window, late ones marked. Each opens its visit (views/visit.js).
// Refreshed from the server on opening and after each sync, so a visit done shows done.

import { append, h, replace } from "../dom.js";
import { t, when } from "../i18n.js";
import { byWindow, cachedSchedule, inspectionsByVisit, refreshSchedule, shownState } from "../plans.js";
import { day } from "../dates.js";

/** @typedef {import("../plans.js").Visit} Visit */

/** A visit's state as a pill. @param {import("../plans.js").ShownState} state */
export function statePill(state) {
  return h("span", { class: `pill visit-${state}`, text: t(`plan.state.${state}`) });
}

/** @param {Visit} v */
export function windowText(v) {
  return t("plan.window", { start: day(v.start), end: day(v.end) });
}

/** @param {HTMLElement} root @param {import("../app.js").Ctx} ctx */
export async function render(root, ctx) {
  const list = h("ul", { class: "cards schedule" });
  const asOf = h("p", { class: "muted" });
  const count = h("p", { class: "count", role: "status" });
  append(root, h("h1", { text: t("schedule.title") }), count, list, asOf);

  async function show() {
    const schedule = await cachedSchedule();
    const local = await inspectionsByVisit();
    const visits = byWindow(schedule?.visits || []);
    asOf.textContent = schedule ? t("schedule.asOf", { time: when(schedule.at) }) : t("schedule.never");
    count.textContent = visits.length ? t("schedule.count", { n: visits.filter((v) => v.state !== "done").length }) : t("schedule.empty");
    replace(
      list,
      visits.map((v) => {
        const state = shownState(v, local.get(v.id));
        return h(
          "li",
          null,
          h(
            "a",
            { class: `card visit state-${state}`, href: `#/visit/${v.id}` },
            h("span", { class: "title", text: v.facility_name }),
            h("span", { class: "meta", text: `${v.facility_code} · ${v.commune_name}` }),
            h("span", { text: windowText(v) }),
            h("span", { class: "meta", text: `${v.plan_name} · ${v.team}` }),
            statePill(state),
          ),
        );
      }),
    );
  }

  const refresh = async () => {
    if (navigator.onLine && (await refreshSchedule())) await show();
  };
  await show();
  refresh();
  return {
    onChange: (/** @type {string[]} */ stores) => {
      if (stores.includes("inspections") || stores.includes("meta")) show();
    },
    onSync: refresh,
  };
}
