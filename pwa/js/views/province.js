// The province screen (#/province?…): every site in the caller's scope with its status,
// counts per status at the top (a tap filters by one), filters and sort in the hash's query,
// pages on demand, each site opening its screen (#/site/CODE); the list as CSV or XLSX with
// the same filters; the pictures of the province below. Space for counts and list is held
// while they load so nothing jumps. Departments, inspectors (their scope) and admins.

import { getSession } from "../api.js";
import { append, h, replace } from "../dom.js";
import { namesFrom, number, reasonText } from "../explain.js";
import { t, tx, when } from "../i18n.js";
import { exportList, FILTERS, filtersOf, keptRead, listPage, queryOf, trendsFor } from "../province.js";
import { day } from "../dates.js";
import * as store from "../store.js";
import { charts } from "./province-charts.js";
import { filterForm } from "./province-filters.js";

/** @typedef {import("../province.js").Filters} Filters */

const PER_PAGE = 50;
const STATUSES = ["non_compliant", "overdue", "not_inspected", "compliant"];
/** The filters last shown: the tab and a site's "back" return to them. */
let lastQuery = "";

/** @param {HTMLElement} root @param {import("../app.js").Ctx} ctx */
export async function render(root, ctx) {
  let filters = filtersOf(location.hash);
  if (!location.hash.includes("?") && lastQuery) {
    history.replaceState(null, "", `#/province?${lastQuery}`);
    filters = filtersOf(`?${lastQuery}`);
  }
  lastQuery = queryOf(filters);
  return new ProvinceScreen(root, ctx, filters).start();
}

class ProvinceScreen {
  /** @param {HTMLElement} root @param {import("../app.js").Ctx} ctx @param {Filters} filters */
  constructor(root, ctx, filters) {
    this.root = root;
    this.ctx = ctx;
    this.user = ctx.session?.user;
    this.filters = filters;
    this.page = 1;
    this.seq = 0;
    this.pictureSeq = 0;
    /** @type {any[]} */
    this.items = [];
    this.asOf = h("p", { class: "muted as-of", text: "\u00a0" });
    this.counts = h("div", { class: "status-counts", role: "group", "aria-label": t("province.counts") });
    this.filterBox = h("div", { class: "filter-box" });
    this.exportNote = h("p", { class: "muted export-note", role: "status" });
    this.total = h("p", { class: "count", role: "status", text: t("province.loading") });
    this.list = h("ul", { class: "cards province-list", "aria-busy": "true" });
    this.more = h("button", { type: "button", class: "secondary more", text: t("common.more"), hidden: true, onclick: () => this.load(this.page + 1) });
    this.pictures = h("div", { class: "pictures" }, h("p", { class: "muted", text: t("province.loading") }));
    /** @type {import("./province-filters.js").Choices} */
    this.choices = { communes: [], provinces: [], checklists: [] };
    this.clear = h("button", { type: "button", class: "secondary small clear", text: t("province.clear"), hidden: true, onclick: () => this.clearFilters() });
  }

  async start() {
    performance.mark("safeschool:province-start");
    this.drawCounts(null);
    append(
      this.root,
      h("h1", { text: t("province.title") }),
      this.asOf,
      this.counts,
      this.filterBox,
      this.clear,
      h(
        "div",
        { class: "list-head" },
        this.total,
        h(
          "div",
          { class: "exports" },
          h("button", { type: "button", class: "secondary small", text: t("province.exportXlsx"), onclick: () => this.export("xlsx") }),
          h("button", { type: "button", class: "secondary small", text: t("province.exportCsv"), onclick: () => this.export("csv") }),
        ),
      ),
      this.exportNote,
      this.list,
      this.more,
      h("details", { class: "section charts" }, h("summary", null, h("span", { class: "title", text: t("province.pictures") })), this.pictures),
    );
    await Promise.all([this.drawFilters(), this.load(1)]);
    requestAnimationFrame(() => performance.measure("safeschool:province-rendered", "safeschool:province-start"));
    this.loadPictures();
    return { onChange: (/** @type {string[]} */ stores) => stores.includes("forms") && this.refreshChecklists() };
  }

