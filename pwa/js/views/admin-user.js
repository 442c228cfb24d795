// One account (#/admin/user/new or #/admin/user/<id>): its name, role and scope (a province
// for department and inspector accounts, and for an inspector the communes they cover if not
// the whole province; a facility code for a facility's), the initial
// password of a new one (shown to copy), and for an existing one disable/enable and "sign
// out everywhere". The server checks everything; its problems appear beside their field.

import { agencies } from "../agencies.js";
import { request } from "../api.js";
import { append, fold, h, replace, uid } from "../dom.js";
import { has, lang, t } from "../i18n.js";
import { limits } from "../limits.js";
import { back, failure } from "./admin.js";
import { ROLES } from "./admin-users.js";

/** @typedef {{wrap: HTMLElement, control: HTMLInputElement|HTMLSelectElement, problem: HTMLElement}} Field */

/** @param {HTMLElement} root @param {import("../app.js").Ctx} ctx @param {string} id */
export async function render(root, ctx, id) {
  const creating = id === "new";
  const [provinces, existing, agencyList, lim] = await Promise.all([
    request("/api/units/provinces"),
    creating ? null : request(`/api/users/${encodeURIComponent(id)}`),
    agencies(),
    limits(),
  ]);
  append(root, back("#/admin/users"));
  if (existing && !existing.ok) {
    append(root, h("p", { class: "error", role: "alert", text: failure(existing) }));
    return {};
  }
  /** @type {any} */
  let user = existing?.data || null;
  const fields = buildFields(creating, provinces.ok ? provinces.data : [], agencyList, user);
  const status = h("p", { role: "status" });
  const general = h("p", { class: "error", role: "alert" });
  const submit = h("button", { type: "submit", class: "primary", text: creating ? t("admin.create") : t("admin.save") });
  const form = h("form", { class: "admin-form", novalidate: true }, Object.values(fields).map((f) => f.wrap), general, submit);
  const password = creating ? passwordBox(lim.password_min_length) : null;
  if (password) {
    form.insertBefore(password.wrap, general);
    fields.password = password.field;
  }
  const showScope = () => scopeFor(fields, creating ? fields.role.control.value : user.role);
  fields.role.control.addEventListener("change", showScope);
  fields.province_code.control.addEventListener("change", () => fillCommunes(fields.commune_codes, fields.province_code.control.value));
  showScope();
  fillCommunes(fields.commune_codes, fields.province_code.control.value);
  append(root, h("h1", { text: creating ? t("admin.newUser") : t("admin.editUser", { name: user.username }) }), form, status);
  const actions = creating ? null : accountActions(ctx, () => user, (u) => (user = u), status);
  if (actions) append(root, actions);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearProblems(fields, general);
    status.textContent = "";
    submit.disabled = true;
    const role = creating ? fields.role.control.value : user.role;
    const body = { display_name: fields.display_name.control.value.trim(), ...scopeBody(fields, role) };
    const answer = creating
      ? await request("/api/users", { method: "POST", json: { ...body, role, username: fields.username.control.value.trim(), password: fields.password.control.value } })
      : await request(`/api/users/${user.id}`, { method: "PATCH", json: body });
    submit.disabled = false;
    if (!answer.ok) return showProblems(fields, general, answer);
    user = answer.data;
    if (creating) created(root, answer.data, fields.password.control.value);
    else status.textContent = t("admin.saved");
  });
  return {};
}

/** @param {string} name @param {string} label @param {HTMLInputElement|HTMLSelectElement} control @param {string} [help] @returns {Field} */
function field(name, label, control, help) {
  const problem = h("p", { class: "problem", id: uid(`${name}-problem`), hidden: true });
  const helpEl = help ? h("p", { class: "muted", id: uid(`${name}-help`), text: help }) : null;
  control.id = control.id || uid(name);
  control.name = name;
  if (helpEl) control.setAttribute("aria-describedby", helpEl.id);
  const wrap = h("div", { class: "item", dataset: { field: name } }, h("label", { for: control.id, text: label }), control, problem, helpEl);
  return { wrap, control, problem };
}

/** @param {boolean} creating @param {any[]} provinces @param {import("../agencies.js").Agency[]} agencyList @param {any} user */
function buildFields(creating, provinces, agencyList, user) {
  const listId = uid("agencies");
  const agency = h("input", { type: "text", list: listId, value: user?.agency || "" });
  const role = h("select", { disabled: !creating }, ROLES.map((r) => h("option", { value: r, text: t(`role.${r}`), selected: (user?.role || "inspector") === r })));
  /** @type {Record<string, Field>} */
  const fields = {
    username: field("username", t("admin.username"), h("input", { type: "text", autocapitalize: "none", spellcheck: "false", autocomplete: "off", value: user?.username || "", readonly: !creating }), creating ? t("admin.usernameHelp") : undefined),
    display_name: field("display_name", t("admin.displayName"), h("input", { type: "text", value: user?.display_name || "" })),
    role: field("role", t("admin.role"), role, creating ? undefined : t("admin.roleFixed")),
    province_code: field(
      "province_code",
      t("admin.province"),
      h("select", null, h("option", { value: "", text: t("admin.chooseProvince") }), provinces.map((p) => h("option", { value: p.code, text: `${lang() === "en" ? p.name_en : p.name} (${p.code})`, selected: p.code === user?.province_code }))),
    ),
    commune_codes: communePicker(user?.commune_codes || []),
    agency: field("agency", t("admin.agency"), agency),
    facility_code: field("facility_code", t("admin.facilityCode"), h("input", { type: "text", autocapitalize: "characters", value: user?.facility_code || "" })),
  };
  fields.agency.wrap.append(h("datalist", { id: listId }, agencyList.map((a) => h("option", { value: lang() === "en" ? a.name_en : a.name }))));
  return fields;
}

