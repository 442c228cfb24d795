// Joint inspection plans on the phone (docs/plans.md). The inspector's visits
// (GET /api/plans/visits/mine, "Lịch kiểm tra") are kept in IndexedDB (meta `schedule`) so
// the schedule opens offline; an inspection started from a visit carries its id
// (`plan_visit`), so the schedule can show what this phone did for it before the server
// links it. DOM-free.

import { getSession, request } from "./api.js";
import * as store from "./store.js";

/**
 * @typedef {{name: string, agency: string, role: "lead"|"member", username?: string|null}} PlanMember
 * @typedef {{name: string, members: PlanMember[]}} PlanTeam
 * @typedef {"done"|"pending"|"late"} VisitState
 * @typedef {{id: number, plan_id: number, plan_name: string, facility_code: string,
 *   facility_name: string, facility_kind: string, commune_name: string, team: string,
 *   team_index: number, members: PlanMember[], start: string, end: string, state: VisitState,
 *   inspection_id: string|null}} Visit
 * @typedef {{done: number, pending: number, late: number}} Progress
 * @typedef {{id: number, province_code: string, name: string, start: string, end: string,
 *   agencies: string[], teams: PlanTeam[], progress: Progress, created_at: string,
 *   updated_at: string, visits: Visit[]|null}} Plan
 * @typedef {{visits: Visit[], at: string, owner?: string}} Schedule (`owner`: the account it is of)
 * @typedef {VisitState|"draft"|"queued"|"attention"} ShownState what the schedule shows
 */

const KEY = "schedule";

/** Fetch the inspector's visits when the server answers; keep the last copy otherwise. */
export async function refreshSchedule() {
  const got = await request("/api/plans/visits/mine");
  if (!got.ok || !Array.isArray(got.data)) return false;
  const owner = (await getSession())?.user?.username;
  await store.setMeta(KEY, { visits: got.data, at: new Date().toISOString(), owner });
  return true;
}

/** The schedule kept on the phone, when it is the signed-in account's. @returns {Promise<Schedule|undefined>} */
export async function cachedSchedule() {
  /** @type {Schedule|undefined} */
  const kept = await store.getMeta(KEY);
  return kept && kept.owner === (await getSession())?.user?.username ? kept : undefined;
}

/** @param {number} id @returns {Promise<Visit|undefined>} */
export async function cachedVisit(id) {
  return (await cachedSchedule())?.visits.find((v) => v.id === id);
}

/**
 * This phone's inspections started from each visit, newest first.
 * @returns {Promise<Map<number, import("./store.js").Inspection[]>>}
 */
export async function inspectionsByVisit() {
  /** @type {import("./store.js").Inspection[]} */
  const all = await store.all("inspections");
  /** @type {Map<number, import("./store.js").Inspection[]>} */
  const by = new Map();
  for (const i of all.sort((a, b) => String(b.updated_at).localeCompare(String(a.updated_at)))) {
    if (typeof i.plan_visit !== "number") continue;
    by.set(i.plan_visit, [...(by.get(i.plan_visit) || []), i]);
  }
  return by;
}

/**
 * What a visit shows: done once the server linked an inspection or this phone's was
 * received; else what this phone holds for it (a draft, one waiting to be sent, one that
 * needs attention); else the server's pending or late.
 * @param {Visit} visit @param {import("./store.js").Inspection[]} [local]
 * @returns {ShownState}
 */
export function shownState(visit, local = []) {
  if (visit.state === "done") return "done";
  const latest = local[0];
  if (!latest) return visit.state;
  if (latest.status === "received") return "done";
  if (latest.status === "queued" || latest.status === "sending") return "queued";
  if (latest.status === "attention") return "attention";
  return "draft";
}

/** Undone visits first, then by window. @param {Visit[]} visits */
export function byWindow(visits) {
  const rank = (/** @type {Visit} */ v) => (v.state === "done" ? 1 : 0);
  return [...visits].sort((a, b) => rank(a) - rank(b) || a.start.localeCompare(b.start) || a.end.localeCompare(b.end) || a.facility_name.localeCompare(b.facility_name, "vi"));
}

/** The team as the minutes take it: names, agencies, the lead; signatures still to make. @param {PlanMember[]} members */
export function minutesTeam(members) {
  return members.map((m) => ({ name: m.name, agency: m.agency, role: m.role }));
}