  /** The filter form: at once without its choices (so its place is held), then with the
   * communes, provinces and checklists of the caller's scope. */
  async drawFilters() {
    const admin = this.user?.role === "admin";
    if (!this.filterBox.firstChild) this.drawForm(); // before any wait, its place held
    const user = (await getSession())?.user || this.user;
    const province = admin ? this.filters.province || "" : user?.province_code || "";
    const communes = province ? (await keptRead(`/api/units/communes?province=${encodeURIComponent(province)}`, `province:communes:${province}`))?.data || [] : [];
    const mine = user?.commune_codes?.length ? new Set(user.commune_codes) : null;
    const provinces = admin ? (await keptRead("/api/units/provinces", "province:provinces"))?.data || [] : [];
    this.choices = {
      communes: communes.filter((/** @type {any} */ c) => !mine || mine.has(c.code)).map((/** @type {any} */ c) => /** @type {[string, string]} */ ([c.code, c.name])),
      provinces: provinces.map((/** @type {any} */ p) => /** @type {[string, string]} */ ([p.code, p.name])),
      checklists: await checklistChoices(),
    };
    this.drawForm();
  }

  /** The checklists arrived on the phone (just signed in): name the cards' checks and offer
   * them as filters, unless the officer is in the middle of the form. */
  async refreshChecklists() {
    this.choices = { ...this.choices, checklists: await checklistChoices() };
    const versions = await checklistVersions(); // the cards' checks named in their words now
    replace(this.list, this.items.map((row) => card(row, versions)));
    const active = document.activeElement;
    const busy = (active instanceof HTMLInputElement || active instanceof HTMLSelectElement) && this.filterBox.contains(active);
    if (!busy) this.drawForm();
  }

  /** The form with the choices known so far, showing the filters applied. */
  drawForm() {
    const admin = this.user?.role === "admin";
    const form = filterForm(this.filters, this.choices, admin, (mine) => this.apply({ ...this.filters, ...mine }));
    const wasOpen = this.filterBox.querySelector("details.more-filters")?.hasAttribute("open");
    if (wasOpen) form.querySelector("details.more-filters")?.setAttribute("open", "");
    replace(this.filterBox, form);
    this.clear.hidden = !FILTERS.some((name) => name !== "sort" && name !== "order" && this.filters[name]);
  }

  /** New filters: into the hash (no new history entry, no re-render), then the list again. @param {Filters} next */
  apply(next) {
    const provinceChanged = (next.province || "") !== (this.filters.province || "");
    this.filters = filtersOf(`?${queryOf(next)}`);
    lastQuery = queryOf(this.filters);
    history.replaceState(null, "", `#/province${lastQuery ? `?${lastQuery}` : ""}`);
    this.clear.hidden = !FILTERS.some((name) => name !== "sort" && name !== "order" && this.filters[name]);
    if (provinceChanged) this.drawFilters();
    this.load(1);
    this.loadPictures();
  }

  /** Every site again, in the order chosen. */
  clearFilters() {
    const { sort, order } = this.filters;
    this.apply({ sort, order });
    this.drawForm();
    this.ctx.announce(t("province.cleared"));
  }

  /** @param {number} page */
  async load(page) {
    const seq = ++this.seq;
    this.more.disabled = true;
    const [got, versions] = await Promise.all([listPage(this.filters, page, PER_PAGE), checklistVersions()]);
    if (seq !== this.seq) return; // filters changed meanwhile
    this.more.disabled = false;
    this.list.setAttribute("aria-busy", "false");
    if (!got) {
      if (page === 1) {
        this.items = [];
        replace(this.list);
        this.total.textContent = t("compliance.unavailable");
        this.drawCounts(null);
      }
      this.more.hidden = true;
      return;
    }
    this.page = page;
    this.items = page === 1 ? got.data.items : [...this.items, ...got.data.items];
    this.asOf.textContent = got.kept ? t("province.keptAt", { time: when(got.at) }) : t("compliance.asOf", { time: when(got.at) });
    this.asOf.classList.toggle("note-offline", got.kept);
    this.total.textContent = got.data.total ? t("province.total", { shown: this.items.length, total: got.data.total }) : t("facilities.noMatch");
    this.drawCounts(got.data.counts);
    replace(this.list, this.items.map((row) => card(row, versions)));
    this.more.hidden = this.items.length >= got.data.total;
  }

