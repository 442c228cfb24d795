// The upload queue. A completed inspection is sent as a frozen record (same bytes on every
// retry, so a lost response becomes a "duplicate" on the server, never a second copy) and
// leaves the "not yet received" state only when the server acknowledged it (created or
// duplicate). Conflicts and rejections are kept with the server's reasons until the user
// acts; nothing here ever deletes an inspection. Photos go after their record.
// A facility's reports of a fix wait here too (store `fixes`): their photos first, then the
// report, sent again safely (the server knows its client id) until acknowledged; a refusal
// keeps the report with the server's message.
// DOM-free: the page runs it, and the service worker runs it on Background Sync.

import { isMine } from "./account.js";
import { getSession, request, sessionUsable } from "./api.js";
import { keepAction } from "./sites.js";
import { limits } from "./limits.js";
import * as store from "./store.js";

/** @typedef {import("./store.js").Inspection} Inspection */
/** @typedef {import("./store.js").ServerError} ServerError */

/** The share of the server's largest body a batch of records fills: a record's size is
 * counted in characters, its UTF-8 bytes are more, and the envelope adds some. */
export const BATCH_SHARE = 0.75;
export const MAX_BACKOFF_S = 300;

/**
 * @typedef {{busy?: boolean, auth?: boolean, transient?: boolean, forbidden?: ServerError|null,
 *   acknowledged: number, attention: number, photos: number, waiting: number}} Report
 */

/** @returns {Report} */
const emptyReport = () => ({ acknowledged: 0, attention: 0, photos: 0, waiting: 0, transient: false });

/** @param {Inspection} i */
export const notYetReceived = (i) =>
  i.status === "queued" ||
  i.status === "sending" ||
  i.status === "attention" ||
  (i.status === "received" && (i.photos_pending || []).length > 0);

/** @param {import("./store.js").FixReport} f */
export const fixPending = (f) => f.status !== "sent";

/** Inspections and reports of a fix that have not completely reached the server. */
export async function pendingCount() {
  const list = /** @type {Inspection[]} */ (await store.all("inspections"));
  const fixes = /** @type {import("./store.js").FixReport[]} */ (await store.all("fixes"));
  return list.filter(notYetReceived).length + fixes.filter(fixPending).length;
}

/** @param {string} code @param {string} message @param {any[]} [details] @returns {ServerError} */
const localError = (code, message, details = []) => ({ code, message, details });

/**
 * Send what waits, once. Serialised across the page and the service worker by a Web Lock
 * where the browser has them; a second caller returns {busy: true} at once.
 * @returns {Promise<Report>}
 */
export function syncOnce() {
  if (globalThis.navigator?.locks) {
    const locked = navigator.locks.request("safeschool-sync", { ifAvailable: true }, async (lock) =>
      lock ? run() : { ...emptyReport(), busy: true },
    );
    return /** @type {Promise<Report>} */ (/** @type {unknown} */ (locked));
  }
  return run();
}

let running = false;
/** @returns {Promise<Report>} */
async function run() {
  if (running) return { ...emptyReport(), busy: true };
  running = true;
  const report = emptyReport();
  try {
    const session = await getSession();
    if (!sessionUsable(session)) {
      report.auth = true;
    } else if (globalThis.navigator && navigator.onLine === false) {
      report.transient = true; // nothing to try; `online` or Background Sync will call again
    } else {
      await sendRecords(report, session);
      if (!report.auth && !report.transient) await sendPhotos(report);
      if (!report.auth && !report.transient) await sendFixes(report, session);
    }
    report.waiting = await pendingCount();
    const now = new Date().toISOString();
    // One transaction: the page and the service worker may both finish a round.
    await store.updateMeta("sync", (/** @type {any} */ kept) => {
      const previous = kept || {};
      return {
        ...previous,
        last_attempt_at: now,
        last_ok_at: report.auth || report.transient ? previous.last_ok_at || null : now,
        last_problem: report.auth ? "auth" : report.forbidden ? "forbidden" : report.transient ? "transient" : null,
        forbidden: report.forbidden || null,
      };
    });
    return report;
  } finally {
    running = false;
  }
}

