// The small interface every answer widget of the checklist screen shares (one module per
// kind of widget in this folder): the field of one item, and the screen it lives on.

import { h } from "../../dom.js";

/** @typedef {import("../../conditions.js").Item} Item */

/**
 * The checklist screen, as a widget sees it.
 * @typedef {{
 *   readonly: boolean,
 *   track: (p: Promise<unknown>) => Promise<unknown>,
 *   objectUrl: (blob: Blob) => string,
 *   unsaved: Set<string>,
 * }} Screen
 * `track`: work that completing or leaving the screen waits for; `objectUrl`: a blob URL
 * revoked when the screen is left; `unsaved`: keys of signatures drawn but not yet saved.
 */

/**
 * One item's field: its question, decorations, answer and the screen.
 * @typedef {{
 *   item: Item,
 *   name: string,
 *   markers: any[],
 *   extras: any[],
 *   value: () => unknown,
 *   answer: (value: unknown) => Promise<unknown>,
 *   screen: Screen,
 * }} Field
 * `markers`: pills beside the question; `extras`: what follows the answer (problem, help,
 * note, evidence); `answer(undefined)` clears the answer.
 */

/**
 * A question answered by a group of controls.
 * @param {Field} f @param {Node} body
 */
export function fieldset(f, body) {
  return h(
    "fieldset",
    { class: `item kind-${f.item.kind}`, disabled: f.screen.readonly },
    h("legend", null, h("span", { class: "q", text: f.name }), ...f.markers),
    body,
    ...f.extras,
  );
}
