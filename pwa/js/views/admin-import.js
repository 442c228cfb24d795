// Facility import (#/admin/import): a CSV file chosen on the device goes to the server as
// it is; the answer is either the summary (created, updated…) or every bad line with its
// number and problems in the app's words, and then nothing was imported.

import { request } from "../api.js";
import { append, h, replace, uid } from "../dom.js";
import { has, t } from "../i18n.js";
import { back, failure } from "./admin.js";

/** @param {HTMLElement} root */
export async function render(root) {
  const fileId = uid("csv");
  const file = h("input", { id: fileId, type: "file", accept: ".csv,text/csv", "aria-describedby": `${fileId}-help` });
  const send = h("button", { type: "submit", class: "primary", text: t("admin.importSend") });
  const result = h("div", { class: "import-result", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "admin-form", novalidate: true },
    h("label", { for: fileId, text: t("admin.importFile") }),
    file,
    h("p", { class: "muted", id: `${fileId}-help`, text: t("admin.importHelp") }),
    send,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) return void replace(result, h("p", { class: "error", role: "alert", text: t("admin.importChoose") }));
    send.disabled = true;
    send.textContent = t("admin.importWorking");
    const answer = await request("/api/facilities/import", { method: "POST", body: chosen, contentType: "text/csv", timeoutMs: 120000 });
    send.disabled = false;
    send.textContent = t("admin.importSend");
    replace(result, outcome(answer));
  });
  append(root, back(), h("h1", { text: t("admin.import") }), form, result);
  return {};
}

/** @param {import("../api.js").Answer} answer */
function outcome(answer) {
  if (answer.ok) {
    const d = answer.data;
    return h("p", { class: "ok", role: "status", text: t("admin.importDone", { created: d.created, updated: d.updated, unchanged: d.unchanged, communes: d.communes_created }) });
  }
  if (answer.error?.code !== "facility.import_invalid") return h("p", { class: "error", role: "alert", text: failure(answer) });
  /** @type {any[]} */
  const lines = answer.error.details;
  return h(
    "div",
    { class: "panel" },
    h("p", { class: "error", role: "alert", text: t("admin.importRejected", { n: lines.length }) }),
    h(
      "ul",
      { class: "cards bad-lines" },
      lines.map((line) =>
        h(
          "li",
          { class: "card status-attention", dataset: { line: String(line.line) } },
          h("span", { class: "title", text: t("admin.importLine", { line: line.line }) }),
          h("ul", { class: "reasons" }, (line.problems || line.reasons || []).map((/** @type {any} */ p) => h("li", { text: problemText(p) }))),
        ),
      ),
    ),
  );
}

/** One problem of a line in the app's words (the server's English if it has a new code). @param {any} p */
function problemText(p) {
  if (typeof p === "string") return p;
  const key = `admin.importProblem.${p.code}`;
  return has(key) ? t(key, { column: p.column ?? "", value: p.value ?? "" }) : p.message;
}
