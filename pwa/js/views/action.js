// One corrective action (#/site/<code>/action/<id>): what it requires, the check and its
// legal source, the due date, its history, the reports this phone still holds; the
// decisions of inspectors, departments and admins (verify, reopen, new due date: online
// only, the typed text kept when offline); and the facility's report of a fix
// (#/site/<code>/fix/<id>), kept on the phone at once and sent by the outbox.

import { isMine } from "../account.js";
import { request } from "../api.js";
import { append, h, replace, uid, uuid4 } from "../dom.js";
import { t, tx } from "../i18n.js";
import { discardFix, fixPending, retryFix } from "../outbox.js";
import { reduce, storeImage } from "../photos.js";
import { day, dateInput, dateValue, moment } from "../dates.js";
import { vietnamDay } from "../follow-up.js";
import { cachedAction, cachedSite, fetchAction, fixesFor, keepAction } from "../sites.js";
import * as store from "../store.js";
import { actionPills, Thumbs } from "./site.js";

/** @typedef {import("../store.js").FixReport} FixReport */

const DECIDERS = ["inspector", "department", "admin"];
const MAX_FIX_PHOTOS = 10;
// The longest description of a fix the server takes (FixReport.description is a
// `Requirement`, server/inspections/schemas.py); /api/limits does not state it.
const FIX_MAX_CHARS = 2000;

/**
 * @param {HTMLElement} root @param {import("../app.js").Ctx} ctx
 * @param {string} code @param {string} sub "action" or "fix" @param {number} id
 */
export async function render(root, ctx, code, sub, id) {
  if (sub === "fix") return fixForm(root, ctx, code, id);
  return new ActionScreen(root, ctx, code, id).start();
}

/** The action as last seen: its own download, else the site's list. @param {string} code @param {number} id */
async function known(code, id) {
  const own = await cachedAction(id);
  if (own) return own.data;
  const site = await cachedSite(code);
  return site?.actions.find((a) => a.id === id);
}

class ActionScreen {
  /** @param {HTMLElement} root @param {import("../app.js").Ctx} ctx @param {string} code @param {number} id */
  constructor(root, ctx, code, id) {
    this.root = root;
    this.ctx = ctx;
    this.code = code;
    this.id = id;
    this.role = String(ctx.session?.user?.role || "");
    this.thumbs = new Thumbs();
    this.body = h("div", { class: "action-body" });
    this.decisions = DECIDERS.includes(this.role) ? new Decisions(this) : null;
    /** @type {any} */
    this.action = undefined;
  }

  async start() {
    const base = `#/site/${encodeURIComponent(this.code)}`;
    append(this.root, h("a", { class: "back", href: base, text: t("common.back") }), h("h1", { text: t("action.title") }), this.body, this.decisions?.root);
    this.action = await known(this.code, this.id);
    await this.draw();
    if (navigator.onLine) this.refresh();
    return {
      onChange: (/** @type {string[]} */ stores) => stores.includes("fixes") && this.draw(),
      onSync: () => this.refresh(),
      leave: () => {
        this.thumbs.revoke();
        return true;
      },
    };
  }

  async refresh() {
    if (!navigator.onLine) return;
    const got = await fetchAction(this.id);
    if (got.data) {
      this.action = got.data.data;
      await this.draw();
    }
  }

  /** @param {any} action the server's answer to a decision */
  async show(action) {
    this.action = (await keepAction(this.id, action)).data;
    await this.draw();
  }

  async draw() {
    const a = this.action;
    if (!a) {
      replace(this.body, h("p", { role: "alert", text: t("action.notFound") }));
      return;
    }
    this.thumbs.revoke();
    const mine = (await fixesFor(this.code)).filter((f) => f.action_id === a.id);
    const pending = mine.filter(fixPending);
    const canReport = this.role === "facility" && a.state === "open" && !pending.length;
    replace(
      this.body,
      h("p", { class: "meta", text: `${a.facility_name} · ${a.facility_code}` }),
      facts(a, pending),
      canReport
        ? h("a", { class: "button primary", href: `#/site/${encodeURIComponent(this.code)}/fix/${a.id}`, text: t("action.report") })
        : null,
      pending.length ? h("ul", { class: "cards local-fixes" }, pending.map((f) => this.localFix(f))) : null,
      h("h2", { text: t("action.history") }),
      h("ol", { class: "events" }, (a.history || []).map((/** @type {any} */ e) => this.event(e))),
    );
    this.decisions?.showFor(a.state);
  }

