// Where the phone is: a location item, and the helpers the screen's own location stamp
// shares with it.

import { h } from "../../dom.js";
import { lang, t } from "../../i18n.js";
import { icon } from "../../icons.js";
import { fieldset } from "./field.js";

/** @typedef {import("./field.js").Field} Field */
/** @typedef {import("../../store.js").Location} Location */

/** @param {Field} f */
export function locationField(f) {
  const out = h("output", { class: "location-value" });
  const current = /** @type {any} */ (f.value());
  out.textContent = current && typeof current.lat === "number" ? locationText(current) : t("insp.noLocation");
  const button = h("button", { type: "button", class: "secondary", disabled: f.screen.readonly }, icon("pin"), t("insp.locate"));
  button.addEventListener("click", async () => {
    out.textContent = t("insp.locating");
    try {
      const loc = await locate();
      out.textContent = locationText(loc);
      await f.answer(loc);
    } catch (error) {
      out.textContent = t("insp.locationError", { message: errorMessage(error) });
    }
  });
  return fieldset(f, h("div", { class: "field" }, out, button));
}

/**
 * Where the whole inspection took place: shown at the top of the checklist, taken on a tap.
 * @param {import("./field.js").Screen} screen
 * @param {{location: Location|null, save: (loc: Location) => Promise<unknown>}} o
 */
export function stampField(screen, o) {
  const out = h("output", { class: "location-value", text: locationText(o.location) });
  const button = h("button", { type: "button", class: "secondary", disabled: screen.readonly }, icon("pin"), t("insp.locate"));
  button.addEventListener("click", async () => {
    out.textContent = t("insp.locating");
    try {
      const loc = await locate();
      out.textContent = locationText(loc);
      await screen.track(o.save(loc));
    } catch (error) {
      out.textContent = t("insp.locationError", { message: errorMessage(error) });
    }
  });
  return h("div", { class: "stamp" }, h("span", { class: "label", text: t("insp.stamp") }), out, screen.readonly ? null : button);
}

/** @param {Location|null|undefined} loc */
function locationText(loc) {
  return loc ? t("insp.locationValue", { lat: decimal(loc.lat, 5), lon: decimal(loc.lon, 5), acc: loc.accuracy === null ? "?" : decimal(loc.accuracy, 0) }) : t("insp.noLocation");
}

/** A number with a decimal comma in Vietnamese. @param {number} n @param {number} digits */
function decimal(n, digits) {
  return n.toLocaleString(lang() === "vi" ? "vi-VN" : "en-GB", { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false });
}

/** @param {unknown} error */
function errorMessage(error) {
  return error && typeof error === "object" && "message" in error ? String(error.message) : String(error);
}

/** @returns {Promise<Location>} */
function locate() {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) {
      reject(new Error("no geolocation"));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (pos) =>
        resolve({
          lat: Math.round(pos.coords.latitude * 1e6) / 1e6,
          lon: Math.round(pos.coords.longitude * 1e6) / 1e6,
          accuracy: Number.isFinite(pos.coords.accuracy) ? Math.round(pos.coords.accuracy * 10) / 10 : null,
        }),
      reject,
      { enableHighAccuracy: true, timeout: 30000, maximumAge: 60000 },
    );
  });
}
