// The facility's screen (#/site/<code>): its status and why, the latest result of each
// checklist with the failed checks, the article each enforces, the inspector's notes and
// photos, the corrective actions (overdue first), the history with a score chart, and when
// the next inspection is due. A principal lands here; departments and inspectors open any
// site in their scope. Drawn from the last download at once, then refreshed when online.
// #/site/<code>/action/<id> and #/site/<code>/fix/<id> are an action's screens (action.js).

import { headline, number, reasonText } from "../explain.js";
import { append, h, replace, saveBlob } from "../dom.js";
import { t, tx } from "../i18n.js";
import { fixPending } from "../outbox.js";
import { scoreChart } from "../chart.js";
import { day, moment } from "../dates.js";
import { cachedSite, download, fetchSite, fixesFor, ordered, photoBlob } from "../sites.js";

/** @typedef {import("../sites.js").SiteData} SiteData */
/** @typedef {import("../store.js").FixReport} FixReport */

/** @param {HTMLElement} root @param {import("../app.js").Ctx} ctx @param {string[]} params */
export async function render(root, ctx, params) {
  const code = params[0] || String(ctx.session?.user?.facility_code || "");
  if (params[1] === "action" || params[1] === "fix") {
    const screen = await import("./action.js");
    return screen.render(root, ctx, code, params[1], Number(params[2]));
  }
  return new SiteScreen(root, ctx, code).start();
}

/** Thumbnails of photos kept on the phone or downloaded once; object URLs in `urls`. */
export class Thumbs {
  constructor() {
    /** @type {Set<string>} */
    this.urls = new Set();
  }

  /** @param {string[]} hashes @param {(n: number) => string} alt */
  list(hashes, alt) {
    const list = h("ul", { class: "thumbs" });
    hashes.forEach((hash, i) => {
      const li = h("li");
      list.append(li);
      this.fill(li, hash, alt(i + 1));
    });
    return list;
  }

  /** @param {HTMLElement} li @param {string} hash @param {string} alt */
  async fill(li, hash, alt) {
    const blob = await photoBlob(hash);
    if (!blob) {
      li.prepend(h("span", { class: "meta", text: t("site.photoOffline") }));
      return;
    }
    const url = URL.createObjectURL(blob);
    this.urls.add(url);
    li.prepend(h("img", { src: url, alt, width: "96", height: "96" }));
  }

  revoke() {
    for (const url of this.urls) URL.revokeObjectURL(url);
    this.urls.clear();
  }
}

/**
 * The reasons of a failed result, in words, or nothing.
 * @param {any[]|undefined} reasons
 */
function reasonsList(reasons) {
  if (!reasons || !reasons.length) return null;
  return h("ul", { class: "reasons", "aria-label": t("result.reasons") }, reasons.map((r) => h("li", { text: reasonText(r) })));
}

/** When the next inspection of one checklist is due. @param {any} current */
function nextDue(current) {
  if (!current?.expires_at) return null;
  const key = current.expired ? "site.nextOverdue" : "site.nextDue";
  return h("p", { class: current.expired ? "meta warn next-due" : "meta next-due", text: t(key, { date: day(current.expires_at) }) });
}

class SiteScreen {
  /** @param {HTMLElement} root @param {import("../app.js").Ctx} ctx @param {string} code */
  constructor(root, ctx, code) {
    this.root = root;
    this.ctx = ctx;
    this.code = code;
    this.role = String(ctx.session?.user?.role || "");
    this.thumbs = new Thumbs();
    /** @type {SiteData|undefined} */
    this.data = undefined;
    /** @type {FixReport[]} */
    this.fixes = [];
    this.title = h("h1", { text: code });
    this.age = h("p", { class: "muted age" });
    this.body = h("div", { class: "site-body" });
    this.problem = h("p", { class: "error", role: "alert" });
    this.status = h("p", { class: "muted", role: "status" });
    /** Shown from the phone's copy: offline, or the server did not answer. */
    this.stale = !navigator.onLine;
  }

  async start() {
    performance.mark("safeschool:site-start");
    const back = this.role === "facility" ? null : this.role === "department" ? "#/province" : `#/facility/${encodeURIComponent(this.code)}`;
    append(this.root, back ? h("a", { class: "back", href: back, text: t("common.back") }) : null, this.title, this.age, this.problem, this.body, this.status);
    this.data = await cachedSite(this.code);
    this.fixes = await fixesFor(this.code);
    this.draw();
    requestAnimationFrame(() => performance.measure("safeschool:site-rendered", "safeschool:site-start"));
    this.refresh();
    return {
      onChange: (/** @type {string[]} */ stores) => stores.includes("fixes") && this.reloadFixes(),
      onSync: () => this.refresh(),
      leave: () => {
        this.thumbs.revoke();
        return true;
      },
    };
  }

