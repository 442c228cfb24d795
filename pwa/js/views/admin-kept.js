// Records kept aside (#/admin/kept): the payloads intake would not store (a clash of ids or a
// refusal), newest first, each opening its detail. Unresolved ones by default; "?all=1" (the
// check box) adds those already accepted or dismissed. A page at a time, "Xem thêm" for more.

import { request } from "../api.js";
import { getForm } from "../data.js";
import { append, h, uid } from "../dom.js";
import { t, tx, when } from "../i18n.js";
import * as store from "../store.js";
import { back, failure } from "./admin.js";

const PER_PAGE = 50;

/** @param {HTMLElement} root */
export async function render(root) {
  const all = h("input", { id: uid("kall"), type: "checkbox", checked: new URLSearchParams(location.hash.split("?")[1] || "").get("all") === "1" });
  const count = h("p", { class: "count", role: "status" });
  const list = h("ul", { class: "cards" });
  const more = h("button", { type: "button", class: "secondary", text: t("common.more"), hidden: true });
  const error = h("p", { class: "error", role: "alert", hidden: true });
  let page = 1;

  /** Loads one page; the first replaces the list, the next ones add to it. @param {number} next */
  async function load(next) {
    const query = `per_page=${PER_PAGE}&page=${next}${all.checked ? "&include_resolved=true" : ""}`;
    const answer = await request(`/api/kept-aside?${query}`);
    error.hidden = answer.ok;
    if (!answer.ok) {
      error.textContent = failure(answer);
      return;
    }
    page = next;
    /** @type {any[]} */
    const items = answer.data.items;
    if (page === 1) list.replaceChildren();
    append(list, ...(await Promise.all(items.map(card))));
    const total = answer.data.total;
    count.textContent = total ? t(all.checked ? "admin.keptCountAll" : "admin.keptCount", { n: total }) : t("admin.keptNone");
    more.hidden = page * PER_PAGE >= total;
  }

  all.addEventListener("change", () => {
    history.replaceState(null, "", `#/admin/kept${all.checked ? "?all=1" : ""}`);
    load(1);
  });
  more.addEventListener("click", () => load(page + 1));
  append(
    root,
    back(),
    h("h1", { text: t("admin.kept") }),
    h("label", { class: "check", for: all.id }, all, h("span", { text: t("admin.keptShowResolved") })),
    error,
    count,
    list,
    more,
  );
  await load(1);
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
    k.resolved_at ? h("span", { class: "pill state-done", text: t(resolvedAs(k.resolution)) }) : null,
    h("span", { class: "meta", text: t("admin.keptFrom", { user: k.username, time: when(k.received_at) }) }),
  );
}

/** The key naming how a record was resolved ("accepted", "dismissed: <why>", "reviewed"). @param {string | null} resolution */
function resolvedAs(resolution) {
  const how = (resolution || "").split(":")[0];
  return how === "accepted" || how === "dismissed" ? `admin.kept.${how}` : "admin.kept.reviewed";
}
