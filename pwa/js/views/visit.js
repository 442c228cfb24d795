// One planned visit on the inspector's phone: the site, the window, the plan and its team.
// Starting it opens the facility's checklist with the team on the minutes filled in from
// the plan; a draft already begun for it is resumed instead. Works offline.

import { formsFor } from "../data.js";
import { append, h } from "../dom.js";
import { t, tx, when } from "../i18n.js";
import { startDraft } from "../inspections.js";
import { cachedVisit, inspectionsByVisit, minutesTeam, refreshSchedule, shownState } from "../plans.js";
import { statePill, windowText } from "./schedule.js";

/** @param {HTMLElement} root @param {import("../app.js").Ctx} ctx @param {string[]} params */
export async function render(root, ctx, params) {
  const back = h("a", { class: "back", href: "#/schedule", text: t("common.back") });
  const id = Number(params[0]);
  // A notice may open a visit the phone has not fetched yet.
  const visit = (await cachedVisit(id)) || (navigator.onLine && (await refreshSchedule()) ? await cachedVisit(id) : undefined);
  if (!visit) {
    append(root, back, h("p", { role: "alert", text: t("visit.notFound") }));
    return {};
  }
  const local = (await inspectionsByVisit()).get(visit.id) || [];
  const state = shownState(visit, local);
  const draft = local.find((i) => i.status === "draft");
  const forms = await formsFor(visit.facility_kind);

  append(
    root,
    back,
    h("h1", { text: visit.facility_name }),
    h("p", { class: "meta", text: `${visit.facility_code} · ${t(`kind.${visit.facility_kind}`)} · ${visit.commune_name}` }),
    h("p", null, statePill(state)),
    h("p", { text: windowText(visit) }),
    h("p", { class: "meta", text: t("visit.plan", { name: visit.plan_name }) }),
    h("h2", { text: t("visit.team", { name: visit.team }) }),
    h(
      "ul",
      { class: "team-list" },
      visit.members.map((m) => h("li", { text: `${m.name} · ${m.agency}${m.role === "lead" ? ` · ${t("team.role.lead")}` : ""}` })),
    ),
    draft ? h("a", { class: "button primary", href: `#/inspection/${draft.id}`, text: t("visit.resume") }) : null,
    draft ? h("p", { class: "meta", text: t("drafts.updated", { time: when(draft.updated_at) }) }) : null,
    !draft && state !== "done" ? startButtons(ctx, visit, forms) : null,
    state === "done" ? h("a", { class: "button secondary", href: `#/site/${encodeURIComponent(visit.facility_code)}`, text: t("site.open") }) : null,
  );
  return {};
}

/**
 * One button per checklist that applies to the site.
 * @param {import("../app.js").Ctx} ctx @param {import("../plans.js").Visit} visit
 * @param {import("../data.js").Form[]} forms
 */
function startButtons(ctx, visit, forms) {
  if (!forms.length) return h("p", { text: t("facility.noForms") });
  return h(
    "div",
    { class: "actions" },
    forms.map((form) =>
      h("button", {
        type: "button",
        class: "primary start",
        text: forms.length === 1 ? t("visit.start") : `${t("visit.start")}: ${tx(form.definition.title)}`,
        onclick: async () => {
          const facility = { code: visit.facility_code, name: visit.facility_name };
          const draft = await startDraft(facility, form, { team: minutesTeam(visit.members), plan_visit: visit.id });
          ctx.navigate(`#/inspection/${draft.id}`);
        },
      }),
    ),
  );
}
