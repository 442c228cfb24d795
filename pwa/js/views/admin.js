// The administrator's screens (#/admin/…): the menu here, then accounts, the facility
// import and the records kept aside, one module each. They work online only, and anyone
// but an admin is refused here as the server refuses them.

import { append, h } from "../dom.js";
import { t } from "../i18n.js";

/** @typedef {import("../api.js").Answer} Answer */

const SCREENS = {
  users: () => import("./admin-users.js"),
  user: () => import("./admin-user.js"),
  import: () => import("./admin-import.js"),
  kept: () => import("./admin-kept.js"),
  keptItem: () => import("./admin-kept-item.js"),
};

/** @param {HTMLElement} root @param {import("../app.js").Ctx} ctx @param {string[]} parts */
export async function render(root, ctx, parts) {
  if (ctx.session?.user?.role !== "admin") {
    append(root, h("h1", { text: t("admin.title") }), h("p", { class: "error", role: "alert", text: t("admin.onlyAdmin") }));
    return {};
  }
  if (!navigator.onLine) {
    append(root, h("h1", { text: t("admin.title") }), h("p", { class: "note-offline", role: "status", text: t("admin.needOnline") }));
    return {};
  }
  const [screen = "", id = ""] = parts;
  if (!screen) return menu(root);
  const name = screen === "kept" && id ? "keptItem" : screen;
  if (!(name in SCREENS)) return menu(root);
  const module = await SCREENS[/** @type {keyof typeof SCREENS} */ (name)]();
  return module.render(root, ctx, id);
}

/** @param {HTMLElement} root */
function menu(root) {
  /** @type {[string, string, string][]} */
  const entries = [
    ["#/admin/users", t("admin.users"), t("admin.usersHelp")],
    ["#/admin/import", t("admin.import"), t("admin.importHelp")],
    ["#/admin/kept", t("admin.kept"), t("admin.keptHelp")],
    // An admin inspects too; these screens have no tab of their own in the admin's bar.
    ["#/facilities", t("nav.facilities"), t("admin.inspectHelp")],
    ["#/drafts", t("nav.drafts"), t("admin.draftsHelp")],
    ["#/outbox", t("nav.outbox"), t("admin.outboxHelp")],
  ];
  append(
    root,
    h("h1", { text: t("admin.title") }),
    h(
      "ul",
      { class: "cards" },
      entries.map(([href, label, help]) => h("li", null, h("a", { class: "card admin-entry", href }, h("span", { class: "title", text: label }), h("span", { class: "meta", text: help })))),
    ),
  );
  return {};
}

/** The back link of an administration screen. @param {string} [href] */
export function back(href = "#/admin") {
  return h("a", { class: "back", href, text: t("common.back") });
}

/** What to say when the server did not give the answer hoped for. @param {Answer} answer */
export function failure(answer) {
  return t("admin.failed", { code: answer.error?.code || (answer.network ? "network" : answer.status) });
}
