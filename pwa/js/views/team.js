// The inspection team on the minutes (biên bản): each member's name, agency and role, one
// of them the lead (trưởng đoàn), and each member's signature. Kept in the draft as it is
// written, like every answer, and sent with the record.

import { h, replace, uid } from "../dom.js";
import { t } from "../i18n.js";
import { signaturePad } from "./items/signature.js";

/** @typedef {import("../store.js").TeamMember} TeamMember */
/** @typedef {import("./items/field.js").Screen} Screen */
/**
 * @typedef {{screen: Screen, members: (TeamMember & {key: string})[], persist: () => Promise<unknown>,
 *   draw: () => void, agencyList: string, editing: Set<string>}} Team what every member's card
 *   works with; `editing`: the members whose details are open, kept across redraws
 */

/**
 * What is wrong with a team before the minutes can be completed, as i18n keys; empty when
 * nothing is. The server checks the lead and duplicates too (team_lead, team_duplicate).
 * @param {TeamMember[]} members @returns {string[]}
 */
export function teamProblems(members) {
  if (!members.length) return ["team.problem.empty"];
  const problems = [];
  if (members.filter((m) => m.role === "lead").length !== 1) problems.push("team.problem.lead");
  if (members.some((m) => !m.name.trim() || !m.agency.trim())) problems.push("team.problem.name");
  if (members.some((m) => !m.signature)) problems.push("team.problem.signature");
  const names = members.map((m) => m.name.trim().toLowerCase());
  if (new Set(names).size !== names.length) problems.push("team.problem.duplicate");
  return problems;
}

/**
 * The team section of the checklist screen.
 * @param {Screen} screen
 * @param {{members: TeamMember[], agencies: string[], save: (members: TeamMember[]) => Promise<unknown>}} o
 * @returns {{element: HTMLElement, check: () => boolean}}
 */
export function teamSection(screen, o) {
  /** @type {(TeamMember & {key: string})[]} */
  const members = o.members.map((m) => ({ ...m, key: uid("member") }));
  const list = h("ol", { class: "team" });
  const problem = h("p", { class: "problem", role: "alert", hidden: true });
  const agencyList = uid("agencies");
  const headingId = uid("team");

  const persist = () => screen.track(o.save(members.map(({ key, ...m }) => m)));

  /** @type {Team} */
  const team = { screen, members, persist, draw: () => draw(), agencyList, editing: new Set() };
  function draw() {
    replace(list, members.map((m, n) => memberCard(team, m, n)));
  }

  const add = screen.readonly
    ? null
    : h("button", {
        type: "button",
        class: "secondary",
        text: t("team.add"),
        onclick: () => {
          const role = members.some((m) => m.role === "lead") ? "member" : "lead";
          const key = uid("member");
          members.push({ name: "", agency: "", role, key });
          team.editing.add(key);
          persist();
          draw();
          /** @type {HTMLInputElement|null} */ (list.lastElementChild?.querySelector("input") ?? null)?.focus();
        },
      });

  const element = h(
    "section",
    { class: "team-section", "aria-labelledby": headingId },
    h("h2", { id: headingId, text: t("team.title") }),
    h("p", { class: "muted", text: t("team.help") }),
    list,
    add,
    problem,
    h("datalist", { id: agencyList }, o.agencies.map((name) => h("option", { value: name }))),
  );
  draw();

  function check() {
    const found = teamProblems(members);
    problem.textContent = found.map((key) => t(key)).join(" ");
    problem.hidden = !found.length;
    // Open what needs writing in, so the problem is in sight.
    const unnamed = members.filter((m) => !m.name.trim() || !m.agency.trim());
    if (unnamed.length) {
      for (const m of unnamed) team.editing.add(m.key);
      draw();
    }
    return !found.length;
  }
  return { element, check };
}

/**
 * One member's card: who they are and their signature on one or two lines; the name,
 * agency and role (one lead: choosing a new one makes the previous lead a member) and the
 * remove button behind "Sửa thông tin", open while the name or agency is missing.
 * @param {Team} team @param {TeamMember & {key: string}} m @param {number} n
 */
function memberCard(team, m, n) {
  const { screen, persist, editing } = team;
  const label = () => m.name.trim() || t("team.member", { n: n + 1 });
  const who = h("strong", { text: label() });
  const agencyLine = h("span", { class: "agency", text: m.agency });
  const head = h(
    "p",
    { class: "member-head" },
    who,
    ` · ${t(`team.role.${m.role}`)}`,
    h("br"),
    agencyLine,
  );
  const shown = () => {
    who.textContent = label();
    agencyLine.textContent = m.agency;
  };
  const signature = signaturePad(screen, {
    key: m.key,
    label: label(),
    hash: () => m.signature,
    save: (hash) => {
      m.signature = hash;
      return persist();
    },
  });
  if (screen.readonly) return h("li", { class: "card member" }, head, signature);
  const edit = h(
    "details",
    { class: "member-edit", open: editing.has(m.key) || !m.name.trim() || !m.agency.trim() },
    h("summary", null, t("team.edit"), h("span", { class: "visually-hidden", text: `: ${label()}` })),
    h("div", { class: "fields" }, ...memberFields(team, m, label, shown)),
  );
  edit.addEventListener("toggle", () => (edit.open ? editing.add(m.key) : editing.delete(m.key)));
  return h("li", { class: "card member" }, head, signature, edit);
}

/**
 * A member's name, agency and role, and the button that removes them.
 * @param {Team} team @param {TeamMember & {key: string}} m
 * @param {() => string} label @param {() => void} shown redraws the card's head
 */
function memberFields(team, m, label, shown) {
  const { screen, members, persist, draw, agencyList } = team;
  const nameId = uid("name");
  const agencyId = uid("agency");
  const name = h("input", { id: nameId, type: "text", autocomplete: "name", value: m.name });
  name.addEventListener("input", () => {
    m.name = name.value;
    shown();
    remove.textContent = t("team.remove", { name: label() });
    persist();
  });
  const agency = h("input", { id: agencyId, type: "text", list: agencyList, value: m.agency });
  agency.addEventListener("input", () => {
    m.agency = agency.value;
    shown();
    persist();
  });
  const roles = /** @type {const} */ (["lead", "member"]).map((role) => {
    const input = h("input", { type: "radio", name: `role-${m.key}`, value: role, checked: m.role === role });
    input.addEventListener("change", () => {
      if (!input.checked) return;
      // One lead: choosing a new one makes the previous lead a member.
      for (const other of members) if (role === "lead" && other !== m && other.role === "lead") other.role = "member";
      m.role = role;
      persist();
      draw();
    });
    return h("label", { class: `opt opt-${role}` }, input, h("span", { text: t(`team.role.${role}`) }));
  });
  const remove = h("button", {
    type: "button",
    class: "secondary small",
    text: t("team.remove", { name: label() }),
    onclick: () => {
      members.splice(members.indexOf(m), 1);
      screen.unsaved.delete(m.key);
      persist();
      draw();
    },
  });
  return [
    h("label", { for: nameId, text: t("team.name") }),
    name,
    h("label", { for: agencyId, text: t("team.agency") }),
    agency,
    h("fieldset", { class: "options n2" }, h("legend", { class: "visually-hidden", text: t("team.roleOf", { name: label() }) }), ...roles),
    remove,
  ];
}
