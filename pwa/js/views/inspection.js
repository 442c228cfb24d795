// The checklist screen. Every answer is written to IndexedDB as it is given (each keystroke
// of a text too: one small transaction, in order); the live score comes from scoring.js,
// the same rules as the server's. Completing checks the required items first and takes the
// user to the first one missing. Any item but a photo or a signature can also carry photo
// evidence (`inspection.photos`), kept and sent beside its answer.

import { getForm } from "../data.js";
import { append, h, replace, uid } from "../dom.js";
import { live } from "../explain.js";
import { t, tx } from "../i18n.js";
import { complete, remove } from "../inspections.js";
import { canvasPng, reduce, storeImage } from "../photos.js";
import { isRequired, score } from "../scoring.js";
import * as store from "../store.js";
import { answerProblems } from "../validation.js";

/** @typedef {import("../conditions.js").Item} Item */
/** @typedef {import("../store.js").Inspection} Inspection */

const FIRST_SLICE = 20;
/** Photos of evidence per item: the server takes at most 20. */
export const MAX_EVIDENCE = 20;

/** @param {HTMLElement} root @param {import("../app.js").Ctx} ctx @param {string[]} params */
export async function render(root, ctx, params) {
  performance.mark("safeschool:checklist-start");
  const id = params[0] || "";
  const inspection = await store.getInspection(id);
  if (!inspection) {
    append(root, h("a", { class: "back", href: "#/drafts", text: t("common.back") }), h("p", { role: "alert", text: t("insp.notFound") }));
    return {};
  }
  const form = await getForm(inspection.form_id, inspection.form_version);
  if (!form) {
    append(root, h("a", { class: "back", href: "#/drafts", text: t("common.back") }), h("p", { role: "alert", text: t("insp.formMissing") }));
    return {};
  }
  const def = form.definition;
  const theForm = form; // narrowed for the closures below
  const readonly = inspection.status !== "draft";
  /** @type {Record<string, unknown>} */
  const answers = { ...inspection.answers };
  /** @type {Record<string, string>} */
  const notes = { ...inspection.notes };
  /** Photo evidence per item; drafts older than evidence have none. @type {Record<string, string[]>} */
  const evidence = { ...(inspection.photos || {}) };

  // --- saving ------------------------------------------------------------------------------
  /** @type {Set<Promise<unknown>>} */
  const writes = new Set();
  /** @type {Set<string>} */
  const unsavedSignatures = new Set();
  /** @type {string[]} */
  const objectUrls = [];

  /** @param {Promise<unknown>} p */
  function track(p) {
    writes.add(p);
    p.catch((error) => ctx.announce(t("app.error", { message: String(error) }))).finally(() => writes.delete(p));
    return p;
  }

  /** Record an answer at once (and rescore). @param {string} itemId @param {unknown} value */
  function answer(itemId, value) {
    const started = performance.now();
    if (value === undefined) delete answers[itemId];
    else answers[itemId] = value;
    update();
    return track(
      store.setAnswer(id, itemId, value).then((result) => {
        // Read by bench/pwa_perf.py: from the tap's change event to the committed write.
        performance.measure("safeschool:answer-persisted", { start: started, end: performance.now() });
        return result;
      }),
    );
  }

  async function flush() {
    await Promise.allSettled([...writes]);
  }

  // --- header and summary ----------------------------------------------------------------------
  const scoreText = h("span", { class: "score" });
  const remainingText = h("span", { class: "remaining" });
  const overall = h("progress", { max: "1", value: "0", "aria-label": t("insp.progress") });
  const reasonList = h("ul", { class: "reasons", "aria-label": t("result.reasons") });
  const summary = h(
    "div",
    { class: "summary", role: "status", "aria-live": "polite" },
    h("span", { class: "label", text: `${t("insp.score")}: ` }),
    scoreText,
    reasonList,
    remainingText,
  );
  const message = h("p", { class: "error", role: "alert" });
  const stampOut = h("output", { class: "location-value" });
  const stampButton = h("button", { type: "button", class: "secondary", text: t("insp.locate"), disabled: readonly });

  /** @param {import("../store.js").Location|null} loc */
  const locationText = (loc) =>
    loc ? t("insp.locationValue", { lat: loc.lat.toFixed(5), lon: loc.lon.toFixed(5), acc: loc.accuracy ?? "?" }) : t("insp.noLocation");
  stampOut.textContent = locationText(inspection.location);
  stampButton.addEventListener("click", async () => {
    stampOut.textContent = t("insp.locating");
    try {
      const loc = await locate();
      stampOut.textContent = locationText(loc);
      await track(
        store.updateInspection(id, (i) => {
          if (i.status !== "draft") return false;
          i.location = loc;
          i.updated_at = new Date().toISOString();
        }),
      );
    } catch (error) {
      stampOut.textContent = t("insp.locationError", { message: errorMessage(error) });
    }
  });

  append(root, 
    h("a", { class: "back", href: readonly ? "#/outbox" : "#/drafts", text: t("common.back") }),
    h("h1", { text: inspection.facility_name }),
    h("p", { class: "meta", text: `${tx(def.title)} · ${t("facility.version", { v: def.version })}` }),
    readonly ? h("p", { class: "banner info", text: t("insp.readonly") }) : null,
    h("div", { class: "sticky" }, summary, overall),
    h("div", { class: "stamp" }, h("span", { class: "label", text: t("insp.stamp") }), stampOut, readonly ? null : stampButton),
  );

  // --- items -------------------------------------------------------------------------------
  /** @type {Map<string, {item: Item, wrap: HTMLElement, problem: HTMLElement, section: HTMLDetailsElement}>} */
  const rows = new Map();
  /** @type {{el: HTMLDetailsElement, progress: HTMLProgressElement, count: HTMLElement, items: Item[]}[]} */
  const sections = [];

  // Sections are laid out at once; their items are built in slices of FIRST_SLICE, the
  // first slice before the screen shows, the rest one slice per task, so a long checklist
  // is usable at once and input is never blocked for long.
  /** @type {[Item, HTMLDetailsElement][]} */
  const queue = [];
  for (const section of def.sections) {
    const count = h("span", { class: "count" });
    const progress = h("progress", { max: "1", value: "0", "aria-label": tx(section.title) });
    const el = h(
      "details",
      { class: "section", open: true },
      h("summary", null, h("span", { class: "title", text: tx(section.title) }), count),
      progress,
      section.help ? h("p", { class: "muted", text: tx(section.help) }) : null,
    );
    for (const item of section.items) queue.push([item, el]);
    sections.push({ el, progress, count, items: section.items });
    append(root, el);
  }
  /** @type {Set<string>} */
  let shown = new Set();
  let left = false;

  /** @param {number} n */
  function buildSome(n) {
    for (const [item, el] of queue.splice(0, n)) {
      const problem = h("p", { class: "problem", id: `problem-${item.id}`, hidden: true });
      const wrap = renderItem(item, problem);
      wrap.id = `item-${item.id}`;
      wrap.dataset.item = item.id;
      wrap.hidden = !shown.has(item.id);
      el.append(wrap);
      rows.set(item.id, { item, wrap, problem, section: el });
    }
  }

  if (!readonly) {
    const completeButton = h("button", { type: "button", class: "primary", id: "complete", text: t("insp.complete") });
    const discardButton = h("button", { type: "button", class: "danger", id: "discard", text: t("insp.discard") });
    completeButton.addEventListener("click", onComplete);
    discardButton.addEventListener("click", async () => {
      if (!(await ctx.confirm(t("insp.discardConfirm"), t("insp.discard")))) return;
      await flush();
      await remove(id);
      ctx.navigate("#/drafts");
    });
    append(root, h("div", { class: "footer" }, message, completeButton, discardButton));
  }

  update();
  buildSome(FIRST_SLICE);
  requestAnimationFrame(() => performance.measure("safeschool:checklist-rendered", "safeschool:checklist-start"));
  const built = (async () => {
    while (queue.length && !left) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      buildSome(FIRST_SLICE);
    }
    if (!left) {
      root.dataset.built = "true";
      performance.measure("safeschool:checklist-built", "safeschool:checklist-start");
    }
  })();

  // --- behaviour ---------------------------------------------------------------------------
  /** Rescore and show/hide items; cheap enough to run on every answer. */
  function update() {
    const result = score(def, answers);
    shown = result.visible;
    for (const [itemId, row] of rows) {
      const hidden = !result.visible.has(itemId);
      if (row.wrap.hidden !== hidden) row.wrap.hidden = hidden;
      if (!row.problem.hidden && isAnsweredValue(answers[itemId])) clearProblem(row);
    }
    for (const s of sections) {
      const required = s.items.filter((i) => result.visible.has(i.id) && isRequired(i));
      const done = required.filter((i) => isAnsweredValue(answers[i.id])).length;
      s.count.textContent = t("insp.sectionProgress", { done, total: required.length });
      s.progress.max = Math.max(1, required.length);
      s.progress.value = done;
    }
    const explained = live(result, def);
    scoreText.textContent = explained.text;
    scoreText.className = `score result-${explained.state}`;
    replace(reasonList, explained.reasons.map((text) => h("li", { text })));
    reasonList.hidden = !explained.reasons.length;
    const missing = result.missing_required.length;
    remainingText.textContent = missing ? t("insp.remaining", { n: missing }) : t("insp.allAnswered");
    const totalRequired = sections.reduce((n, s) => n + s.items.filter((i) => result.visible.has(i.id) && isRequired(i)).length, 0);
    overall.max = Math.max(1, totalRequired);
    overall.value = totalRequired - missing;
    overall.setAttribute("aria-valuetext", remainingText.textContent);
  }

  /** @param {{wrap: HTMLElement, problem: HTMLElement}} row */
  function clearProblem(row) {
    row.problem.hidden = true;
    row.problem.textContent = "";
    row.wrap.classList.remove("has-problem");
  }

  async function onComplete() {
    await built;
    await flush();
    if (unsavedSignatures.size) {
      const first = rows.get([...unsavedSignatures][0]);
      message.textContent = t("insp.signUnsaved", { item: first ? tx(first.item.text) : "" });
      if (first) jumpTo(first);
      return;
    }
    for (const row of rows.values()) clearProblem(row);
    const problems = answerProblems(def, answers).filter((p) => rows.has(p.item_id));
    const onScreen = problems.filter((p) => !rows.get(p.item_id)?.wrap.hidden);
    if (onScreen.length) {
      for (const p of onScreen) {
        const row = /** @type {any} */ (rows.get(p.item_id));
        row.problem.textContent = t(`problem.${p.code}`);
        row.problem.hidden = false;
        row.wrap.classList.add("has-problem");
      }
      message.textContent = t("insp.missing", { n: onScreen.length });
      ctx.announce(message.textContent);
      jumpTo(/** @type {any} */ (rows.get(onScreen[0].item_id)));
      return;
    }
    message.textContent = "";
    if (!(await ctx.confirm(t("insp.completeConfirm"), t("insp.complete")))) return;
    await complete(id, theForm);
    ctx.navigate("#/outbox");
    ctx.syncNow();
  }

  /** @param {{wrap: HTMLElement, section: HTMLDetailsElement}} row */
  function jumpTo(row) {
    row.section.open = true;
    row.wrap.scrollIntoView({ block: "center" });
    const target = /** @type {HTMLElement|null} */ (row.wrap.querySelector("input, textarea, select, button, canvas"));
    (target || row.wrap).focus({ preventScroll: true });
  }

  // --- one item ----------------------------------------------------------------------------
  /** @param {Item} item @param {HTMLElement} problem @returns {HTMLElement} */
  function renderItem(item, problem) {
    const name = tx(item.text);
    const markers = [
      item.mandatory ? h("span", { class: "pill mandatory", text: t("insp.mandatory") }) : null,
      item.kind === "veto" ? h("span", { class: "pill veto", text: t("insp.veto") }) : null,
      item.kind !== "check" && item.kind !== "veto" && isRequired(item) ? h("span", { class: "req", text: `(${t("insp.required")})` }) : null,
      item.advisory
        ? h("span", { class: "pill inferred", text: t("insp.advisory") })
        : item.inferred
          ? h("span", { class: "pill inferred", text: t("insp.inferred") })
          : null,
    ];
    const tools = [
      item.kind === "text" ? null : noteBox(item, name),
      item.kind === "photo" || item.kind === "signature" ? null : evidenceBox(item, name),
    ].filter(Boolean);
    const extras = [problem, moreInfo(item), tools.length ? h("div", { class: "tools" }, tools) : null];
    const value = answers[item.id];
    switch (item.kind) {
      case "check": {
        const options = [["pass", t("insp.pass")], ["fail", t("insp.fail")]];
        if (item.allow_na) options.push(["na", t("insp.na")]);
        return fieldset(item, name, markers, h("div", { class: `options n${options.length}` }, options.map(([v, label]) => radio(item, v, label, value === v))), extras);
      }
      case "veto": {
        const options = [["none", t("insp.vetoNone")], ["occurred", t("insp.vetoOccurred")]];
        return fieldset(item, name, markers, h("div", { class: "options n2" }, options.map(([v, label]) => radio(item, v, label, value === v))), extras);
      }
      case "choice": {
        const choices = item.choices || [];
        const body = item.multiple
          ? choices.map((c) => checkbox(item, c.value, tx(c.label), Array.isArray(value) && value.includes(c.value)))
          : choices.map((c) => radio(item, c.value, tx(c.label), value === c.value));
        return fieldset(item, name, markers, h("div", { class: "options list" }, body), extras);
      }
      case "number":
      case "text":
      case "date":
        return simpleInput(item, name, markers, extras);
      case "location":
        return locationItem(item, name, markers, extras);
      case "photo":
        return photoItem(item, name, markers, extras);
      case "signature":
        return signatureItem(item, name, markers, extras);
      default:
        return h("div", { class: "item" }, h("p", { text: name }));
    }
  }

  /**
   * @param {Item} item @param {string} name @param {any[]} markers @param {Node} body @param {any[]} extras
   */
  function fieldset(item, name, markers, body, extras) {
    return h(
      "fieldset",
      { class: `item kind-${item.kind}`, disabled: readonly },
      h("legend", null, h("span", { class: "q", text: name }), ...markers),
      body,
      ...extras,
    );
  }

  /** @param {Item} item @param {string} value @param {string} label @param {boolean} checked */
  function radio(item, value, label, checked) {
    const input = h("input", { type: "radio", name: `a-${item.id}`, value, checked });
    input.addEventListener("change", () => {
      if (input.checked) answer(item.id, value);
    });
    return h("label", { class: `opt opt-${value}` }, input, h("span", { text: label }));
  }

  /** @param {Item} item @param {string} value @param {string} label @param {boolean} checked */
  function checkbox(item, value, label, checked) {
    const input = h("input", { type: "checkbox", name: `a-${item.id}`, value, checked });
    input.addEventListener("change", () => {
      const current = Array.isArray(answers[item.id]) ? /** @type {string[]} */ (answers[item.id]) : [];
      const next = input.checked ? [...current.filter((v) => v !== value), value] : current.filter((v) => v !== value);
      answer(item.id, next.length ? next : undefined);
    });
    return h("label", { class: "opt" }, input, h("span", { text: label }));
  }

  /** @param {Item} item @param {string} name @param {any[]} markers @param {any[]} extras */
  function simpleInput(item, name, markers, extras) {
    const inputId = uid("in");
    const value = answers[item.id];
    /** @type {HTMLInputElement|HTMLTextAreaElement} */
    let input;
    if (item.kind === "text") {
      input = h("textarea", { id: inputId, rows: "2", value: typeof value === "string" ? value : "", disabled: readonly });
      input.addEventListener("input", () => {
        const v = input.value;
        answers[item.id] = v;
        update();
        track(store.setAnswer(id, item.id, v));
      });
    } else if (item.kind === "number") {
      input = h("input", {
        id: inputId,
        type: "number",
        inputmode: item.integer ? "numeric" : "decimal",
        step: item.integer ? "1" : "any",
        min: item.min ?? null,
        max: item.max ?? null,
        value: typeof value === "number" ? String(value) : "",
        disabled: readonly,
      });
      input.addEventListener("input", () => {
        const raw = input.value.trim();
        const n = raw === "" ? undefined : Number(raw);
        const v = n === undefined || Number.isNaN(n) ? undefined : n;
        if (v === undefined) delete answers[item.id];
        else answers[item.id] = v;
        update();
        track(store.setAnswer(id, item.id, v));
      });
    } else {
      input = h("input", { id: inputId, type: "date", value: typeof value === "string" ? value : "", disabled: readonly });
      input.addEventListener("change", () => answer(item.id, input.value || undefined));
    }
    return h(
      "div",
      { class: `item kind-${item.kind}` },
      h("label", { for: inputId }, h("span", { class: "q", text: name }), ...markers),
      h("div", { class: "field" }, input, item.unit ? h("span", { class: "unit", text: tx(item.unit) }) : null),
      ...extras,
    );
  }

  /** @param {Item} item @param {string} name @param {any[]} markers @param {any[]} extras */
  function locationItem(item, name, markers, extras) {
    const out = h("output", { class: "location-value" });
    const current = /** @type {any} */ (answers[item.id]);
    out.textContent = current && typeof current.lat === "number" ? locationText(current) : t("insp.noLocation");
    const button = h("button", { type: "button", class: "secondary", text: t("insp.locate") });
    button.addEventListener("click", async () => {
      out.textContent = t("insp.locating");
      try {
        const loc = await locate();
        out.textContent = locationText(loc);
        await answer(item.id, loc);
      } catch (error) {
        out.textContent = t("insp.locationError", { message: errorMessage(error) });
      }
    });
    return fieldset(item, name, markers, h("div", { class: "field" }, out, button), extras);
  }

  /** @param {Item} item @param {string} name @param {any[]} markers @param {any[]} extras */
  function photoItem(item, name, markers, extras) {
    const hashes = () => (Array.isArray(answers[item.id]) ? /** @type {string[]} */ (answers[item.id]) : []);
    const field = photoField({
      hashes,
      save: (next) => answer(item.id, next.length ? next : undefined),
      alt: (n) => t("insp.photoAlt", { n, item: name }),
      addFor: t("insp.photoFor", { item: name }),
    });
    return fieldset(item, name, markers, field, extras);
  }

  /**
   * Thumbnails, each removable at once (as a photo item's always were), and a camera-or-file
   * control. Each picked image is reduced on the phone and stored in IndexedDB before it is
   * attached; the work is tracked, so completing or leaving waits for it.
   * @param {{hashes: () => string[], save: (next: string[]) => Promise<unknown>,
   *   alt: (n: number) => string, addFor: string, max?: number}} o
   */
  function photoField(o) {
    const list = h("ul", { class: "thumbs" });
    const status = h("p", { class: "muted", role: "status" });
    const inputId = uid("photo");
    const input = h("input", { id: inputId, type: "file", accept: "image/*", capture: "environment", multiple: true, class: "visually-hidden" });
    const add = readonly ? null : h("label", { for: inputId, class: "button secondary file", "aria-label": o.addFor }, t("insp.photoAdd"), input);
    const full = () => o.max !== undefined && o.hashes().length >= o.max;
    let shown = 0; // the latest rendering wins

    async function showThumbs() {
      const mine = ++shown;
      const items = [];
      for (const [n, hash] of o.hashes().entries()) {
        const photo = await store.getPhoto(hash);
        let img = null;
        if (photo) {
          const url = URL.createObjectURL(photo.blob);
          objectUrls.push(url);
          img = h("img", { src: url, alt: o.alt(n + 1), width: "96", height: "96" });
        }
        const del = readonly
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
      track(
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

  /**
   * Photo evidence for an item that is not itself a photo: a disclosure beside the note,
   * its control made when first opened, open at once when the item has photos.
   * @param {Item} item @param {string} name
   */
  function evidenceBox(item, name) {
    const hashes = () => evidence[item.id] || [];
    if (readonly && !hashes().length) return null;
    const summaryEl = h("summary");
    const count = () => {
      const n = hashes().length;
      summaryEl.textContent = n ? t("insp.evidenceCount", { n }) : t("insp.evidence");
    };
    count();
    const details = h("details", { class: "evidence", open: hashes().length > 0 }, summaryEl);
    const fill = () => {
      if (details.childElementCount > 1) return;
      details.append(
        photoField({
          hashes,
          save: (next) => {
            if (next.length) evidence[item.id] = next;
            else delete evidence[item.id];
            count();
            return track(store.setItemPhotos(id, item.id, next));
          },
          alt: (n) => t("insp.evidenceAlt", { n, item: name }),
          addFor: t("insp.evidenceFor", { item: name }),
          max: MAX_EVIDENCE,
        }),
      );
    };
    if (details.open) fill();
    else details.addEventListener("toggle", fill);
    return details;
  }

  /** @param {Item} item @param {string} name @param {any[]} markers @param {any[]} extras */
  function signatureItem(item, name, markers, extras) {
    const body = h("div", { class: "field signature" });

    async function showSaved() {
      const hash = answers[item.id];
      const photo = typeof hash === "string" ? await store.getPhoto(hash) : undefined;
      const items = [];
      if (photo) {
        const url = URL.createObjectURL(photo.blob);
        objectUrls.push(url);
        items.push(h("img", { src: url, alt: `${t("insp.signSaved")}: ${name}`, class: "signature-img" }));
      } else {
        items.push(h("p", { class: "muted", text: t("insp.signEmpty") }));
      }
      if (!readonly) items.push(h("button", { type: "button", class: "secondary", text: photo ? t("insp.signRedo") : t("insp.signHere"), onclick: showPad }));
      replace(body, items);
    }

    function showPad() {
      const canvas = h("canvas", { width: "600", height: "240", class: "pad", role: "img", "aria-label": t("insp.signCanvas", { item: name }), tabindex: "0" });
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
        unsavedSignatures.add(item.id);
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
      const clear = h("button", {
        type: "button",
        class: "secondary",
        text: t("insp.signClear"),
        onclick: () => {
          c2d.clearRect(0, 0, canvas.width, canvas.height);
          unsavedSignatures.delete(item.id);
        },
      });
      const save = h("button", {
        type: "button",
        class: "primary",
        text: t("insp.signSave"),
        onclick: async () => {
          if (!unsavedSignatures.has(item.id)) return;
          const hash = await storeImage(await canvasPng(canvas));
          await answer(item.id, hash);
          unsavedSignatures.delete(item.id);
          await showSaved();
        },
      });
      const cancel = answers[item.id]
        ? h("button", {
            type: "button",
            class: "secondary",
            text: t("common.cancel"),
            onclick: () => {
              unsavedSignatures.delete(item.id);
              showSaved();
            },
          })
        : null;
      replace(body, h("p", { class: "muted", text: t("insp.signHere") }), canvas, h("div", { class: "actions" }, clear, save, cancel));
    }

    if (readonly || answers[item.id]) showSaved();
    else showPad();
    return fieldset(item, name, markers, body, extras);
  }

  /** Legal reference and help, filled in when first opened. @param {Item} item */
  function moreInfo(item) {
    if (!item.legal_ref && !item.help) return null;
    const details = h("details", { class: "more" }, h("summary", { text: t("insp.moreInfo") }));
    details.addEventListener(
      "toggle",
      () => {
        if (details.childElementCount > 1) return;
        if (item.legal_ref) details.append(h("p", { class: "legal", text: t("insp.legal", { ref: item.legal_ref }) }));
        if (item.help) details.append(h("p", { text: tx(item.help) }));
      },
    );
    return details;
  }

  /** A note per item, its text box made when first opened. @param {Item} item @param {string} name */
  function noteBox(item, name) {
    const has = Boolean(notes[item.id]);
    const summaryEl = h("summary", { text: has ? t("insp.hasNote") : t("insp.note") });
    const details = h("details", { class: "note", open: has }, summaryEl);
    const fill = () => {
      if (details.childElementCount > 1) return;
      const noteId = uid("note");
      const area = h("textarea", { id: noteId, rows: "2", value: notes[item.id] || "", disabled: readonly });
      area.addEventListener("input", () => {
        const v = area.value;
        notes[item.id] = v;
        track(store.setNote(id, item.id, v));
      });
      details.append(h("label", { for: noteId, class: "visually-hidden", text: t("insp.noteFor", { item: name }) }), area);
      if (!has) area.focus();
    };
    if (has) fill();
    else details.addEventListener("toggle", fill);
    return details;
  }

  return {
    leave: async () => {
      left = true;
      await flush();
      for (const url of objectUrls) URL.revokeObjectURL(url);
      return true;
    },
    blocksUpdate: () => unsavedSignatures.size > 0,
  };
}

/** @param {unknown} v */
function isAnsweredValue(v) {
  return v !== undefined && v !== null && v !== "" && !(Array.isArray(v) && v.length === 0);
}

/** @param {unknown} error */
function errorMessage(error) {
  return error && typeof error === "object" && "message" in error ? String(error.message) : String(error);
}

/** @returns {Promise<import("../store.js").Location>} */
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

