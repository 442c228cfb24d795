// Photos: a photo item, and photo evidence beside any other item. Each picked image is
// reduced on the phone and stored in IndexedDB before it is attached; the work is tracked,
// so completing or leaving the screen waits for it.

import { h, replace, uid } from "../../dom.js";
import { t } from "../../i18n.js";
import { limits } from "../../limits.js";
import { reduce, storeImage } from "../../photos.js";
import * as store from "../../store.js";
import { fieldset } from "./field.js";

/** @typedef {import("./field.js").Field} Field */
/** @typedef {import("./field.js").Screen} Screen */
/** @typedef {{hashes: () => string[], save: (next: string[]) => Promise<unknown>}} Photos */

/** @param {Field} f */
export function photoItemField(f) {
  const hashes = () => {
    const value = f.value();
    return Array.isArray(value) ? /** @type {string[]} */ (value) : [];
  };
  const field = photoField(f.screen, {
    hashes,
    save: (next) => f.answer(next.length ? next : undefined),
    alt: (n) => t("insp.photoAlt", { n, item: f.name }),
    addFor: t("insp.photoFor", { item: f.name }),
  });
  return fieldset(f, field, false);
}

/**
 * Photo evidence for an item that is not itself a photo (in the item's note-and-photo
 * panel): thumbnails and a camera-or-file control, as many as the server takes per item.
 * @param {Screen} screen @param {string} name @param {Photos} photos
 */
export function evidenceField(screen, name, photos) {
  const box = h("div", { class: "evidence" }, h("p", { class: "evidence-title", text: t("insp.evidence") }));
  limits().then(({ evidence_max_photos: max }) =>
    box.append(
      photoField(screen, {
        hashes: photos.hashes,
        save: photos.save,
        alt: (n) => t("insp.evidenceAlt", { n, item: name }),
        addFor: t("insp.evidenceFor", { item: name }),
        max,
      }),
    ),
  );
  return box;
}

/**
 * Thumbnails, each removable at once, and a camera-or-file control.
 * @param {Screen} screen
 * @param {Photos & {alt: (n: number) => string, addFor: string, max?: number}} o
 */
function photoField(screen, o) {
  const list = h("ul", { class: "thumbs" });
  const status = h("p", { class: "muted", role: "status" });
  const inputId = uid("photo");
  const input = h("input", { id: inputId, type: "file", accept: "image/*", capture: "environment", multiple: true, class: "visually-hidden" });
  const add = screen.readonly ? null : h("label", { for: inputId, class: "button secondary file", "aria-label": o.addFor }, t("insp.photoAdd"), input);
  const full = () => o.max !== undefined && o.hashes().length >= o.max;
  let shown = 0; // the latest rendering wins

  async function showThumbs() {
    const mine = ++shown;
    const items = [];
    for (const [n, hash] of o.hashes().entries()) {
      const photo = await store.getPhoto(hash);
      const img = photo ? h("img", { src: screen.objectUrl(photo.blob), alt: o.alt(n + 1), width: "96", height: "96" }) : null;
      const del = screen.readonly
        ? null
        : h("button", {
            type: "button",
            class: "secondary small",
            text: t("insp.photoRemove", { n: n + 1 }),
            onclick: async () => {
              await o.save(o.hashes().filter((x) => x !== hash));
              showThumbs();
            },
          });
      items.push(h("li", null, img, del));
    }
    if (mine !== shown) return;
    replace(list, items);
    if (add) add.hidden = full();
    if (full()) status.textContent = t("insp.photoMax", { n: o.max });
    else if (status.textContent === t("insp.photoMax", { n: o.max })) status.textContent = "";
  }
  input.addEventListener("change", () => {
    const files = [...(input.files || [])];
    input.value = "";
    screen.track(
      (async () => {
        for (const file of files) {
          if (full()) break;
          status.textContent = t("insp.photoWorking");
          try {
            const hash = await storeImage(await reduce(file));
            const current = o.hashes();
            if (!current.includes(hash)) await o.save([...current, hash]);
            status.textContent = "";
          } catch (error) {
            console.error(error);
            status.textContent = t("insp.photoError");
          }
        }
        await showThumbs();
      })(),
    );
  });
  showThumbs();
  return h("div", { class: "field photos" }, list, add, status);
}
