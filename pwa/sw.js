// The service worker: a thin router over named strategies, plus Background Sync.
// - The app shell is precached under one cache named from the hash of the files
//   (VERSION below); `activate` deletes every other cache.
// - A new version installs beside the running one and waits: the page offers the update
//   ("Có phiên bản mới") and sends `skip-waiting` only when the user accepts and nothing is
//   unsaved. Drafts, the outbox, checklists and facility lists live in IndexedDB
//   (js/store.js), never in a versioned cache, so no update can touch them; the page keeps
//   checklists and facilities there and refreshes them when online.
// - API calls are never cached here: they carry the user's token and go to the network.
// Registered as a module worker (type: "module") so it shares js/outbox.js with the page.

import { syncOnce } from "./js/outbox.js";

// <assets> written by pwa/tools/stamp.py from the files of the app: do not edit
const VERSION = "36c0a5fe71829c73";
const ASSETS = [
  "/app.css",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
  "/icons/maskable-192.png",
  "/icons/maskable-512.png",
  "/index.html",
  "/js/account.js",
  "/js/agencies.js",
  "/js/api.js",
  "/js/app.js",
  "/js/chart.js",
  "/js/conditions.js",
  "/js/data.js",
  "/js/dates.js",
  "/js/dom.js",
  "/js/explain.js",
  "/js/follow-up.js",
  "/js/i18n.js",
  "/js/icons.js",
  "/js/inspections.js",
  "/js/limits.js",
  "/js/outbox.js",
  "/js/photos.js",
  "/js/plan-form-state.js",
  "/js/plans.js",
  "/js/province.js",
  "/js/push.js",
  "/js/scoring.js",
  "/js/sites.js",
  "/js/store.js",
  "/js/syncstate.js",
  "/js/validation.js",
  "/js/views/action.js",
  "/js/views/admin-import.js",
  "/js/views/admin-kept-item.js",
  "/js/views/admin-kept.js",
  "/js/views/admin-user.js",
  "/js/views/admin-users.js",
  "/js/views/admin.js",
  "/js/views/drafts.js",
  "/js/views/facilities.js",
  "/js/views/facility.js",
  "/js/views/follow-up.js",
  "/js/views/inspection.js",
  "/js/views/items/choice.js",
  "/js/views/items/field.js",
  "/js/views/items/input.js",
  "/js/views/items/location.js",
  "/js/views/items/note.js",
  "/js/views/items/photo.js",
  "/js/views/items/signature.js",
  "/js/views/outbox-card.js",
  "/js/views/outbox.js",
  "/js/views/plan-form.js",
  "/js/views/plan-sites.js",
  "/js/views/plan-teams.js",
  "/js/views/plan.js",
  "/js/views/plans.js",
  "/js/views/province-charts.js",
  "/js/views/province-filters.js",
  "/js/views/province.js",
  "/js/views/report.js",
  "/js/views/schedule.js",
  "/js/views/settings.js",
  "/js/views/signin.js",
  "/js/views/site.js",
  "/js/views/status.js",
  "/js/views/team.js",
  "/js/views/visit.js",
  "/manifest.webmanifest"
];
// </assets>

/** The worker's own scope, typed as one (tsc's webworker library types `self` as any worker). */
const worker = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));

const SHELL = `shell-${VERSION}`;
const INDEX = "/index.html";

// Revalidate with the server rather than download again: on a first visit the page has
// just loaded these files, so most answers are 304s; after a release, changed files differ.
/** @param {string} url */
const fresh = (url) => new Request(url, { cache: "no-cache", credentials: "same-origin" });

async function precache() {
  const cache = await caches.open(SHELL);
  await Promise.all(
    ASSETS.map(async (url) => {
      const response = await fetch(fresh(url));
      if (!response.ok) throw new Error(`precache ${url}: ${response.status}`);
      await cache.put(url, response);
    }),
  );
}

async function removeOldCaches() {
  for (const name of await caches.keys()) if (name !== SHELL) await caches.delete(name);
}

// --- strategies ----------------------------------------------------------------------------

/** Cache first (the shell of this version), the network if a file is somehow missing. */
/** @param {Request} request */
async function shell(request) {
  const cache = await caches.open(SHELL);
  const url = new URL(request.url);
  const hit = await cache.match(url.pathname);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) await cache.put(url.pathname, response.clone());
  return response;
}

