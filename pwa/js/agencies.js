// The agencies an inspection team is drawn from (the server's data, /api/agencies), kept
// on the phone for offline use. Only suggestions: an inspector may write any agency.

import { request } from "./api.js";
import { getMeta, setMeta } from "./store.js";

/** @typedef {{name: string, name_en: string, level: "province"|"commune"}} Agency */

/** Fetch the list when the server answers; keep the last one otherwise. */
export async function refreshAgencies() {
  const got = await request("/api/agencies");
  if (got.ok && Array.isArray(got.data)) await setMeta("agencies", got.data);
}

/** @returns {Promise<Agency[]>} */
export async function agencies() {
  return (await getMeta("agencies")) || [];
}
