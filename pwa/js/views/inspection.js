// The checklist screen. Every answer is written to IndexedDB as it is given (each keystroke
// of a text too: one small transaction, in order); the live score comes from scoring.js,
// the same rules as the server's. Completing checks the required items first and takes the
// user to the first one missing. Any item but a photo or a signature can also carry photo
// evidence (`inspection.photos`), kept and sent beside its answer.
//
// Laid out for one hand on a 360 px phone: a question takes its text and one row (the
// answers, then one "i" control for its guidance and one camera control for its note and
// photos, opened at once after "Không đạt"); a sticky bar holds the live result, the section
// index (each section's progress and failures, a tap jumps there) and "next unanswered";
// a draft shows one section at a time, each ending with the way on to the next; the summary
// before the completion buttons counts what is answered, failed and missing.

import { isMine } from "../account.js";
import { agencies, refreshAgencies } from "../agencies.js";
import { getForm } from "../data.js";
import { append, h, replace, setAttr, setText } from "../dom.js";
import { live } from "../explain.js";
import { t, tx } from "../i18n.js";
import { icon } from "../icons.js";
import { amend, complete, remove } from "../inspections.js";
import { isAnswered, isRequired, score } from "../scoring.js";
import * as store from "../store.js";
import { answerProblems } from "../validation.js";
import { failures } from "../follow-up.js";
import { limits } from "../limits.js";
import { followUpSection } from "./follow-up.js";
import { teamSection } from "./team.js";
import { choiceField } from "./items/choice.js";
import { inputField } from "./items/input.js";
import { locationField, stampField } from "./items/location.js";
import { itemTools } from "./items/note.js";
import { photoItemField } from "./items/photo.js";
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

/** @typedef {{item: Item, wrap: HTMLElement, problem: HTMLElement, section: HTMLDetailsElement,
 *   tools: import("./items/note.js").Tools}} Row */
/** @typedef {{el: HTMLDetailsElement, progress: HTMLProgressElement, count: HTMLElement, items: Item[],
 *   entry: HTMLElement}} SectionRow */

/** Answers that mean a check failed or an excluding event occurred. */
const FAILED = new Set(["fail", "occurred"]);

/** @param {HTMLElement} root @param {import("../app.js").Ctx} ctx @param {string[]} params */
export async function render(root, ctx, params) {
  performance.mark("safeschool:checklist-start");
  const found = await store.getInspection(params[0] || "");
  // Another account's inspection on this phone is not shown (js/account.js).
  const inspection = found && isMine(found, ctx.session) ? found : undefined;
  const form = inspection && (await getForm(inspection.form_id, inspection.form_version));
  if (!inspection || !form) {
    const why = inspection ? "insp.formMissing" : "insp.notFound";
    append(root, h("a", { class: "back", href: "#/drafts", text: t("common.back") }), h("p", { role: "alert", text: t(why) }));
    return {};
  }
  const screen = new ChecklistScreen(root, ctx, inspection, form);
  await screen.show();
  return { leave: () => screen.leave(), blocksUpdate: () => screen.unsaved.size > 0 };
}

/**
 * One checklist on the screen: its answers as the user gives them, each written at once,
 * the live result, the team, and completion.
 */