/**
 * An inspector's communes: ticked from the chosen province's list, narrowed by typing; none
 * ticked means the whole province. The typing box stands for the group as its control, so a
 * problem of the server's is shown and announced there.
 * @param {string[]} chosen @returns {Field}
 */
function communePicker(chosen) {
  const filter = h("input", { type: "search", id: uid("commune-filter"), autocomplete: "off", placeholder: t("admin.communesFilter") });
  const list = h("div", { class: "options communes", dataset: { chosen: chosen.join(",") } });
  const count = h("p", { class: "muted", role: "status" });
  const problem = h("p", { class: "problem", id: uid("commune_codes-problem"), hidden: true });
  const help = h("p", { class: "muted", id: uid("commune_codes-help"), text: t("admin.communesHelp") });
  filter.setAttribute("aria-describedby", help.id);
  filter.addEventListener("input", () => {
    const words = fold(filter.value);
    for (const label of list.children) /** @type {HTMLElement} */ (label).hidden = !fold(label.textContent || "").includes(words);
  });
  list.addEventListener("change", () => (count.textContent = communeCount(list)));
  const wrap = h(
    "fieldset",
    { class: "item communes-field", dataset: { field: "commune_codes" } },
    h("legend", { text: t("admin.communesLegend") }),
    help,
    h("label", { for: filter.id, text: t("admin.communesFilter") }),
    filter,
    list,
    count,
    problem,
  );
  return { wrap, control: filter, problem };
}

/** Lists the province's communes, keeping ticked those chosen before that are in it.
 * @param {Field} picker @param {string} province */
async function fillCommunes(picker, province) {
  const list = /** @type {HTMLElement} */ (picker.wrap.querySelector(".communes"));
  const chosen = new Set([...checkedCommunes(picker), ...(list.dataset.chosen || "").split(",").filter(Boolean)]);
  list.dataset.chosen = "";
  const got = province ? await request(`/api/units/communes?province=${encodeURIComponent(province)}`) : null;
  /** @type {{code: string, name: string}[]} */
  const communes = got?.ok ? got.data : [];
  replace(list, communes.map((c) => h("label", { class: "opt" }, h("input", { type: "checkbox", value: c.code, checked: chosen.has(c.code) }), h("span", { text: c.name }))));
  /** @type {HTMLElement} */ (picker.wrap.querySelector("p[role=status]")).textContent = communeCount(list);
}

/** @param {Field} picker @returns {string[]} */
function checkedCommunes(picker) {
  return [...picker.wrap.querySelectorAll(".communes input:checked")].map((box) => /** @type {HTMLInputElement} */ (box).value);
}

/** @param {HTMLElement} list */
function communeCount(list) {
  const n = list.querySelectorAll("input:checked").length;
  return n ? t("admin.communesChosen", { n }) : t("admin.communesAll");
}

/** Show only the scope fields of the role. @param {Record<string, Field>} fields @param {string} role */
function scopeFor(fields, role) {
  fields.province_code.wrap.hidden = !(role === "department" || role === "inspector");
  fields.commune_codes.wrap.hidden = role !== "inspector";
  fields.agency.wrap.hidden = role !== "department";
  fields.facility_code.wrap.hidden = role !== "facility";
}

/** The scope fields that belong to the role, as the server takes them. @param {Record<string, Field>} fields @param {string} role */
function scopeBody(fields, role) {
  /** @type {Record<string, string | string[]>} */
  const body = {};
  if (role === "department" || role === "inspector") body.province_code = fields.province_code.control.value;
  if (role === "inspector") body.commune_codes = checkedCommunes(fields.commune_codes);
  if (role === "department") body.agency = fields.agency.control.value.trim();
  if (role === "facility") body.facility_code = fields.facility_code.control.value.trim();
  return body;
}

/** @param {Record<string, Field>} fields @param {HTMLElement} general */
function clearProblems(fields, general) {
  general.textContent = "";
  for (const f of Object.values(fields)) {
    f.problem.hidden = true;
    f.problem.textContent = "";
    f.control.removeAttribute("aria-invalid");
    const help = f.wrap.querySelector("p.muted");
    if (help) f.control.setAttribute("aria-describedby", help.id);
    else f.control.removeAttribute("aria-describedby");
    f.wrap.classList.remove("has-problem");
  }
}

