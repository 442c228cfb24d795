// Accounts (#/admin/users): searched (accents optional) and filtered by role on the server,
// each opening its form; a button makes a new one.

import { request } from "../api.js";
import { append, h, replace, uid } from "../dom.js";
import { t } from "../i18n.js";
import { back, failure } from "./admin.js";

export const ROLES = ["admin", "department", "inspector", "facility"];

/** @param {HTMLElement} root */
export async function render(root) {
  const searchId = uid("q");
  const roleId = uid("role");
  const search = h("input", { id: searchId, type: "search", autocomplete: "off" });
  const role = h(
    "select",
    { id: roleId },
    h("option", { value: "", text: t("admin.allRoles") }),
    ROLES.map((r) => h("option", { value: r, text: t(`role.${r}`) })),
  );
  const count = h("p", { class: "count", role: "status" });
  const list = h("ul", { class: "cards" });
  append(
    root,
    back(),
    h("h1", { text: t("admin.users") }),
    h("a", { class: "button primary", href: "#/admin/user/new", text: t("admin.newUser") }),
    h(
      "div",
      { class: "filters" },
      h("label", { for: searchId, text: t("admin.search") }),
      search,
      h("label", { for: roleId, text: t("admin.roleFilter") }),
      role,
    ),
    count,
    list,
  );

  let asked = 0;
  async function load() {
    const mine = ++asked;
    const params = new URLSearchParams();
    if (search.value.trim()) params.set("q", search.value.trim());
    if (role.value) params.set("role", role.value);
    const answer = await request(`/api/users?${params}`);
    if (mine !== asked) return; // a newer search is on its way
    if (!answer.ok) {
      count.textContent = failure(answer);
      replace(list);
      return;
    }
    /** @type {any[]} */
    const users = answer.data;
    count.textContent = users.length ? t("admin.userCount", { n: users.length }) : t("admin.noUsers");
    replace(list, users.map(card));
  }
  /** @type {number|undefined} */
  let timer;
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(load, 250);
  });
  role.addEventListener("change", load);
  await load();
  return { leave: () => (clearTimeout(timer), true) };
}

/** Where an account may look, in words. @param {any} u */
export function scopeText(u) {
  if (u.role === "facility") return t("admin.scopeFacility", { code: u.facility_code || "" });
  if (u.commune_codes?.length) return t("admin.scopeCommunes", { codes: u.commune_codes.join(", ") });
  if (u.province_code) return t("admin.scopeProvince", { code: u.province_code });
  return t("admin.scopeAll");
}

/** @param {any} u */
function card(u) {
  return h(
    "li",
    { class: `card${u.disabled ? " disabled" : ""}` },
    h("a", { class: "title", href: `#/admin/user/${u.id}`, text: u.display_name }),
    h("span", { class: "meta", text: [u.username, t(`role.${u.role}`), scopeText(u), u.agency].filter(Boolean).join(" · ") }),
    u.disabled ? h("span", { class: "pill state-attention", text: t("admin.disabled") }) : null,
  );
}