class ChecklistScreen {
  /**
   * @param {HTMLElement} root @param {import("../app.js").Ctx} ctx
   * @param {Inspection} inspection @param {import("../data.js").Form} form
   */
  constructor(root, ctx, inspection, form) {
    this.root = root;
    this.ctx = ctx;
    this.inspection = inspection;
    this.id = inspection.id;
    this.form = form;
    this.def = form.definition;
    this.readonly = inspection.status !== "draft";
    /** @type {Record<string, unknown>} */
    this.answers = { ...inspection.answers };
    /** @type {Record<string, string>} */
    this.notes = { ...inspection.notes };
    /** Photo evidence per item; drafts older than evidence have none. @type {Record<string, string[]>} */
    this.evidence = { ...(inspection.photos || {}) };
    /** @type {Set<Promise<unknown>>} */
    this.writes = new Set();
    /** Signatures drawn but not saved. @type {Set<string>} */
    this.unsaved = new Set();
    /** @type {string[]} */
    this.objectUrls = [];
    /** @type {Map<string, Row>} */
    this.rows = new Map();
    /** @type {SectionRow[]} */
    this.sections = [];
    /** Items still to build, in slices: each with its section and the section's item list. @type {[Item, HTMLDetailsElement, HTMLElement][]} */
    this.queue = [];
    /** @type {Set<string>} */
    this.shown = new Set();
    this.left = false;
    /** @type {Promise<void>} */
    this.built = Promise.resolve();
    this.message = h("p", { class: "error", role: "alert" });
    this.summary = summaryPanel(resultLabel(inspection));
    /** The section index, in the sticky bar. */
    this.index = sectionIndex();
    /** The item answered last: "next unanswered" looks from there on. */
    this.cursor = "";
    /** The screen as every answer widget sees it (views/items/field.js). @type {Screen} */
    this.screen = {
      readonly: this.readonly,
      track: (p) => this.track(p),
      objectUrl: (blob) => {
        const url = URL.createObjectURL(blob);
        this.objectUrls.push(url);
        return url;
      },
      unsaved: this.unsaved,
    };
    /** @type {{element: HTMLElement, check: () => boolean}|null} */
    this.team = null;
    /** @type {{element: HTMLElement, refresh: (failed: Item[]) => void}|null} */
    this.followUp = null;
    /** A rescore is waiting for the next frame (updateSoon). */
    this.updating = false;
  }

  /** @param {Promise<unknown>} p */
  track(p) {
    this.writes.add(p);
    p.catch((error) => this.ctx.announce(t("app.error", { message: String(error) }))).finally(() => this.writes.delete(p));
    return p;
  }

  async flush() {
    await Promise.allSettled([...this.writes]);
  }

  /** Record an answer at once (and rescore). @param {string} itemId @param {unknown} value */
  answer(itemId, value) {
    const started = performance.now();
    if (value === undefined) delete this.answers[itemId];
    else this.answers[itemId] = value;
    this.cursor = itemId;
    const written = this.track(
      store.setAnswer(this.id, itemId, value).then((result) => {
        // Read by bench/pwa_perf.py: from the tap's change event to the committed write.
        performance.measure("safeschool:answer-persisted", { start: started, end: performance.now() });
        return result;
      }),
    );
    // The screen follows the commit: the write's callbacks need the main thread, and a slow
    // phone would otherwise spend it rescoring, or laying out the evidence a failed answer
    // opens, before the answer is safe.
    const row = this.rows.get(itemId);
    const follow = () => {
      if (row && FAILED.has(/** @type {string} */ (value))) row.tools.openExtra();
      this.updateSoon();
    };
    written.then(follow, follow);
    if (row?.item.kind === "location" && value) this.track(this.saveDraft((i) => (i.location = /** @type {any} */ (value))));
    return written;
  }

  /**
   * Change the stored draft (never a completed inspection) and note when.
   * @param {(i: Inspection) => void} change
   */
  saveDraft(change) {
    return store.updateInspection(this.id, (i) => {
      if (i.status !== "draft") return false;
      change(i);
      i.updated_at = new Date().toISOString();
    });
  }

  async show() {
    const { root, def, readonly, inspection } = this;
    this.ctx.markNav(readonly ? "outbox" : "drafts");
    // One location control: the checklist's own location item when it has one (its answer
    // stamps the inspection too), else the stamp.
    const hasLocationItem = def.sections.some((s) => s.items.some((i) => i.kind === "location"));
    append(
      root,
      h("a", { class: "back", href: readonly ? "#/outbox" : "#/drafts", text: t("common.back") }),
      h("h1", { text: inspection.facility_name }),
      h("p", { class: "meta", text: `${tx(def.title)} · ${t("facility.version", { v: def.version })}` }),
      readonly ? h("p", { class: "banner info", text: t("insp.readonly") }, this.amendButton()) : null,
      inspection.supersedes && !readonly ? h("p", { class: "banner info", text: t("insp.amending") }) : null,
      this.stickyBar(),
      hasLocationItem ? null : stampField(this.screen, { location: inspection.location, save: (loc) => this.saveDraft((i) => (i.location = loc)) }),
    );
    // The parts below the questions read the phone's store: they load while the first
    // questions are drawn, not before.
    const parts = Promise.all([this.followUpPart(), this.teamPart()]);
    this.layOut();
    this.update();
    this.openWhereLeft();
    this.buildSome(FIRST_SLICE);
    requestAnimationFrame(() => performance.measure("safeschool:checklist-rendered", "safeschool:checklist-start"));
    this.built = Promise.all([this.buildRest(), parts.then(([followUp, team]) => this.attach(followUp, team))]).then(() => {
      if (this.left) return;
      this.root.dataset.built = "true";
      performance.measure("safeschool:checklist-built", "safeschool:checklist-start");
    });
    await parts;
  }

