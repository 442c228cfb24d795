// One record kept aside (#/admin/kept/<id>): what was sent (facility, checklist, a summary of
// the answers), the problems in the app's words, and its resolution: accept it as a new
// record (the server decides whether it is valid now) or dismiss it with a reason.

import { request } from "../api.js";
import { getForm } from "../data.js";
import { append, h, replace, uid } from "../dom.js";
import { namesFrom, problemText } from "../explain.js";
import { t, tx, when } from "../i18n.js";
import * as store from "../store.js";
import { back, failure } from "./admin.js";

/** @param {HTMLElement} root @param {import("../app.js").Ctx} _ctx @param {string} id */
export async function render(root, _ctx, id) {
  const answer = await request(`/api/kept-aside/${encodeURIComponent(id)}`);
  append(root, back("#/admin/kept"), h("h1", { text: t("admin.keptTitle", { id }) }));
  if (!answer.ok) {
    append(root, h("p", { class: "error", role: "alert", text: answer.status === 404 ? t("admin.keptNotFound") : failure(answer) }));
    return {};
  }
  const k = answer.data;
  const p = k.payload && typeof k.payload === "object" ? k.payload : {};
  const form = p.form_id ? await getForm(p.form_id, p.form_version) : undefined;
  const facility = p.facility_code ? await store.get("facilities", String(p.facility_code)) : undefined;
  const nameOf = namesFrom(form?.definition);
  append(
    root,
    h("span", { class: "pill state-attention", text: t(`admin.keptReason.${k.reason}`) }),
    h("p", { class: "meta", text: t("admin.keptFrom", { user: k.username, time: when(k.received_at) }) }),
    sent(p, facility, form),
    k.reason === "conflict" ? h("p", { class: "note-offline", text: t("admin.keptConflict") }) : null,
    problems(t("admin.keptProblems"), k.problems, nameOf),
    k.resolved_at
      ? h("p", { class: "ok", role: "status", text: t("admin.keptResolved", { time: when(k.resolved_at), resolution: k.resolution || "" }) })
      : resolve(k, nameOf),
  );
  return {};
}

/** What the phone sent, summed up. @param {any} p @param {any} facility @param {any} form */
function sent(p, facility, form) {
  const answers = p.answers && typeof p.answers === "object" ? Object.values(p.answers) : [];
  const count = (/** @type {string} */ v) => answers.filter((a) => a === v).length;
  return h(
    "div",
    { class: "panel kept-sent" },
    h("p", { text: t("admin.keptFacility", { name: facility ? `${facility.name} (${p.facility_code})` : String(p.facility_code ?? "—") }) }),
    h("p", { text: t("admin.keptForm", { name: form ? `${tx(form.definition.title)} (v${p.form_version})` : `${p.form_id ?? "—"} v${p.form_version ?? "?"}` }) }),
    p.completed_at ? h("p", { text: t("admin.keptCompleted", { time: when(p.completed_at) }) }) : null,
    h("p", { text: t("admin.keptAnswers", { n: answers.length, pass: count("pass"), fail: count("fail"), na: count("na") }) }),
  );
}

/** Problems under a heading. @param {string} title @param {any[]} list @param {(id: string) => string} nameOf */
function problems(title, list, nameOf) {
  if (!list?.length) return null;
  return h("div", { class: "kept-problems" }, h("h2", { text: title }), problemList(title, list, nameOf));
}

/** Problems (the server's codes) in words, each with its item's name.
 * @param {string} label @param {any[]} list @param {(id: string) => string} nameOf */
function problemList(label, list, nameOf) {
  return h(
    "ul",
    { class: "reasons", "aria-label": label },
    list.map((d) => {
      const text = problemText(d.code);
      return h("li", { text: d.item ? t("admin.keptItem", { item: nameOf(d.item), problem: text }) : text });
    }),
  );
}

/** Accept, or dismiss with a reason. @param {any} k @param {(id: string) => string} nameOf */
function resolve(k, nameOf) {
  const outcome = h("div", { "aria-live": "polite" });
  const accept = h("button", { type: "button", class: "primary", text: t("admin.keptAccept") });
  accept.addEventListener("click", async () => {
    accept.disabled = true;
    const answer = await request(`/api/kept-aside/${k.id}/accept`, { method: "POST" });
    accept.disabled = false;
    if (answer.ok) return done(t("admin.keptAccepted", { id: answer.data.id }));
    if (answer.error?.code === "inspection.invalid") {
      const still = t("admin.keptStillInvalid");
      return void replace(outcome, h("p", { class: "error", role: "alert", text: still }), problemList(still, answer.error.details || [], nameOf));
    }
    replace(outcome, h("p", { class: "error", role: "alert", text: failure(answer) }));
  });
  const reasonId = uid("reason");
  const reason = h("textarea", { id: reasonId, maxlength: "2000" });
  const missing = h("p", { class: "problem", id: `${reasonId}-problem`, hidden: true, text: t("admin.keptDismissNeedReason") });
  const dismiss = h("button", { type: "submit", class: "danger", text: t("admin.keptDismiss") });
  reason.addEventListener("input", () => {
    if (reason.value.trim()) missing.hidden = true;
  });
  const form = h("form", { class: "admin-form", novalidate: true }, h("label", { for: reasonId, text: t("admin.keptDismissReason") }), reason, missing, dismiss);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = reason.value.trim();
    missing.hidden = Boolean(text);
    reason.toggleAttribute("aria-invalid", !text);
    if (!text) {
      reason.setAttribute("aria-describedby", missing.id);
      return reason.focus();
    }
    dismiss.disabled = true;
    const answer = await request(`/api/kept-aside/${k.id}/dismiss`, { method: "POST", json: { reason: text } });
    dismiss.disabled = false;
    if (answer.ok) return done(t("admin.keptDismissed"));
    replace(outcome, h("p", { class: "error", role: "alert", text: failure(answer) }));
  });
  const box = h("div", { class: "panel kept-resolve" }, h("div", { class: "actions" }, accept), form, outcome);
  /** @param {string} message */
  function done(message) {
    replace(box, h("p", { class: "ok", role: "status", text: message }), h("a", { class: "button", href: "#/admin/kept", text: t("admin.kept") }));
  }
  return box;
}
