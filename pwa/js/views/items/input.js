// Answers typed in: a text, a number (within the item's bounds) or a date. Every keystroke
// is an answer, written at once like a tap.

import { dateInput, dateValue } from "../../dates.js";
import { h, uid } from "../../dom.js";
import { tx } from "../../i18n.js";

/** @typedef {import("./field.js").Field} Field */

/** @param {Field} f */
export function inputField(f) {
  const inputId = uid("in");
  const { item } = f;
  const value = f.value();
  const disabled = f.screen.readonly;
  /** @type {HTMLInputElement|HTMLTextAreaElement} */
  let input;
  if (item.kind === "text") {
    input = h("textarea", { id: inputId, rows: "2", value: typeof value === "string" ? value : "", disabled });
    input.addEventListener("input", () => f.answer(input.value));
  } else if (item.kind === "number") {
    input = h("input", {
      id: inputId,
      type: "number",
      inputmode: item.integer ? "numeric" : "decimal",
      step: item.integer ? "1" : "any",
      min: item.min ?? null,
      max: item.max ?? null,
      value: typeof value === "number" ? String(value) : "",
      disabled,
    });
    input.addEventListener("input", () => {
      const raw = input.value.trim();
      const n = raw === "" ? undefined : Number(raw);
      f.answer(n === undefined || Number.isNaN(n) ? undefined : n);
    });
  } else {
    const date = dateInput({ id: inputId, value: typeof value === "string" ? value : "", disabled });
    // Half-typed is no answer yet; the field marks itself invalid until it is a day.
    date.addEventListener("input", () => f.answer(dateValue(date) || undefined));
    input = date;
  }
  return h(
    "div",
    { class: `item kind-${item.kind}` },
    h("label", { for: inputId }, h("span", { class: "q", text: f.name }), ...f.markers),
    h("div", { class: "field answer-row" }, input, item.unit ? h("span", { class: "unit", text: tx(item.unit) }) : null, f.tools.length ? h("div", { class: "tools" }, f.tools) : null),
    ...f.extras,
  );
}