  /** A report this phone still holds. @param {FixReport} f */
  localFix(f) {
    const problem = f.status === "attention";
    return h(
      "li",
      { class: `card local-fix${problem ? " status-attention" : ""}` },
      h("span", { class: `pill ${problem ? "state-attention" : "state-queued"}`, text: problem ? t("site.problem", { message: f.error?.message || f.error?.code || "" }) : t("site.pending") }),
      h("p", { text: f.description }),
      f.photos.length ? this.thumbs.list(f.photos, (n) => t("fix.photoAlt", { n })) : null,
      problem && isMine(f, this.ctx.session) ? h("div", { class: "actions" }, this.problemActions(f)) : null,
    );
  }

  /** A refused report: send it again, correct it in its form, or discard it. @param {FixReport} f */
  problemActions(f) {
    return [
      h("button", {
        type: "button",
        class: "secondary",
        text: t("site.retry"),
        onclick: async () => {
          await retryFix(f.id);
          this.ctx.syncNow();
        },
      }),
      h("a", { class: "button secondary", href: `#/site/${encodeURIComponent(this.code)}/fix/${f.action_id}`, text: t("fix.edit") }),
      h("button", {
        type: "button",
        class: "danger",
        text: t("fix.discard"),
        onclick: async () => {
          if (await this.ctx.confirm(t("fix.discardConfirm"), t("fix.discard"))) await discardFix(f.id);
        },
      }),
    ];
  }

  /** One change in the action's history. @param {any} e */
  event(e) {
    return h(
      "li",
      { class: "event" },
      h("strong", { text: t(`action.event.${e.event}`) }),
      h("span", { class: "meta", text: ` · ${moment(e.at)} · ${e.by || t("action.system")}` }),
      e.note ? h("p", { class: "event-note", text: e.note }) : null,
      e.due && e.event === "due_changed" ? h("p", { class: "meta", text: t("action.eventDue", { date: day(e.due) }) }) : null,
      (e.photos || []).length ? this.thumbs.list(e.photos, (n) => t("fix.photoAlt", { n })) : null,
    );
  }
}

/** @param {any} a @param {FixReport[]} pending */
function facts(a, pending) {
  /** @type {[string, Node|string][]} */
  const rows = [
    [t("action.requirement"), a.requirement],
    [t("action.check"), tx({ vi: a.title_vi, en: a.title_en })],
    [t("action.legal"), a.legal_ref || t("common.none")],
    [t("action.dueLabel"), day(a.due)],
    [t("action.state"), actionPills(a, pending)],
  ];
  return h("dl", { class: "facts" }, rows.flatMap(([term, value]) => [h("dt", { text: term }), h("dd", null, value)]));
}

/** The decisions of inspectors, departments and admins; built once so typed text stays. */
class Decisions {
  /** @param {ActionScreen} screen */
  constructor(screen) {
    this.screen = screen;
    this.note = field("textarea", t("action.verifyNote"));
    this.reason = field("textarea", t("action.reopenReason"));
    this.due = dayField(t("action.newDue"));
    this.dueReason = field("textarea", t("action.dueReason"));
    this.message = h("p", { class: "decision-status", role: "status" });
    this.verify = form(t("action.verify"), [this.note.wrap], () => this.send("verify", { ...(this.note.el.value.trim() ? { note: this.note.el.value.trim() } : {}) }, [this.note]));
    this.reopen = form(t("action.reopen"), [this.reason.wrap], () =>
      this.reason.el.value.trim() ? this.send("reopen", { reason: this.reason.el.value.trim() }, [this.reason]) : this.say(t("action.needReason")),
    );
    this.move = form(t("action.changeDue"), [this.due.wrap, this.dueReason.wrap], () => this.moveDue());
    this.root = h("section", { class: "panel decisions" }, this.verify, disclosure(t("action.reopen"), this.reopen), disclosure(t("action.changeDue"), this.move), this.message);
  }

  /** @param {string} state */
  showFor(state) {
    const unresolved = state === "open" || state === "fix_reported";
    this.verify.hidden = !unresolved;
    /** @type {HTMLElement} */ (this.reopen.parentElement).hidden = !(state === "fix_reported" || state === "verified");
    /** @type {HTMLElement} */ (this.move.parentElement).hidden = !unresolved;
    this.root.hidden = state === "withdrawn";
  }

