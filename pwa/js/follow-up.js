// Corrective actions an inspection requires (docs/actions.md): every failed check (not an
// advisory one) and every veto event that occurred. The inspector may change what must be
// done and by when; otherwise the same defaults as the server's apply. DOM-free.

import { allItems } from "./conditions.js";
import { DEFAULT_LIMITS } from "./limits.js";

/** @typedef {import("./conditions.js").Item} Item */
/** @typedef {import("./conditions.js").Checklist} Checklist */
/** @typedef {{requirement: string, due: string}} ActionChoice */
/** @typedef {{item: string, requirement: string, due: string}} ActionRequest */
/** @typedef {Pick<import("./limits.js").Limits, "action_due_veto_days"|"action_due_mandatory_days"|"action_due_other_days">} DueDays */

/**
 * The items that call for an action, in checklist order.
 * @param {Checklist} checklist @param {Record<string, unknown>} answers @param {Set<string>} visible
 * @returns {Item[]}
 */
export function failures(checklist, answers, visible) {
  return allItems(checklist).filter(
    (item) =>
      visible.has(item.id) &&
      ((item.kind === "check" && !item.advisory && answers[item.id] === "fail") ||
        (item.kind === "veto" && answers[item.id] === "occurred")),
  );
}

/** What must be done, in the server's words (server/actions/follow_up.py). @param {Item} item */
export function defaultRequirement(item) {
  return item.kind === "veto"
    ? `Xử lý sự việc và có biện pháp phòng ngừa tái diễn: ${item.text.vi}`
    : `Khắc phục để đạt tiêu chí: ${item.text.vi}`;
}

/** A day in Viet Nam (UTC+7, no daylight saving) as YYYY-MM-DD. @param {Date} moment */
export function vietnamDay(moment) {
  return new Date(moment.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}

/** @param {string} day YYYY-MM-DD @param {number} days */
export function addDays(day, days) {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** @param {Item} item @param {string} inspectedOn @param {DueDays} [days] */
export function defaultDue(item, inspectedOn, days = DEFAULT_LIMITS) {
  if (item.kind === "veto") return addDays(inspectedOn, days.action_due_veto_days);
  return addDays(inspectedOn, item.mandatory ? days.action_due_mandatory_days : days.action_due_other_days);
}

/**
 * The action for each failure: the inspector's choice where made, else the defaults.
 * @param {Item[]} failed @param {Record<string, ActionChoice>} chosen @param {string} inspectedOn
 * @param {DueDays} [days] @returns {ActionRequest[]}
 */
export function requests(failed, chosen, inspectedOn, days = DEFAULT_LIMITS) {
  return failed.map((item) => {
    const choice = chosen[item.id];
    return {
      item: item.id,
      requirement: choice?.requirement.trim() || defaultRequirement(item),
      due: choice?.due || defaultDue(item, inspectedOn, days),
    };
  });
}