/** Each of the server's problems beside its field, in the app's words.
 * @param {Record<string, Field>} fields @param {HTMLElement} general @param {import("../api.js").Answer} answer */
function showProblems(fields, general, answer) {
  const details = Array.isArray(answer.error?.details) ? answer.error.details : [];
  for (const d of details) {
    const f = d && typeof d === "object" ? fields[d.field] : undefined;
    const text = has(`admin.userProblem.${d?.code}`) ? t(`admin.userProblem.${d.code}`) : String(d?.message || d);
    if (!f || f.wrap.hidden) {
      general.textContent = [general.textContent, text].filter(Boolean).join(" ");
      continue;
    }
    f.problem.textContent = [f.problem.textContent, text].filter(Boolean).join(" ");
    f.problem.hidden = false;
    f.control.setAttribute("aria-invalid", "true");
    const help = f.wrap.querySelector("p.muted");
    f.control.setAttribute("aria-describedby", help ? `${f.problem.id} ${help.id}` : f.problem.id);
    f.wrap.classList.add("has-problem");
  }
  const first = Object.values(fields).find((f) => !f.problem.hidden)?.control;
  if (!details.length) general.textContent = failure(answer);
  else if (first) general.textContent = [t("admin.fixFields"), general.textContent].filter(Boolean).join(" ");
  first?.focus();
}

/** A strong random password of at least `min` characters, without look-alike letters. @param {number} min */
function makePassword(min) {
  const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = crypto.getRandomValues(new Uint8Array(Math.max(min, 12)));
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join("");
}

/** The initial password: made here, visible, with "copy" and "another". @param {number} min */
function passwordBox(min) {
  const f = field("password", t("admin.password"), h("input", { type: "text", autocomplete: "new-password", spellcheck: "false", value: makePassword(min) }), t("admin.passwordHelp", { n: min }));
  const input = /** @type {HTMLInputElement} */ (f.control);
  const again = h("button", { type: "button", class: "secondary small", text: t("admin.passwordNew"), onclick: () => (input.value = makePassword(min)) });
  f.wrap.append(h("div", { class: "actions" }, ...copier(input), again));
  return { wrap: f.wrap, field: f };
}

/** A "copy" button for a text box, and where it says it copied. @param {HTMLInputElement} input */
function copier(input) {
  const copied = h("span", { class: "muted", role: "status" });
  const copy = h("button", { type: "button", class: "secondary small", text: t("admin.copy") });
  copy.addEventListener("click", async () => {
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
    } catch {
      document.execCommand?.("copy"); // no clipboard permission: the text is selected anyway
    }
    copied.textContent = t("admin.copied");
  });
  return [copy, copied];
}

/** After creating: the password once more, to copy, and the way to the new account.
 * @param {HTMLElement} root @param {any} user @param {string} password */
function created(root, user, password) {
  const box = h("input", { type: "text", readonly: true, value: password, "aria-label": t("admin.password") });
  replace(
    root,
    back("#/admin/users"),
    h("h1", { text: t("admin.newUser") }),
    h("div", { class: "panel" }, h("p", { class: "ok", role: "status", text: t("admin.created", { username: user.username, password }) }), box, h("div", { class: "actions" }, ...copier(box))),
    h("a", { class: "button", href: `#/admin/user/${user.id}`, text: t("admin.editUser", { name: user.username }) }),
  );
}

/** Disable/enable and sign out everywhere, each confirmed.
 * @param {import("../app.js").Ctx} ctx @param {() => any} current @param {(u: any) => void} update @param {HTMLElement} status */
function accountActions(ctx, current, update, status) {
  const state = h("p", { class: "pill" });
  const toggle = h("button", { type: "button", class: "danger" });
  const show = () => {
    const u = current();
    state.textContent = u.disabled ? t("admin.disabled") : t("admin.active");
    state.className = `pill ${u.disabled ? "state-attention" : "state-received"}`;
    toggle.textContent = u.disabled ? t("admin.enable") : t("admin.disable");
    toggle.className = u.disabled ? "primary" : "danger";
  };
  toggle.addEventListener("click", async () => {
    const u = current();
    if (!u.disabled && !(await ctx.confirm(t("admin.disableConfirm", { name: u.username }), t("admin.disable")))) return;
    const answer = await request(`/api/users/${u.id}`, { method: "PATCH", json: { disabled: !u.disabled } });
    if (!answer.ok) return void (status.textContent = failure(answer));
    update(answer.data);
    show();
    status.textContent = answer.data.disabled ? t("admin.disabledDone") : t("admin.enabledDone");
  });
  const revoke = h("button", { type: "button", class: "danger", text: t("admin.revoke") });
  revoke.addEventListener("click", async () => {
    const u = current();
    if (!(await ctx.confirm(t("admin.revokeConfirm", { name: u.username }), t("admin.revoke")))) return;
    const answer = await request(`/api/users/${u.id}/revoke-sessions`, { method: "POST" });
    status.textContent = answer.ok ? t("admin.revoked", { n: answer.data.revoked }) : failure(answer);
  });
  show();
  return h("div", { class: "panel" }, state, h("div", { class: "actions" }, toggle, revoke));
}
