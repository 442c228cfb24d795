// Days and moments as people in Viet Nam write them, dd/mm/yyyy, in both languages, and a
// date field that reads that way on every phone. The browser's own date control follows the
// browser's locale (mm/dd/yyyy in an English one), so the same day would read two ways;
// values kept and sent stay ISO (yyyy-mm-dd).

import { h } from "./dom.js";

/** An existing day written YYYY-MM-DD (years 1–9999, as Python's date). @param {unknown} v */
export function isIsoDate(v) {
  if (typeof v !== "string" || !/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(v)) return false;
  const [y, m, d] = v.split("-").map(Number);
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  return d <= days;
}

/** @param {number} n */
const two = (n) => String(n).padStart(2, "0");

/** "15/12/2026" from a date ("2026-12-15") or a moment. @param {string|null|undefined} value */
export function day(value) {
  if (!value) return "";
  const plain = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (plain) return `${plain[3]}/${plain[2]}/${plain[1]}`;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : `${two(d.getDate())}/${two(d.getMonth() + 1)}/${d.getFullYear()}`;
}

/** "01/12/2026 09:30", local time. @param {string|null|undefined} value */
export function moment(value) {
  if (!value) return "";
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : `${day(value)} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/**
 * The ISO day a person typed: "5/1/2027", "05/01/2027", "05012027" (also with - or .),
 * or an ISO day pasted as it is. "" for nothing typed, null for anything that is not a day.
 * @param {string} text
 * @returns {string|null}
 */
export function isoDay(text) {
  const typed = text.trim();
  if (!typed) return "";
  if (isIsoDate(typed)) return typed;
  const parts = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(typed) || /^(\d{2})(\d{2})(\d{4})$/.exec(typed);
  if (!parts) return null;
  const iso = `${parts[3]}-${two(Number(parts[2]))}-${two(Number(parts[1]))}`;
  return isIsoDate(iso) ? iso : null;
}

/**
 * A date field: a text input for dd/mm/yyyy (slashes added as digits are typed), shown
 * from and read back to ISO with `dateValue`. Outside `min`/`max` counts as not a day.
 * @param {{id?: string, value?: string|null, min?: string, max?: string, disabled?: boolean}} props
 */
export function dateInput({ id, value, min, max, disabled }) {
  const input = /** @type {HTMLInputElement} */ (
    h("input", {
      id,
      type: "text",
      inputmode: "numeric",
      autocomplete: "off",
      placeholder: "dd/mm/yyyy",
      maxlength: "10",
      class: "date-input",
      value: day(value),
      disabled,
      dataset: { min: min || "", max: max || "" },
    })
  );
  input.addEventListener("input", (event) => {
    if (/** @type {InputEvent} */ (event).inputType?.startsWith("insert")) withSlashes(input);
    input.setAttribute("aria-invalid", String(dateValue(input) === null));
  });
  input.addEventListener("blur", () => {
    const iso = dateValue(input);
    if (iso) input.value = day(iso);
  });
  return input;
}

/**
 * Typed digits get their slashes ("15122026" reads "15/12/2026"), unless the person typed
 * slashes of their own elsewhere ("5/1/2027" stays as it is).
 * @param {HTMLInputElement} input
 */
function withSlashes(input) {
  const text = input.value;
  const digits = text.replace(/\//g, "");
  const ours = [...text].every((c, n) => c !== "/" || n === 2 || n === 5);
  if (!/^\d{3,8}$/.test(digits) || !/^[\d/]*$/.test(text) || !ours) return;
  input.value = digits.length > 4 ? `${digits.slice(0, 2)}/${digits.slice(2, 4)}/${digits.slice(4)}` : `${digits.slice(0, 2)}/${digits.slice(2)}`;
}

/**
 * The ISO day in a date field, "" when empty, null when what is typed is not a day in range.
 * @param {HTMLInputElement} input
 */
export function dateValue(input) {
  const iso = isoDay(input.value);
  if (!iso) return iso;
  const { min, max } = input.dataset;
  return (min && iso < min) || (max && iso > max) ? null : iso;
}
