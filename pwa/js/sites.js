// One site's results and corrective actions, kept on the phone for offline viewing: the
// compliance view, its actions, the inspector's notes and photo lists of each current
// inspection, and photos downloaded once into IndexedDB. Also the date formats the facility
// screen uses ("15/12/2026", "01/12/2026 09:30").

import { getSession, request, requestAll } from "./api.js";
import * as store from "./store.js";

/**
 * @typedef {{notes: Record<string, string>, photos: Record<string, string[]>}} RecordBits
 * @typedef {{at: string, compliance: any, actions: any[], records: Record<string, RecordBits>}} SiteData
 * @typedef {{at: string, data: any}} ActionData
 */

/** The largest page of /api/actions: a site's actions, however many, in as few requests. */
const ACTIONS_PAGE = 500;

/** @param {string} code */
const siteKey = (code) => `site:${code}`;
/** @param {number} id */
const actionKey = (id) => `action:${id}`;

/**
 * What the phone kept of a site, each action as the phone saw it last: the answer to a fix
 * sent, or the action's own screen, may be newer than the site's copy.
 * @param {string} code @returns {Promise<SiteData|undefined>}
 */
export async function cachedSite(code) {
  /** @type {SiteData|undefined} */
  const data = await store.getMeta(siteKey(code));
  if (!data) return data;
  /** @type {(ActionData|undefined)[]} */
  const kept = await store.getMetas(data.actions.map((a) => actionKey(a.id)));
  const actions = data.actions.map((a, i) => {
    const newer = kept[i];
    return newer && newer.at > data.at ? { ...newer.data, history: null } : a;
  });
  return { ...data, actions };
}

/**
 * Download a site again and keep it; the previous copy when something did not answer.
 * @param {string} code
 * @returns {Promise<{data?: SiteData, network?: boolean, error?: {code: string, message: string}|null}>}
 */
export async function fetchSite(code) {
  const safe = encodeURIComponent(code);
  const [compliance, actions] = await Promise.all([
    request(`/api/compliance/facilities/${safe}`),
    requestAll(`/api/actions?facility=${safe}`, ACTIONS_PAGE),
  ]);
  if (!compliance.ok || !actions.ok) {
    return { network: compliance.network || actions.network, error: compliance.error || actions.error };
  }
  const before = await cachedSite(code);
  /** @type {Record<string, RecordBits>} */
  const records = {};
  for (const c of compliance.data.checklists || []) {
    const id = c.current?.id;
    if (!id) continue;
    const kept = before?.records?.[id];
    if (kept) {
      records[id] = kept; // a stored record never changes
      continue;
    }
    const got = await request(`/api/inspections/${encodeURIComponent(id)}`);
    if (got.ok) records[id] = { notes: got.data.record?.notes || {}, photos: got.data.record?.photos || {} };
  }
  /** @type {SiteData} */
  const data = { at: new Date().toISOString(), compliance: compliance.data, actions: actions.data.items || [], records };
  await store.setMeta(siteKey(code), data);
  return { data };
}

/** @param {number} id @returns {Promise<ActionData|undefined>} */
export function cachedAction(id) {
  return store.getMeta(actionKey(id));
}

/** @param {number} id @param {any} data */
export async function keepAction(id, data) {
  /** @type {ActionData} */
  const value = { at: new Date().toISOString(), data };
  await store.setMeta(actionKey(id), value);
  return value;
}

/** @param {number} id */
export async function fetchAction(id) {
  const got = await request(`/api/actions/${id}`);
  if (got.ok) return { data: await keepAction(id, got.data), error: null };
  return { data: undefined, error: got.error };
}

/** The reports of a fix this phone holds for a site. @param {string} code */
export async function fixesFor(code) {
  const all = /** @type {import("./store.js").FixReport[]} */ (await store.all("fixes"));
  return all.filter((f) => f.facility_code === code);
}

/**
 * A photo's bytes, from the phone or downloaded once (with the bearer token) and kept.
 * @param {string} hash @returns {Promise<Blob|null>}
 */
export async function photoBlob(hash) {
  const kept = await store.getPhoto(hash);
  if (kept) return kept.blob;
  if (!navigator.onLine || !/^[0-9a-f]{64}$/.test(hash)) return null;
  const session = await getSession();
  try {
    const response = await fetch(`/api/photos/${hash}`, {
      headers: session?.token ? { Authorization: `Bearer ${session.token}` } : {},
    });
    if (!response.ok) return null;
    const blob = await response.blob();
    const type = blob.type || "image/jpeg";
    await store.putPhoto({ hash, blob, type, size: blob.size, uploaded: true, remote: true, created_at: new Date().toISOString() });
    return blob;
  } catch {
    return null;
  }
}

/**
 * A file the server makes (the minutes, the period report), fetched with the token.
 * @param {string} path @returns {Promise<{blob?: Blob, code?: string}>}
 */
export async function download(path) {
  const session = await getSession();
  try {
    const response = await fetch(path, { headers: session?.token ? { Authorization: `Bearer ${session.token}` } : {} });
    if (!response.ok) return { code: `http.${response.status}` };
    return { blob: await response.blob() };
  } catch {
    return { code: "network" };
  }
}

/**
 * Unresolved first (overdue ones at the top), soonest due first; then the rest.
 * @param {any[]} actions
 */
export function ordered(actions) {
  /** @param {any} a */
  const rank = (a) => (a.overdue ? 0 : a.state === "open" ? 1 : a.state === "fix_reported" ? 2 : a.state === "verified" ? 3 : 4);
  return [...actions].sort((a, b) => rank(a) - rank(b) || String(a.due).localeCompare(String(b.due)) || a.id - b.id);
}
