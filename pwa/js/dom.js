// Tiny DOM helpers. User and server text always goes through textContent (never innerHTML),
// and no style attribute is ever written (the Content-Security-Policy forbids inline styles).

/**
 * @typedef {Record<string, unknown>} Props
 * @typedef {Node|string|number|null|undefined|false} Child
 */

/**
 * Create an element. Props: `class`, `text`, `on<Event>` (listeners), `dataset`, `aria-*`
 * and other attributes (strings, or booleans for presence). Children: nodes or text.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag @param {Props|null} [props] @param {...(Child|Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = String(value);
    else if (key === "text") el.textContent = String(value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), /** @type {EventListener} */ (value));
    } else if (key === "value" || key === "checked" || key === "disabled" || key === "hidden" || key === "open") {
      /** @type {any} */ (el)[key] = value;
    } else if (key === "style") {
      throw new Error("inline styles are not allowed; use a class");
    } else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, ...children);
  return el;
}

/** Append nodes and text, skipping null, undefined and false. */
/** @param {Element} el @param {...(Child|Child[])} children */
export function append(el, ...children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === "object" ? child : String(child));
  }
  return el;
}

/** Replace an element's children. @param {Element} el @param {...(Child|Child[])} children */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, ...children);
}

/**
 * Set an element's text, class or attribute only when it changes: a screen redrawn after
 * every tap then restyles and lays out only what changed, not every counter it rewrites.
 * @param {Element} el @param {string} text
 */
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/** @param {Element} el @param {string} name @param {string} value */
export function setAttr(el, name, value) {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

/**
 * Save a file made on the phone or fetched with the token (the fetch carries the bearer
 * token, a plain link could not): through an object URL and a link with a download name.
 * @param {Blob} blob @param {string} name
 */
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: name, class: "visually-hidden" });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

/**
 * Fold text for accent-insensitive search: "Trường Mầm non Đồng Văn" → "truong mam non dong van".
 * @param {string} text
 */
export function fold(text) {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[đĐ]/g, "d")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

let counter = 0;
/** A unique id for label/aria wiring. @param {string} prefix */
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** A client UUID v4 (crypto.randomUUID where there is one). */
export function uuid4() {
  if (typeof globalThis.crypto?.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
