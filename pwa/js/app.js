// Start-up, the shell (top bar, banners, bottom navigation), the hash router, the service
// worker's update flow, and the sync triggers (start, `online`, timer, button, Background
// Sync). Screens live in js/views/, one module each.

import { getSession, sessionUsable } from "./api.js";
import { refreshAll } from "./data.js";
import { append, h, replace } from "./dom.js";
import { lang, setLang, t } from "./i18n.js";
import { icon } from "./icons.js";
import { pendingCount, Scheduler } from "./outbox.js";
import * as store from "./store.js";

/**
 * @typedef {{leave?: () => Promise<boolean>|boolean, blocksUpdate?: () => boolean,
 *   onChange?: (stores: string[]) => void, onSync?: () => void}} ViewHandle
 * @typedef {{session: import("./api.js").Session|undefined, navigate: (hash: string) => void,
 *   confirm: (message: string, ok?: string, options?: ConfirmOptions) => Promise<boolean>, announce: (message: string) => void,
 *   syncNow: () => Promise<void>, scheduler: Scheduler, refreshData: (force?: boolean) => Promise<any>,
 *   rerender: () => void, setSession: (s: any) => Promise<void>, version: () => string,
 *   markNav: (tab: string) => void}} Ctx
 * `markNav(tab)`: a screen whose tab depends on what it shows (a received inspection belongs
 * to the outbox, a draft to the drafts) names it once it knows.
 * @typedef {{tone?: "primary"|"danger", details?: string[]}} ConfirmOptions
 *   a primary tone for a confirmation that is not a deletion; details listed under the question
 */

const VIEWS = {
  signin: () => import("./views/signin.js"),
  facilities: () => import("./views/facilities.js"),
  facility: () => import("./views/facility.js"),
  inspection: () => import("./views/inspection.js"),
  drafts: () => import("./views/drafts.js"),
  outbox: () => import("./views/outbox.js"),
  settings: () => import("./views/settings.js"),
  status: () => import("./views/status.js"),
  province: () => import("./views/province.js"),
  site: () => import("./views/site.js"),
  admin: () => import("./views/admin.js"),
  schedule: () => import("./views/schedule.js"),
  visit: () => import("./views/visit.js"),
  plans: () => import("./views/plans.js"),
  plan: () => import("./views/plan.js"),
  "plan-form": () => import("./views/plan-form.js"),
  report: () => import("./views/report.js"),
};

const root = /** @type {HTMLElement} */ (document.getElementById("view"));
const banners = /** @type {HTMLElement} */ (document.getElementById("banners"));
const nav = /** @type {HTMLElement} */ (document.getElementById("nav"));
const netStatus = /** @type {HTMLElement} */ (document.getElementById("net"));
const liveRegion = /** @type {HTMLElement} */ (document.getElementById("live"));
const title = /** @type {HTMLElement} */ (document.getElementById("app-title"));

/** @type {ViewHandle} */
let view = {};
/**
 * The stores changed while a screen was being drawn (its onChange not yet known), told to
 * it once drawn; null when no screen is being drawn. @type {Set<string>|null}
 */
let heardWhileDrawing = null;
/** @type {ServiceWorker|null} */
let waitingWorker = null;
let applyingUpdate = false;
let swVersion = "";
let lastRefresh = 0;

const scheduler = new Scheduler((report) => {
  if (report.auth) renderBanners();
  view.onSync?.();
  if (report.transient && !navigator.onLine) registerBackgroundSync();
  updateBadge();
});

/** @type {Ctx} */
const ctx = {
  session: undefined,
  navigate: (hash) => {
    if (location.hash === hash) route();
    else location.hash = hash;
  },
  confirm,
  announce,
  syncNow: () => scheduler.run("tap"),
  scheduler,
  refreshData,
  rerender: () => route(),
  setSession: async (s) => {
    ctx.session = s;
    renderShell();
  },
  version: () => swVersion,
  markNav: (tab) => markCurrentNav(tab),
};
/** The tab of the screen shown (after the router resolved "#/" to a landing screen). */
let currentTab = "";

