// What an item carries besides its answer, behind two small controls beside the answer:
// "i" shows the legal source and guidance; the camera opens the inspector's note and photo
// evidence (opened at once when a check fails). Each panel's content is made when first
// opened, so a long checklist renders quickly; an item that already has a note or photos
// shows them open.

import { h, uid } from "../../dom.js";
import { t, tx } from "../../i18n.js";
import { icon } from "../../icons.js";
import { evidenceField } from "./photo.js";

/** @typedef {import("../../conditions.js").Item} Item */
/** @typedef {import("./field.js").Screen} Screen */

/**
 * @typedef {{text: () => string, save: (text: string) => unknown}} Note
 * @typedef {{hashes: () => string[], save: (next: string[]) => Promise<unknown>}} Photos
 * @typedef {{buttons: HTMLElement[], panels: HTMLElement[], openExtra: () => void}} Tools
 */

/**
 * A small toggle for a panel: aria-expanded, aria-controls, filled when first opened.
 * @param {string} iconName @param {string} label @param {HTMLElement} panel @param {() => void} fill
 */
function toggle(iconName, label, panel, fill) {
  const button = h("button", {
    type: "button",
    class: `tool tool-${iconName}`,
    "aria-expanded": "false",
    "aria-controls": panel.id,
    "aria-label": label,
    title: label,
  }, icon(iconName));
  const set = (/** @type {boolean} */ open) => {
    if (open) fill();
    panel.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
  };
  button.addEventListener("click", () => set(panel.hidden));
  return { button, set };
}

/** Legal reference and help, behind one "i" control. @param {Item} item */
function infoTool(item) {
  if (!item.legal_ref && !item.help) return null;
  const panel = h("div", { class: "panel-info", id: uid("info"), hidden: true });
  const fill = () => {
    if (panel.childElementCount) return;
    if (item.legal_ref) panel.append(h("p", { class: "legal", text: t("insp.legal", { ref: item.legal_ref }) }));
    if (item.help) panel.append(h("p", { text: tx(item.help) }));
  };
  return { panel, ...toggle("info", t("insp.moreInfo"), panel, fill) };
}

/**
 * The note (not for a text item, which is all note) and the photo evidence (not for photo
 * or signature items), behind one camera control.
 * @param {Screen} screen @param {Item} item @param {string} name
 * @param {Note|null} note @param {Photos|null} photos
 */
function extraTool(screen, item, name, note, photos) {
  if (!note && !photos) return null;
  if (screen.readonly && !note?.text() && !photos?.hashes().length) return null;
  const panel = h("div", { class: "panel-extra", id: uid("extra"), hidden: true });
  const label = () => {
    const n = photos ? photos.hashes().length : 0;
    const has = Boolean(note?.text());
    if (!n && !has) return t("insp.noteAdd");
    return t("insp.noteHas", { n, note: has ? t("insp.noteYes") : t("insp.noteNo") });
  };
  let filled = false;
  /** @type {ReturnType<typeof toggle>} */
  let tool;
  const refresh = () => {
    const text = label();
    tool.button.setAttribute("aria-label", text);
    tool.button.title = text;
    tool.button.classList.toggle("has", text !== t("insp.noteAdd"));
  };
  const fill = () => {
    if (filled) return;
    filled = true;
    if (note) panel.append(noteArea(screen, name, note, refresh));
    if (photos) panel.append(evidenceField(screen, name, { hashes: photos.hashes, save: (next) => photos.save(next).finally(refresh) }));
  };
  tool = toggle("note", label(), panel, fill);
  refresh();
  if (note?.text() || photos?.hashes().length) tool.set(true);
  return { panel, ...tool };
}

/**
 * The note's text box, labelled, saved at every keystroke.
 * @param {Screen} screen @param {string} name @param {Note} note @param {() => void} changed
 */
function noteArea(screen, name, note, changed) {
  const noteId = uid("note");
  const area = h("textarea", { id: noteId, class: "note-text", rows: "2", value: note.text(), disabled: screen.readonly, placeholder: t("insp.notePlaceholder") });
  let had = Boolean(note.text());
  area.addEventListener("input", () => {
    note.save(area.value);
    if (had !== Boolean(area.value)) changed();
    had = Boolean(area.value);
  });
  return h("div", { class: "note" }, h("label", { for: noteId, class: "visually-hidden", text: t("insp.noteFor", { item: name }) }), area);
}

/**
 * The two controls of an item and their panels.
 * @param {Screen} screen @param {Item} item @param {string} name
 * @param {Note|null} note @param {Photos|null} photos
 * @returns {Tools}
 */
export function itemTools(screen, item, name, note, photos) {
  const info = infoTool(item);
  const extra = extraTool(screen, item, name, note, photos);
  return {
    buttons: /** @type {HTMLElement[]} */ ([info?.button, extra?.button].filter(Boolean)),
    panels: /** @type {HTMLElement[]} */ ([info?.panel, extra?.panel].filter(Boolean)),
    openExtra: () => extra?.set(true),
  };
}
