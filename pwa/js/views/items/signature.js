// A signature drawn on the screen: a signature item, and the pad the inspection team's
// members sign with. A drawing is kept only once saved (as a PNG in IndexedDB, addressed
// by its hash); until then the screen counts it as unsaved and will not complete or update.

import { h, replace } from "../../dom.js";
import { t } from "../../i18n.js";
import { canvasPng, storeImage } from "../../photos.js";
import * as store from "../../store.js";
import { fieldset } from "./field.js";

/** @typedef {import("./field.js").Field} Field */
/** @typedef {import("./field.js").Screen} Screen */

/** @param {Field} f */
export function signatureField(f) {
  const pad = signaturePad(f.screen, {
    key: f.item.id,
    label: f.name,
    hash: () => (typeof f.value() === "string" ? /** @type {string} */ (f.value()) : undefined),
    save: (hash) => f.answer(hash),
  });
  return fieldset(f, pad);
}

/**
 * The saved signature (with "sign again"), or a pad to draw on.
 * @param {Screen} screen
 * @param {{key: string, label: string, hash: () => string|undefined, save: (hash: string) => Promise<unknown>}} o
 * `key` names the signature among the screen's unsaved ones; `label` is who or what signs.
 */
export function signaturePad(screen, o) {
  const body = h("div", { class: "field signature" });

  async function showSaved() {
    const hash = o.hash();
    const photo = hash ? await store.getPhoto(hash) : undefined;
    const items = [];
    if (photo) {
      items.push(h("img", { src: screen.objectUrl(photo.blob), alt: `${t("insp.signSaved")}: ${o.label}`, class: "signature-img" }));
    } else {
      items.push(h("p", { class: "muted", text: t("insp.signEmpty") }));
    }
    if (!screen.readonly) items.push(h("button", { type: "button", class: "secondary", text: photo ? t("insp.signRedo") : t("insp.signStart"), onclick: showPad }));
    replace(body, items);
  }

  function showPad() {
    const canvas = h("canvas", { width: "600", height: "240", class: "pad", role: "img", "aria-label": t("insp.signCanvas", { item: o.label }), tabindex: "0" });
    draw(canvas, () => screen.unsaved.add(o.key));
    const c2d = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
    const clear = h("button", {
      type: "button",
      class: "secondary",
      text: t("insp.signClear"),
      onclick: () => {
        c2d.clearRect(0, 0, canvas.width, canvas.height);
        screen.unsaved.delete(o.key);
      },
    });
    const save = h("button", {
      type: "button",
      class: "primary",
      text: t("insp.signSave"),
      onclick: async () => {
        if (!screen.unsaved.has(o.key)) return;
        await o.save(await storeImage(await canvasPng(canvas)));
        screen.unsaved.delete(o.key);
        await showSaved();
      },
    });
    const cancel = o.hash()
      ? h("button", {
          type: "button",
          class: "secondary",
          text: t("common.cancel"),
          onclick: () => {
            screen.unsaved.delete(o.key);
            showSaved();
          },
        })
      : null;
    replace(body, h("p", { class: "muted", text: t("insp.signHere") }), canvas, h("div", { class: "actions" }, clear, save, cancel));
  }

  // The pad opens on "Ký tên", so an unsigned signature takes one line of the checklist.
  showSaved();
  return body;
}

/**
 * Let a finger or pen draw on the canvas; `started` runs at every new stroke.
 * @param {HTMLCanvasElement} canvas @param {() => void} started
 */
function draw(canvas, started) {
  const c2d = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  c2d.lineWidth = 3;
  c2d.lineCap = "round";
  c2d.lineJoin = "round";
  c2d.strokeStyle = "#111";
  let drawing = false;
  /** @param {PointerEvent} e */
  const point = (e) => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * canvas.width) / r.width, ((e.clientY - r.top) * canvas.height) / r.height];
  };
  canvas.addEventListener("pointerdown", (e) => {
    drawing = true;
    canvas.setPointerCapture(e.pointerId);
    const [x, y] = point(e);
    c2d.beginPath();
    c2d.moveTo(x, y);
    c2d.lineTo(x + 0.1, y + 0.1);
    c2d.stroke();
    started();
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!drawing) return;
    const [x, y] = point(e);
    c2d.lineTo(x, y);
    c2d.stroke();
  });
  const stop = () => {
    drawing = false;
  };
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);
}