  async refresh() {
    if (!navigator.onLine) return;
    const got = await fetchSite(this.code);
    if (got.data) {
      this.data = got.data;
      this.stale = false;
      this.problem.textContent = "";
      this.draw();
    } else if (got.network) {
      this.stale = true;
      this.draw();
    } else if (!this.data) {
      this.problem.textContent = t("app.error", { message: got.error?.message || got.error?.code || "" });
    }
  }

  async reloadFixes() {
    this.fixes = await fixesFor(this.code);
    this.draw();
  }

  draw() {
    const d = this.data;
    if (!d) {
      replace(this.body, h("p", { class: "muted", text: this.stale ? t("site.unavailable") : t("app.loading") }));
      return;
    }
    this.thumbs.revoke();
    const c = d.compliance;
    const f = c.facility || {};
    this.title.textContent = f.name || this.code;
    this.age.textContent = t("site.updated", { time: moment(d.at) });
    replace(
      this.body,
      h("p", { class: "meta", text: [this.code, f.kind ? t(`kind.${f.kind}`) : "", f.commune_name].filter(Boolean).join(" · ") }),
      this.stale ? h("p", { class: "note-offline", text: t("site.offline") }) : null,
      this.statusBlock(c),
      this.actionsBlock(d.actions),
      h("h2", { text: t("site.latest") }),
      h("ul", { class: "cards checklists" }, (c.checklists || []).map((/** @type {any} */ x) => this.checklistCard(x))),
      this.historyBlock(c),
    );
  }

  /** @param {any} c the compliance view */
  statusBlock(c) {
    const failing = (c.checklists || []).filter((/** @type {any} */ x) => x.current?.reasons?.length);
    const currents = (c.checklists || []).map((/** @type {any} */ x) => x.current).filter(Boolean);
    currents.sort((/** @type {any} */ a, /** @type {any} */ b) => String(a.expires_at).localeCompare(String(b.expires_at)));
    return h(
      "section",
      { class: "panel site-status", "aria-labelledby": "site-status-h" },
      h("h2", { id: "site-status-h", text: t("compliance.title") }),
      h("p", null, h("span", { class: `pill status-${c.status}`, text: t(`status.${c.status}`) })),
      failing.flatMap((/** @type {any} */ x) => [h("p", { class: "meta", text: tx(x.title) }), reasonsList(x.current.reasons)]),
      nextDue(currents[0]),
    );
  }

  /** @param {any[]} actions */
  actionsBlock(actions) {
    const open = actions.filter((a) => a.state === "open" || a.state === "fix_reported").length;
    return h(
      "section",
      { class: "site-actions", "aria-labelledby": "site-actions-h" },
      h("h2", { id: "site-actions-h", text: t("site.actions", { n: open }) }),
      actions.length
        ? h("ul", { class: "cards actions-list" }, ordered(actions).map((a) => this.actionRow(a)))
        : h("p", { class: "empty", text: t("site.noActions") }),
    );
  }

  /** @param {any} a an action */
  actionRow(a) {
    const mine = this.fixes.filter((f) => f.action_id === a.id && fixPending(f));
    const base = `#/site/${encodeURIComponent(this.code)}`;
    const canReport = this.role === "facility" && a.state === "open" && !mine.length;
    return h(
      "li",
      { class: `card action${a.overdue ? " overdue" : ""}`, dataset: { action: String(a.id) } },
      h("a", { class: "title action-link", href: `${base}/action/${a.id}`, text: a.requirement }),
      a.requirement.includes(a.title_vi) ? null : h("span", { class: "meta", text: tx({ vi: a.title_vi, en: a.title_en }) }),
      h("span", { class: "meta", text: t("site.due", { date: day(a.due) }) }),
      actionPills(a, mine),
      canReport
        ? h("a", { class: "button primary", href: `${base}/fix/${a.id}`, text: t("action.report"), "aria-label": `${t("action.report")}: ${a.requirement}` })
        : null,
    );
  }

  /** @param {any} c one checklist and its current inspection */
  checklistCard(c) {
    const cur = c.current;
    if (!cur) return h("li", { class: "card" }, h("h3", { class: "title", text: tx(c.title) }), h("span", { class: "meta", text: t("compliance.never") }));
    const record = this.data?.records[cur.id] || { notes: {}, photos: {} };
    const recs = cur.recommendations || [];
    return h(
      "li",
      { class: "card checklist", dataset: { inspection: cur.id } },
      h("h3", { class: "title", text: tx(c.title) }),
      h("span", { class: "meta", text: t("site.inspected", { date: day(cur.completed_at), who: cur.inspector_name || cur.inspector }) }),
      h("span", { class: `pill result-${cur.result}`, text: headline(cur) }),
      nextDue(cur),
      sectionsList(cur.sections || []),
      (cur.failed_checks || []).length ? h("h4", { text: t("site.failed", { n: cur.failed_checks.length }) }) : null,
      (cur.failed_checks || []).length ? h("ul", { class: "failed-checks" }, cur.failed_checks.map((/** @type {any} */ f) => this.failedCheck(f, record))) : null,
      recs.length
        ? h("details", { class: "more" }, h("summary", { text: t("site.recommendations", { n: recs.length }) }), h("ul", null, recs.map((/** @type {any} */ f) => h("li", { text: tx(f.text) || f.item_id }))))
        : null,
      this.minutesButton(cur.id),
    );
  }