  /**
   * What must be fixed, then the team that signs the minutes: after the questions, before
   * the summary and the buttons.
   * @param {{element: HTMLElement, refresh: (failed: Item[]) => void}} followUp
   * @param {{element: HTMLElement, check: () => boolean}} team
   */
  attach(followUp, team) {
    this.followUp = followUp;
    this.team = team;
    append(this.root, followUp.element, team.element, this.summary.element);
    if (!this.readonly) append(this.root, this.footer());
    // Answers given meanwhile were rescored without it: show their failures (this.shown is
    // that rescore's visible items).
    followUp.refresh(failures(this.def, this.answers, this.shown));
  }

  /** The team on the minutes; a draft begun before the app asked for it starts with the inspector as lead. */
  async teamPart() {
    if (!this.readonly) refreshAgencies().catch(() => {}); // suggestions only: offline is fine
    const user = this.ctx.session?.user;
    const lead = { name: user?.display_name || "", agency: user?.agency || "", role: /** @type {const} */ ("lead") };
    const members = this.inspection.team ?? (this.readonly || !user ? [] : [lead]);
    const names = [...(user?.agency ? [user.agency] : []), ...(await agencies()).map((a) => a.name)];
    return teamSection(this.screen, {
      members,
      agencies: [...new Set(names)],
      save: (next) => this.saveDraft((i) => (i.team = next)),
    });
  }

  /** A received inspection can be corrected: a new draft that syncs as its amendment. */
  amendButton() {
    if (this.inspection.status !== "received") return null;
    return h("button", {
      type: "button",
      class: "secondary",
      text: t("insp.amend"),
      onclick: async () => {
        const draft = await amend(this.id);
        if (draft) this.ctx.navigate(`#/inspection/${draft.id}`);
        else this.ctx.announce(t("insp.amendExists"));
      },
    });
  }

  /** What must be fixed, for each failure; a completed inspection shows what it sent. */
  async followUpPart() {
    /** @type {Record<string, import("../follow-up.js").ActionChoice>} */
    let chosen = this.inspection.actions || {};
    const sent = /** @type {{actions?: import("../follow-up.js").ActionRequest[]}|null|undefined} */ (this.inspection.record);
    if (this.readonly && sent?.actions) {
      chosen = Object.fromEntries(sent.actions.map((a) => [a.item, { requirement: a.requirement, due: a.due }]));
    }
    return followUpSection(this.screen, {
      chosen,
      days: await limits(),
      save: (next) => this.saveDraft((i) => (i.actions = next)),
    });
  }

  // Sections are laid out at once; their items are built in slices of FIRST_SLICE, the
  // first slice before the screen shows, the rest one slice per task, so a long checklist
  // is usable at once and input is never blocked for long. A draft's sections form one
  // exclusive group (as the pages of ODK's field-lists or SafetyCulture): one is open at a
  // time, each ends with the way to the next, and the closed ones stay in the index and as
  // headers with their progress, so the checklist is a few screens, not a dozen. A
  // completed inspection is read, not filled: every section is open.
  layOut() {
    this.def.sections.forEach((section, n) => {
      const count = h("span", { class: "count" });
      const progress = h("progress", { max: "1", value: "0", "aria-label": tx(section.title) });
      const items = h("div", { class: "section-items" });
      const summary = h("summary", null, h("span", { class: "title", text: tx(section.title) }), count);
      const el = h(
        "details",
        { class: "section", name: this.readonly ? null : "checklist-section", open: this.readonly, id: `section-${section.id}` },
        summary,
        progress,
        section.help ? h("p", { class: "muted section-help", text: tx(section.help) }) : null,
        items,
        this.readonly ? null : this.onwardButton(n),
      );
      if (!this.readonly) summary.addEventListener("click", (event) => keepInPlace(event, el));
      for (const item of section.items) this.queue.push([item, el, items]);
      const entry = this.index.add(tx(section.title), () => this.jumpToSection(el));
      this.sections.push({ el, progress, count, items: section.items, entry });
      append(this.root, el);
    });
  }

