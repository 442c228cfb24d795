// The live score of one inspection: a port of server/inspections/scoring.py (read its
// docstring for the rules beyond docs/scoring.md). Arithmetic is exact, as on the server:
// every weight and the threshold are read as the decimal they are written as, and kept as
// fractions of BigInts, so 100 × P ≥ threshold × (P + F) never flips on binary rounding and
// the displayed score is the exact value rounded half up.

import { allItems, isAnswered, visibleItems } from "./conditions.js";

/** @typedef {import("./conditions.js").Checklist} Checklist */
/** @typedef {import("./conditions.js").Item} Item */
/** @typedef {import("./conditions.js").Answers} Answers */
/** @typedef {"passed"|"failed"|"not_assessed"} Result */
/**
 * Why a result is failed (docs/scoring.md); only the fields of its code are set.
 * @typedef {{code: "veto"|"mandatory"|"threshold"|"min_passed", items?: string[],
 *   score_display?: string|null, threshold?: number, passed_count?: number,
 *   min_passed?: number}} Reason
 */

/** @param {bigint} a @param {bigint} b @returns {bigint} */
function gcd(a, b) {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b) [a, b] = [b, a % b];
  return a;
}

/** An exact non-negative rational number n / d (d > 0), always in lowest terms. */
export class Fraction {
  /** @param {bigint} n @param {bigint} [d] */
  constructor(n, d = 1n) {
    if (d === 0n) throw new RangeError("zero denominator");
    if (d < 0n) [n, d] = [-n, -d];
    const g = gcd(n, d) || 1n;
    this.n = n / g;
    this.d = d / g;
  }

  /**
   * The decimal a form author wrote, exactly: `Fraction.exact(0.1)` is one tenth. JSON
   * numbers print as their shortest round-trip decimal, as Python's `str(float)` does.
   * @param {number} x
   */
  static exact(x) {
    if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
    const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(String(x));
    if (!match) throw new RangeError(`cannot read ${x}`);
    const [, sign, whole, frac = "", exp = "0"] = match;
    let n = BigInt(whole + frac);
    let d = 10n ** BigInt(frac.length);
    const e = Number(exp);
    if (e >= 0) n *= 10n ** BigInt(e);
    else d *= 10n ** BigInt(-e);
    return new Fraction(sign ? -n : n, d);
  }

  /** @param {Fraction} o */
  add(o) {
    return new Fraction(this.n * o.d + o.n * this.d, this.d * o.d);
  }

  /** @param {Fraction} o */
  mul(o) {
    return new Fraction(this.n * o.n, this.d * o.d);
  }

  /** @param {Fraction} o */
  div(o) {
    return new Fraction(this.n * o.d, this.d * o.n);
  }

  /** @param {Fraction} o @returns {number} -1, 0 or 1 */
  cmp(o) {
    const l = this.n * o.d;
    const r = o.n * this.d;
    return l < r ? -1 : l > r ? 1 : 0;
  }

  isZero() {
    return this.n === 0n;
  }

  /** The nearest float (exact when numerator and denominator fit in 53 bits). */
  toNumber() {
    const limit = 2n ** 53n;
    if (this.n < limit && this.n > -limit && this.d < limit) return Number(this.n) / Number(this.d);
    // Scale so that the integer quotient carries enough significant digits.
    const shift = 64n;
    return Number((this.n << shift) / this.d) / 2 ** 64;
  }
}

const ZERO = new Fraction(0n);
const HUNDRED = new Fraction(100n);

/**
 * Round a non-negative exact score half up to one decimal: 12.25 → "12.3".
 * @param {Fraction} value
 */
export function display(value) {
  const tenths = (value.n * 10n * 2n + value.d) / (2n * value.d); // floor(v × 10 + ½)
  return `${tenths / 10n}.${tenths % 10n}`;
}

/** @param {Item} item */
export const weightOf = (item) => (typeof item.weight === "number" ? item.weight : 1);
/** @param {Item} item */
export const isRequired = (item) =>
  typeof item.required === "boolean" ? item.required : item.kind === "check" || item.kind === "veto";

/** Weights of the visible checks of one scope (a section or the whole checklist). */
class Tally {
  constructor() {
    this.passed = ZERO;
    this.failed = ZERO;
    this.passedCount = 0;
    /** @type {string[]} */
    this.mandatoryFailed = [];
  }

  /** @param {Item} item @param {unknown} answer */
  add(item, answer) {
    const weight = Fraction.exact(weightOf(item));
    if (answer === "pass") {
      this.passed = this.passed.add(weight);
      this.passedCount += 1;
    } else if (answer === "fail") {
      this.failed = this.failed.add(weight);
      if (item.mandatory) this.mandatoryFailed.push(item.id);
    }
  }

  /** @param {Tally} other */
  extend(other) {
    this.passed = this.passed.add(other.passed);
    this.failed = this.failed.add(other.failed);
    this.passedCount += other.passedCount;
    this.mandatoryFailed.push(...other.mandatoryFailed);
  }

  /** @returns {Fraction|null} */
  score() {
    const assessed = this.passed.add(this.failed);
    return assessed.isZero() ? null : HUNDRED.mul(this.passed).div(assessed);
  }

  /** 100 × P < threshold × (P + F), exactly; never below without a threshold. @param {Fraction|null} threshold */
  below(threshold) {
    if (threshold === null) return false;
    return HUNDRED.mul(this.passed).cmp(threshold.mul(this.passed.add(this.failed))) < 0;
  }

