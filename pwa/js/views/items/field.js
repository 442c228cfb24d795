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
 *   tools: HTMLElement[],
 *   value: () => unknown,
 *   answer: (value: unknown) => Promise<unknown>,
 *   screen: Screen,
 * }} Field
 * `markers`: pills beside the question; `tools`: the item's small controls (guidance, note
 * and photos), set beside the answer; `extras`: what follows the answer (the problem, the
 * tools' panels); `answer(undefined)` clears the answer.
 */

/**
 * A question answered by a group of controls; the item's tools follow the answer on its
 * row unless `row` is false (a tall answer: a photo). A list of choices or a signature
 * keeps them on its row too; the row wraps when the signature pad opens.
 * @param {Field} f @param {Node} body @param {boolean} [row]
 */
export function fieldset(f, body, row = true) {
  const tools = f.tools.length ? h("div", { class: "tools" }, f.tools) : null;
  return h(
    "fieldset",
    { class: `item kind-${f.item.kind}` },
    h("legend", null, h("span", { class: "q", text: f.name }), ...f.markers),
    row ? h("div", { class: "answer-row" }, body, tools) : [body, tools],
    ...f.extras,
  );
}
