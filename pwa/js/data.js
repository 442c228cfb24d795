// Reference data kept for offline use: the server's limits, checklists (every version a
// draft may use), the facilities in the user's scope with their last known status, and an
// inspector's planned visits (js/plans.js). Refreshed when online;
// the copy on the phone is what the screens read, so they work the same offline.

import { request, requestAll } from "./api.js";
import { fold } from "./dom.js";
import { keepLimits } from "./limits.js";
import { refreshSchedule } from "./plans.js";
import * as store from "./store.js";

/**
 * @typedef {import("./conditions.js").Checklist} Checklist
 * @typedef {{id: string, version: number, latest: boolean, fingerprint: string,
 *   definition: Checklist}} Form
 * @typedef {{code: string, name: string, kind: string, commune_code: string,
 *   commune_name: string, address: string|null, search: string}} Facility
 * @typedef {{code: string, status: string, score_display?: string|null,
 *   last_completed_at?: string|null, fetched_at: string}} Status
 */

/** The largest pages the server gives: the facilities' and the compliance list's. */
const FACILITIES_PAGE = 500;
export const LIST_PAGE = 2000;

/** The server's limits (js/limits.js); an error leaves what the phone knew. */
export async function refreshLimits() {
  const answer = await request("/api/limits");
  if (answer.ok && answer.data && typeof answer.data === "object") await keepLimits(answer.data);
  return answer;
}

/** Download checklist versions not yet on the phone. Old versions are kept. */
export async function refreshForms() {
  const list = await request("/api/forms");
  if (!list.ok || !Array.isArray(list.data)) return list;
  /** @type {Form[]} */
  const have = await store.all("forms");
  const known = new Map(have.map((f) => [`${f.id}@${f.version}`, f]));
  for (const summary of list.data) {
    const key = `${summary.id}@${summary.version}`;
    const existing = known.get(key);
    if (existing && existing.fingerprint === summary.fingerprint) {
      if (existing.latest !== summary.latest) await store.put("forms", { ...existing, latest: summary.latest });
      continue;
    }
    const detail = await request(`/api/forms/${encodeURIComponent(summary.id)}/${summary.version}`);
    if (!detail.ok) return detail;
    await store.put("forms", {
      id: detail.data.id,
      version: detail.data.version,
      latest: detail.data.latest,
      fingerprint: detail.data.fingerprint,
      definition: detail.data.definition,
    });
  }
  await store.setMeta("forms_at", new Date().toISOString());
  return list;
}

/** Replace the facility list with the server's (all pages), keeping it searchable. */
export async function refreshFacilities() {
  const answer = await requestAll("/api/facilities", FACILITIES_PAGE);
  if (!answer.ok || !answer.data || !Array.isArray(answer.data.items)) return answer;
  /** @type {Facility[]} */
  const rows = answer.data.items.map((/** @type {any} */ f) => ({ ...f, search: fold(`${f.name} ${f.code} ${f.address || ""}`) }));
  await store.tx("facilities", "readwrite", async (t) => {
    const s = t.objectStore("facilities");
    await store.done(s.clear());
    for (const row of rows) s.put(row);
  });
  await store.setMeta("facilities_at", new Date().toISOString());
  return { ok: true, status: 200 };
}

/**
 * Last known compliance status of the facilities in scope, where the server lets this
 * user read the list (an answer other than 200 leaves what the phone knew).
 */
export async function refreshStatuses() {
  const fetched = new Date().toISOString();
  const answer = await requestAll("/api/compliance/facilities", LIST_PAGE);
  if (!answer.ok || !answer.data || !Array.isArray(answer.data.items)) return answer;
  /** @type {Status[]} */
  const rows = [];
  for (const row of answer.data.items) {
    const code = row.facility?.code ?? row.code;
    if (typeof code !== "string") continue;
    rows.push({
      code,
      status: row.status,
      score_display: row.worst_score_display ?? row.score_display ?? null,
      last_completed_at: row.last_inspected_at ?? row.last_completed_at ?? null,
      fetched_at: fetched,
    });
  }
  await store.tx("statuses", "readwrite", (t) => {
    const s = t.objectStore("statuses");
    for (const row of rows) s.put(row);
  });
  return { ok: true, status: 200 };
}

/** Everything an inspector needs offline. @param {string} role */
export async function refreshAll(role) {
  await refreshLimits();
  const forms = await refreshForms();
  if (role === "inspector" || role === "admin") {
    await refreshFacilities();
    await refreshStatuses();
  }
  if (role === "inspector") await refreshSchedule();
  return forms;
}

/** @param {string} id @param {number} version @returns {Promise<Form|undefined>} */
export function getForm(id, version) {
  return store.get("forms", [id, version]);
}

/** The latest version of each checklist that applies to a facility kind. @param {string} kind */
export async function formsFor(kind) {
  /** @type {Form[]} */
  const forms = await store.all("forms");
  return forms.filter((f) => f.latest && f.definition.applies_to.includes(kind));
}
