// The server's limits (GET /api/limits), kept in IndexedDB with the other reference data
// (js/data.js fetches them) and read from there, so the phone keeps no copies of its own.
// DEFAULT_LIMITS, the server's limits under its default settings, stand in until the first
// answer (a phone offline since it installed the app). DOM-free: the service worker uses it.

import * as store from "./store.js";

/**
 * @typedef {{sync_max_records: number, sync_max_bytes: number, photo_max_bytes: number,
 *   photo_max_side: number, evidence_max_photos: number, action_due_veto_days: number,
 *   action_due_mandatory_days: number, action_due_other_days: number,
 *   password_min_length: number}} Limits
 */

/** @type {Readonly<Limits>} */
export const DEFAULT_LIMITS = Object.freeze({
  sync_max_records: 50,
  sync_max_bytes: 2_000_000,
  photo_max_bytes: 3_000_000,
  photo_max_side: 1600,
  evidence_max_photos: 20,
  action_due_veto_days: 7,
  action_due_mandatory_days: 15,
  action_due_other_days: 30,
  password_min_length: 10,
});

/**
 * The limits the server last sent, each one missing or malformed taken from the defaults.
 * @returns {Promise<Limits>}
 */
export async function limits() {
  const kept = (await store.getMeta("limits")) || {};
  /** @type {Limits} */
  const result = { ...DEFAULT_LIMITS };
  for (const key of /** @type {(keyof Limits)[]} */ (Object.keys(DEFAULT_LIMITS))) {
    const value = kept[key];
    if (Number.isInteger(value) && value > 0) result[key] = value;
  }
  return result;
}

/** Keep the server's answer for later, offline included. @param {unknown} value */
export function keepLimits(value) {
  return store.setMeta("limits", value);
}