  /**
   * The end of section `n`: on to the next section (which closes this one), or after the
   * last, to what follows the checklist (what must be fixed, then the team that signs).
   * @param {number} n
   */
  onwardButton(n) {
    const next = this.def.sections[n + 1];
    return h("button", {
      type: "button",
      class: "secondary small onward",
      text: t("insp.nextSection", { title: next ? tx(next.title) : t("followUp.title") }),
      onclick: async () => {
        const target = this.sections[n + 1];
        if (target) return this.jumpToSection(target.el);
        await this.built; // the follow-up part is attached once every item is built
        const part = this.followUp?.element;
        const heading = /** @type {HTMLElement|null} */ (part?.querySelector("h2") ?? null);
        if (!part || !heading) return;
        heading.tabIndex = -1;
        part.scrollIntoView({ block: "start" });
        heading.focus({ preventScroll: true });
      },
    });
  }

  /**
   * A draft opens at the first section with a required question unanswered (else the
   * first), and that section's questions are built first: they are what the screen shows.
   */
  openWhereLeft() {
    if (this.readonly || !this.sections.length) return;
    const left = this.sections.find((s) => s.items.some((i) => this.shown.has(i.id) && isRequired(i) && !isAnswered(this.answers[i.id])));
    const open = (left || this.sections[0]).el;
    open.open = true;
    open.classList.add("shown-first"); // drawn on screen only (app.css)
    this.queue.sort((a, b) => Number(b[1] === open) - Number(a[1] === open)); // stable
  }

  /** The live result, the index and "next unanswered", kept in view while scrolling. */
  stickyBar() {
    const next = h("button", { type: "button", class: "secondary small next", id: "next-unanswered" }, icon("next"), t("insp.nextUnanswered"));
    next.addEventListener("click", () => this.nextUnanswered());
    return h(
      "div",
      { class: "sticky" },
      this.summary.bar,
      h("div", { class: "bar-actions" }, this.index.toggle, this.readonly ? null : next),
      this.index.panel,
    );
  }

  /** @param {HTMLDetailsElement} el */
  jumpToSection(el) {
    el.open = true;
    el.scrollIntoView({ block: "start" });
    /** @type {HTMLElement} */ (el.querySelector("summary")).focus({ preventScroll: true });
  }

  /** Go to the first required question left unanswered after the one answered last. */
  async nextUnanswered() {
    await this.built;
    // In the page's order: the rows were built with the section shown first at their head.
    const ids = this.def.sections.flatMap((s) => s.items.map((i) => i.id));
    const rows = ids.flatMap((id) => {
      const r = this.rows.get(id);
      return r && !r.wrap.hidden && isRequired(r.item) && !isAnswered(this.answers[id]) ? [r] : [];
    });
    if (!rows.length) {
      this.ctx.announce(t("insp.allAnswered"));
      return;
    }
    const from = ids.indexOf(this.cursor);
    const row = rows.find((r) => ids.indexOf(r.item.id) > from) || rows[0];
    this.cursor = row.item.id;
    jumpTo(row);
  }

  /** @param {number} n */
  buildSome(n) {
    for (const [item, el, list] of this.queue.splice(0, n)) {
      const problem = h("p", { class: "problem", id: `problem-${item.id}`, hidden: true });
      const { wrap, tools } = this.renderItem(item, problem);
      wrap.id = `item-${item.id}`;
      wrap.dataset.item = item.id;
      wrap.hidden = !this.shown.has(item.id);
      list.append(wrap);
      this.rows.set(item.id, { item, wrap, problem, section: el, tools });
    }
  }

