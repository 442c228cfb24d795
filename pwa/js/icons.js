// A small set of line icons (24 × 24, drawn with the current text colour), built as SVG
// elements through the DOM: no icon font, no CDN, no innerHTML, nothing the
// Content-Security-Policy forbids. Every icon is decorative (aria-hidden): the control it
// sits in carries the words.

const NS = "http://www.w3.org/2000/svg";

/** @type {Record<string, [string, Record<string, string>][]>} */
const SHAPES = {
  facilities: [
    ["path", { d: "M3 21h18M5 21V8l7-5 7 5v13" }],
    ["path", { d: "M9 21v-6h6v6M9 10h.01M15 10h.01" }],
  ],
  drafts: [
    ["path", { d: "M14 3H6a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V9z" }],
    ["path", { d: "M14 3v6h6M8 13h8M8 17h5" }],
  ],
  outbox: [
    ["path", { d: "M22 2 11 13" }],
    ["path", { d: "M22 2 15 22l-4-9-9-4z" }],
  ],
  settings: [
    ["path", { d: "M4 21v-7M4 10V3M12 21v-9M12 8V3M20 21v-5M20 12V3M1 14h6M9 8h6M17 16h6" }],
  ],
  status: [
    ["path", { d: "M9 11l3 3 10-10" }],
    ["path", { d: "M21 12v7a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h11" }],
  ],
  list: [["path", { d: "M8 6h13M8 12h13M8 18h13M3 6h.01M3 12h.01M3 18h.01" }]],
  schedule: [
    ["path", { d: "M5 4h14a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z" }],
    ["path", { d: "M16 2v4M8 2v4M3 10h18M8 14h.01M12 14h.01M16 14h.01M8 18h.01M12 18h.01" }],
  ],
  plans: [
    ["path", { d: "M9 4H6a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2h-3" }],
    ["path", { d: "M9 2h6v4H9zM8 12l2 2 4-4M8 18h8" }],
  ],
  report: [["path", { d: "M3 3v18h18M7 17v-5M12 17V8M17 17v-8" }]],
  info: [
    ["circle", { cx: "12", cy: "12", r: "10" }],
    ["path", { d: "M12 16v-4M12 8h.01" }],
  ],
  note: [
    ["path", { d: "M23 19a2 2 0 0 1-2 2H3a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h4l2-3h6l2 3h4a2 2 0 0 1 2 2z" }],
    ["circle", { cx: "12", cy: "13", r: "4" }],
  ],
  next: [["path", { d: "M12 5v14M19 12l-7 7-7-7" }]],
  pin: [
    ["path", { d: "M21 10c0 7-9 13-9 13S3 17 3 10a9 9 0 0 1 18 0z" }],
    ["circle", { cx: "12", cy: "10", r: "3" }],
  ],
  admin: [
    ["path", { d: "M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z" }],
    ["circle", { cx: "12", cy: "10", r: "2.5" }],
    ["path", { d: "M8 16.5c.8-1.7 2.3-2.5 4-2.5s3.2.8 4 2.5" }],
  ],
};

/**
 * An icon by name, or null for an unknown name.
 * @param {string} name @param {string} [cls]
 * @returns {SVGSVGElement|null}
 */
export function icon(name, cls = "icon") {
  const made = made_.get(name);
  if (made) {
    const copy = /** @type {SVGSVGElement} */ (made.cloneNode(true));
    copy.setAttribute("class", cls);
    return copy;
  }
  const shapes = SHAPES[name];
  if (!shapes) return null;
  const svg = /** @type {SVGSVGElement} */ (document.createElementNS(NS, "svg"));
  for (const [key, value] of Object.entries({
    viewBox: "0 0 24 24",
    width: "24",
    height: "24",
    fill: "none",
    stroke: "currentColor",
    "stroke-width": "2",
    "stroke-linecap": "round",
    "stroke-linejoin": "round",
    "aria-hidden": "true",
    focusable: "false",
    class: cls,
  })) {
    svg.setAttribute(key, value);
  }
  for (const [tag, attrs] of shapes) {
    const el = document.createElementNS(NS, tag);
    for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, value);
    svg.append(el);
  }
  made_.set(name, svg);
  return /** @type {SVGSVGElement} */ (svg.cloneNode(true));
}

/** Each icon drawn once, then cloned (a long checklist has two per question). @type {Map<string, SVGSVGElement>} */
const made_ = new Map();

/** The names there are icons for (tests and the tab bar). */
export const ICONS = Object.keys(SHAPES);
