// Drafts on this phone of the account signed in (or carrying on offline), newest first, each
// resumable.

import { isMine } from "../account.js";
import { getSession } from "../api.js";
import { allItems, isAnswered, visibleItems } from "../conditions.js";
import { getForm } from "../data.js";
import { append, h, replace } from "../dom.js";
import { t, tx, when } from "../i18n.js";
import { isRequired } from "../scoring.js";
import * as store from "../store.js";

/** @param {import("../data.js").Form} form */
const photoItems = (form) => new Set(allItems(form.definition).filter((i) => i.kind === "photo").map((i) => i.id));

/** @param {HTMLElement} root @param {import("../app.js").Ctx} ctx */
export async function render(root, ctx) {
  const list = h("ul", { class: "cards drafts" });
  append(root, h("h1", { text: t("drafts.title") }), list);

  async function load() {
    const session = await getSession();
    const drafts = (await store.inspectionsWith("draft")).filter((d) => isMine(d, session));
    drafts.sort((a, b) => b.updated_at.localeCompare(a.updated_at));
    if (!drafts.length) {
      replace(list, h("li", { class: "empty", text: t("drafts.empty") }));
      return;
    }
    const items = [];
    for (const d of drafts) {
      const form = await getForm(d.form_id, d.form_version);
      let progress = "";
      if (form) {
        const visible = visibleItems(form.definition, d.answers);
        const required = form.definition.sections
          .flatMap((s) => s.items)
          .filter((i) => visible.has(i.id) && isRequired(i));
        const answered = required.filter((i) => isAnswered(d.answers[i.id])).length;
        progress = t("drafts.progress", { done: answered, total: required.length });
      }
      // Photos taken for this draft: photo items, signatures excluded, and evidence.
      const photos = form ? store.photoHashes(d.answers, photoItems(form)).length : 0;
      const evidence = Object.values(d.photos || {}).reduce((n, list) => n + list.length, 0);
      if (photos + evidence) progress += `${progress ? " · " : ""}${t("drafts.photos", { n: photos + evidence })}`;
      items.push(
        h(
          "li",
          null,
          h(
            "a",
            { class: "card", href: `#/inspection/${d.id}` },
            h("span", { class: "title", text: d.facility_name }),
            h("span", { class: "meta", text: form ? tx(form.definition.title) : d.form_id }),
            h("span", { class: "meta", text: `${t("drafts.updated", { time: when(d.updated_at) })}${progress ? ` · ${progress}` : ""}` }),
          ),
        ),
      );
    }
    replace(list, items);
  }
  await load();
  return {
    onChange: (/** @type {string[]} */ stores) => {
      if (stores.includes("inspections")) load();
    },
  };
}
