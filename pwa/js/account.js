// Whose work is on this phone, and signing in again offline. Drafts and completed records
// carry the username of the account that started them (`owner`); each account sees only its
// own (records from before owners existed belong to whoever is signed in). After signing out
// or an expired session, the last account can carry on offline with its password, checked
// on the phone against a salted PBKDF2 hash kept at its last online sign-in; sending waits for
// a real sign-in. DOM-free; uses the meta store only.

import { getMeta, setMeta } from "./store.js";

const ITERATIONS = 150000;
const KEY = "offline_login";

/**
 * @typedef {{username: string, user: import("./api.js").User, salt: string, hash: string,
 *   iterations: number, expires_at: string}} OfflineLogin
 */

/** @param {Uint8Array} bytes */
const hex = (bytes) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");

/** @param {string} password @param {Uint8Array<ArrayBuffer>} salt @param {number} iterations */
async function derive(password, salt, iterations) {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256);
  return hex(new Uint8Array(bits));
}

/** @param {string} text @returns {Uint8Array<ArrayBuffer>} */
function unhex(text) {
  return new Uint8Array((text.match(/../g) || []).map((b) => parseInt(b, 16)));
}

/**
 * Keep what lets this account carry on offline later (after an online sign-in).
 * @param {import("./api.js").Session} session @param {string} password
 */
export async function rememberLogin(session, password) {
  const salt = crypto.getRandomValues(new Uint8Array(new ArrayBuffer(16)));
  /** @type {OfflineLogin} */
  const login = {
    username: session.user.username,
    user: session.user,
    salt: hex(salt),
    hash: await derive(password, salt, ITERATIONS),
    iterations: ITERATIONS,
    expires_at: session.expires_at,
  };
  await setMeta(KEY, login);
}

/** The account that last signed in on this phone, if it may carry on offline. */
export async function lastAccount() {
  /** @type {OfflineLogin|undefined} */
  const login = await getMeta(KEY);
  return login && Date.parse(login.expires_at) > Date.now() ? login : undefined;
}

/**
 * Carry on offline as the last account when the password matches: a session without a
 * token (the router lets it work on the phone; the outbox waits for a real sign-in).
 * @param {string} username @param {string} password
 * @returns {Promise<import("./api.js").Session|null>}
 */
export async function continueOffline(username, password) {
  const login = await lastAccount();
  if (!login || login.username !== username) return null;
  if ((await derive(password, unhex(login.salt), login.iterations)) !== login.hash) return null;
  const session = { token: "", expires_at: login.expires_at, user: login.user, expired: true, expired_code: "offline" };
  await setMeta("session", session);
  return session;
}

/**
 * Whether an inspection belongs to the account signed in (or last signed in).
 * @param {object} inspection @param {import("./api.js").Session|undefined} session
 */
export function isMine(inspection, session) {
  const owner = /** @type {{owner?: string}} */ (inspection).owner;
  return !owner || owner === session?.user?.username;
}
