// A result in people's words (docs/scoring.md): the score as each language writes it, and
// every reason of a failed result in plain Vietnamese or English. One module serves the
// live result on the checklist, the server's receipt and the facility and department
// screens, so a reason reads the same wherever it is shown.

import { has, lang, t, tx } from "./i18n.js";

/** @typedef {import("./scoring.js").Reason} Reason */
/** @typedef {{vi: string, en: string}} Text */

/**
 * A score or threshold as the current language writes it: "96,3" in Vietnamese.
 * @param {string|number|null|undefined} value
 */
export function number(value) {
  if (value === null || value === undefined || value === "") return "";
  const text = String(value);
  return lang() === "vi" ? text.replace(".", ",") : text;
}

/**
 * A count with its thousands grouped as the language does: "12.345" in Vietnamese, "12,345"
 * in English (as the report's PDF writes it).
 * @param {number} n
 */
export function count(n) {
  const sign = n < 0 ? "−" : "";
  return sign + String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, lang() === "vi" ? "." : ",");
}

/**
 * A reason's items named: the server's explained items carry their texts, the phone's own
 * reasons carry ids that `nameOf` looks up in the checklist.
 * @param {Reason|any} reason @param {(id: string) => string} nameOf
 */
function items(reason, nameOf) {
  return (reason.items || [])
    .map((/** @type {string|{item_id: string, text: Text}} */ x) => (typeof x === "string" ? nameOf(x) : tx(x.text) || x.item_id))
    .join("; ");
}

/**
 * One reason in words.
 * @param {Reason|any} reason @param {(id: string) => string} [nameOf]
 */
export function reasonText(reason, nameOf = (id) => id) {
  switch (reason.code) {
    case "veto":
      return t("reason.veto", { items: items(reason, nameOf) });
    case "mandatory":
      return t("reason.mandatory", { items: items(reason, nameOf) });
    case "threshold":
      return t("reason.threshold", { score: number(reason.score_display), threshold: number(reason.threshold) });
    case "min_passed":
      return t("reason.min_passed", { n: reason.passed_count, min: reason.min_passed });
    default:
      return String(reason.code);
  }
}

/**
 * A per-record problem code of the server (server/inspections/problems.py) in words, or the code itself when
 * this version of the app does not know it yet.
 * @param {string} code
 */
export function problemText(code) {
  return has(`problem.${code}`) ? t(`problem.${code}`) : code;
}

/**
 * The item names of one checklist definition, for reasons that carry ids.
 * @param {import("./conditions.js").Checklist|null|undefined} checklist
 * @returns {(id: string) => string}
 */
export function namesFrom(checklist) {
  const byId = new Map();
  for (const section of checklist?.sections || []) for (const item of section.items) byId.set(item.id, item);
  return (id) => (byId.has(id) ? tx(byId.get(id).text) : id);
}

/**
 * "96,3 · Không đạt", or the result alone when nothing was assessed.
 * @param {{result: string, score_display?: string|null}} r
 */
export function headline(r) {
  const result = t(`result.${r.result}`);
  return r.score_display ? `${number(r.score_display)} · ${result}` : result;
}

/**
 * The live result while a checklist is being filled in. A count-graded checklist whose
 * only shortfall is the number of criteria met, with questions still open, is in
 * progress, not failed: it says "32/40 tiêu chí đạt"; once the minimum is reached, "48 tiêu chí
 * đạt (đủ 40)".
 * @param {import("./scoring.js").ScoreResult} r
 * @param {import("./conditions.js").Checklist} checklist
 * @returns {{text: string, state: string, reasons: string[]}}
 */
export function live(r, checklist) {
  const nameOf = namesFrom(checklist);
  const minimum = checklist.min_passed;
  // Past the minimum, "48/40" would read as more criteria met than there are.
  const reached = typeof minimum === "number" && r.passed_count >= minimum;
  const progress =
    typeof minimum === "number"
      ? t(reached ? "result.progress_reached" : "result.progress", { n: r.passed_count, min: minimum })
      : "";
  const counting = r.reasons.length > 0 && r.reasons.every((x) => x.code === "min_passed");
  if (r.missing_required.length && counting) {
    const score = r.score_display ? `${number(r.score_display)} · ` : "";
    return { text: `${score}${progress}`, state: "in_progress", reasons: [] };
  }
  const text = progress ? `${headline(r)} · ${progress}` : headline(r);
  return { text, state: r.result, reasons: r.reasons.map((x) => reasonText(x, nameOf)) };
}
