// What an item carries besides its answer: the legal source and guidance, and the
// inspector's note. Both are disclosures whose content is made when first opened, so a
// long checklist renders quickly.

import { h, uid } from "../../dom.js";
import { t, tx } from "../../i18n.js";

/** @typedef {import("../../conditions.js").Item} Item */
/** @typedef {import("./field.js").Screen} Screen */

/** Legal reference and help. @param {Item} item */
export function moreInfo(item) {
  if (!item.legal_ref && !item.help) return null;
  const details = h("details", { class: "more" }, h("summary", { text: t("insp.moreInfo") }));
  details.addEventListener("toggle", () => {
    if (details.childElementCount > 1) return;
    if (item.legal_ref) details.append(h("p", { class: "legal", text: t("insp.legal", { ref: item.legal_ref }) }));
    if (item.help) details.append(h("p", { text: tx(item.help) }));
  });
  return details;
}

/**
 * A note per item, open at once when it has one.
 * @param {Screen} screen @param {string} name
 * @param {{text: () => string, save: (text: string) => unknown}} note
 */
export function noteBox(screen, name, note) {
  const has = Boolean(note.text());
  const summaryEl = h("summary", { text: has ? t("insp.hasNote") : t("insp.note") });
  const details = h("details", { class: "note", open: has }, summaryEl);
  const fill = () => {
    if (details.childElementCount > 1) return;
    const noteId = uid("note");
    const area = h("textarea", { id: noteId, rows: "2", value: note.text(), disabled: screen.readonly });
    area.addEventListener("input", () => note.save(area.value));
    details.append(h("label", { for: noteId, class: "visually-hidden", text: t("insp.noteFor", { item: name }) }), area);
    if (!has) area.focus();
  };
  if (has) fill();
  else details.addEventListener("toggle", fill);
  return details;
}