  moveDue() {
    const due = dateValue(this.due.el);
    if (!due) return this.say(t("action.needDue"));
    if (due < vietnamDay(new Date())) return this.say(t("action.duePast"));
    if (!this.dueReason.el.value.trim()) return this.say(t("action.needReason"));
    return this.send("due", { due, reason: this.dueReason.el.value.trim() }, [this.due, this.dueReason]);
  }

  /** @param {string} text */
  say(text) {
    this.message.textContent = text;
  }

  /**
   * Send a decision; offline or refused, what was typed stays in the form.
   * @param {string} verb @param {object} body @param {{el: HTMLInputElement|HTMLTextAreaElement}[]} fields
   */
  async send(verb, body, fields) {
    if (!navigator.onLine) return this.say(t("action.needOnline"));
    this.say(t("action.working"));
    const answer = await request(`/api/actions/${this.screen.id}/${verb}`, { method: "POST", json: body });
    if (answer.network) return this.say(t("action.needOnline"));
    if (answer.error?.code === "action.due_past") return this.say(t("action.duePast")); // the phone's clock was behind
    if (!answer.ok) return this.say(t("action.failed", { message: answer.error?.message || answer.error?.code || "" }));
    for (const f of fields) f.el.value = "";
    this.say(t("action.done"));
    this.screen.ctx.announce(t("action.done"));
    await this.screen.show(answer.data);
  }
}

/**
 * A labelled control.
 * @template {"input"|"textarea"} K
 * @param {K} tag @param {string} label @param {Record<string, string>} [props]
 */
function field(tag, label, props = {}) {
  const id = uid("f");
  const el = /** @type {K extends "input" ? HTMLInputElement : HTMLTextAreaElement} */ (h(tag, { id, ...props }));
  return { el, wrap: h("div", { class: "form-field" }, h("label", { for: id, text: label }), el) };
}

/** A labelled date, typed dd/mm/yyyy (dates.js). @param {string} label */
function dayField(label) {
  const id = uid("f");
  const el = dateInput({ id });
  return { el, wrap: h("div", { class: "form-field" }, h("label", { for: id, text: label }), el) };
}

/**
 * A form whose button is disabled while its submit runs: a second tap sends nothing twice.
 * @param {string} label @param {HTMLElement[]} fields @param {() => unknown} submit
 */
function form(label, fields, submit) {
  const button = h("button", { type: "submit", class: "primary", text: label });
  return h(
    "form",
    {
      class: "decision",
      novalidate: true,
      onsubmit: async (/** @type {Event} */ e) => {
        e.preventDefault();
        if (button.disabled) return;
        button.disabled = true;
        try {
          await submit();
        } finally {
          button.disabled = false;
        }
      },
    },
    fields,
    button,
  );
}

/** @param {string} label @param {HTMLElement} content */
function disclosure(label, content) {
  return h("details", { class: "more decision-more" }, h("summary", { text: label }), content);
}

/**
 * The facility's report of a fix: what was done and photos. Kept as a draft while typed,
 * then stored with a client id and queued in the outbox at once. A report the server
 * refused is corrected here: the form starts from it and sends it again under its id.
 * @param {HTMLElement} root @param {import("../app.js").Ctx} ctx @param {string} code @param {number} id
 */