  /** @param {any} f a failed check @param {import("../sites.js").RecordBits} record */
  failedCheck(f, record) {
    const note = record.notes?.[f.item_id];
    const photos = record.photos?.[f.item_id] || [];
    const name = tx(f.text) || f.item_id;
    return h(
      "li",
      { class: "failed-check", dataset: { item: f.item_id } },
      h("p", { class: "check" }, h("span", { text: name }), f.mandatory ? h("span", { class: "pill mandatory", text: t("insp.mandatory") }) : null),
      f.legal_ref ? h("p", { class: "legal", text: t("site.legal", { ref: f.legal_ref }) }) : null,
      note ? h("p", { class: "inspector-note", text: t("site.note", { note }) }) : null,
      photos.length ? this.thumbs.list(photos, (n) => t("site.photoAlt", { n, item: name })) : null,
    );
  }

  /** @param {any} c the compliance view */
  historyBlock(c) {
    const history = /** @type {any[]} */ (c.history || []);
    /** @type {Map<string, any>} */
    const titles = new Map((c.checklists || []).map((/** @type {any} */ x) => [x.form_id, x.title]));
    const forms = [...new Set(history.map((e) => e.form_id))];
    return h(
      "section",
      { class: "site-history", "aria-labelledby": "site-history-h" },
      h("h2", { id: "site-history-h", text: t("site.history") }),
      history.length ? null : h("p", { class: "empty", text: t("site.noHistory") }),
      forms.flatMap((form) => this.historyOf(tx(titles.get(form)) || form, history.filter((e) => e.form_id === form))),
    );
  }

  /** @param {string} title @param {any[]} entries newest first */
  historyOf(title, entries) {
    const scored = entries.filter((e) => typeof e.score === "number" && !e.superseded_by).reverse();
    const words = scored.map((e) => `${day(e.completed_at)}: ${number(e.score_display)}`).join("; ");
    return [
      h("h3", { text: title }),
      scored.length ? scoreChart(scored.map((e) => ({ at: e.completed_at, score: e.score, failed: e.result === "failed" })), t("site.chart", { points: words })) : null,
      h(
        "ul",
        { class: "cards history" },
        entries.map((e) =>
          h(
            "li",
            { class: "card", dataset: { inspection: e.id } },
            h("span", { class: "title", text: moment(e.completed_at) }),
            h("span", { class: `pill result-${e.result}`, text: headline(e) }),
            e.superseded_by ? h("span", { class: "meta", text: t("site.amended") }) : null,
            this.minutesButton(e.id),
          ),
        ),
      ),
    ];
  }

  /** "Tải biên bản (PDF)": fetched with the token, opened as a file. @param {string} id */
  minutesButton(id) {
    return h("button", {
      type: "button",
      class: "secondary minutes",
      text: t("site.minutes"),
      onclick: async () => {
        if (!navigator.onLine) {
          this.status.textContent = t("site.minutesOffline");
          return;
        }
        const got = await download(`/api/inspections/${encodeURIComponent(id)}/minutes.pdf`);
        if (!got.blob) {
          this.status.textContent = t("site.minutesFailed", { code: got.code });
          return;
        }
        saveBlob(got.blob, `bien-ban-${id}.pdf`);
      },
    });
  }
}

/** @param {any[]} sections */
function sectionsList(sections) {
  if (!sections.length) return null;
  return h(
    "details",
    { class: "more" },
    h("summary", { text: t("site.sections") }),
    h(
      "ul",
      { class: "sections" },
      sections.map((s) => h("li", null, h("span", { text: `${tx(s.title)}: ` }), h("span", { class: `result-${s.result} score`, text: headline(s) }))),
    ),
  );
}

/**
 * The state of an action in words, and what this phone still holds for it.
 * @param {any} a @param {FixReport[]} mine reports not yet acknowledged
 */
export function actionPills(a, mine) {
  const problem = mine.find((f) => f.status === "attention");
  return h(
    "p",
    { class: "pills" },
    h("span", { class: `pill action-${a.state}`, text: t(`action.state.${a.state}`) }),
    a.overdue ? h("span", { class: "pill overdue", text: t("site.overdue") }) : null,
    mine.length && !problem ? h("span", { class: "pill state-queued", text: t("site.pending") }) : null,
    problem ? h("span", { class: "pill state-attention", text: t("site.problem", { message: problem.error?.message || problem.error?.code || "" }) }) : null,
  );
}
