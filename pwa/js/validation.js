// Problems with a set of answers: a port of server/inspections/validation.py. The phone
// checks before completing, so the server's rejection is the exception, not the rule.
// Codes are the server's; the screen shows its own text for each (i18n "problem.*").

import { allItems, isAnswered, visibleItems } from "./conditions.js";
import { isIsoDate } from "./dates.js";
import { isRequired } from "./scoring.js";

/** @typedef {import("./conditions.js").Checklist} Checklist */
/** @typedef {import("./conditions.js").Item} Item */
/** @typedef {"unknown_item"|"invalid_value"|"na_not_allowed"|"unknown_choice"|"out_of_range"|"not_integer"|"required_missing"} ProblemCode */
/** @typedef {{item_id: string, code: ProblemCode}} Problem */


/** A finite JSON number; null for anything else (booleans included). @param {unknown} v */
function number(v) {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** @param {unknown} v @returns {string[]|null} */
function distinctStrings(v) {
  if (!Array.isArray(v) || !v.every((s) => typeof s === "string" && s)) return null;
  return new Set(v).size === v.length ? v : null;
}

/** @param {unknown} v */
const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);

/** @param {unknown} value @returns {ProblemCode|null} */
function locationProblem(value) {
  if (!isObject(value)) return "invalid_value";
  const keys = Object.keys(/** @type {object} */ (value));
  if (!keys.includes("lat") || !keys.includes("lon")) return "invalid_value";
  if (!keys.every((k) => k === "lat" || k === "lon" || k === "accuracy")) return "invalid_value";
  const v = /** @type {Record<string, unknown>} */ (value);
  const lat = number(v.lat);
  const lon = number(v.lon);
  if (lat === null || lon === null || !(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) {
    return "invalid_value";
  }
  const accuracy = v.accuracy;
  if (accuracy !== undefined && accuracy !== null) {
    const a = number(accuracy);
    if (a === null || a < 0) return "invalid_value";
  }
  return null;
}

/**
 * The problem code for an answered value that does not fit the item, if any.
 * @param {Item} item @param {unknown} value @returns {ProblemCode|null}
 */
export function valueProblem(item, value) {
  switch (item.kind) {
    case "check":
      if (value !== "pass" && value !== "fail" && value !== "na") return "invalid_value";
      if (value === "na" && !item.allow_na) return "na_not_allowed";
      return null;
    case "veto":
      return value === "none" || value === "occurred" ? null : "invalid_value";
    case "number": {
      const n = number(value);
      if (n === null) return "invalid_value";
      if (item.integer && !Number.isInteger(n)) return "not_integer";
      if ((typeof item.min === "number" && n < item.min) || (typeof item.max === "number" && n > item.max)) {
        return "out_of_range";
      }
      return null;
    }
    case "choice": {
      /** @type {string[]|null} */
      let chosen;
      if (item.multiple) {
        chosen = distinctStrings(value);
        if (chosen === null) return "invalid_value";
      } else if (typeof value === "string") {
        chosen = [value];
      } else {
        return "invalid_value";
      }
      const allowed = new Set((item.choices || []).map((c) => c.value));
      return chosen.some((v) => !allowed.has(v)) ? "unknown_choice" : null;
    }
    case "location":
      return locationProblem(value);
    case "date":
      return isIsoDate(value) ? null : "invalid_value";
    case "photo":
      return distinctStrings(value) === null ? "invalid_value" : null;
    default: // signature and text
      return typeof value === "string" ? null : "invalid_value";
  }
}

/**
 * Every problem with these answers, in document order, then unknown ids sorted.
 * @param {Checklist} checklist @param {Record<string, unknown>} answers @returns {Problem[]}
 */
export function answerProblems(checklist, answers) {
  const visible = visibleItems(checklist, answers);
  /** @type {Problem[]} */
  const problems = [];
  const known = new Set();
  for (const item of allItems(checklist)) {
    known.add(item.id);
    const value = Object.hasOwn(answers, item.id) ? answers[item.id] : undefined;
    if (isAnswered(value)) {
      const code = valueProblem(item, value);
      if (code) problems.push({ item_id: item.id, code });
    } else if (isRequired(item) && visible.has(item.id)) {
      problems.push({ item_id: item.id, code: "required_missing" });
    }
  }
  const unknown = Object.keys(answers).filter((id) => !known.has(id));
  unknown.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const id of unknown) problems.push({ item_id: id, code: "unknown_item" });
  return problems;
}
