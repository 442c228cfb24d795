// One card of the outbox: a completed inspection with its state, what the server said of
// it (receipt and reasons, or the problems that kept it aside) and what the user can do
// next. A report of a fix waiting to be sent has a smaller card of its own (another
// account's waits for that account's sign-in).

import { isMine } from "../account.js";
import { getForm } from "../data.js";
import { headline, namesFrom, problemText, reasonText } from "../explain.js";
import { h } from "../dom.js";
import { t, tx, when } from "../i18n.js";
import { remove, reopen, resendAsNew } from "../inspections.js";

/** @typedef {import("../store.js").Inspection} Inspection */
/** @typedef {import("../app.js").Ctx} Ctx */

/** @param {Inspection} i @param {Ctx} ctx */
export async function inspectionCard(i, ctx) {
  const form = await getForm(i.form_id, i.form_version);
  const nameOf = namesFrom(form?.definition);
  const photoError = /** @type {any} */ (i).photo_error;
  return h(
    "li",
    { class: `card status-${i.status}`, dataset: { id: i.id } },
    h("span", { class: "title", text: i.facility_name }),
    h("span", { class: "meta", text: form ? tx(form.definition.title) : i.form_id }),
    h("span", { class: `pill state-${i.status}`, dataset: { state: i.status }, text: t(`outbox.state.${i.status}`) }),
    h("span", { class: "meta", text: t("outbox.completedAt", { time: when(i.completed_at) }) }),
    i.preview ? h("span", { class: "meta", text: t("outbox.preview", { result: headline(i.preview) }) }) : null,
    i.status === "received" ? receipt(i, nameOf) : null,
    photoError ? h("p", { class: "error", text: t("outbox.photoError", { message: photoError.message || photoError.code }) }) : null,
    i.status === "attention" && i.error ? problems(i.error, nameOf) : null,
    h("div", { class: "actions" }, actions(i, ctx)),
  );
}

/** The server's receipt: when, its result and reasons, photos still to send. @param {Inspection} i @param {(id: string) => string} nameOf */
function receipt(i, nameOf) {
  const reasons = i.receipt?.reasons || [];
  const waiting = (i.photos_pending || []).length;
  return [
    h("span", { class: "meta receipt", text: t("outbox.receivedAt", { time: when(i.receipt?.received_at) }) }),
    i.receipt ? h("span", { class: "meta", text: t("outbox.serverScore", { result: headline(i.receipt) }) }) : null,
    reasons.length ? h("ul", { class: "reasons", "aria-label": t("result.reasons") }, reasons.map((r) => h("li", { text: reasonText(r, nameOf) }))) : null,
    waiting ? h("span", { class: "meta photos-waiting", text: t("outbox.photosWaiting", { n: waiting }) }) : null,
  ];
}

/** Why the server kept the record aside, item by item. @param {NonNullable<Inspection["error"]>} error @param {(id: string) => string} nameOf */
function problems(error, nameOf) {
  const conflict = error.code === "inspection.conflict";
  return h(
    "div",
    { class: "reasons", role: "group", "aria-label": t("outbox.state.attention") },
    h("p", { class: "error", text: conflict ? t("outbox.conflict") : t("outbox.rejected") }),
    error.message ? h("p", { class: "server-message", text: t("outbox.serverSays", { message: error.message }) }) : null,
    error.details.length
      ? h(
          "ul",
          { class: "details" },
          error.details.map((d) =>
            h("li", null, d.item ? h("strong", { text: `${nameOf(d.item)}: ` }) : null, `${problemText(d.code)}${d.message ? ` (${d.message})` : ""}`),
          ),
        )
      : null,
  );
}

/**
 * Open, then by state: a conflict is sent again as a new record, a rejected one reopened
 * for correction; a record the server has (or kept aside) may be removed from the phone.
 * @param {Inspection} i @param {Ctx} ctx
 */
function actions(i, ctx) {
  /** @type {HTMLElement[]} */
  const buttons = [h("a", { class: "button secondary", href: `#/inspection/${i.id}`, text: t("outbox.open") })];
  /** @param {string} text @param {string} tone @param {() => Promise<void>} onclick */
  const button = (text, tone, onclick) => h("button", { type: "button", class: tone, text, onclick });
  if (i.status === "attention" && i.error?.code === "inspection.conflict") {
    buttons.push(
      button(t("outbox.resendNew"), "secondary", async () => {
        await resendAsNew(i.id);
        ctx.syncNow();
      }),
    );
  } else if (i.status === "attention" && i.error) {
    buttons.push(
      button(t("outbox.reopen"), "secondary", async () => {
        await reopen(i.id);
        ctx.navigate(`#/inspection/${i.id}`);
      }),
    );
  }
  if (i.status === "attention" || i.status === "received") {
    buttons.push(
      button(t("outbox.remove"), "danger", async () => {
        const text = i.status === "received" && !(i.photos_pending || []).length ? t("outbox.removeReceivedConfirm") : t("outbox.removeConfirm");
        if (await ctx.confirm(text, t("outbox.remove"))) await remove(i.id);
      }),
    );
  }
  return buttons;
}

/**
 * A report of a fix not yet acknowledged.
 * @param {import("../store.js").FixReport} f @param {import("../api.js").Session|undefined} session
 */
export function fixCard(f, session) {
  const state = f.status === "attention" ? "attention" : f.status === "sending" ? "sending" : "queued";
  return h(
    "li",
    { class: `card fix status-${state}`, dataset: { fix: f.id } },
    h("span", { class: "title", text: t("outbox.fixFor", { what: f.description }) }),
    h("span", { class: `pill state-${state}`, dataset: { state }, text: t(`outbox.state.${state}`) }),
    h("span", { class: "meta", text: t("outbox.fixCreated", { time: when(f.created_at) }) }),
    isMine(f, session) ? null : h("p", { class: "meta", text: t("outbox.fixWaitsFor", { user: String(f.owner) }) }),
    f.error ? h("p", { class: "server-message", text: t("outbox.serverSays", { message: f.error.message || f.error.code }) }) : null,
    h("div", { class: "actions" }, h("a", { class: "button secondary", href: `#/site/${encodeURIComponent(f.facility_code)}/action/${f.action_id}`, text: t("outbox.fixOpen") })),
  );
}
