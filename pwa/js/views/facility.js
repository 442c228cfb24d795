// One facility: what the phone knows about it, the checklists that apply to its kind, and
// its drafts. Starting an inspection creates a draft at once (it survives anything).

import { formsFor } from "../data.js";
import { append, h } from "../dom.js";
import { t, tx, when } from "../i18n.js";
import { startDraft } from "../inspections.js";
import * as store from "../store.js";
import { latestLocal, statusBadge } from "./facilities.js";

/** @param {HTMLElement} root @param {import("../app.js").Ctx} ctx @param {string[]} params */
export async function render(root, ctx, params) {
  const code = params[0] || "";
  /** @type {import("../data.js").Facility|undefined} */
  const facility = await store.get("facilities", code);
  const back = h("a", { class: "back", href: "#/facilities", text: t("common.back") });
  if (!facility) {
    append(root, back, h("p", { role: "alert", text: t("facility.notFound") }));
    return {};
  }
  const forms = await formsFor(facility.kind);
  /** @type {import("../store.js").Inspection[]} */
  const drafts = (await store.inspectionsWith("draft")).filter((i) => i.facility_code === code);
  const status = await store.get("statuses", code);
  const local = (await latestLocal()).get(code);

  append(root, 
    back,
    h("h1", { text: facility.name }),
    h("p", { class: "meta", text: `${facility.code} · ${t(`kind.${facility.kind}`)} · ${facility.commune_name}` }),
    facility.address ? h("p", { class: "muted", text: facility.address }) : null,
    h("p", null, statusBadge(/** @type {any} */ (status), local)),
    h("a", { class: "button secondary site-link", href: `#/site/${encodeURIComponent(code)}`, text: t("site.open") }),
    h("h2", { text: t("facility.checklists") }),
    forms.length
      ? h(
          "ul",
          { class: "cards" },
          forms.map((form) =>
            h(
              "li",
              { class: "card" },
              h("span", { class: "title", text: tx(form.definition.title) }),
              h("span", { class: "meta", text: t("facility.version", { v: form.version }) }),
              h("button", {
                type: "button",
                class: "primary start",
                text: t("facility.start"),
                "aria-label": `${t("facility.start")}: ${tx(form.definition.title)}`,
                onclick: async () => {
                  const draft = await startDraft(facility, form);
                  ctx.navigate(`#/inspection/${draft.id}`);
                },
              }),
            ),
          ),
        )
      : h("p", { text: t("facility.noForms") }),
    drafts.length ? h("h2", { text: t("facility.drafts") }) : null,
    drafts.length
      ? h(
          "ul",
          { class: "cards" },
          drafts.map((d) =>
            h(
              "li",
              null,
              h(
                "a",
                { class: "card", href: `#/inspection/${d.id}` },
                h("span", { class: "title", text: t("drafts.resume") }),
                h("span", { class: "meta", text: t("drafts.updated", { time: when(d.updated_at) }) }),
              ),
            ),
          ),
        )
      : null,
  );
  return {};
}
