// The corrective actions section of the checklist screen (docs/actions.md): for each failed
// check and veto event, what must be done and by when, pre-filled from the check and the
// default delay, kept in the draft as it is typed, sent with the record on completion.

import { dateInput, dateValue } from "../dates.js";
import { h, replace, uid } from "../dom.js";
import { t, tx } from "../i18n.js";
import { defaultDue, defaultRequirement, vietnamDay } from "../follow-up.js";

/** @typedef {import("../conditions.js").Item} Item */
/** @typedef {import("../follow-up.js").ActionChoice} ActionChoice */
/** @typedef {import("../follow-up.js").DueDays} DueDays */
/** @typedef {import("./items/field.js").Screen} Screen */

/**
 * @param {Screen} screen
 * @param {{chosen: Record<string, ActionChoice>, days: DueDays,
 *   save: (chosen: Record<string, ActionChoice>) => Promise<unknown>}} o
 * @returns {{element: HTMLElement, refresh: (failed: Item[]) => void}}
 */
export function followUpSection(screen, o) {
  const chosen = { ...o.chosen };
  const headingId = uid("follow-up");
  const list = h("ol", { class: "follow-up" });
  const empty = h("p", { class: "muted", text: t("followUp.none") });
  const element = h(
    "section",
    { class: "follow-up-section", "aria-labelledby": headingId },
    h("h2", { id: headingId, text: t("followUp.title") }),
    h("p", { class: "muted", text: t("followUp.help") }),
    empty,
    list,
  );
  /** @type {Map<string, HTMLElement>} */
  const rows = new Map();
  const today = vietnamDay(new Date());
  /** @param {Item} item @param {Partial<ActionChoice>} change */
  const keep = (item, change) => {
    const current = chosen[item.id] || { requirement: defaultRequirement(item), due: defaultDue(item, today, o.days) };
    chosen[item.id] = { ...current, ...change };
    return screen.track(o.save({ ...chosen }));
  };
  /** @param {Item} item */
  const row = (item) => {
    const choice = chosen[item.id];
    const name = tx(item.text);
    const textId = uid("requirement");
    const dueId = uid("due");
    const text = h("textarea", {
      id: textId,
      rows: "3",
      maxlength: "2000",
      value: choice?.requirement || defaultRequirement(item),
      disabled: screen.readonly,
    });
    const due = dateInput({ id: dueId, min: today, value: choice?.due || defaultDue(item, today, o.days), disabled: screen.readonly });
    text.addEventListener("input", () => keep(item, { requirement: text.value }));
    due.addEventListener("input", () => {
      const iso = dateValue(due);
      if (iso) keep(item, { due: iso });
    });
    return h(
      "li",
      { class: "card", "data-action-for": item.id },
      h("p", { class: "title", text: name }),
      item.legal_ref ? h("p", { class: "legal", text: t("insp.legal", { ref: item.legal_ref }) }) : null,
      h("label", { for: textId }, t("followUp.requirement"), h("span", { class: "visually-hidden", text: `: ${name}` })),
      text,
      h("label", { for: dueId }, t("followUp.due"), h("span", { class: "visually-hidden", text: `: ${name}` })),
      due,
    );
  };
  /** @param {Item[]} failed */
  const refresh = (failed) => {
    const next = failed.map((item) => {
      const existing = rows.get(item.id) || row(item);
      rows.set(item.id, existing);
      return existing;
    });
    const ids = new Set(failed.map((i) => i.id));
    for (const id of [...rows.keys()]) if (!ids.has(id)) rows.delete(id);
    const same = next.length === list.children.length && next.every((el, n) => list.children[n] === el);
    if (!same) replace(list, ...next);
    empty.hidden = failed.length > 0;
  };
  return { element, refresh };
}