/** Every page load gets this version's index.html, online or not. */
/** @param {Request} request */
async function navigation(request) {
  const cache = await caches.open(SHELL);
  const hit = await cache.match(INDEX);
  if (hit) return hit;
  return fetch(request);
}

/**
 * The router: which strategy answers a request, or null to let it go to the network.
 * @param {Request} request
 */
function route(request) {
  if (request.method !== "GET") return null;
  const url = new URL(request.url);
  if (url.origin !== worker.location.origin) return null;
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/schema") || url.pathname === "/healthz") return null;
  if (request.mode === "navigate") return navigation;
  if (ASSETS.includes(url.pathname)) return shell;
  return null;
}

// --- events --------------------------------------------------------------------------------

worker.addEventListener("install", (event) => {
  event.waitUntil(precache()); // no skipWaiting: an update waits for the user
});

worker.addEventListener("activate", (event) => {
  event.waitUntil(removeOldCaches().then(() => worker.clients.claim()));
});

worker.addEventListener("fetch", (event) => {
  const strategy = route(event.request);
  if (strategy) event.respondWith(strategy(event.request));
});

worker.addEventListener("message", (event) => {
  const type = event.data && event.data.type;
  if (type === "skip-waiting") worker.skipWaiting();
  else if (type === "version") event.ports[0]?.postMessage(VERSION);
});

// Background Sync: the browser wakes us when a connection returns, even with the app closed.
worker.addEventListener("sync", (e) => {
  const event = /** @type {ExtendableEvent & {tag: string}} */ (e); // SyncEvent, not in the library
  if (event.tag !== "outbox") return;
  event.waitUntil(
    syncOnce().then(async (report) => {
      for (const client of await worker.clients.matchAll({ type: "window" })) {
        client.postMessage({ type: "synced" });
      }
      // Rejecting asks the browser to try again later (with its own backoff).
      if (report.transient && !report.busy) throw new Error("sync will be retried");
    }),
  );
});

// --- web push (docs/push.md) ----------------------------------------------------------------
// A notice from the server: {id, tag, type, title, body, url}. Its tag is the notice id, so
// a notice delivered twice (a sender killed mid-send) replaces itself instead of stacking.

/** @typedef {{id?: number, tag?: string, type?: string, title?: string, body?: string, url?: string}} Notice */

/** @param {PushMessageData|null} data @returns {Notice} */
function readNotice(data) {
  try {
    const notice = data ? data.json() : null;
    return notice && typeof notice === "object" ? notice : {};
  } catch {
    return { body: data ? data.text() : "" };
  }
}

/** @param {Notice} notice */
async function showNotice(notice) {
  const tag = notice.tag || (notice.id ? `notice-${notice.id}` : "notice");
  await worker.registration.showNotification(notice.title || "Kiểm tra an toàn trẻ em", {
    body: notice.body || "",
    icon: "/icons/icon-192.png",
    badge: "/icons/icon-192.png",
    tag,
    data: { id: notice.id, url: notice.url || "/" },
  });
  for (const client of await worker.clients.matchAll({ type: "window", includeUncontrolled: true })) {
    client.postMessage({ type: "notice-shown", notice: { ...notice, tag } });
  }
}

/** Focus an open window of the app and show the notice's screen there, or open one at it.
 * @param {Notification} notification */
async function openNotice(notification) {
  notification.close();
  const url = new URL((notification.data && notification.data.url) || "/", worker.location.origin).href;
  const windows = await worker.clients.matchAll({ type: "window", includeUncontrolled: true });
  const open = windows.find((client) => new URL(client.url).origin === worker.location.origin);
  if (!open) return worker.clients.openWindow(url);
  open.postMessage({ type: "open-notice", url });
  return open.focus().catch(() => open); // focusing needs the click's user activation
}

worker.addEventListener("push", (event) => {
  event.waitUntil(showNotice(readNotice(event.data)));
});

worker.addEventListener("notificationclick", (event) => {
  event.waitUntil(openNotice(event.notification));
});

// The page's list of shown notices opens one the way a tap on it does.
worker.addEventListener("message", (event) => {
  if (!event.data || event.data.type !== "open-shown-notice") return;
  const tag = String(event.data.tag || "");
  event.waitUntil(
    worker.registration.getNotifications({ tag }).then((found) => (found[0] ? openNotice(found[0]) : undefined)),
  );
});