  async buildRest() {
    while (this.queue.length && !this.left) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      this.buildSome(FIRST_SLICE);
    }
  }

  footer() {
    const completeButton = h("button", { type: "button", class: "primary", id: "complete", text: t("insp.complete") });
    const discardButton = h("button", { type: "button", class: "danger", id: "discard", text: t("insp.discard") });
    completeButton.addEventListener("click", () => this.onComplete());
    discardButton.addEventListener("click", async () => {
      if (!(await this.ctx.confirm(t("insp.discardConfirm"), t("insp.discard")))) return;
      await this.flush();
      await remove(this.id);
      this.ctx.navigate("#/drafts");
    });
    return h("div", { class: "footer" }, this.message, completeButton, discardButton);
  }

  /** Rescore once before the next frame, however many answers were committed meanwhile. */
  updateSoon() {
    if (this.updating) return;
    this.updating = true;
    requestAnimationFrame(() => {
      this.updating = false;
      this.update();
    });
  }

  /** Rescore and show/hide items; cheap enough to run on every answer. */
  update() {
    const { answers } = this;
    const result = score(this.def, answers);
    this.shown = result.visible;
    for (const [itemId, row] of this.rows) {
      const hidden = !result.visible.has(itemId);
      if (row.wrap.hidden !== hidden) row.wrap.hidden = hidden;
      if (!row.problem.hidden && isAnswered(answers[itemId])) clearProblem(row);
    }
    const counts = { answered: 0, total: 0, failed: 0, mandatoryFailed: 0, missing: result.missing_required.length };
    for (const s of this.sections) {
      const required = s.items.filter((i) => result.visible.has(i.id) && isRequired(i));
      const done = required.filter((i) => isAnswered(answers[i.id])).length;
      const failed = s.items.filter((i) => result.visible.has(i.id) && FAILED.has(/** @type {string} */ (answers[i.id])));
      const text = t("insp.sectionProgress", { done, total: required.length });
      setText(s.count, failed.length ? `${text} · ${t("insp.sectionFailed", { n: failed.length })}` : text);
      setAttr(s.progress, "max", String(Math.max(1, required.length)));
      setAttr(s.progress, "value", String(done));
      this.index.show(s.entry, done, required.length, failed.length);
      counts.answered += done;
      counts.total += required.length;
      counts.failed += failed.length;
      counts.mandatoryFailed += failed.filter((i) => i.mandatory || i.kind === "veto").length;
    }
    this.summary.show(live(result, this.def), counts);
    this.followUp?.refresh(failures(this.def, answers, result.visible));
  }

  async onComplete() {
    await this.built;
    await this.flush();
    const team = /** @type {{element: HTMLElement, check: () => boolean}} */ (this.team);
    const stop = (/** @type {string} */ text, /** @type {() => void} */ go) => {
      this.message.textContent = text;
      this.ctx.announce(text);
      go();
    };
    if (this.unsaved.size) {
      const first = this.rows.get([...this.unsaved][0]);
      const item = first ? tx(first.item.text) : t("team.title");
      return stop(t("insp.signUnsaved", { item }), () => (first ? jumpTo(first) : team.element.scrollIntoView({ block: "start" })));
    }
    const problems = this.markProblems();
    if (problems.length) {
      return stop(t("insp.missing", { n: problems.length }), () => jumpTo(/** @type {Row} */ (this.rows.get(problems[0].item_id))));
    }
    if (!team.check()) return stop(t("team.incomplete"), () => team.element.scrollIntoView({ block: "start" }));
    this.message.textContent = "";
    if (!(await this.ctx.confirm(t("insp.completeConfirm"), t("insp.complete"), { tone: "primary", details: this.outcome() }))) return;
    await complete(this.id, this.form);
    this.ctx.navigate("#/outbox");
    this.ctx.syncNow();
  }

  /** The result, its reasons and the actions it opens, for the completion dialog. */
  outcome() {
    const result = score(this.def, this.answers);
    const explained = live(result, this.def);
    const opened = failures(this.def, this.answers, result.visible).length;
    return [
      t("insp.outcome", { result: explained.text }),
      ...explained.reasons,
      opened ? t("followUp.count", { n: opened }) : t("followUp.none"),
    ];
  }

  /** Show each problem beside its item on screen; returns them, in document order. */
  markProblems() {
    for (const row of this.rows.values()) clearProblem(row);
    const problems = answerProblems(this.def, this.answers).filter((p) => {
      const row = this.rows.get(p.item_id);
      return row && !row.wrap.hidden;
    });
    for (const p of problems) {
      const row = /** @type {Row} */ (this.rows.get(p.item_id));
      row.problem.textContent = t(`problem.${p.code}`);
      row.problem.hidden = false;
      row.wrap.classList.add("has-problem");
    }
    return problems;
  }

  /** @param {Item} item @param {HTMLElement} problem */
  renderItem(item, problem) {
    const name = tx(item.text);
    const { screen, notes, evidence } = this;
    const note = item.kind === "text" ? null : { text: () => notes[item.id] || "", save: (/** @type {string} */ v) => this.setNote(item.id, v) };
    const photos =
      item.kind === "photo" || item.kind === "signature"
        ? null
        : { hashes: () => evidence[item.id] || [], save: (/** @type {string[]} */ next) => this.setEvidence(item.id, next) };
    const tools = itemTools(screen, item, name, note, photos);
    /** @type {Field} */
    const field = {
      item,
      name,
      markers: markers(item),
      tools: tools.buttons,
      extras: [problem, ...tools.panels],
      value: () => this.answers[item.id],
      answer: (value) => this.answer(item.id, value),
      screen,
    };
    const widget = WIDGETS[item.kind];
    return { wrap: widget ? widget(field) : h("div", { class: "item" }, h("p", { text: name })), tools };
  }

  /** @param {string} itemId @param {string} text */
  setNote(itemId, text) {
    this.notes[itemId] = text;
    return this.track(store.setNote(this.id, itemId, text));
  }

  /** @param {string} itemId @param {string[]} next */
  setEvidence(itemId, next) {
    if (next.length) this.evidence[itemId] = next;
    else delete this.evidence[itemId];
    return this.track(store.setItemPhotos(this.id, itemId, next));
  }

  async leave() {
    this.left = true;
    await this.flush();
    for (const url of this.objectUrls) URL.revokeObjectURL(url);
    return true;
  }
}

