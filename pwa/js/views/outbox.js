// The outbox: every completed inspection with its state (on this phone only, sending,
// received with the receipt time, needs attention with the server's reasons), the sync
// status and the "Đồng bộ ngay" button. Nothing leaves this list unless the user removes it.
// Reports of a fix waiting to be sent are listed after the inspections (views/outbox-card.js
// draws both kinds of card).

import { isMine } from "../account.js";
import { append, h, replace } from "../dom.js";
import { t } from "../i18n.js";
import { fixPending } from "../outbox.js";
import * as store from "../store.js";
import { syncLines } from "../syncstate.js";
import { fixCard, inspectionCard } from "./outbox-card.js";

/** @typedef {import("../store.js").Inspection} Inspection */
/** @typedef {import("../app.js").Ctx} Ctx */

const ORDER = { attention: 0, sending: 1, queued: 2, received: 3 };

/** @param {HTMLElement} root @param {Ctx} ctx */
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

  async function showStatus() {
    const lines = await statusLines(ctx);
    if (syncStatus.textContent !== lines.join(" ")) replace(syncStatus, ...lines.map((line) => h("p", { text: line })));
  }

  // Loads overlap (a sync writes several times in a row): only the latest one draws, so a
  // slower, older one never puts back what was true before.
  let latest = 0;
  async function load() {
    const mark = ++latest;
    const items = await mine(ctx);
    const fixes = (await store.all("fixes")).filter(fixPending);
    const cards = [];
    for (const i of items) cards.push(await inspectionCard(i, ctx));
    if (mark !== latest) return;
    if (!items.length && !fixes.length) replace(list, h("li", { class: "empty", text: t("outbox.empty") }));
    else replace(list, cards, fixes.map((f) => fixCard(f, ctx.session)));
    showStatus();
  }

  const ticker = setInterval(showStatus, 1000);
  await load();
  return {
    onChange: (/** @type {string[]} */ stores) => {
      // forms: a card names the items of its checklist version once the phone has it
      if (["inspections", "meta", "fixes", "forms"].some((name) => stores.includes(name))) load();
    },
    onSync: () => load(),
    leave: () => {
      clearInterval(ticker);
      return true;
    },
  };
}

/** The signed-in account's completed inspections, those needing attention first. @param {Ctx} ctx */
async function mine(ctx) {
  /** @type {Inspection[]} */
  const items = (await store.all("inspections")).filter((i) => i.status !== "draft" && isMine(i, ctx.session));
  /** @param {Inspection} i */
  const rank = (i) => ORDER[/** @type {keyof typeof ORDER} */ (i.status)];
  return items.sort((a, b) => rank(a) - rank(b) || String(b.completed_at).localeCompare(String(a.completed_at)));
}

/**
 * What is known of sending: offline, a passing failure or a refusal, when the next try is
 * due, and the last failure and success.
 * @param {Ctx} ctx
 */
async function statusLines(ctx) {
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
  return lines;
}
