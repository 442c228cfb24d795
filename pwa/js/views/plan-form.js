// Making or changing a joint inspection plan (#/plan-form, #/plan-form/<id>): name, period,
// the agencies taking part, teams (plan-teams.js) and the sites to visit (plan-sites.js).
// The server's refusals are shown next to the field they concern, and nothing typed is
// lost: a new plan's form is kept on the phone as it is written until it is made.

import { request } from "../api.js";
import { agencies, refreshAgencies } from "../agencies.js";
import { dateInput, dateValue } from "../dates.js";
import { append, h, replace, uid } from "../dom.js";
import { addDays, vietnamDay } from "../follow-up.js";
import { t } from "../i18n.js";
import { emptyPlan, fieldOf, fromPlan, requestOf } from "../plan-form-state.js";
import * as store from "../store.js";
import { sitesSection } from "./plan-sites.js";
import { teamsSection } from "./plan-teams.js";

/** @typedef {import("../plan-form-state.js").PlanDraft} PlanDraft */

const KEPT = "plan-form:new";

/** @param {HTMLElement} root @param {import("../app.js").Ctx} ctx @param {string[]} params */
export async function render(root, ctx, params) {
  const id = params[0] ? Number(params[0]) : null;
  const back = h("a", { class: "back", href: id ? `#/plan/${id}` : "#/plans", text: t("common.back") });
  /** @type {PlanDraft} */
  let draft;
  if (id) {
    const got = await request(`/api/plans/${id}`);
    if (!got.ok) {
      append(root, back, h("p", { role: "alert", text: got.network ? t("planForm.needOnline") : t("plan.notFound") }));
      return {};
    }
    draft = fromPlan(got.data);
  } else {
    const today = vietnamDay(new Date()); // the toISOString day is yesterday before 07:00
    draft = (await store.getMeta(KEPT)) || emptyPlan(ctx.session?.user?.province_code || "", today, addDays(today, 30));
    if (!draft.province) {
      append(root, back, h("h1", { text: t("planForm.newTitle") }), await provinceChoice(ctx, draft));
      return {};
    }
  }
  if (navigator.onLine) await refreshAgencies().catch(() => undefined);
  const known = (await agencies()).map((a) => a.name);
  const user = ctx.session?.user;
  const form = formParts(draft, id === null);
  const message = h("p", { class: "problem", role: "alert", hidden: true });
  const save = h("button", { type: "submit", class: "primary", text: id ? t("planForm.saveChanges") : t("planForm.create") });
  const element = h(
    "form",
    { class: "plan-form", novalidate: true },
    basics(form, [...new Set([...(user?.agency ? [user.agency] : []), ...known, ...draft.agencies])]),
    teamsSection(form),
    sitesSection(form),
    message,
    save,
    h("datalist", { id: form.agencyList }, known.map((name) => h("option", { value: name }))),
  );
  element.addEventListener("submit", async (e) => {
    e.preventDefault();
    save.disabled = true;
    const answer = await submit(draft, id, form, message);
    save.disabled = false;
    if (answer !== null) {
      if (!id) await store.setMeta(KEPT, null);
      ctx.announce(t(id ? "planForm.saved" : "planForm.created"));
      ctx.navigate(`#/plan/${answer}`);
    }
  });
  append(root, back, h("h1", { text: id ? t("planForm.editTitle") : t("planForm.newTitle") }), element);
  return {};
}

/**
 * An admin plans for any province: which one, first.
 * @param {import("../app.js").Ctx} ctx @param {PlanDraft} draft
 */
async function provinceChoice(ctx, draft) {
  const got = await request("/api/units/provinces");
  const select = h("select", { id: uid("province") }, (got.ok ? got.data : []).map((/** @type {any} */ p) => h("option", { value: p.code, text: p.name })));
  const next = h("button", {
    type: "button",
    class: "primary",
    text: t("planForm.next"),
    onclick: async () => {
      await store.setMeta(KEPT, { ...draft, province: select.value });
      ctx.rerender();
    },
  });
  return h("div", { class: "panel" }, h("label", { for: select.id, text: t("planForm.province") }), select, next);
}

/**
 * The form's parts: each field registered by its path, with a place for its problem.
 * @param {PlanDraft} draft @param {boolean} keep whether to keep the draft on the phone
 */