async function fixForm(root, ctx, code, id) {
  const action = await known(code, id);
  const draftKey = store.fixDraftKey(id);
  const { draft, refused } = await startFrom(code, id, draftKey, ctx.session);
  const text = field("textarea", t("fix.description"), { maxlength: String(FIX_MAX_CHARS) });
  text.el.value = draft.description;
  text.el.required = true;
  /** @type {FixPhotos} */
  const photos = new FixPhotos(draft.photos, () => keep());
  const problem = h("p", { class: "error", role: "alert", text: refused ? t("site.problem", { message: refused.error?.message || refused.error?.code || "" }) : "" });
  /** @returns {Promise<unknown>} */
  const keep = () => store.setMeta(draftKey, { description: text.el.value, photos: photos.hashes });
  text.el.addEventListener("input", () => keep());
  // One client id per form: a report stored twice is the same report, sent once.
  const clientId = refused?.id || uuid4();
  const submit = async () => {
    const description = text.el.value.trim();
    const wrong = !description ? t("fix.needDescription") : description.length > FIX_MAX_CHARS ? t("fix.tooLong", { max: FIX_MAX_CHARS, n: description.length }) : "";
    if (wrong) {
      problem.textContent = wrong;
      text.el.focus();
      return;
    }
    await photos.work;
    /** @type {FixReport} */
    const fix = { ...refused, id: clientId, action_id: id, facility_code: code, description, photos: photos.hashes, status: "queued", error: null, created_at: refused?.created_at || new Date().toISOString() };
    fix.owner = ctx.session?.user?.username; // sent only while this account is signed in
    await store.putFix(fix);
    await store.del("meta", draftKey);
    ctx.announce(t("fix.saved"));
    ctx.syncNow();
    location.replace(`#/site/${encodeURIComponent(code)}/action/${id}`);
  };
  append(
    root,
    h("a", { class: "back", href: `#/site/${encodeURIComponent(code)}/action/${id}`, text: t("common.back") }),
    h("h1", { text: t("fix.title") }),
    action ? h("p", { class: "requirement", text: action.requirement }) : null,
    form(t("fix.submit"), [text.wrap, photos.root, problem], submit),
  );
  return {};
}

/**
 * What the form starts from: the draft typed last, else the refused report being corrected
 * (if any), else nothing.
 * @param {string} code @param {number} id @param {string} draftKey
 * @param {import("../api.js").Session|undefined} session
 * @returns {Promise<{draft: {description: string, photos: string[]}, refused: FixReport|undefined}>}
 */
async function startFrom(code, id, draftKey, session) {
  const refused = (await fixesFor(code)).find((f) => f.action_id === id && f.status === "attention" && isMine(f, session));
  /** @type {{description: string, photos: string[]}|undefined} */
  const kept = await store.getMeta(draftKey);
  const draft = kept || (refused ? { description: refused.description, photos: refused.photos } : { description: "", photos: [] });
  return { draft, refused };
}

/** Photos of a fix: reduced and stored on the phone by js/photos.js, shown, removable. */
class FixPhotos {
  /** @param {string[]} hashes @param {() => unknown} changed */
  constructor(hashes, changed) {
    this.hashes = [...hashes];
    this.changed = changed;
    /** @type {Promise<unknown>} */
    this.work = Promise.resolve();
    this.thumbs = new Thumbs();
    const inputId = uid("fix-photo");
    this.input = h("input", { id: inputId, type: "file", accept: "image/*", capture: "environment", multiple: true, class: "visually-hidden" });
    this.add = h("label", { for: inputId, class: "button secondary file" }, t("fix.photoAdd"), this.input);
    this.list = h("ul", { class: "thumbs" });
    this.status = h("p", { class: "muted", role: "status" });
    this.root = h("div", { class: "form-field fix-photos" }, h("p", { class: "label", text: t("fix.photos") }), this.list, this.add, this.status);
    this.input.addEventListener("change", () => {
      const files = [...(this.input.files || [])];
      this.input.value = "";
      this.work = this.work.then(() => this.take(files));
    });
    this.show();
  }

  /** @param {File[]} files */
  async take(files) {
    for (const file of files) {
      if (this.hashes.length >= MAX_FIX_PHOTOS) break;
      this.status.textContent = t("insp.photoWorking");
      try {
        const hash = await storeImage(await reduce(file));
        if (!this.hashes.includes(hash)) this.hashes.push(hash);
        this.status.textContent = "";
      } catch (error) {
        console.error(error);
        this.status.textContent = t("insp.photoError");
      }
    }
    await this.changed();
    this.show();
  }

  show() {
    this.thumbs.revoke();
    replace(
      this.list,
      this.hashes.map((hash, i) => {
        const li = h("li");
        this.thumbs.fill(li, hash, t("fix.photoAlt", { n: i + 1 }));
        li.append(
          h("button", {
            type: "button",
            class: "secondary small",
            text: t("fix.photoRemove", { n: i + 1 }),
            onclick: async () => {
              this.hashes = this.hashes.filter((x) => x !== hash);
              await this.changed();
              this.show();
            },
          }),
        );
        return li;
      }),
    );
    const full = this.hashes.length >= MAX_FIX_PHOTOS;
    this.add.hidden = full;
    if (full) this.status.textContent = t("fix.photoMax", { n: MAX_FIX_PHOTOS });
  }
}