/** What the result shown is: a provisional score while a draft, the phone's or the
 * server's result once completed. @param {Inspection} inspection */
function resultLabel(inspection) {
  if (inspection.status === "draft") return t("insp.score");
  return inspection.status === "received" ? t("insp.scoreReceived") : t("insp.scoreDone");
}

/**
 * The live result in the sticky bar (short, announced politely), and the summary before the
 * completion buttons: the result and why, and how many questions are answered, failed,
 * failed among the mandatory criteria, and still missing.
 * @param {string} label
 */
function summaryPanel(label) {
  const score = h("span", { class: "score" });
  const barScore = h("span", { class: "bar-score" });
  const remaining = h("span", { class: "remaining" });
  const overall = h("progress", { max: "1", value: "0", "aria-label": t("insp.progress") });
  const bar = h("div", { class: "livebar", role: "status", "aria-live": "polite" }, h("span", { class: "label", text: `${label}: ` }), barScore, remaining, overall);
  const reasons = h("ul", { class: "reasons", "aria-label": t("result.reasons") });
  const counts = h("dl", { class: "counts" });
  const headingId = `summary-title-${Date.now()}`;
  const element = h(
    "section",
    { class: "summary", "aria-labelledby": headingId },
    h("h2", { id: headingId, text: t("insp.summary") }),
    h("p", null, h("span", { class: "label", text: `${label}: ` }), score),
    reasons,
    counts,
  );
  /**
   * @param {{text: string, state: string, reasons: string[]}} explained
   * @param {{answered: number, total: number, failed: number, mandatoryFailed: number, missing: number}} c
   */
  function show(explained, c) {
    setText(score, explained.text);
    setText(barScore, explained.text);
    setAttr(score, "class", `score result-${explained.state}`);
    setAttr(barScore, "class", `bar-score result-${explained.state}`);
    const reasonsText = explained.reasons.join("\n");
    if (reasons.dataset.shown !== reasonsText) {
      reasons.dataset.shown = reasonsText;
      replace(reasons, explained.reasons.map((text) => h("li", { text })));
    }
    reasons.hidden = !explained.reasons.length;
    setText(remaining, ` · ${c.missing ? t("insp.remaining", { n: c.missing }) : t("insp.allAnswered")}`);
    setAttr(overall, "max", String(Math.max(1, c.total)));
    setAttr(overall, "value", String(c.total - c.missing));
    setAttr(overall, "aria-valuetext", /** @type {string} */ (remaining.textContent));
    /** @type {[string, string, string][]} */
    const rows = [
      [t("insp.sumAnswered"), t("insp.sumOf", { n: c.answered, total: c.total }), ""],
      [t("insp.sumFailed"), String(c.failed), c.failed ? "bad" : ""],
      [t("insp.sumMandatory"), String(c.mandatoryFailed), c.mandatoryFailed ? "bad" : ""],
      [t("insp.sumMissing"), String(c.missing), c.missing ? "warn" : ""],
    ];
    const text = rows.map((r) => r.join("|")).join("/");
    if (counts.dataset.shown === text) return;
    counts.dataset.shown = text;
    replace(counts, rows.map(([term, value, cls]) => h("div", { class: cls }, h("dt", { text: term }), h("dd", { text: value }))));
  }
  return { element, bar, show };
}

