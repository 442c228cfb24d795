// fetch wrapper: the bearer token, timeouts, and the server's error envelope
// {error: {code, message, details}}. Never throws for HTTP or network failures: callers
// branch on the answer. DOM-free (the service worker uses it too).

import { getMeta, setMeta } from "./store.js";

/**
 * @typedef {{token: string, expires_at: string, user: User, expired?: boolean,
 *   expired_code?: string}} Session
 * @typedef {{id: number, username: string, display_name: string, role: string,
 *   province_code: string|null, commune_codes: string[], facility_code: string|null,
 *   agency: string|null}} User
 * @typedef {{ok: boolean, status: number, data: any, network: boolean,
 *   error: {code: string, message: string, details: any[]}|null}} Answer
 */

/** @returns {Promise<Session|undefined>} */
export function getSession() {
  return getMeta("session");
}

/** A session usable for requests: there, not marked expired, not past its expiry. */
/** @param {Session|undefined} s */
export function sessionUsable(s) {
  return Boolean(s && s.token && !s.expired && Date.parse(s.expires_at) > Date.now());
}

/**
 * The server said this sign-in is no longer valid: keep the user (to show who should sign
 * in again) and everything else; drop only the token.
 * @param {string} code
 */
export async function markSessionExpired(code) {
  const s = await getSession();
  if (s && !s.expired) await setMeta("session", { ...s, token: "", expired: true, expired_code: code });
}

/**
 * @param {string} path
 * @param {{method?: string, json?: unknown, body?: Blob|ArrayBuffer, contentType?: string,
 *   token?: string|null, timeoutMs?: number}} [options]
 * @returns {Promise<Answer>}
 */
export async function request(path, options = {}) {
  const { method = "GET", json, body, contentType, timeoutMs = 30000 } = options;
  /** @type {Record<string, string>} */
  const headers = { Accept: "application/json" };
  let token = options.token;
  if (token === undefined) {
    const s = await getSession();
    token = s && s.token ? s.token : null;
  }
  if (token) headers.Authorization = `Bearer ${token}`;
  /** @type {BodyInit|undefined} */
  let payload;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(json);
  } else if (body !== undefined) {
    headers["Content-Type"] = contentType || "application/octet-stream";
    payload = body;
  }
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  /** @type {Response} */
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload, signal: abort.signal, cache: "no-store" });
  } catch {
    clearTimeout(timer);
    return { ok: false, status: 0, data: null, network: true, error: null };
  }
  let data = null;
  try {
    const text = method === "HEAD" ? "" : await response.text();
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  } finally {
    clearTimeout(timer);
  }
  const error =
    !response.ok && data && typeof data === "object" && data.error && typeof data.error.code === "string"
      ? { code: data.error.code, message: String(data.error.message || ""), details: data.error.details || [] }
      : response.ok
        ? null
        : { code: `http.${response.status}`, message: response.statusText, details: [] };
  if (response.status === 401 && token && error && error.code.startsWith("auth.")) {
    await markSessionExpired(error.code);
  }
  return { ok: response.ok, status: response.status, data, network: false, error };
}

/**
 * Every item of a paged list (``{items, total}``), asked for ``perPage`` at a time: the
 * last page's answer with all the items in ``data.items``, or the first answer that failed,
 * so a long list is never silently cut to its first page.
 * @param {string} path the list's address with its filters, without page and per_page
 * @param {number} perPage
 * @returns {Promise<Answer>}
 */
export async function requestAll(path, perPage) {
  /** @type {any[]} */
  const items = [];
  const sep = path.includes("?") ? "&" : "?";
  for (let page = 1; ; page += 1) {
    const answer = await request(`${path}${sep}per_page=${perPage}&page=${page}`);
    if (!answer.ok || !answer.data || !Array.isArray(answer.data.items)) return answer;
    items.push(...answer.data.items);
    if (items.length >= answer.data.total || answer.data.items.length === 0) {
      return { ...answer, data: { ...answer.data, items } };
    }
  }
}
