// A department's joint inspection plans (kế hoạch kiểm tra liên ngành): the province's
// plans, newest first, each with its progress (done, pending, late), opening the plan's
// screen; and the way to make a new one. The last answer is kept for offline viewing.

import { request } from "../api.js";
import { append, h, replace } from "../dom.js";
import { t, when } from "../i18n.js";
import { day } from "../dates.js";
import * as store from "../store.js";

/** @typedef {import("../plans.js").Plan} Plan */

/**
 * A plan's progress in words and as a bar (its text says the same).
 * @param {import("../plans.js").Progress} p
 */
export function progressLine(p) {
  const total = p.done + p.pending + p.late;
  const bar = h("progress", { class: "plan-progress", max: String(total || 1), value: String(p.done), "aria-hidden": "true" });
  return h(
    "div",
    { class: "progress" },
    bar,
    h(
      "p",
      { class: "pills" },
      h("span", { class: "pill visit-done", text: t("plan.progress.done", { n: p.done }) }),
      h("span", { class: "pill visit-pending", text: t("plan.progress.pending", { n: p.pending }) }),
      h("span", { class: `pill visit-late${p.late ? " alert" : ""}`, text: t("plan.progress.late", { n: p.late }) }),
    ),
  );
}

/** @param {HTMLElement} root @param {import("../app.js").Ctx} ctx */
export async function render(root, ctx) {
  const list = h("ul", { class: "cards plans" });
  const status = h("p", { class: "count", role: "status" });
  const asOf = h("p", { class: "muted" });
  const make = ctx.session?.user?.role === "inspector" ? null : h("a", { class: "button primary", href: "#/plan-form", text: t("plans.new") });
  append(root, h("h1", { text: t("plans.title") }), make, status, list, asOf);

  let got = navigator.onLine ? await request("/api/plans") : null;
  if (got?.ok) await store.setMeta("plans", { data: got.data, at: new Date().toISOString() });
  /** @type {{data: Plan[], at: string}|undefined} */
  const kept = await store.getMeta("plans");
  if (!kept) {
    status.textContent = t(got && !got.network ? "plans.failed" : "plans.offline");
    return {};
  }
  asOf.textContent = t("compliance.asOf", { time: when(kept.at) });
  status.textContent = kept.data.length ? t("plans.count", { n: kept.data.length }) : t("plans.empty");
  replace(
    list,
    kept.data.map((p) =>
      h(
        "li",
        null,
        h(
          "a",
          { class: `card plan${p.progress.late ? " has-late" : ""}`, href: `#/plan/${p.id}` },
          h("span", { class: "title", text: p.name }),
          h("span", { class: "meta", text: t("plan.period", { start: day(p.start), end: day(p.end) }) }),
          h("span", { class: "meta", text: p.agencies.join(" · ") }),
          progressLine(p.progress),
        ),
      ),
    ),
  );
  return {};
}
