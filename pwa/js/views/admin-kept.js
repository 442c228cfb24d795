// Records kept aside (#/admin/kept): the payloads intake would not store (a clash of ids or a
// refusal), unresolved ones newest first, each opening its detail.

import { request } from "../api.js";
import { getForm } from "../data.js";
import { append, h } from "../dom.js";
import { t, tx, when } from "../i18n.js";
import * as store from "../store.js";
import { back, failure } from "./admin.js";

/** @param {HTMLElement} root */
export async function render(root) {
  append(root, back(), h("h1", { text: t("admin.kept") }));
  const answer = await request("/api/kept-aside?per_page=200");
  if (!answer.ok) {
    append(root, h("p", { class: "error", role: "alert", text: failure(answer) }));
    return {};
  }
  /** @type {any[]} */
  const items = answer.data.items;
  append(
    root,
    h("p", { class: "count", role: "status", text: items.length ? t("admin.keptCount", { n: answer.data.total }) : t("admin.keptNone") }),
    h("ul", { class: "cards" }, await Promise.all(items.map(card))),
  );
  return {};
}

/** A payload's card, named by its facility and checklist as the phone knows them. @param {any} k */
async function card(k) {
  const p = k.payload && typeof k.payload === "object" ? k.payload : {};
  const facility = p.facility_code ? await store.get("facilities", String(p.facility_code)) : undefined;
  const form = p.form_id ? await getForm(p.form_id, p.form_version) : undefined;
  return h(
    "li",
    { class: "card" },
    h("a", { class: "title", href: `#/admin/kept/${k.id}`, text: `#${k.id} · ${p.facility_code ?? k.record_id ?? ""}` }),
    facility ? h("span", { text: facility.name }) : null,
    h("span", { class: "meta", text: form ? tx(form.definition.title) : String(p.form_id ?? "") }),
    h("span", { class: "pill state-attention", text: t(`admin.keptReason.${k.reason}`) }),
    h("span", { class: "meta", text: t("admin.keptFrom", { user: k.username, time: when(k.received_at) }) }),
  );
}
