// The province screen's data: its filters as the hash's query (#/province?kind=preschool&…,
// the same names the compliance API takes, so back, forward and reload keep them), the
// list's pages and the trends fetched online and kept on the phone for offline reading,
// and the list's downloads (CSV, XLSX) saved as files.

import { request } from "./api.js";
import { saveBlob } from "./dom.js";
import { vietnamDay } from "./follow-up.js";
import { download } from "./sites.js";
import * as store from "./store.js";

export const FILTERS = /** @type {const} */ (["status", "province", "commune", "kind", "ownership", "checklist", "q", "overdue_actions", "sort", "order"]);
/** @typedef {Partial<Record<typeof FILTERS[number], string>>} Filters */

const KEPT = "province:lists";
const KEEP = 8; // answers kept: the last few filter combinations, first pages and more
/** The filters the charts follow: which sites, not their present state or the order. */
const TREND_FILTERS = /** @type {const} */ (["province", "commune", "kind", "ownership", "checklist"]);

/** The filters in the hash's query. @param {string} hash @returns {Filters} */
export function filtersOf(hash) {
  const query = new URLSearchParams(hash.split("?")[1] || "");
  /** @type {Filters} */
  const found = {};
  for (const name of FILTERS) {
    const value = query.get(name);
    if (value) found[name] = value;
  }
  return found;
}

/** The query string of some filters, in a stable order (also the cache key). @param {Filters} filters */
export function queryOf(filters) {
  const query = new URLSearchParams();
  for (const name of FILTERS) if (filters[name]) query.set(name, String(filters[name]));
  return query.toString();
}

/**
 * One page of the list: the server's answer when online (kept), else the kept one.
 * @param {Filters} filters @param {number} page @param {number} perPage
 * @returns {Promise<{data: any, at: string, kept: boolean}|undefined>}
 */
export async function listPage(filters, page, perPage) {
  const sep = queryOf(filters) ? "&" : "";
  return keptAmong(`/api/compliance/facilities?${queryOf(filters)}${sep}page=${page}&per_page=${perPage}`, KEPT, `${queryOf(filters)}#${page}`);
}

/**
 * The charts' figures for the sites the filters pick, kept like the list's pages.
 * @param {Filters} filters @returns {Promise<{data: any, at: string, kept: boolean}|undefined>}
 */
export function trendsFor(filters) {
  /** @type {Filters} */
  const narrowed = {};
  for (const name of TREND_FILTERS) if (filters[name]) narrowed[name] = filters[name];
  const query = queryOf(narrowed);
  return keptAmong(`/api/reports/trends?months=12${query ? `&${query}` : ""}`, "province:trends", query);
}

/**
 * One of several answers kept under one name: the server's when online (kept, newest
 * first, the last KEEP), else the one kept for this key.
 * @param {string} path @param {string} name @param {string} key
 * @returns {Promise<{data: any, at: string, kept: boolean}|undefined>}
 */
async function keptAmong(path, name, key) {
  if (navigator.onLine) {
    const answer = await request(path);
    if (answer.ok && answer.data) {
      const entry = { key, data: answer.data, at: new Date().toISOString() };
      // Several answers (the list's and the charts' for the filters before and after a
      // change) arrive together: each adds itself to what is kept at that moment.
      await store.updateMeta(name, (/** @type {KeptAnswer[]|undefined} */ kept) => [entry, ...(Array.isArray(kept) ? kept : []).filter((e) => e.key !== key)].slice(0, KEEP));
      return { ...entry, kept: false };
    }
  }
  const kept = /** @type {KeptAnswer[]|undefined} */ (await store.getMeta(name));
  const entry = Array.isArray(kept) ? kept.find((e) => e.key === key) : undefined;
  return entry ? { ...entry, kept: true } : undefined;
}

/** @typedef {{key: string, data: any, at: string}} KeptAnswer */

/**
 * A read kept on the phone: the server's answer when online, else the last one.
 * @param {string} path @param {string} key @returns {Promise<{data: any, at: string}|undefined>}
 */
export async function keptRead(path, key) {
  if (navigator.onLine) {
    const answer = await request(path);
    if (answer.ok && answer.data) {
      const value = { data: answer.data, at: new Date().toISOString() };
      await store.setMeta(key, value);
      return value;
    }
  }
  return store.getMeta(key);
}

/**
 * Download the list with these filters as a file and hand it to the browser to save.
 * @param {Filters} filters @param {"csv"|"xlsx"} format
 * @returns {Promise<string|null>} an error code, or null once saved
 */
export async function exportList(filters, format) {
  const query = queryOf(filters);
  const got = await download(`/api/compliance/facilities.${format}${query ? `?${query}` : ""}`);
  if (!got.blob) return got.code || "network";
  saveBlob(got.blob, `co-so-${vietnamDay(new Date())}.${format}`);
  return null;
}
