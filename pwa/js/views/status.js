// A department user's list of the non-compliant facilities of its province, each opening
// the site's screen (views/site.js); a facility user goes straight to its own site's
// screen. The list reads the compliance API and keeps the last answer on the phone for
// offline viewing. Its full screen comes later.

import { request } from "../api.js";
import { append, h, replace } from "../dom.js";
import { number, reasonText } from "../explain.js";
import { t, tx, when } from "../i18n.js";
import * as store from "../store.js";

const PER_PAGE = 50;

/** @param {HTMLElement} root @param {import("../app.js").Ctx} ctx */
export async function render(root, ctx) {
  const user = ctx.session?.user;
  const body = h("div", { class: "status-body" });
  const asOf = h("p", { class: "muted" });
  if (user?.role === "facility") {
    location.replace(`#/site/${encodeURIComponent(String(user.facility_code || ""))}`);
    return {};
  }
  append(root, h("h1", { text: t("compliance.listTitle") }), asOf, body);
  await department(body, asOf);
  return {};
}

/**
 * The server's answer when online, else the last one kept on the phone.
 * @param {string} path @param {string} key
 */
async function cached(path, key) {
  if (navigator.onLine) {
    const answer = await request(path);
    if (answer.ok && answer.data) {
      const value = { data: answer.data, at: new Date().toISOString() };
      await store.setMeta(key, value);
      return value;
    }
  }
  return /** @type {{data: any, at: string}|undefined} */ (await store.getMeta(key));
}

/** @param {HTMLElement} body @param {HTMLElement} asOf */
async function department(body, asOf) {
  let page = 1;
  /** @type {any[]} */
  const items = [];
  const list = h("ul", { class: "cards" });
  const total = h("p", { class: "count", role: "status" });
  const more = h("button", { type: "button", class: "secondary", text: t("common.more"), hidden: true });

  async function loadPage() {
    const got = await cached(
      `/api/compliance/facilities?status=non_compliant&page=${page}&per_page=${PER_PAGE}`,
      `noncompliant:${page}`,
    );
    if (!got) {
      if (page === 1) replace(body, h("p", { text: t("compliance.unavailable") }));
      more.hidden = true;
      return;
    }
    asOf.textContent = t("compliance.asOf", { time: when(got.at) });
    items.push(...(got.data.items || []));
    total.textContent = items.length ? t("compliance.total", { n: got.data.total }) : t("compliance.none");
    replace(
      list,
      items.map((row) => {
        const f = row.facility || row;
        const reasons = row.reasons || row.failing || [];
        return h(
          "li",
          { class: "card" },
          h("a", { class: "title site-link", href: `#/site/${encodeURIComponent(f.code)}`, text: f.name }),
          h("span", { class: "meta", text: `${f.code} · ${f.commune_name || ""} · ${f.kind ? t(`kind.${f.kind}`) : ""}` }),
          h("span", { class: `pill status-${row.status}`, text: `${t(`status.${row.status}`)} ${number(row.worst_score_display || row.score_display)}` }),
          h("span", { class: "meta", text: t("compliance.current", { time: when(row.last_inspected_at || row.last_completed_at) }) }),
          reasons.length ? h("ul", { class: "details" }, reasons.map(describe)) : null,
        );
      }),
    );
    more.hidden = items.length >= (got.data.total || 0);
  }
  more.addEventListener("click", () => {
    page += 1;
    loadPage();
  });
  replace(body, total, list, more);
  await loadPage();
}

/**
 * The reasons of a failed result, in words, or nothing.
 * @param {any[]|undefined} reasons
 */
function reasonsList(reasons) {
  if (!reasons || !reasons.length) return null;
  return h("ul", { class: "reasons", "aria-label": t("result.reasons") }, reasons.map((r) => h("li", { text: reasonText(r) })));
}

/** A failing current inspection: checklist, score and why it failed. @param {any} x */
function describe(x) {
  const title = x.title ? tx(x.title) : x.form_id || "";
  const score = x.score_display ? ` ${number(x.score_display)}` : "";
  return h("li", null, h("span", { text: `${title}${score}` }), reasonsList(x.reasons));
}