  /** Counts per status as toggles, updated in place (a tapped one keeps the focus); before
   * the first answer, their place held. @param {Record<string, number>|null} counts */
  drawCounts(counts) {
    if (!this.counts.firstChild) {
      for (const status of STATUSES) {
        const toggle = () => this.apply({ ...this.filters, status: this.filters.status === status ? "" : status });
        append(this.counts, h("button", { type: "button", class: `count-${status}`, dataset: { status }, onclick: toggle }, h("span", { class: "n" }), h("span", { class: "label", text: t(`status.${status}`) })));
      }
    }
    for (const button of /** @type {NodeListOf<HTMLButtonElement>} */ (this.counts.querySelectorAll("button"))) {
      const status = String(button.dataset.status);
      button.setAttribute("aria-pressed", String(this.filters.status === status));
      button.disabled = !counts;
      /** @type {HTMLElement} */ (button.querySelector(".n")).textContent = counts ? String(counts[status] ?? 0) : "–";
    }
  }

  /** @param {"csv"|"xlsx"} format */
  async export(format) {
    if (!navigator.onLine) {
      this.exportNote.textContent = t("province.exportOffline");
      return;
    }
    this.exportNote.textContent = t("province.exporting");
    const problem = await exportList(this.filters, format);
    this.exportNote.textContent = problem ? t("province.exportFailed", { code: problem }) : t("province.exported");
  }

  /** The charts of the sites the filters pick (a status or a search aside). */
  async loadPictures() {
    const seq = ++this.pictureSeq;
    const trends = await trendsFor(this.filters);
    if (seq !== this.pictureSeq) return; // the filters changed meanwhile
    if (!trends) {
      replace(this.pictures, h("p", { class: "muted", text: t("compliance.unavailable") }));
      return;
    }
    replace(this.pictures, h("p", { class: "muted", text: t("province.picturesScope", { time: when(trends.at) }) }), charts(trends.data, trends.data.overdue_now ?? null));
  }
}

/** The checklists on the phone, latest versions, by title. @returns {Promise<[string, string][]>} */
async function checklistChoices() {
  /** @type {any[]} */
  const forms = await store.all("forms");
  const titles = new Map(forms.filter((f) => f.latest).map((f) => [f.id, tx(f.definition?.title || f.title)]));
  return [...titles].sort((a, b) => a[1].localeCompare(b[1], "vi"));
}

/** One site of the list. @param {any} row @param {Map<string, any>} versions */
function card(row, versions) {
  const f = row.facility;
  const score = row.worst_score_display ? ` ${number(row.worst_score_display)}` : "";
  const actions = row.open_actions
    ? t(row.overdue_actions ? "province.actionsOverdue" : "province.actions", { open: row.open_actions, overdue: row.overdue_actions, due: day(row.next_due) })
    : null;
  return h(
    "li",
    { class: `card status-card card-${row.status}` },
    h("a", { class: "title site-link", href: `#/site/${encodeURIComponent(f.code)}`, text: f.name }),
    h("span", { class: "meta", text: `${f.code} · ${f.commune_name || ""} · ${t(`kind.${f.kind}`)}` }),
    h("span", { class: `pill status-${row.status}`, text: `${t(`status.${row.status}`)}${score}` }),
    h("span", { class: "meta", text: t("compliance.current", { time: when(row.last_inspected_at) }) }),
    actions ? h("span", { class: row.overdue_actions ? "meta warn" : "meta", text: actions }) : null,
    row.reasons?.length ? h("ul", { class: "details" }, row.reasons.map((/** @type {any} */ x) => describe(x, versions))) : null,
  );
}

/** A failing current inspection: checklist, score and why it failed. The list names checks
 * by id; their words come from the checklist version on the phone (pages kept before carry
 * the words themselves). @param {any} x @param {Map<string, any>} versions */
function describe(x, versions) {
  const definition = versions.get(`${x.form_id}@${x.form_version}`);
  const title = x.title ? tx(x.title) : definition ? tx(definition.title) : x.form_id || "";
  const nameOf = namesFrom(definition);
  const score = x.score_display ? ` ${number(x.score_display)}` : "";
  const reasons = x.reasons?.length ? h("ul", { class: "reasons", "aria-label": t("result.reasons") }, x.reasons.map((/** @type {any} */ r) => h("li", { text: reasonText(r, nameOf) }))) : null;
  return h("li", null, h("span", { text: `${title}${score}` }), reasons);
}

/** Every checklist version on the phone by "id@version". @returns {Promise<Map<string, any>>} */
async function checklistVersions() {
  /** @type {any[]} */
  const forms = await store.all("forms");
  return new Map(forms.map((f) => [`${f.id}@${f.version}`, f.definition]));
}