  /** A section's result: its mandatory checks and the threshold. @param {Fraction|null} threshold @returns {Result} */
  result(threshold) {
    if (this.passed.add(this.failed).isZero()) return "not_assessed";
    return this.mandatoryFailed.length || this.below(threshold) ? "failed" : "passed";
  }

  /**
   * Why the whole checklist fails on its counted checks, in the rules' order.
   * @param {Checklist} checklist @param {Fraction|null} threshold @returns {Reason[]}
   */
  reasons(checklist, threshold) {
    /** @type {Reason[]} */
    const reasons = [];
    if (this.mandatoryFailed.length) reasons.push({ code: "mandatory", items: [...this.mandatoryFailed] });
    if (this.below(threshold)) {
      const value = this.score();
      reasons.push({
        code: "threshold",
        score_display: value === null ? null : display(value),
        threshold: /** @type {number} */ (checklist.threshold ?? 80),
      });
    }
    const minimum = checklist.min_passed;
    if (typeof minimum === "number" && this.passedCount < minimum) {
      reasons.push({ code: "min_passed", passed_count: this.passedCount, min_passed: minimum });
    }
    return reasons;
  }
}

/**
 * A visible veto answered "occurred" fails the inspection even when nothing was assessed
 * (then it is the only reason); otherwise nothing assessed is not_assessed.
 * @param {Tally} total @param {string[]} vetoes @param {Checklist} checklist
 * @param {Fraction|null} threshold @returns {{result: Result, reasons: Reason[]}}
 */
function overall(total, vetoes, checklist, threshold) {
  /** @type {Reason[]} */
  const veto = vetoes.length ? [{ code: "veto", items: vetoes }] : [];
  if (total.passed.add(total.failed).isZero()) {
    return veto.length ? { result: "failed", reasons: veto } : { result: "not_assessed", reasons: [] };
  }
  const reasons = [...veto, ...total.reasons(checklist, threshold)];
  return { result: reasons.length ? "failed" : "passed", reasons };
}

/** @param {Item} item @param {string} sectionId @returns {FailedCheck} */
function failedCheck(item, sectionId) {
  return {
    item_id: item.id,
    section_id: sectionId,
    mandatory: Boolean(item.mandatory),
    weight: weightOf(item),
    legal_ref: item.legal_ref ?? null,
  };
}

/**
 * @typedef {{id: string, passed_weight: number, failed_weight: number, score: number|null,
 *   score_display: string|null, result: Result, passed_count: number}} SectionScore
 * @typedef {{item_id: string, section_id: string, mandatory: boolean, weight: number,
 *   legal_ref: string|null}} FailedCheck
 * @typedef {{passed_weight: number, failed_weight: number, score: number|null,
 *   score_display: string|null, result: Result, passed_count: number,
 *   sections: SectionScore[], failed_checks: FailedCheck[], missing_required: string[],
 *   reasons: Reason[], recommendations: FailedCheck[], visible: Set<string>}} ScoreResult
 */

/**
 * Score the answers with this exact checklist version (hidden items are ignored).
 * `visible` is returned too, so the screen needs a single pass per answer.
 * @param {Checklist} checklist @param {Answers} answers @returns {ScoreResult}
 */
export function score(checklist, answers) {
  const visible = visibleItems(checklist, answers);
  // A null threshold grades by count alone; an absent one means 80.
  const threshold = checklist.threshold === null ? null : Fraction.exact(checklist.threshold ?? 80);
  const total = new Tally();
  /** @type {SectionScore[]} */
  const sections = [];
  /** @type {FailedCheck[]} */
  const failures = [];
  /** @type {FailedCheck[]} */
  const recommendations = [];
  /** @type {string[]} */
  const vetoes = [];
  /** @type {string[]} */
  const missing = [];
  for (const section of checklist.sections) {
    const tally = new Tally();
    for (const item of section.items) {
      if (!visible.has(item.id)) continue;
      const answer = Object.hasOwn(answers, item.id) ? answers[item.id] : undefined;
      if (isRequired(item) && !isAnswered(answer)) missing.push(item.id);
      if (item.kind === "veto" && answer === "occurred") vetoes.push(item.id);
      if (item.kind !== "check") continue;
      if (item.advisory) {
        if (answer === "fail") recommendations.push(failedCheck(item, section.id));
        continue;
      }
      tally.add(item, answer);
      if (answer === "fail") failures.push(failedCheck(item, section.id));
    }
    const value = tally.score();
    sections.push({
      id: section.id,
      passed_weight: tally.passed.toNumber(),
      failed_weight: tally.failed.toNumber(),
      score: value === null ? null : value.toNumber(),
      score_display: value === null ? null : display(value),
      result: tally.result(threshold),
      passed_count: tally.passedCount,
    });
    total.extend(tally);
  }
  const value = total.score();
  const { result, reasons } = overall(total, vetoes, checklist, threshold);
  // Mandatory first; Array.prototype.sort is stable, so document order is kept in each group.
  failures.sort((a, b) => Number(!a.mandatory) - Number(!b.mandatory));
  return {
    passed_weight: total.passed.toNumber(),
    failed_weight: total.failed.toNumber(),
    score: value === null ? null : value.toNumber(),
    score_display: value === null ? null : display(value),
    result,
    passed_count: total.passedCount,
    sections,
    failed_checks: failures,
    missing_required: missing,
    reasons,
    recommendations,
    visible,
  };
}

export { allItems, isAnswered, visibleItems };