/**
 * The section index: a toggle in the sticky bar and a panel with one entry per section
 * (its progress "n/m" and failures), each jumping to its section.
 */
function sectionIndex() {
  const panel = h("nav", { class: "section-index", id: "section-index", "aria-label": t("insp.index"), hidden: true });
  const list = h("ol");
  panel.append(list);
  const toggle = h("button", { type: "button", class: "secondary small", "aria-expanded": "false", "aria-controls": "section-index" }, icon("list"), t("insp.index"));
  const set = (/** @type {boolean} */ open) => {
    panel.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
  };
  toggle.addEventListener("click", () => set(panel.hidden));
  /** @param {string} title @param {() => void} go */
  function add(title, go) {
    const progress = h("span", { class: "progress" });
    const failed = h("span", { class: "failed" });
    const entry = h("button", { type: "button", class: "index-entry" }, h("span", { class: "title", text: title }), progress, failed);
    entry.addEventListener("click", () => {
      set(false);
      go();
    });
    list.append(h("li", null, entry));
    return entry;
  }
  /** @param {HTMLElement} entry @param {number} done @param {number} total @param {number} nFailed */
  function show(entry, done, total, nFailed) {
    const [progress, failed] = /** @type {HTMLElement[]} */ ([...entry.children].slice(1));
    setText(progress, `${done}/${total}`);
    setText(failed, nFailed ? t("insp.sectionFailed", { n: nFailed }) : "");
    entry.classList.toggle("complete", done === total);
  }
  return { panel, toggle, add, show };
}

/** @param {{wrap: HTMLElement, problem: HTMLElement}} row */
function clearProblem(row) {
  row.problem.hidden = true;
  row.problem.textContent = "";
  row.wrap.classList.remove("has-problem");
}

/**
 * A tap on a draft's section heading opens it and closes the open one, which may be above
 * it and screens long: the heading is kept where it was tapped, not left to the page's
 * shift (toggled here, before the screen is drawn, so nothing jumps in between).
 * @param {Event} event
 * @param {HTMLDetailsElement} el
 */
function keepInPlace(event, el) {
  event.preventDefault();
  const summary = /** @type {HTMLElement} */ (event.currentTarget);
  const before = summary.getBoundingClientRect().top;
  el.open = !el.open;
  window.scrollBy(0, summary.getBoundingClientRect().top - before);
}

/** @param {Row} row */
function jumpTo(row) {
  row.section.open = true;
  row.wrap.scrollIntoView({ block: "center" });
  const target = /** @type {HTMLElement|null} */ (row.wrap.querySelector("input, textarea, select, button, canvas"));
  (target || row.wrap).focus({ preventScroll: true });
}
