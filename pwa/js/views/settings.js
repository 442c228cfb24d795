// Language, storage safety (persistent storage, usage, export of everything not yet
// received), data refresh, account.

import { request } from "../api.js";
import { append, h, saveBlob, uid } from "../dom.js";
import { lang, setLang, t } from "../i18n.js";
import { exportPending } from "../inspections.js";
import { currentSubscription, disablePush, enablePush, loadPreferences, pushSupported, savePreferences, TYPES_BY_ROLE, updatePushLanguage } from "../push.js";
import * as store from "../store.js";
import { currentSyncLines } from "../syncstate.js";

/** @param {number} bytes */
function size(bytes) {
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(1)} GB`;
}

/** Language: a radio group, so the choice is announced and needs one tap. */
function languageChoice() {
  return h(
    "fieldset",
    { class: "item" },
    h("legend", { text: t("settings.language") }),
    h(
      "div",
      { class: "options n2" },
      [
        ["vi", "Tiếng Việt"],
        ["en", "English"],
      ].map(([value, label]) => {
        const input = h("input", { type: "radio", name: "lang", value, checked: lang() === value });
        input.addEventListener("change", () => {
          setLang(/** @type {"vi"|"en"} */ (value));
          document.dispatchEvent(new Event("langchange"));
          if (pushSupported()) updatePushLanguage(/** @type {"vi"|"en"} */ (value)).catch(() => undefined);
        });
        return h("label", { class: "opt", lang: value }, input, h("span", { text: label }));
      }),
    ),
  );
}

/** Whether the browser keeps this app's data under storage pressure (and a button to ask
 * for that), and how much of its quota is used; `show` fills them in. */
function storageState() {
  const persisted = h("p", { id: "persist-state" });
  const usage = h("p", { class: "muted" });
  const button = h("button", { type: "button", class: "secondary", text: t("settings.persistAsk"), hidden: true });
  async function show() {
    const granted = Boolean(await navigator.storage?.persisted?.());
    persisted.textContent = granted ? t("settings.persisted") : t("settings.notPersisted");
    persisted.className = granted ? "ok" : "warn";
    persisted.dataset.persisted = String(granted);
    button.hidden = granted || !navigator.storage?.persist;
    const estimate = await navigator.storage?.estimate?.();
    if (estimate && estimate.quota) usage.textContent = t("settings.usage", { used: size(estimate.usage || 0), quota: size(estimate.quota) });
  }
  button.addEventListener("click", async () => {
    await navigator.storage.persist();
    show();
  });
  return { persisted, button, usage, show };
}

/** The export of every inspection the server has not received, as a JSON file. */
function exportControls() {
  const helpId = uid("export-help");
  const help = h("p", { id: helpId, class: "muted", text: t("settings.exportHelp") });
  const button = h("button", { type: "button", class: "primary", id: "export", text: t("settings.export"), "aria-describedby": helpId });
  const status = h("p", { role: "status" });
  button.addEventListener("click", async () => {
    const data = await exportPending();
    const blob = new Blob([JSON.stringify(data, null, 1)], { type: "application/json" });
    const stamp = data.exported_at.replace(/[:.]/g, "-");
    saveBlob(blob, `kiem-tra-chua-gui-${stamp}.json`);
    status.textContent = t("settings.exported", { n: data.inspections.length });
  });
  return { help, button, status };
}

/** Notifications: a switch (the browser's permission is asked only when it is turned on)
 * and what the role receives, each type with its own box to mute it.
 * @param {import("../app.js").Ctx} ctx */
function pushPanel(ctx) {
  const types = TYPES_BY_ROLE[ctx.session?.user?.role || ""] || [];
  const section = h("section", { class: "panel", id: "push" }, h("h2", { text: t("push.title") }));
  const status = h("p", { role: "status", id: "push-status" });
  if (!pushSupported() || !types.length) {
    append(section, h("p", { class: "muted", text: t(types.length ? "push.unsupported" : "push.none") }));
    return { section, show: async () => {} };
  }
  const toggle = h("input", { type: "checkbox", role: "switch", id: "push-switch" });
  /** @type {Record<string, HTMLInputElement>} */
  const boxes = {};
  const list = h(
    "ul",
    { class: "push-types" },
    types.map((type) => {
      boxes[type] = /** @type {HTMLInputElement} */ (h("input", { type: "checkbox", checked: true, "data-type": type }));
      boxes[type].addEventListener("change", saveMuted);
      return h("li", {}, h("label", {}, boxes[type], h("span", { text: t(`push.type.${type}`) })));
    }),
  );
  async function saveMuted() {
    const muted = types.filter((type) => !boxes[type].checked);
    const answer = await savePreferences(muted);
    if (!answer.ok) status.textContent = t("push.failed", { code: answer.error?.code || t("net.offline") });
  }
  function enableBoxes() {
    for (const box of Object.values(boxes)) box.disabled = !toggle.checked;
  }
  toggle.addEventListener("change", async () => {
    const wanted = toggle.checked;
    if (!navigator.onLine) {
      toggle.checked = !wanted;
      status.textContent = t("push.needOnline");
      return;
    }
    toggle.disabled = true;
    const answer = wanted ? await enablePush(lang()) : await disablePush();
    toggle.disabled = false;
    if (!answer.ok) toggle.checked = !wanted;
    const reason = "reason" in answer ? answer.reason : undefined;
    status.textContent = answer.ok ? t(wanted ? "push.on" : "push.off") : reason === "denied" ? t("push.denied") : t("push.failed", { code: reason || "?" });
    enableBoxes();
  });
  append(
    section,
    h("label", { class: "switch" }, toggle, h("span", { text: t("push.switch") })),
    h("p", { class: "muted", text: t("push.help") }),
    list,
    status,
  );
  async function show() {
    toggle.checked = Notification.permission === "granted" && Boolean(await currentSubscription());
    enableBoxes();
    const prefs = navigator.onLine ? await loadPreferences() : null;
    for (const pref of prefs || []) if (boxes[pref.type]) boxes[pref.type].checked = !pref.muted;
  }
  return { section, show };
}

/** Who is signed in; refreshing the phone's data; signing out; the app's version.
 * @param {import("../app.js").Ctx} ctx */
function accountPanel(ctx) {
  const refreshButton = h("button", { type: "button", class: "secondary", text: t("settings.refresh") });
  const refreshStatus = h("p", { role: "status" });
  refreshButton.addEventListener("click", async () => {
    refreshButton.disabled = true;
    const answer = await ctx.refreshData(true);
    refreshButton.disabled = false;
    refreshStatus.textContent =
      answer && answer.ok ? t("settings.refreshed") : t("settings.refreshFailed", { code: answer?.error?.code || (navigator.onLine ? "?" : t("net.offline")) });
  });

  const syncState = h("div", { class: "sync-status muted" });
  currentSyncLines().then((lines) => syncState.replaceChildren(...lines.map((text) => h("p", { text }))));

  const session = ctx.session;
  const signOut = h("button", { type: "button", class: "danger", text: t("auth.signOut") });
  signOut.addEventListener("click", async () => {
    if (!(await ctx.confirm(t("auth.signOutConfirm"), t("auth.signOut")))) return;
    if (navigator.onLine && session?.token) {
      await disablePush().catch(() => undefined); // the server forgets this device's anyway
      await request("/api/auth/logout", { method: "POST" });
    }
    // Only the token goes: drafts and the outbox stay for the next sign-in.
    const current = await store.getMeta("session");
    await store.setMeta("session", current ? { ...current, token: "", expired: false, signed_out: true } : null);
    ctx.navigate("#/signin");
  });

  return h(
    "section",
    { class: "panel" },
    h("h2", { text: t("settings.account") }),
    session?.user
      ? h("p", { text: t("auth.signedInAs", { name: session.user.display_name || session.user.username, role: t(`role.${session.user.role}`) }) })
      : null,
    refreshButton,
    refreshStatus,
    syncState,
    signOut,
    h("p", { class: "muted", text: t("settings.version", { v: ctx.version() || "–" }) }),
  );
}

/** @param {HTMLElement} root @param {import("../app.js").Ctx} ctx */
export async function render(root, ctx) {
  const storage = storageState();
  const exporting = exportControls();
  const notices = pushPanel(ctx);
  const role = ctx.session?.user?.role;
  const isInspector = role === "inspector" || role === "admin";
  append(root, 
    h("h1", { text: t("settings.title") }),
    languageChoice(),
    h(
      "section",
      { class: "panel" },
      h("h2", { text: t("settings.storage") }),
      storage.persisted,
      storage.button,
      storage.usage,
      isInspector ? exporting.help : null,
      isInspector ? exporting.button : null,
      exporting.status,
    ),
    notices.section,
    accountPanel(ctx),
  );
  await storage.show();
  await notices.show().catch(() => undefined);
  return {};
}