/**
 * Send the signed-in account's completed records (another account's wait for its own
 * sign-in: the server would file them under the wrong inspector).
 * @param {Report} report @param {import("./api.js").Session|undefined} session
 */
async function sendRecords(report, session) {
  const waiting = [
    ...(await store.inspectionsWith("queued")),
    ...(await store.inspectionsWith("sending")), // left by an interrupted run: send again
  ].filter((i) => i.record && isMine(i, session));
  waiting.sort((a, b) => String(a.completed_at).localeCompare(String(b.completed_at)));
  const { sync_max_records: maxRecords, sync_max_bytes: maxBytes } = await limits();
  const maxBatchBytes = Math.floor(maxBytes * BATCH_SHARE);
  /** @type {Inspection[][]} */
  const batches = [];
  let batch = [];
  let bytes = 0;
  for (const i of waiting) {
    const size = JSON.stringify(i.record).length;
    if (batch.length && (batch.length >= maxRecords || bytes + size > maxBatchBytes)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(i);
    bytes += size;
  }
  if (batch.length) batches.push(batch);
  while (batches.length) {
    const next = /** @type {Inspection[]} */ (batches.shift());
    const split = await sendBatch(next, report);
    if (split) batches.unshift(...split);
    if (report.auth || report.transient || report.forbidden) return;
  }
}

/**
 * @param {Inspection[]} batch @param {Report} report
 * @returns {Promise<Inspection[][]|null>} smaller batches to try instead, if any
 */
async function sendBatch(batch, report) {
  const ids = batch.map((i) => i.id);
  const sentAt = new Date().toISOString();
  for (const id of ids) {
    await store.updateInspection(id, (i) => {
      if (i.status !== "queued" && i.status !== "sending") return false;
      i.status = "sending";
      i.sent_at = sentAt;
      i.attempts = (i.attempts || 0) + 1;
    });
  }
  const answer = await request("/api/sync/inspections", {
    method: "POST",
    json: { records: batch.map((i) => i.record) },
    timeoutMs: 60000,
  });
  const requeue = () => Promise.all(ids.map((id) => setStatus(id, "queued")));

  if (answer.ok && answer.data && Array.isArray(answer.data.results)) {
    /** @type {any[]} */
    const results = answer.data.results;
    for (const [index, inspection] of batch.entries()) {
      const result =
        results.find((r) => r && r.id === inspection.id) ||
        (results.length === batch.length && results[index] && results[index].id == null ? results[index] : null);
      await applyResult(inspection, result, report);
    }
    return null;
  }
  if (answer.status === 401) {
    report.auth = true;
    await requeue();
    return null;
  }
  if ((answer.status === 413 || answer.status === 400) && batch.length > 1) {
    await requeue();
    const half = Math.ceil(batch.length / 2);
    return [batch.slice(0, half), batch.slice(half)];
  }
  if (answer.status === 413 || answer.status === 400) {
    const error = answer.error || localError(`http.${answer.status}`, "");
    await store.updateInspection(ids[0], (i) => {
      i.status = "attention";
      i.error = { code: error.code, message: error.message, details: normaliseDetails(error.details) };
    });
    report.attention += 1;
    return null;
  }
  await requeue();
  if (answer.status === 403) report.forbidden = answer.error;
  else report.transient = true; // network, timeout, 5xx, 429, anything unexpected
  return null;
}

/** @param {any} details */
function normaliseDetails(details) {
  return (Array.isArray(details) ? details : []).map((d) => ({
    item: d && typeof d.item === "string" ? d.item : d && typeof d.item_id === "string" ? d.item_id : null,
    code: d && typeof d.code === "string" ? d.code : "",
    message: d && typeof d.message === "string" ? d.message : "",
  }));
}

/** @param {string} id @param {import("./store.js").InspectionStatus} status */
function setStatus(id, status) {
  return store.updateInspection(id, (i) => {
    if (i.status !== "sending" && i.status !== "queued") return false;
    i.status = status;
  });
}

/** @param {Inspection} inspection @param {any} result @param {Report} report */
async function applyResult(inspection, result, report) {
  const outcome = result && result.outcome;
  if (outcome === "created" || outcome === "duplicate") {
    const uploaded = new Set();
    for (const hash of inspection.photo_hashes || []) {
      const photo = await store.getPhoto(hash);
      if (photo && photo.uploaded) uploaded.add(hash);
    }
    await store.updateInspection(inspection.id, (i) => {
      i.status = "received";
      i.receipt = result.receipt || null;
      i.error = null;
      i.photos_pending = (i.photo_hashes || []).filter((h) => !uploaded.has(h));
    });
    report.acknowledged += 1;
  } else if (outcome === "conflict" || outcome === "rejected") {
    const e = result.error || {};
    await store.updateInspection(inspection.id, (i) => {
      i.status = "attention";
      i.error = {
        code: String(e.code || (outcome === "conflict" ? "inspection.conflict" : "inspection.invalid")),
        message: String(e.message || ""),
        details: normaliseDetails(e.details),
      };
    });
    report.attention += 1;
  } else {
    await setStatus(inspection.id, "queued"); // "retry", or no answer for this record
    report.transient = true;
  }
}

/** @param {Report} report */
async function sendPhotos(report) {
  const received = await store.inspectionsWith("received");
  for (const inspection of received) {
    for (const hash of inspection.photos_pending || []) {
      const outcome = await uploadPhoto(hash);
      if (outcome === "auth") report.auth = true;
      else if (outcome === "transient") report.transient = true;
      if (outcome === "auth" || outcome === "transient") return;
      await store.updateInspection(inspection.id, (i) => {
        if (outcome === "done") {
          i.photos_pending = (i.photos_pending || []).filter((h) => h !== hash);
          if (i.photo_error && i.photo_error.hash === hash) i.photo_error = null;
        } else {
          i.photo_error = { hash, ...outcome };
        }
      });
      if (outcome === "done") report.photos += 1;
    }
  }
}

/**
 * Send the signed-in account's reports of a fix (another account's wait for its own sign-in:
 * the server would refuse them, or file them under the wrong user).
 * @param {Report} report @param {import("./api.js").Session|undefined} session
 */
async function sendFixes(report, session) {
  const waiting = [...(await store.fixesWith("queued")), ...(await store.fixesWith("sending"))].filter((f) => isMine(f, session));
  waiting.sort((a, b) => a.created_at.localeCompare(b.created_at));
  for (const fix of waiting) {
    const outcome = await sendFix(fix);
    if (outcome === "auth") report.auth = true;
    else if (outcome === "transient") report.transient = true;
    else if (outcome === "sent") report.acknowledged += 1;
    else report.attention += 1;
    if (outcome === "auth" || outcome === "transient") return;
  }
}

/**
 * One report of a fix: its photos, then the report itself.
 * @param {import("./store.js").FixReport} fix
 * @returns {Promise<"sent"|"auth"|"transient"|"attention">}
 */
async function sendFix(fix) {
  await store.updateFix(fix.id, (f) => {
    f.status = "sending";
    f.attempts = (f.attempts || 0) + 1;
  });
  /** @type {"sent"|"auth"|"transient"|ServerError} */
  let outcome = "sent";
  for (const hash of fix.photos) {
    const photo = await uploadPhoto(hash);
    if (photo !== "done") {
      outcome = typeof photo === "string" ? photo : localError(photo.code, photo.message);
      break;
    }
  }
  if (outcome === "sent") {
    const answer = await request(`/api/actions/${fix.action_id}/fix`, {
      method: "POST",
      json: { client_id: fix.id, description: fix.description, photos: fix.photos },
    });
    if (answer.ok) {
      outcome = "sent";
      // The action as it now stands: the site's screen shows it offline too (js/sites.js).
      if (answer.data) await keepAction(fix.action_id, answer.data);
    } else if (answer.status === 401) outcome = "auth";
    else if (answer.network || answer.status >= 500 || answer.status === 429) outcome = "transient";
    else outcome = answer.error || localError(`http.${answer.status}`, "");
  }
  await store.updateFix(fix.id, (f) => {
    if (outcome === "sent") {
      f.status = "sent";
      f.sent_at = new Date().toISOString();
      f.error = null;
    } else if (typeof outcome === "string") {
      f.status = "queued";
    } else {
      f.status = "attention";
      f.error = { code: outcome.code, message: outcome.message, details: normaliseDetails(outcome.details) };
    }
  });
  return typeof outcome === "string" ? outcome : "attention";
}

/** Send a report kept with a problem once more (after the user looked at it). @param {string} id */
export function retryFix(id) {
  return store.updateFix(id, (f) => {
    if (f.status !== "attention") return false;
    f.status = "queued";
  });
}

/**
 * Remove a report the server refused, with its form's draft, after the user confirmed; its
 * photos go unless something else holds them. @param {string} id
 */
export async function discardFix(id) {
  await store.tx(["fixes", "meta"], "readwrite", async (t) => {
    const f = /** @type {import("./store.js").FixReport|undefined} */ (await store.done(t.objectStore("fixes").get(id)));
    if (!f || f.status !== "attention") return;
    t.objectStore("fixes").delete(id);
    t.objectStore("meta").delete(store.fixDraftKey(f.action_id));
  });
  await store.deleteOrphanPhotos();
}

/**
 * Upload one photo unless the server already has it (HEAD first: resuming an interrupted
 * sync costs one small request per photo already there).
 * @param {string} hash
 * @returns {Promise<"done"|"auth"|"transient"|{code: string, message: string}>}
 */
async function uploadPhoto(hash) {
  const photo = await store.getPhoto(hash);
  if (!photo) return { code: "photo.missing", message: "" };
  if (photo.uploaded) return "done";
  const path = `/api/photos/${hash}`;
  const head = await request(path, { method: "HEAD" });
  if (head.status === 401) return "auth";
  let ok = head.status === 200;
  if (!ok) {
    if (head.network || head.status >= 500) return "transient";
    const put = await request(path, { method: "PUT", body: photo.blob, contentType: photo.type, timeoutMs: 120000 });
    if (put.status === 401) return "auth";
    if (put.network || put.status >= 500 || put.status === 429) return "transient";
    if (!put.ok) return { code: put.error?.code || `http.${put.status}`, message: put.error?.message || "" };
    ok = true;
  }
  await store.tx("photos", "readwrite", async (t) => {
    const s = t.objectStore("photos");
    const p = await store.done(s.get(hash));
    if (p) {
      p.uploaded = true;
      await store.done(s.put(p));
    }
  });
  return "done";
}

/** `min(2**n, 300)` seconds, n counting failures since the last success, tap or `online`. */
export class Backoff {
  constructor() {
    this.failures = 0;
  }

  /** Seconds to wait after one more failure. */
  next() {
    const delay = Math.min(2 ** this.failures, MAX_BACKOFF_S);
    this.failures += 1;
    return delay;
  }

  reset() {
    this.failures = 0;
  }
}

/**
 * Runs syncOnce on demand and retries on a timer with backoff. `onReport` sees each report.
 */
export class Scheduler {
  /** @param {(r: Report, s: Scheduler) => void} onReport */
  constructor(onReport) {
    this.backoff = new Backoff();
    this.onReport = onReport;
    /** @type {ReturnType<typeof setTimeout>|null} */
    this.timer = null;
    /** @type {number|null} */
    this.nextAt = null;
    this.running = false;
    this.again = false;
  }

  /** @param {string} reason */
  async run(reason) {
    if (reason === "tap" || reason === "online") this.backoff.reset();
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.nextAt = null;
    this.running = true;
    /** @type {Report} */
    let report;
    try {
      report = await syncOnce();
    } catch (error) {
      console.error("sync failed", error);
      report = { ...emptyReport(), transient: true };
    } finally {
      this.running = false;
    }
    if (report.busy) {
      this.retryIn(2); // someone else (the service worker) is sending: look again soon
    } else if ((report.transient || report.forbidden) && !report.auth) {
      this.retryIn(this.backoff.next());
    } else if (!report.auth) {
      this.backoff.reset();
    }
    this.onReport(report, this);
    if (this.again) {
      this.again = false;
      await this.run("again");
    }
  }

  /** @param {number} seconds */
  retryIn(seconds) {
    if (this.timer) clearTimeout(this.timer);
    this.nextAt = Date.now() + seconds * 1000;
    this.timer = setTimeout(() => this.run("timer"), seconds * 1000);
  }
}