// --- dialogs and announcements ------------------------------------------------------------

/**
 * An accessible confirmation (a modal <dialog>, focus kept inside, Escape cancels).
 * @param {string} message @param {string} [okLabel] @param {ConfirmOptions} [options]
 * @returns {Promise<boolean>}
 */
function confirm(message, okLabel, options = {}) {
  return new Promise((resolve) => {
    const text = h("p", { id: "confirm-text", text: message });
    const details = options.details?.length ? h("ul", { class: "confirm-details" }, options.details.map((line) => h("li", { text: line }))) : null;
    const dialog = h("dialog", { class: "confirm", "aria-labelledby": "confirm-text" });
    const finish = (/** @type {boolean} */ value) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    append(
      dialog,
      text,
      details,
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", class: "secondary", text: t("common.cancel"), onclick: () => finish(false) }),
        h("button", { type: "button", class: options.tone || "danger", text: okLabel || t("common.ok"), onclick: () => finish(true) }),
      ),
    );
    dialog.addEventListener("cancel", (e) => {
      e.preventDefault();
      finish(false);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** @param {string} message */
function announce(message) {
  liveRegion.textContent = "";
  setTimeout(() => {
    liveRegion.textContent = message;
  }, 30);
}

// --- shell ---------------------------------------------------------------------------------

function role() {
  return ctx.session?.user?.role || "";
}

/**
 * Each role's tabs: href, label key, icon. Inspectors work on site visits; departments and
 * admins oversee (an admin inspects too, from the facility list linked in #/admin).
 * @type {Record<string, [string, string, string][]>}
 */
const TABS = {
  inspector: [
    ["#/facilities", "nav.facilities", "facilities"],
    ["#/schedule", "nav.schedule", "schedule"],
    ["#/drafts", "nav.drafts", "drafts"],
    ["#/outbox", "nav.outbox", "outbox"],
    ["#/settings", "nav.settings", "settings"],
  ],
  department: [
    ["#/province", "nav.list", "list"],
    ["#/plans", "nav.plans", "plans"],
    ["#/report", "nav.report", "report"],
    ["#/settings", "nav.settings", "settings"],
  ],
  admin: [
    ["#/province", "nav.list", "list"],
    ["#/plans", "nav.plans", "plans"],
    ["#/report", "nav.report", "report"],
    ["#/admin", "nav.admin", "admin"],
    ["#/settings", "nav.settings", "settings"],
  ],
  facility: [
    ["#/status", "nav.status", "status"],
    ["#/settings", "nav.settings", "settings"],
  ],
};

function renderShell() {
  document.documentElement.lang = lang();
  document.title = t("app.name");
  title.textContent = t("app.name");
  nav.setAttribute("aria-label", t("nav.label"));
  const links = (TABS[role()] || []).map(([href, key, name]) => [href, t(key), name]);
  replace(
    nav,
    h(
      "ul",
      null,
      links.map(([href, label, name]) =>
        h(
          "li",
          null,
          h(
            "a",
            { href, dataset: { route: href.slice(2) } },
            icon(name, "icon tab-icon"),
            h("span", { class: "label", text: label }),
            href === "#/outbox" ? h("span", { class: "badge", id: "badge", hidden: true }) : null,
          ),
        ),
      ),
    ),
  );
  nav.hidden = links.length === 0;
  markCurrentNav(currentTab);
  updateNet();
  renderBanners();
  updateBadge();
}

/** The tab each screen belongs to (an inspection's is set by its screen once loaded). */
const TAB_OF = /** @type {Record<string, string>} */ ({ facility: "facilities", inspection: "drafts", visit: "schedule", plan: "plans", "plan-form": "plans" });

/** A site's screen belongs to the inspector's facilities, and to everyone else's own tab. @param {string} name */
function tabOf(name) {
  const role = ctx.session?.user?.role;
  if (name === "site") return role === "inspector" ? "facilities" : role === "facility" ? "status" : "province";
  return TAB_OF[name] || name;
}

/** Mark the tab of the screen shown (aria-current="page"; styled in app.css). @param {string} tab */
function markCurrentNav(tab) {
  currentTab = tab;
  for (const a of nav.querySelectorAll("a")) {
    if (a.dataset.route === tab) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

function updateNet() {
  const online = navigator.onLine;
  netStatus.textContent = online ? t("net.online") : t("net.offline");
  netStatus.className = online ? "net online" : "net offline";
}

async function updateBadge() {
  const badge = document.getElementById("badge");
  const n = await pendingCount();
  if (badge) {
    badge.hidden = n === 0;
    badge.textContent = String(n);
    badge.setAttribute("aria-label", t("badge.pending", { n }));
    badge.setAttribute("title", t("badge.pending", { n }));
  }
  const nav = /** @type {any} */ (navigator);
  try {
    if (n && nav.setAppBadge) await nav.setAppBadge(n);
    else if (nav.clearAppBadge) await nav.clearAppBadge();
  } catch {
    // not installed, or not allowed: the in-app badge is enough
  }
}

async function renderBanners() {
  const session = await getSession();
  ctx.session = session;
  /** @type {HTMLElement[]} */
  const items = [];
  if (session && session.expired) {
    items.push(
      h(
        "div",
        { class: "banner warn", role: "alert" },
        h("p", { text: session.expired_code === "offline" ? t("auth.offlineMode") : t("auth.expired") }),
        h("a", { class: "button", href: "#/signin", text: t("auth.again") }),
      ),
    );
  }
  if (waitingWorker) {
    items.push(
      h(
        "div",
        { class: "banner info", role: "status", id: "update-banner" },
        h("p", { text: t("update.available") }),
        h("button", { type: "button", id: "update-apply", text: t("update.apply"), onclick: applyUpdate }),
      ),
    );
  }
  banners.replaceChildren(...items);
}

// --- router --------------------------------------------------------------------------------

/**
 * Tell the screen what changed in the phone's store; a screen still being drawn hears it
 * once drawn (data stored meanwhile, as on a first sign-in, would otherwise be missed).
 * @param {string[]} stores
 */
function tellView(stores) {
  for (const name of stores) heardWhileDrawing?.add(name);
  view.onChange?.(stores);
}

let routing = Promise.resolve();
function route() {
  routing = routing.then(doRoute, doRoute);
  return routing;
}

async function doRoute() {
  const session = await getSession();
  ctx.session = session;
  // A screen's query (#/province?kind=…) is its own to read.
  const parts = location.hash.replace(/^#\/?/, "").split("?")[0].split("/").map(decodeURIComponent);
  let name = parts[0] || "";
  if (!session || (!session.token && !session.expired)) name = "signin";
  if (!name) {
    const r = session?.user?.role;
    name = r === "inspector" ? "facilities" : r === "facility" ? "status" : "province";
  }
  if (!(name in VIEWS)) name = "facilities";
  if (view.leave) {
    const ok = await view.leave();
    if (ok === false) return;
  }
  view = {};
  markCurrentNav(tabOf(name));
  const module = await VIEWS[/** @type {keyof typeof VIEWS} */ (name)]();
  const container = h("div", { class: `view view-${name}` });
  replace(root, container);
  heardWhileDrawing = new Set();
  try {
    view = (await module.render(container, ctx, parts.slice(1))) || {};
  } catch (error) {
    console.error(error);
    replace(container, h("p", { class: "error", role: "alert", text: t("app.error", { message: String(error) }) }));
  }
  const heard = heardWhileDrawing;
  heardWhileDrawing = null;
  if (heard.size) view.onChange?.([...heard]);
  root.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

// --- data and sync -------------------------------------------------------------------------

/** @param {boolean} [force] */
async function refreshData(force = false) {
  const session = await getSession();
  if (!sessionUsable(session) || !navigator.onLine) return null;
  if (!force && Date.now() - lastRefresh < 10 * 60 * 1000) return null;
  lastRefresh = Date.now();
  const answer = await refreshAll(/** @type {any} */ (session).user.role);
  tellView(["forms", "facilities", "statuses"]);
  return answer;
}

async function registerBackgroundSync() {
  try {
    const reg = await navigator.serviceWorker?.ready;
    const sync = /** @type {any} */ (reg)?.sync;
    if (sync) await sync.register("outbox");
  } catch {
    // no Background Sync here: `online`, the timer and the button remain
  }
}

// --- service worker and updates -------------------------------------------------------------

async function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  /** @type {ServiceWorkerRegistration} */
  let reg;
  try {
    reg = await navigator.serviceWorker.register("/sw.js", { type: "module", scope: "/", updateViaCache: "none" });
  } catch (error) {
    console.error("service worker registration failed", error);
    return;
  }
  const offer = (/** @type {ServiceWorker|null} */ worker) => {
    if (worker && navigator.serviceWorker.controller) {
      waitingWorker = worker;
      renderBanners();
    }
  };
  offer(reg.waiting);
  reg.addEventListener("updatefound", () => {
    const worker = reg.installing;
    worker?.addEventListener("statechange", () => {
      if (worker.state === "installed") offer(worker);
    });
  });
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (applyingUpdate) location.reload();
  });
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data?.type === "synced") {
      updateBadge();
      view.onSync?.();
    }
    // a tapped notification: its screen (web push, sw.js)
    if (event.data?.type === "open-notice") location.hash = new URL(String(event.data.url), location.origin).hash || "#/";
  });
  const ask = () => reg.update().catch(() => undefined);
  window.addEventListener("online", ask);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") ask();
    else store.flushToDisk().catch(() => undefined);
  });
  setInterval(ask, 60 * 60 * 1000);
  const active = reg.active || (await navigator.serviceWorker.ready).active;
  if (active) {
    const channel = new MessageChannel();
    channel.port1.onmessage = (e) => {
      swVersion = String(e.data || "");
    };
    active.postMessage({ type: "version" }, [channel.port2]);
  }
}

