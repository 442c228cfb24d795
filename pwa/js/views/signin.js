// Sign-in (online). After a session expired or was revoked, or the user signed out, nothing
// on the phone was deleted: signing in again simply lets the outbox carry on. Offline, the
// last account may carry on with its drafts and unsent records ("Tiếp tục làm việc ngoại
// tuyến", its password checked on the phone: js/account.js); sending waits for a sign-in.

import { continueOffline, lastAccount, rememberLogin } from "../account.js";
import { getSession, request } from "../api.js";
import { append, h, uid } from "../dom.js";
import { t } from "../i18n.js";
import { pendingCount } from "../outbox.js";
import * as store from "../store.js";

/** @param {HTMLElement} root @param {import("../app.js").Ctx} ctx */
export async function render(root, ctx) {
  const previous = await getSession();
  const userId = uid("user");
  const passId = uid("pass");
  const message = h("p", { class: "error", role: "alert" });
  const username = h("input", {
    id: userId,
    name: "username",
    autocomplete: "username",
    autocapitalize: "none",
    spellcheck: "false",
    required: true,
    value: previous?.user?.username || "",
  });
  const password = h("input", { id: passId, name: "password", type: "password", autocomplete: "current-password", required: true });
  const submit = h("button", { type: "submit", text: t("auth.submit") });
  const form = h(
    "form",
    { class: "signin", novalidate: true },
    h("label", { for: userId, text: t("auth.username") }),
    username,
    h("label", { for: passId, text: t("auth.password") }),
    password,
    submit,
    message,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    message.textContent = "";
    if (!navigator.onLine) {
      if (offline.button.hidden) message.textContent = t("auth.offlineNone");
      else offline.button.focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = t("auth.working");
    const answer = await request("/api/auth/login", {
      method: "POST",
      json: { username: username.value.trim(), password: password.value },
      token: null,
    });
    submit.disabled = false;
    submit.textContent = t("auth.submit");
    if (!answer.ok) {
      if (answer.network) offline.show(true);
      message.textContent = failureText(answer);
      return;
    }
    await signedIn(ctx, answer, password);
  });
  const offline = await offlinePart(ctx, username, password, message);
  append(root,
    h("h1", { text: t("auth.title") }),
    previous?.expired ? h("p", { class: "banner warn", text: t("auth.expired") }) : null,
    form,
    offline.element,
  );
  (previous?.user ? password : username).focus();
  return {};
}

/**
 * Offline, for the last account on this phone: carry on with its work after its password is
 * checked on the phone. Shown only when there is no connection.
 * @param {import("../app.js").Ctx} ctx @param {HTMLInputElement} username
 * @param {HTMLInputElement} password @param {HTMLElement} message
 */
async function offlinePart(ctx, username, password, message) {
  const last = await lastAccount();
  const help = h("p", { class: "muted", text: last ? t("auth.offlineHelp", { user: last.user.display_name || last.username }) : t("auth.offlineNone") });
  const button = h("button", { type: "button", class: "secondary", text: t("auth.offlineContinue"), hidden: !last });
  const element = h("div", { class: "offline-signin", hidden: true }, help, button);
  // Shown when the phone cannot reach the server: navigator.onLine alone is not to be
  // trusted (a captive Wi-Fi, an emulated network), so ask the server too.
  const show = (/** @type {boolean} */ offline) => {
    element.hidden = !offline;
  };
  if (!navigator.onLine) show(true);
  else request("/healthz", { token: null, timeoutMs: 5000 }).then((answer) => show(answer.network));
  window.addEventListener("offline", () => show(true), { once: true });
  if (last && !username.value) username.value = last.username;
  button.addEventListener("click", async () => {
    message.textContent = "";
    const session = await continueOffline(username.value.trim(), password.value);
    if (!session) {
      message.textContent = t("auth.offlineWrong");
      return;
    }
    password.value = "";
    await ctx.setSession(session);
    ctx.navigate("#/drafts");
  });
  return { element, button, show };
}

/** Why signing in failed. @param {import("../api.js").Answer} answer */
function failureText(answer) {
  const code = answer.error?.code || (answer.network ? "network" : String(answer.status));
  if (code === "auth.bad_credentials") return t("auth.bad_credentials");
  if (code === "auth.user_disabled") return t("auth.user_disabled");
  return answer.network ? t("auth.needOnline") : t("auth.failed", { code });
}

/**
 * Keep the new session (and what lets this account carry on offline later), then go on.
 * @param {import("../app.js").Ctx} ctx @param {import("../api.js").Answer} answer
 * @param {HTMLInputElement} password
 */
async function signedIn(ctx, answer, password) {
  const before = await getSession();
  const session = { token: answer.data.token, expires_at: answer.data.expires_at, user: answer.data.user };
  await store.setMeta("session", session);
  await rememberLogin(session, password.value).catch(() => undefined); // no WebCrypto: online only
  await ctx.setSession(session);
  if (before?.user && before.user.username !== session.user.username && (await pendingCount()) > 0) {
    ctx.announce(t("auth.otherUser", { user: before.user.username }));
  }
  password.value = "";
  ctx.navigate("#/");
  await ctx.refreshData(true);
  ctx.syncNow();
  try {
    await navigator.storage?.persist?.();
  } catch {
    // shown in settings
  }
}
