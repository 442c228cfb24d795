// Answers picked from a list: a check (Đạt / Không đạt / Không áp dụng), a veto event
// (Không xảy ra / Có xảy ra) and a choice item (one or several).

import { h } from "../../dom.js";
import { t, tx } from "../../i18n.js";
import { fieldset } from "./field.js";

/** @typedef {import("./field.js").Field} Field */

/** @param {Field} f @returns {[string, string][]} */
function options(f) {
  if (f.item.kind === "veto") return [["none", t("insp.vetoNone")], ["occurred", t("insp.vetoOccurred")]];
  const check = /** @type {[string, string][]} */ ([["pass", t("insp.pass")], ["fail", t("insp.fail")]]);
  if (f.item.allow_na) check.push(["na", t("insp.na")]);
  return check;
}

/** @param {Field} f */
export function choiceField(f) {
  const value = f.value();
  if (f.item.kind === "check" || f.item.kind === "veto") {
    const list = options(f);
    return fieldset(f, h("div", { class: `options n${list.length}` }, list.map(([v, label]) => radio(f, v, label, value === v))));
  }
  const choices = f.item.choices || [];
  const body = f.item.multiple
    ? choices.map((c) => checkbox(f, c.value, tx(c.label), Array.isArray(value) && value.includes(c.value)))
    : choices.map((c) => radio(f, c.value, tx(c.label), value === c.value));
  // Short labels ("Có", "Không") sit side by side; longer ones take a line each.
  const short = choices.every((c) => tx(c.label).length <= 14);
  return fieldset(f, h("div", { class: short ? "options list short" : "options list" }, body));
}

/** @param {Field} f @param {string} value @param {string} label @param {boolean} checked */
function radio(f, value, label, checked) {
  const input = h("input", { type: "radio", name: `a-${f.item.id}`, value, checked, disabled: f.screen.readonly });
  input.addEventListener("change", () => {
    if (input.checked) f.answer(value);
  });
  return h("label", { class: `opt opt-${value}` }, input, h("span", { text: label }));
}

/** @param {Field} f @param {string} value @param {string} label @param {boolean} checked */
function checkbox(f, value, label, checked) {
  const input = h("input", { type: "checkbox", name: `a-${f.item.id}`, value, checked, disabled: f.screen.readonly });
  input.addEventListener("change", () => {
    const answer = f.value();
    const current = Array.isArray(answer) ? /** @type {string[]} */ (answer) : [];
    const next = input.checked ? [...current.filter((v) => v !== value), value] : current.filter((v) => v !== value);
    f.answer(next.length ? next : undefined);
  });
  return h("label", { class: "opt" }, input, h("span", { text: label }));
}
