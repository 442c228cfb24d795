// One joint inspection plan: its period, agencies, teams and progress, and every visit with
// its state: late visits first and marked, then pending, then done (with the inspection's
// result on the site's screen). A site not visited stays listed. Kept for offline viewing.

import { request } from "../api.js";
import { append, h } from "../dom.js";
import { t, when } from "../i18n.js";
import { day } from "../dates.js";
import * as store from "../store.js";
import { progressLine } from "./plans.js";
import { statePill, windowText } from "./schedule.js";

/** @typedef {import("../plans.js").Plan} Plan */

const ORDER = { late: 0, pending: 1, done: 2 };

/** @param {HTMLElement} root @param {import("../app.js").Ctx} ctx @param {string[]} params */
export async function render(root, ctx, params) {
  const id = Number(params[0]);
  const key = `plan:${id}`;
  const back = h("a", { class: "back", href: "#/plans", text: t("common.back") });
  const got = navigator.onLine ? await request(`/api/plans/${id}`) : null;
  if (got?.ok) await store.setMeta(key, { data: got.data, at: new Date().toISOString() });
  /** @type {{data: Plan, at: string}|undefined} */
  const kept = await store.getMeta(key);
  if (!kept) {
    append(root, back, h("p", { role: "alert", text: got?.error ? t("plan.notFound") : t("plans.offline") }));
    return {};
  }
  const plan = kept.data;
  const visits = [...(plan.visits || [])].sort((a, b) => ORDER[a.state] - ORDER[b.state] || a.end.localeCompare(b.end));
  const edit = ctx.session?.user?.role === "inspector" ? null : h("a", { class: "button secondary", href: `#/plan-form/${id}`, text: t("plan.edit") });
  append(
    root,
    back,
    h("h1", { text: plan.name }),
    h("p", { class: "meta", text: t("plan.period", { start: day(plan.start), end: day(plan.end) }) }),
    h("p", { class: "meta", text: plan.agencies.join(" · ") }),
    progressLine(plan.progress),
    edit,
    h("h2", { text: t("plan.visits", { n: visits.length }) }),
    h(
      "ul",
      { class: "cards visits" },
      visits.map((v) =>
        h(
          "li",
          { class: `card visit state-${v.state}` },
          h("a", { class: "title", href: `#/site/${encodeURIComponent(v.facility_code)}`, text: v.facility_name }),
          h("span", { class: "meta", text: `${v.facility_code} · ${v.commune_name}` }),
          h("span", { text: windowText(v) }),
          h("span", { class: "meta", text: v.team }),
          statePill(v.state),
        ),
      ),
    ),
    h("h2", { text: t("plan.teams") }),
    h(
      "ul",
      { class: "cards" },
      plan.teams.map((team) =>
        h(
          "li",
          { class: "card" },
          h("span", { class: "title", text: team.name }),
          h("ul", { class: "team-list" }, team.members.map((m) => h("li", { text: `${m.name} · ${m.agency}${m.role === "lead" ? ` · ${t("team.role.lead")}` : ""}` }))),
        ),
      ),
    ),
    h("p", { class: "muted", text: t("compliance.asOf", { time: when(kept.at) }) }),
  );
  return {};
}
