// Which items of a checklist are shown, given the answers so far.
// A line-by-line port of server/forms/conditions.py; the rules are written there and the
// shared vectors in tests/vectors/scoring pin them down for both sides.

/**
 * @typedef {string|number|boolean} ConditionValue
 * @typedef {{item: string, equals?: ConditionValue, not_equals?: ConditionValue,
 *   in?: ConditionValue[], at_least?: number, at_most?: number, answered?: boolean}} Condition
 * @typedef {{vi: string, en: string}} Text
 * @typedef {{value: string, label: Text}} Choice
 * @typedef {{id: string, kind: string, text: Text, help?: Text, legal_ref?: string,
 *   inferred?: boolean, required?: boolean, show_if?: Condition[], weight?: number,
 *   mandatory?: boolean, allow_na?: boolean, advisory?: boolean, choices?: Choice[],
 *   multiple?: boolean,
 *   min?: number, max?: number, integer?: boolean, unit?: Text}} Item
 * @typedef {{id: string, title: Text, items: Item[], help?: Text}} Section
 * @typedef {{id: string, version: number, title: Text, applies_to: string[],
 *   sections: Section[], description?: Text, legal_basis?: string[], threshold?: number|null,
 *   min_passed?: number, validity_days?: number}} Checklist
 * @typedef {Record<string, unknown>} Answers
 */

/** @param {unknown} v */
const isSet = (v) => v !== undefined && v !== null;

/**
 * Rule 1: null, "" and [] count as no answer, like an absent key.
 * @param {unknown} value
 */
export function isAnswered(value) {
  return isSet(value) && value !== "" && !(Array.isArray(value) && value.length === 0);
}

/** @param {unknown} value @returns {value is number} */
export function isNumber(value) {
  return typeof value === "number";
}

/**
 * Rule 5: type-strict equality on JSON values.
 * @param {unknown} answer @param {ConditionValue} expected
 */
function matches(answer, expected) {
  if (typeof expected === "boolean" || typeof answer === "boolean") {
    return typeof expected === "boolean" && typeof answer === "boolean" && answer === expected;
  }
  if (typeof expected === "string") return typeof answer === "string" && answer === expected;
  return isNumber(answer) && answer === expected;
}

/** @param {unknown} answer @param {ConditionValue[]} expected */
function anyMatches(answer, expected) {
  const elements = Array.isArray(answer) ? answer : [answer];
  return elements.some((element) => expected.some((value) => matches(element, value)));
}

const OPERATORS = ["equals", "not_equals", "in", "at_least", "at_most", "answered"];

/**
 * Rules 3–5 for one condition; `visible` holds the items shown so far.
 * @param {Condition} condition @param {Answers} answers @param {Set<string>} visible
 */
export function conditionHolds(condition, answers, visible) {
  // Rule 3: a hidden item hides its dependants, whatever the operator.
  if (!visible.has(condition.item)) return false;
  const answer = Object.hasOwn(answers, condition.item) ? answers[condition.item] : undefined;
  const present = isAnswered(answer);
  if (isSet(condition.answered) && condition.answered !== present) return false;
  if (!present) {
    // Only `answered` can hold for an answer that is not present.
    return OPERATORS.every(
      (op) => op === "answered" || !isSet(/** @type {any} */ (condition)[op]),
    );
  }
  if (isSet(condition.equals) && !anyMatches(answer, [/** @type {ConditionValue} */ (condition.equals)])) {
    return false;
  }
  if (isSet(condition.not_equals) && anyMatches(answer, [/** @type {ConditionValue} */ (condition.not_equals)])) {
    return false;
  }
  if (isSet(condition.in) && !anyMatches(answer, /** @type {ConditionValue[]} */ (condition.in))) {
    return false;
  }
  if (isSet(condition.at_least) && !(isNumber(answer) && answer >= /** @type {number} */ (condition.at_least))) {
    return false;
  }
  return !isSet(condition.at_most) || (isNumber(answer) && answer <= /** @type {number} */ (condition.at_most));
}

/**
 * All items in document order.
 * @param {Checklist} checklist @returns {Item[]}
 */
export function allItems(checklist) {
  return checklist.sections.flatMap((section) => section.items);
}

/**
 * Ids of the items shown for these answers (rule 2: one pass in document order).
 * @param {Checklist} checklist @param {Answers} answers @returns {Set<string>}
 */
export function visibleItems(checklist, answers) {
  /** @type {Set<string>} */
  const visible = new Set();
  for (const item of allItems(checklist)) {
    if ((item.show_if || []).every((c) => conditionHolds(c, answers, visible))) {
      visible.add(item.id);
    }
  }
  return visible;
}
