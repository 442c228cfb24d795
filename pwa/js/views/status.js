// For now: a facility user sees its status and latest results; a department user the
// non-compliant facilities of its province. Both read the compliance API and keep the last
// answer on the phone for offline viewing. Their full screens come later.

import { request } from "../api.js";
import { append, h, replace } from "../dom.js";
import { t, tx, when } from "../i18n.js";
import * as store from "../store.js";

const PER_PAGE = 50;

/** @param {HTMLElement} root @param {import("../app.js").Ctx} ctx */
export async function render(root, ctx) {
  const user = ctx.session?.user;
  const body = h("div", { class: "status-body" });
  const asOf = h("p", { class: "muted" });
  if (user?.role === "facility") {
    append(root, h("h1", { text: t("compliance.title") }), asOf, body);
    await facility(String(user.facility_code || ""), body, asOf);
  } else {
    append(root, h("h1", { text: t("compliance.listTitle") }), asOf, body);
    await department(body, asOf);
  }
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

/** @param {string} code @param {HTMLElement} body @param {HTMLElement} asOf */
async function facility(code, body, asOf) {
  const got = await cached(`/api/compliance/facilities/${encodeURIComponent(code)}`, `compliance:${code}`);
  if (!got) {
    replace(body, h("p", { text: t("compliance.unavailable") }));
    return;
  }
  asOf.textContent = t("compliance.asOf", { time: when(got.at) });
  const d = got.data;
  replace(
    body,
    h("h2", { text: d.facility?.name || code }),
    h("p", null, h("span", { class: `pill status-${d.status}`, text: t(`status.${d.status}`) })),
    h(
      "ul",
      { class: "cards" },
      (d.checklists || []).map((/** @type {any} */ c) =>
        h(
          "li",
          { class: "card" },
          h("span", { class: "title", text: tx(c.title) }),
          c.current
            ? [
                h("span", { class: "meta", text: t("compliance.current", { time: when(c.current.completed_at) }) }),
                h("span", { class: `pill result-${c.current.result}`, text: `${t(`result.${c.current.result}`)} ${c.current.score_display || ""}` }),
                (c.current.failed_checks || []).length
                  ? h(
                      "details",
                      { class: "more" },
                      h("summary", { text: `${t("compliance.failed")} (${c.current.failed_checks.length})` }),
                      h(
                        "ul",
                        null,
                        c.current.failed_checks.map((/** @type {any} */ f) =>
                          h(
                            "li",
                            null,
                            f.mandatory ? h("span", { class: "pill mandatory", text: t("insp.mandatory") }) : null,
                            ` ${tx(f.text) || f.item_id}`,
                            f.legal_ref ? h("span", { class: "legal", text: ` (${f.legal_ref})` }) : null,
                          ),
                        ),
                      ),
                    )
                  : null,
              ]
            : h("span", { class: "meta", text: t("compliance.never") }),
        ),
      ),
    ),
  );
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
          h("span", { class: "title", text: f.name }),
          h("span", { class: "meta", text: `${f.code} · ${f.commune_name || ""} · ${f.kind ? t(`kind.${f.kind}`) : ""}` }),
          h("span", { class: `pill status-${row.status}`, text: `${t(`status.${row.status}`)} ${row.worst_score_display || row.score_display || ""}` }),
          h("span", { class: "meta", text: t("compliance.current", { time: when(row.last_inspected_at || row.last_completed_at) }) }),
          reasons.length ? h("ul", { class: "details" }, reasons.map((/** @type {any} */ x) => h("li", { text: describe(x) }))) : null,
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

/** A failing current inspection: checklist, score and failed mandatory checks. @param {any} x */
function describe(x) {
  if (typeof x === "string") return x;
  if (!x || typeof x !== "object") return String(x);
  const title = x.title ? tx(x.title) : x.form_id || "";
  const score = x.score_display ? ` ${x.score_display}` : "";
  const checks = Array.isArray(x.failed_mandatory)
    ? x.failed_mandatory
    : Array.isArray(x.failed_checks)
      ? x.failed_checks.filter((/** @type {any} */ f) => f.mandatory)
      : [];
  const mandatory = checks.map((/** @type {any} */ f) => tx(f.text) || f.item_id);
  return `${title}${score}${mandatory.length ? ` – ${mandatory.join("; ")}` : ""}`;
}
