// The outbox: every completed inspection with its state (on this phone only, sending,
// received with the receipt time, needs attention with the server's reasons), the sync
// status and the "Đồng bộ ngay" button. Nothing leaves this list unless the user removes it.
// Reports of a fix waiting to be sent are listed after the inspections.

import { isMine } from "../account.js";
import { getForm } from "../data.js";
import { headline, namesFrom, reasonText } from "../explain.js";
import { append, h, replace } from "../dom.js";
import { has, t, tx, when } from "../i18n.js";
import { remove, reopen, resendAsNew } from "../inspections.js";
import { fixPending } from "../outbox.js";
import * as store from "../store.js";
import { syncLines } from "../syncstate.js";

/** @typedef {import("../store.js").Inspection} Inspection */

const ORDER = { attention: 0, sending: 1, queued: 2, received: 3 };

/** @param {HTMLElement} root @param {import("../app.js").Ctx} ctx */
export async function render(root, ctx) {
  const syncButton = h("button", { type: "button", class: "primary", id: "sync-now", text: t("outbox.syncNow") });
  const syncStatus = h("div", { class: "sync-status", role: "status" });
  const list = h("ul", { class: "cards outbox" });
  syncButton.addEventListener("click", async () => {
    syncButton.disabled = true;
    syncButton.textContent = t("outbox.syncing");
    try {
      await ctx.syncNow();
    } finally {
      syncButton.disabled = false;
      syncButton.textContent = t("outbox.syncNow");
      load();
    }
  });
  append(root, h("h1", { text: t("outbox.title") }), h("div", { class: "sync" }, syncButton, syncStatus), list);

  const ticker = setInterval(showStatus, 1000);

  async function showStatus() {
    const sync = /** @type {any} */ ((await store.getMeta("sync")) || {});
    const lines = [];
    if (!navigator.onLine) lines.push(t("outbox.offline"));
    else if (sync.last_problem === "transient") lines.push(t("outbox.transient"));
    if (sync.last_problem === "forbidden" && sync.forbidden) {
      lines.push(t("outbox.forbidden", { message: sync.forbidden.message || sync.forbidden.code }));
    }
    if (sync.last_problem === "auth") lines.push(t("auth.expired"));
    const next = ctx.scheduler.nextAt;
    if (next && next > Date.now()) lines.push(t("outbox.retryIn", { s: Math.ceil((next - Date.now()) / 1000) }));
    lines.push(...syncLines(sync));
    const text = lines.join(" ");
    if (syncStatus.textContent !== text) replace(syncStatus, ...lines.map((line) => h("p", { text: line })));
  }

  async function load() {
    /** @type {Inspection[]} */
    const items = (await store.all("inspections")).filter((i) => i.status !== "draft" && isMine(i, ctx.session));
    items.sort(
      (a, b) =>
        ORDER[/** @type {keyof typeof ORDER} */ (a.status)] - ORDER[/** @type {keyof typeof ORDER} */ (b.status)] ||
        String(b.completed_at).localeCompare(String(a.completed_at)),
    );
    /** @type {import("../store.js").FixReport[]} */
    const fixes = (await store.all("fixes")).filter(fixPending);
    if (!items.length && !fixes.length) {
      replace(list, h("li", { class: "empty", text: t("outbox.empty") }));
    } else {
      const cards = [];
      for (const i of items) cards.push(await card(i));
      replace(list, cards, fixes.map(fixCard));
    }
    showStatus();
  }

  /** @param {Inspection} i */
  async function card(i) {
    const form = await getForm(i.form_id, i.form_version);
    const nameOf = namesFrom(form?.definition);
    const parts = [
      h("span", { class: "title", text: i.facility_name }),
      h("span", { class: "meta", text: form ? tx(form.definition.title) : i.form_id }),
      h("span", { class: `pill state-${i.status}`, dataset: { state: i.status }, text: t(`outbox.state.${i.status}`) }),
      h("span", { class: "meta", text: t("outbox.completedAt", { time: when(i.completed_at) }) }),
      i.preview ? h("span", { class: "meta", text: t("outbox.preview", { result: headline(i.preview) }) }) : null,
    ];
    if (i.status === "received") {
      parts.push(h("span", { class: "meta receipt", text: t("outbox.receivedAt", { time: when(i.receipt?.received_at) }) }));
      if (i.receipt) {
        parts.push(h("span", { class: "meta", text: t("outbox.serverScore", { result: headline(i.receipt) }) }));
        const reasons = i.receipt.reasons || [];
        if (reasons.length) {
          parts.push(h("ul", { class: "reasons", "aria-label": t("result.reasons") }, reasons.map((r) => h("li", { text: reasonText(r, nameOf) }))));
        }
      }
      const waiting = (i.photos_pending || []).length;
      if (waiting) parts.push(h("span", { class: "meta photos-waiting", text: t("outbox.photosWaiting", { n: waiting }) }));
    }
    const photoError = /** @type {any} */ (i).photo_error;
    if (photoError) parts.push(h("p", { class: "error", text: t("outbox.photoError", { message: photoError.message || photoError.code }) }));
    /** @type {HTMLElement[]} */
    const actions = [h("a", { class: "button secondary", href: `#/inspection/${i.id}`, text: t("outbox.open") })];
    if (i.status === "attention" && i.error) {
      const conflict = i.error.code === "inspection.conflict";
      parts.push(
        h(
          "div",
          { class: "reasons", role: "group", "aria-label": t("outbox.state.attention") },
          h("p", { class: "error", text: conflict ? t("outbox.conflict") : t("outbox.rejected") }),
          i.error.message ? h("p", { class: "server-message", text: t("outbox.serverSays", { message: i.error.message }) }) : null,
          i.error.details.length
            ? h(
                "ul",
                { class: "details" },
                i.error.details.map((d) =>
                  h(
                    "li",
                    null,
                    d.item ? h("strong", { text: `${nameOf(d.item)}: ` }) : null,
                    `${problemText(d.code)}${d.message ? ` (${d.message})` : ""}`,
                  ),
                ),
              )
            : null,
        ),
      );
      if (conflict) {
        actions.push(
          h("button", {
            type: "button",
            class: "secondary",
            text: t("outbox.resendNew"),
            onclick: async () => {
              await resendAsNew(i.id);
              ctx.syncNow();
            },
          }),
        );
      } else {
        actions.push(
          h("button", {
            type: "button",
            class: "secondary",
            text: t("outbox.reopen"),
            onclick: async () => {
              await reopen(i.id);
              ctx.navigate(`#/inspection/${i.id}`);
            },
          }),
        );
      }
    }
    if (i.status === "attention" || i.status === "received") {
      actions.push(
        h("button", {
          type: "button",
          class: "danger",
          text: t("outbox.remove"),
          onclick: async () => {
            const text = i.status === "received" && !(i.photos_pending || []).length ? t("outbox.removeReceivedConfirm") : t("outbox.removeConfirm");
            if (await ctx.confirm(text, t("outbox.remove"))) await remove(i.id);
          },
        }),
      );
    }
    return h("li", { class: `card status-${i.status}`, dataset: { id: i.id } }, ...parts, h("div", { class: "actions" }, actions));
  }

  /** A report of a fix not yet acknowledged. @param {import("../store.js").FixReport} f */
  function fixCard(f) {
    const state = f.status === "attention" ? "attention" : f.status === "sending" ? "sending" : "queued";
    return h(
      "li",
      { class: `card fix status-${state}`, dataset: { fix: f.id } },
      h("span", { class: "title", text: t("outbox.fixFor", { what: f.description }) }),
      h("span", { class: `pill state-${state}`, dataset: { state }, text: t(`outbox.state.${state}`) }),
      h("span", { class: "meta", text: t("outbox.fixCreated", { time: when(f.created_at) }) }),
      f.error ? h("p", { class: "server-message", text: t("outbox.serverSays", { message: f.error.message || f.error.code }) }) : null,
      h("div", { class: "actions" }, h("a", { class: "button secondary", href: `#/site/${encodeURIComponent(f.facility_code)}/action/${f.action_id}`, text: t("outbox.fixOpen") })),
    );
  }

  /** @param {string} code */
  function problemText(code) {
    return has(`problem.${code}`) ? t(`problem.${code}`) : code;
  }

  await load();
  return {
    onChange: (/** @type {string[]} */ stores) => {
      if (stores.includes("inspections") || stores.includes("meta") || stores.includes("fixes")) load();
    },
    onSync: () => load(),
    leave: () => {
      clearInterval(ticker);
      return true;
    },
  };
}
