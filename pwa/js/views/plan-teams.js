// The plan form's teams: each a name and members drawn from the agencies taking part, one
// of them the lead (trưởng đoàn); a member with an account (username) sees the team's
// visits on their phone.

import { h, replace, uid } from "../dom.js";
import { t } from "../i18n.js";

/**
 * @typedef {import("../plan-form-state.js").PlanDraft} PlanDraft
 * @typedef {import("../plan-form-state.js").TeamDraft} TeamDraft
 * @typedef {{draft: PlanDraft, field: (path: string, label: string, input: HTMLElement) => HTMLElement,
 *   changed: () => void, agencyList: string}} FormParts what each part of the form works with
 */

/** @param {FormParts} form */
export function teamsSection(form) {
  const list = h("ol", { class: "cards plan-teams" });
  const draw = () => {
    replace(list, form.draft.teams.map((team, n) => teamCard(form, team, n, draw)));
    form.changed();
  };
  const add = h("button", {
    type: "button",
    class: "secondary",
    text: t("planForm.addTeam"),
    onclick: () => {
      form.draft.teams.push({ name: "", members: [{ name: "", agency: "", role: "lead", username: null }] });
      draw();
    },
  });
  replace(list, form.draft.teams.map((team, n) => teamCard(form, team, n, draw)));
  return h("section", { class: "panel" }, h("h2", { text: t("planForm.teams") }), h("p", { class: "muted", text: t("planForm.teamsHelp") }), list, add);
}

/**
 * @param {FormParts} form @param {TeamDraft} team @param {number} n @param {() => void} draw
 */
function teamCard(form, team, n, draw) {
  const name = h("input", { type: "text", value: team.name, autocomplete: "off" });
  name.addEventListener("input", () => {
    team.name = name.value;
    form.changed();
  });
  const members = team.members.map((m, k) => memberCard(form, team, n, k, draw));
  const addMember = h("button", {
    type: "button",
    class: "secondary small",
    text: t("team.add"),
    onclick: () => {
      team.members.push({ name: "", agency: "", role: team.members.some((m) => m.role === "lead") ? "member" : "lead", username: null });
      draw();
    },
  });
  const used = form.draft.sites.some((s) => s.team === n);
  const remove =
    form.draft.teams.length > 1 && !used && n === form.draft.teams.length - 1
      ? h("button", { type: "button", class: "secondary small", text: t("planForm.removeTeam"), onclick: () => (form.draft.teams.pop(), draw()) })
      : null;
  return h(
    "li",
    { class: "card plan-team" },
    h("h3", { class: "title", text: t("planForm.team", { n: n + 1 }) }),
    form.field(`teams[${n}].name`, t("planForm.teamName"), name),
    h("ol", { class: "members" }, members),
    h("div", { class: "actions" }, addMember, remove),
  );
}

/**
 * @param {FormParts} form @param {TeamDraft} team @param {number} n @param {number} k
 * @param {() => void} draw
 */
function memberCard(form, team, n, k, draw) {
  const m = team.members[k];
  const path = `teams[${n}].members[${k}]`;
  /** @param {"name"|"agency"|"username"} key @param {Record<string, unknown>} props */
  const text = (key, props) => {
    const input = h("input", { type: "text", value: m[key] || "", ...props });
    input.addEventListener("input", () => {
      m[key] = input.value;
      form.changed();
    });
    return input;
  };
  const group = uid("role");
  const roles = /** @type {const} */ (["lead", "member"]).map((role) => {
    const input = h("input", { type: "radio", name: group, value: role, checked: m.role === role });
    input.addEventListener("change", () => {
      if (!input.checked) return;
      for (const other of team.members) if (role === "lead" && other !== m) other.role = "member";
      m.role = role;
      draw();
    });
    return h("label", { class: "opt" }, input, h("span", { text: t(`team.role.${role}`) }));
  });
  const who = m.name.trim() || t("team.member", { n: k + 1 });
  return h(
    "li",
    { class: "member" },
    form.field(`${path}.name`, t("team.name"), text("name", { autocomplete: "off" })),
    form.field(`${path}.agency`, t("team.agency"), text("agency", { list: form.agencyList, autocomplete: "off" })),
    form.field(`${path}.username`, t("planForm.username"), text("username", { autocomplete: "off", autocapitalize: "none", spellcheck: "false" })),
    h("fieldset", { class: "options n2" }, h("legend", { class: "visually-hidden", text: t("team.roleOf", { name: who }) }), roles),
    team.members.length > 1
      ? h("button", { type: "button", class: "secondary small", text: t("team.remove", { name: who }), onclick: () => (team.members.splice(k, 1), draw()) })
      : null,
  );
}
