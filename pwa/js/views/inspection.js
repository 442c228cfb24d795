// The checklist screen. Every answer is written to IndexedDB as it is given (each keystroke
// of a text too: one small transaction, in order); the live score comes from scoring.js,
// the same rules as the server's. Completing checks the required items first and takes the
// user to the first one missing. Any item but a photo or a signature can also carry photo
// evidence (`inspection.photos`), kept and sent beside its answer.

import { agencies, refreshAgencies } from "../agencies.js";
import { getForm } from "../data.js";
import { append, h, replace } from "../dom.js";
import { live } from "../explain.js";
import { t, tx } from "../i18n.js";
import { complete, remove } from "../inspections.js";
import { isAnswered, isRequired, score } from "../scoring.js";
import * as store from "../store.js";
import { answerProblems } from "../validation.js";
import { teamSection } from "./team.js";
import { choiceField } from "./items/choice.js";
import { inputField } from "./items/input.js";
import { errorMessage, locate, locationField, locationText } from "./items/location.js";
import { moreInfo, noteBox } from "./items/note.js";
import { evidenceBox, photoItemField } from "./items/photo.js";
import { signatureField } from "./items/signature.js";

/** @typedef {import("../conditions.js").Item} Item */
/** @typedef {import("../store.js").Inspection} Inspection */
/** @typedef {import("./items/field.js").Field} Field */
/** @typedef {import("./items/field.js").Screen} Screen */

const FIRST_SLICE = 20;

/** The answer widget of each kind of item. @type {Record<string, (f: Field) => HTMLElement>} */
const WIDGETS = {
  check: choiceField,
  veto: choiceField,
  choice: choiceField,
  number: inputField,
  text: inputField,
  date: inputField,
  location: locationField,
  photo: photoItemField,
  signature: signatureField,
};

/** The pills beside a question. @param {Item} item */
function markers(item) {
  return [
    item.mandatory ? h("span", { class: "pill mandatory", text: t("insp.mandatory") }) : null,
    item.kind === "veto" ? h("span", { class: "pill veto", text: t("insp.veto") }) : null,
    item.kind !== "check" && item.kind !== "veto" && isRequired(item) ? h("span", { class: "req", text: `(${t("insp.required")})` }) : null,
    item.advisory
      ? h("span", { class: "pill advisory", text: t("insp.advisory") })
      : item.inferred
        ? h("span", { class: "pill inferred", text: t("insp.inferred") })
        : null,
  ];
}

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

  /** The screen as every answer widget sees it (views/items/field.js). @type {Screen} */
  const screen = {
    readonly,
    track,
    objectUrl: (blob) => {
      const url = URL.createObjectURL(blob);
      objectUrls.push(url);
      return url;
    },
    unsaved: unsavedSignatures,
  };

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

  // --- the team -----------------------------------------------------------------------------
  if (!readonly) refreshAgencies().catch(() => {}); // suggestions only: offline is fine
  const user = ctx.session?.user;
  // A draft begun before the app asked for the team starts with the inspector as lead.
  const members = inspection.team ?? (readonly || !user ? [] : [{ name: user.display_name || "", agency: user.agency || "", role: /** @type {const} */ ("lead") }]);
  const team = teamSection(screen, {
    members,
    agencies: [...new Set([...(user?.agency ? [user.agency] : []), ...(await agencies()).map((a) => a.name)])],
    save: (next) =>
      store.updateInspection(id, (i) => {
        if (i.status !== "draft") return false;
        i.team = next;
        i.updated_at = new Date().toISOString();
      }),
  });
  append(root, team.element);

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
      if (!row.problem.hidden && isAnswered(answers[itemId])) clearProblem(row);
    }
    for (const s of sections) {
      const required = s.items.filter((i) => result.visible.has(i.id) && isRequired(i));
      const done = required.filter((i) => isAnswered(answers[i.id])).length;
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
      message.textContent = t("insp.signUnsaved", { item: first ? tx(first.item.text) : t("team.title") });
      if (first) jumpTo(first);
      else team.element.scrollIntoView({ block: "start" });
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
    if (!team.check()) {
      message.textContent = t("team.incomplete");
      ctx.announce(message.textContent);
      team.element.scrollIntoView({ block: "start" });
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
    const tools = [
      item.kind === "text" ? null : noteBox(screen, name, { text: () => notes[item.id] || "", save: (v) => setNote(item.id, v) }),
      item.kind === "photo" || item.kind === "signature"
        ? null
        : evidenceBox(screen, name, { hashes: () => evidence[item.id] || [], save: (next) => setEvidence(item.id, next) }),
    ].filter(Boolean);
    /** @type {Field} */
    const field = {
      item,
      name,
      markers: markers(item),
      extras: [problem, moreInfo(item), tools.length ? h("div", { class: "tools" }, tools) : null],
      value: () => answers[item.id],
      answer: (value) => answer(item.id, value),
      screen,
    };
    const widget = WIDGETS[item.kind];
    return widget ? widget(field) : h("div", { class: "item" }, h("p", { text: name }));
  }

  /** @param {string} itemId @param {string} text */
  function setNote(itemId, text) {
    notes[itemId] = text;
    return track(store.setNote(id, itemId, text));
  }

  /** @param {string} itemId @param {string[]} next */
  function setEvidence(itemId, next) {
    if (next.length) evidence[itemId] = next;
    else delete evidence[itemId];
    return track(store.setItemPhotos(id, itemId, next));
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