function formParts(draft, keep) {
  /** @type {Map<string, {input: HTMLElement, problem: HTMLElement}>} */
  const fields = new Map();
  return {
    draft,
    fields,
    agencyList: uid("agencies"),
    changed: () => {
      if (keep) store.setMeta(KEPT, draft);
    },
    /** @param {string} path @param {string} label @param {HTMLElement} input */
    field(path, label, input) {
      input.id ||= uid("f");
      const problem = h("p", { class: "problem", id: uid("problem"), hidden: true });
      input.setAttribute("aria-describedby", problem.id);
      fields.set(path, { input, problem });
      return h("div", { class: "plan-field" }, label ? h("label", { for: input.id, text: label }) : null, input, problem);
    },
  };
}

/**
 * Name, period and agencies.
 * @param {ReturnType<typeof formParts>} form @param {string[]} offered
 */
function basics(form, offered) {
  const d = form.draft;
  /** @param {"name"|"start"|"end"} key @param {string} type */
  const input = (key, type) => {
    const el = type === "date" ? dateInput({ value: d[key] }) : h("input", { type, value: d[key], autocomplete: "off" });
    el.addEventListener("input", () => {
      // A half-typed date stays as typed (kept with the draft); the server names it if sent so.
      d[key] = type === "date" ? (dateValue(el) ?? el.value) : el.value;
      form.changed();
    });
    return el;
  };
  const boxes = offered.map((name) => {
    const box = h("input", { type: "checkbox", value: name, checked: d.agencies.includes(name) });
    box.addEventListener("change", () => {
      d.agencies = offered.filter((_, n) => boxes[n].checked);
      form.changed();
    });
    return box;
  });
  const agencyBoxes = h("div", { class: "options" }, boxes.map((box) => h("label", { class: "opt" }, box, h("span", { text: box.value }))));
  const group = form.field("agencies", "", agencyBoxes);
  return h(
    "section",
    { class: "panel" },
    form.field("name", t("planForm.name"), input("name", "text")),
    h("div", { class: "row dates" }, form.field("start", t("planForm.start"), input("start", "date")), form.field("end", t("planForm.end"), input("end", "date"))),
    h("fieldset", null, h("legend", { text: t("planForm.agencies") }), group),
  );
}

/**
 * Send the plan; on a refusal show each problem next to its field and keep everything.
 * @param {PlanDraft} draft @param {number|null} id @param {ReturnType<typeof formParts>} form
 * @param {HTMLElement} message @returns {Promise<number|null>} the plan's id once saved
 */
async function submit(draft, id, form, message) {
  for (const { problem } of form.fields.values()) problem.hidden = true;
  message.hidden = true;
  const { body, where } = requestOf(draft, id !== null);
  const got = await request(id ? `/api/plans/${id}` : "/api/plans", { method: id ? "PATCH" : "POST", json: body });
  if (got.ok) return got.data.id;
  if (got.network) {
    message.textContent = t("planForm.needOnline");
    message.hidden = false;
    return null;
  }
  const details = got.error?.details?.length ? got.error.details : [{}];
  /** @type {HTMLElement|null} */
  let first = null;
  for (const detail of details) {
    const path = fieldOf(detail, where);
    const target = form.fields.get(path) || form.fields.get(path.replace(/\.\w+$/, "")) || form.fields.get(path.replace(/\[\d+\]$/, ""));
    const text = problemText(path, got.error?.code || "");
    if (target) {
      target.problem.textContent = text;
      target.problem.hidden = false;
      first ||= target.input;
    }
    message.textContent = t("planForm.refused", { problem: text });
    message.hidden = false;
  }
  (first || message).scrollIntoView({ block: "center" });
  first?.focus({ preventScroll: true });
  return null;
}

/** A refusal in words, from its code and the field it concerns. @param {string} path @param {string} code */
function problemText(path, code) {
  if (code === "plan.visit_done") return t("planForm.problem.done");
  if (code === "user.not_found") return t("planForm.problem.username");
  const last = path.split(".").pop() || "";
  if (last === "username") return t("planForm.problem.notInspector");
  if (last === "end") return t("planForm.problem.end");
  if (last === "team") return t("planForm.problem.team");
  if (last === "agencies") return t("planForm.problem.agencies");
  if (/^sites\[\d+\]$/.test(path)) return t("planForm.problem.site");
  if (code === "request.invalid") return t("planForm.problem.required");
  return t("planForm.problem.other");
}
