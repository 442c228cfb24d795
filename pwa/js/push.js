// Web push on this phone: the permission is asked only when the user turns notices on in
// Settings; the subscription goes to the server with the language notices are written in.
// The service worker shows what arrives (sw.js).

import { request } from "./api.js";

/** The notices each role receives (the server's TYPES_BY_ROLE), listed before the
 * switch is turned on, offline too. @type {Record<string, string[]>} */
export const TYPES_BY_ROLE = {
  facility: ["result", "actions_opened", "action_due_soon", "action_overdue", "fix_verified", "fix_reopened"],
  department: ["site_noncompliant", "fix_waiting", "overdue_digest", "visit_late"],
  inspector: ["kept_aside", "visit_assigned", "visit_changed"],
  admin: ["kept_aside"],
};

/** Whether this browser can receive web push at all. */
export function pushSupported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

async function registration() {
  return navigator.serviceWorker.ready;
}

/** This device's subscription, if any. */
export async function currentSubscription() {
  if (!pushSupported()) return null;
  return (await registration()).pushManager.getSubscription();
}

/**
 * Ask for permission, subscribe with the server's key, and send the subscription.
 * @param {"vi"|"en"} lang
 * @returns {Promise<{ok: boolean, reason?: string}>}
 */
export async function enablePush(lang) {
  if (!pushSupported()) return { ok: false, reason: "unsupported" };
  const permission = await Notification.requestPermission();
  if (permission !== "granted") return { ok: false, reason: "denied" };
  const key = await request("/api/push/key");
  if (!key.ok) return { ok: false, reason: key.error?.code || "network" };
  const reg = await registration();
  const subscription =
    (await reg.pushManager.getSubscription()) ||
    (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key.data.public_key }));
  const saved = await send(subscription, lang);
  return saved.ok ? { ok: true } : { ok: false, reason: saved.error?.code || "network" };
}

/** @param {PushSubscription} subscription @param {"vi"|"en"} lang */
function send(subscription, lang) {
  const json = subscription.toJSON();
  return request("/api/push/subscription", { method: "PUT", json: { endpoint: json.endpoint, keys: json.keys, lang } });
}

/** Notices are written in the subscription's language: tell the server of a new one.
 * @param {"vi"|"en"} lang */
export async function updatePushLanguage(lang) {
  const subscription = navigator.onLine ? await currentSubscription() : null;
  if (subscription && Notification.permission === "granted") await send(subscription, lang);
}

/** Forget this device's subscription, on the server and in the browser. */
export async function disablePush() {
  const subscription = await currentSubscription();
  if (!subscription) return { ok: true };
  const answer = await request(`/api/push/subscription?endpoint=${encodeURIComponent(subscription.endpoint)}`, { method: "DELETE" });
  await subscription.unsubscribe().catch(() => false);
  return { ok: answer.ok || answer.status === 401 };
}

/** @returns {Promise<{type: string, muted: boolean}[]|null>} */
export async function loadPreferences() {
  const answer = await request("/api/push/preferences");
  return answer.ok ? answer.data.types : null;
}

/** @param {string[]} muted */
export async function savePreferences(muted) {
  return request("/api/push/preferences", { method: "PUT", json: { muted } });
}