/** Apply the waiting version, only when nothing on screen is unsaved. */
async function applyUpdate() {
  if (!waitingWorker) return;
  if (view.blocksUpdate?.()) {
    announce(t("update.blocked"));
    const banner = document.getElementById("update-banner");
    banner?.querySelector(".blocked")?.remove();
    banner?.append(h("p", { class: "blocked", role: "alert", text: t("update.blocked") }));
    return;
  }
  if (view.leave && (await view.leave()) === false) return; // flushes pending writes
  view = {};
  applyingUpdate = true;
  waitingWorker.postMessage({ type: "skip-waiting" });
}

// --- start-up ------------------------------------------------------------------------------

async function requestPersistence() {
  try {
    if (navigator.storage?.persist && !(await navigator.storage.persisted())) {
      await navigator.storage.persist();
    }
  } catch {
    // shown on the settings screen either way
  }
}

async function main() {
  setLang(lang());
  store.onChange((stores) => {
    if (stores.includes("inspections") || stores.includes("fixes")) updateBadge();
    if (stores.includes("meta")) renderBanners();
    tellView(stores);
  });
  window.addEventListener("hashchange", () => route());
  window.addEventListener("online", () => {
    updateNet();
    scheduler.run("online");
    refreshData();
  });
  window.addEventListener("offline", updateNet);
  document.addEventListener("langchange", () => {
    renderShell();
    route();
  });
  const session = await getSession();
  ctx.session = session;
  renderShell();
  await route();
  registerServiceWorker();
  if (session && session.token) {
    requestPersistence();
    scheduler.run("start");
    refreshData(true);
  }
}

main();
