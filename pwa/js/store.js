// IndexedDB: everything the phone keeps. Opened lazily, versioned; never tied to the
// service worker's cache versions, so an app update cannot touch drafts or the outbox.
// Inspections are keyed by their client UUID. DOM-free: the service worker imports it too.
//
// Stores:
//   meta        {key, value}: session, sync state, cached compliance answers, the server's
//               limits (js/limits.js)
//   forms       {id, version, latest, fingerprint, definition}, key [id, version]
//   facilities  {code, …registry fields, search}, key code
//   statuses    {code, status, score_display, last_completed_at, fetched_at}, key code
//   inspections {id, status: draft|queued|sending|received|attention, …}, key id
//               (`photos`: evidence per item, {item id: [sha256, …]}; absent in older drafts)
//   photos      {hash, blob, type, size, uploaded, created_at, remote?}, key hash (`remote`:
//               downloaded from the server for offline viewing, not taken here)
//   fixes       {id (client UUID), action_id, facility_code, description, photos,
//               status: queued|sending|sent|attention, owner?, …}, key id: a facility's
//               reports of a fix, queued in the outbox like inspections (version 2); `owner`
//               (js/account.js) is absent in reports stored by older versions

const DB_NAME = "safeschool";
const DB_VERSION = 2; // 2: the `fixes` store (reports of a fix waiting in the outbox)
const CHANNEL = "safeschool-store";

/**
 * @typedef {"draft"|"queued"|"sending"|"received"|"attention"} InspectionStatus
 * @typedef {{code: string, message: string, details: {item: string|null, code: string, message: string}[]}} ServerError
 * @typedef {{id: string, received_at: string, content_hash: string, score: number|null,
 *   score_display: string|null, result: string,
 *   reasons?: import("./scoring.js").Reason[]}} Receipt
 * @typedef {{lat: number, lon: number, accuracy: number|null}} Location
 * @typedef {{name: string, agency: string, role: "lead"|"member", signature?: string}} TeamMember
 * @typedef {{
 *   id: string, status: InspectionStatus, facility_code: string, facility_name: string,
 *   form_id: string, form_version: number, started_at: string, updated_at: string,
 *   completed_at?: string|null, answers: Record<string, unknown>, notes: Record<string, string>,
 *   photos?: Record<string, string[]>,
 *   location: Location|null, supersedes: string|null, record?: object|null, team?: TeamMember[],
 *   actions?: Record<string, import("./follow-up.js").ActionChoice>,
 *   preview?: {score_display: string|null, result: string}|null, receipt?: Receipt|null,
 *   error?: ServerError|null, photo_hashes?: string[], photos_pending?: string[],
 *   photo_error?: {hash: string, code: string, message: string}|null, attempts?: number,
 *   sent_at?: string|null, replaces?: string, plan_visit?: number
 * }} Inspection
 * (`plan_visit`: the planned visit it was started from, js/plans.js)
 * @typedef {{hash: string, blob: Blob, type: string, size: number, uploaded: boolean,
 *   created_at: string, remote?: boolean}} Photo
 * @typedef {"queued"|"sending"|"sent"|"attention"} FixStatus
 * @typedef {{id: string, action_id: number, facility_code: string, description: string,
 *   photos: string[], status: FixStatus, created_at: string, sent_at?: string|null,
 *   attempts?: number, error?: ServerError|null, owner?: string}} FixReport
 */

const STORES = ["meta", "forms", "facilities", "statuses", "inspections", "photos", "fixes"];

/** @param {IDBDatabase} d */
function createStores(d) {
  // Version 1. Later versions add steps here; never drop a store holding user data.
  if (!d.objectStoreNames.contains("meta")) d.createObjectStore("meta", { keyPath: "key" });
  if (!d.objectStoreNames.contains("forms")) d.createObjectStore("forms", { keyPath: ["id", "version"] });
  if (!d.objectStoreNames.contains("facilities")) d.createObjectStore("facilities", { keyPath: "code" });
  if (!d.objectStoreNames.contains("statuses")) d.createObjectStore("statuses", { keyPath: "code" });
  if (!d.objectStoreNames.contains("inspections")) {
    const s = d.createObjectStore("inspections", { keyPath: "id" });
    s.createIndex("status", "status");
  }
  if (!d.objectStoreNames.contains("photos")) d.createObjectStore("photos", { keyPath: "hash" });
  // Version 2: reports of a fix, keyed by their client id.
  if (!d.objectStoreNames.contains("fixes")) {
    const s = d.createObjectStore("fixes", { keyPath: "id" });
    s.createIndex("status", "status");
  }
}

/** @param {number} [version] @returns {Promise<IDBDatabase>} */
function open(version) {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, version);
    req.onupgradeneeded = () => createStores(req.result);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error("IndexedDB upgrade blocked by another tab"));
  });
}

/** @type {Promise<IDBDatabase>|null} */
let opening = null;

/** The database, opened once per context (page or service worker). */
export function db() {
  if (!opening) {
    opening = (async () => {
      let d = await open(DB_VERSION).catch((error) => {
        // Already past DB_VERSION (see below): open whatever version is there.
        if (error && error.name === "VersionError") return open();
        throw error;
      });
      if (STORES.some((name) => !d.objectStoreNames.contains(name))) {
        // Created empty by someone else (a tool, an aborted upgrade): add what is missing.
        const next = d.version + 1;
        d.close();
        d = await open(next);
      }
      // Another tab or the service worker upgrading: let it, and reopen lazily.
      d.onversionchange = () => {
        d.close();
        opening = null;
      };
      return d;
    })();
    opening.catch(() => {
      opening = null;
    });
  }
  return opening;
}

/** @template T @param {IDBRequest<T>} req @returns {Promise<T>} */
export function done(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** @param {IDBTransaction} tx @returns {Promise<void>} */
function committed(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
  });
}

/**
 * Run `fn` in one transaction and resolve after it committed. "strict" (the default) waits
 * until the data is flushed to disk; "relaxed" until the browser has handed it to the
 * operating system, which survives the browser or the app being killed but not a power cut.
 * @template T
 * @param {string|string[]} stores @param {IDBTransactionMode} mode
 * @param {(tx: IDBTransaction) => Promise<T>|T} fn
 * @param {IDBTransactionDurability} [durability]
 * @returns {Promise<T>}
 */
export async function tx(stores, mode, fn, durability = "strict") {
  const d = await db();
  const t = d.transaction(stores, mode, { durability });
  const finished = committed(t);
  let result;
  try {
    result = await fn(t);
  } catch (error) {
    try {
      t.abort();
    } catch {
      // already finished
    }
    await finished.catch(() => undefined);
    throw error;
  }
  await finished;
  if (mode === "readwrite") changed(Array.isArray(stores) ? stores : [stores]);
  return result;
}

/** @template T @param {string} store @param {IDBValidKey} key @returns {Promise<T|undefined>} */
export function get(store, key) {
  return tx(store, "readonly", (t) => done(t.objectStore(store).get(key)));
}

/** @template T @param {string} store @returns {Promise<T[]>} */
export function all(store) {
  return tx(store, "readonly", (t) => done(t.objectStore(store).getAll()));
}

/** @param {string} store @param {object} value */
export function put(store, value) {
  return tx(store, "readwrite", (t) => done(t.objectStore(store).put(value)));
}

/** @param {string} store @param {IDBValidKey} key */
export function del(store, key) {
  return tx(store, "readwrite", (t) => done(t.objectStore(store).delete(key)));
}

// --- meta ---------------------------------------------------------------------------------

/** @template T @param {string} key @returns {Promise<T|undefined>} */
export async function getMeta(key) {
  const row = /** @type {{value: T}|undefined} */ (await get("meta", key));
  return row ? row.value : undefined;
}

/** Several kept values, read together. @template T @param {string[]} keys @returns {Promise<(T|undefined)[]>} */
export function getMetas(keys) {
  return tx("meta", "readonly", (t) => {
    const s = t.objectStore("meta");
    return Promise.all(keys.map((key) => done(s.get(key)).then((row) => /** @type {{value: T}|undefined} */ (row)?.value)));
  });
}

/** @param {string} key @param {unknown} value */
export function setMeta(key, value) {
  return put("meta", { key, value });
}

/**
 * Change one meta value inside a single transaction (read, modify, write), so answers
 * arriving together each keep their part instead of the last one writing over the rest.
 * @template T @param {string} key @param {(value: T|undefined) => T} fn @returns {Promise<T>}
 */
export function updateMeta(key, fn) {
  return tx("meta", "readwrite", async (t) => {
    const s = t.objectStore("meta");
    const row = /** @type {{value: T}|undefined} */ (await done(s.get(key)));
    const value = fn(row ? row.value : undefined);
    await done(s.put({ key, value }));
    return value;
  });
}

// --- inspections --------------------------------------------------------------------------

/** @param {string} id @returns {Promise<Inspection|undefined>} */
export function getInspection(id) {
  return get("inspections", id);
}

/** @param {InspectionStatus} status @returns {Promise<Inspection[]>} */
export function inspectionsWith(status) {
  return tx("inspections", "readonly", (t) =>
    done(t.objectStore("inspections").index("status").getAll(status)),
  );
}

/**
 * Change one record inside a single transaction (read, modify, write), so the page and the
 * service worker never overwrite each other's changes. `fn` returns false to skip.
 * @template T
 * @param {string} name the object store @param {string} id @param {(record: T) => boolean|void} fn
 * @param {IDBTransactionDurability} durability see `tx`
 * @returns {Promise<T|undefined>}
 */
function updateRecord(name, id, fn, durability) {
  return tx(
    name,
    "readwrite",
    async (t) => {
      const s = t.objectStore(name);
      const current = /** @type {T|undefined} */ (await done(s.get(id)));
      if (!current) return undefined;
      if (fn(current) === false) return current;
      await done(s.put(current));
      return current;
    },
    durability,
  );
}

/**
 * Change one inspection in a single transaction (`updateRecord`).
 * @param {string} id @param {(i: Inspection) => boolean|void} fn
 * @param {IDBTransactionDurability} [durability] see `tx`
 * @returns {Promise<Inspection|undefined>}
 */
export function updateInspection(id, fn, durability = "strict") {
  return updateRecord("inspections", id, fn, durability);
}

/**
 * Write one answer as it is given. `undefined` removes it.
 * @param {string} id @param {string} itemId @param {unknown} value
 */
export function setAnswer(id, itemId, value) {
  // Relaxed: committed once the OS has it, which a killed app keeps; a tap is not held up
  // by a disk flush (flushToDisk runs when the app goes to the background).
  return updateInspection(
    id,
    (i) => {
      if (i.status !== "draft") return false;
      if (value === undefined) delete i.answers[itemId];
      else i.answers[itemId] = value;
      i.updated_at = new Date().toISOString();
    },
    "relaxed",
  );
}

/** @param {string} id @param {string} itemId @param {string} note */
export function setNote(id, itemId, note) {
  return updateInspection(
    id,
    (i) => {
      if (i.status !== "draft") return false;
      if (note) i.notes[itemId] = note;
      else delete i.notes[itemId];
      i.updated_at = new Date().toISOString();
    },
    "relaxed",
  );
}

/**
 * Put on disk what relaxed writes (answers, notes) left with the operating system: one
 * strict transaction, whose flush of the browser's database log carries the earlier writes
 * with it. For when the app goes to the background, where the phone may lose power.
 */
export async function flushToDisk() {
  const d = await db();
  const t = d.transaction("meta", "readwrite", { durability: "strict" });
  t.objectStore("meta").put({ key: "flushed_at", value: new Date().toISOString() });
  await committed(t); // no change notice: nothing any screen shows has changed
}

/**
 * Set the photo evidence attached to one item (any kind; beside its answer). An empty list
 * removes the entry. Drafts made before evidence existed have no `photos` field.
 * @param {string} id @param {string} itemId @param {string[]} hashes
 */
export function setItemPhotos(id, itemId, hashes) {
  return updateInspection(id, (i) => {
    if (i.status !== "draft") return false;
    const photos = { ...(i.photos || {}) };
    if (hashes.length) photos[itemId] = [...new Set(hashes)];
    else delete photos[itemId];
    i.photos = photos;
    i.updated_at = new Date().toISOString();
  });
}

// --- photos -------------------------------------------------------------------------------

/** @param {Photo} photo */
export function putPhoto(photo) {
  return tx("photos", "readwrite", async (t) => {
    const s = t.objectStore("photos");
    const existing = await done(s.get(photo.hash));
    if (!existing) await done(s.put(photo));
  });
}

/** @param {string} hash @returns {Promise<Photo|undefined>} */
export function getPhoto(hash) {
  return get("photos", hash);
}

/**
 * Hashes of photos that an inspection's answers point to (photo items and signatures),
 * then those of the photo evidence attached to items, each once.
 * @param {Record<string, unknown>} answers @param {Set<string>} photoItems
 * @param {Record<string, string[]>} [evidence]
 */
export function photoHashes(answers, photoItems, evidence = {}) {
  /** @type {string[]} */
  const hashes = [];
  /** @param {unknown} value */
  const add = (value) => {
    for (const h of Array.isArray(value) ? value : [value]) {
      if (typeof h === "string" && h && !hashes.includes(h)) hashes.push(h);
    }
  };
  for (const [id, value] of Object.entries(answers)) if (photoItems.has(id)) add(value);
  for (const value of Object.values(evidence)) add(value);
  return hashes;
}

/**
 * Every string an inspection holds that may name a photo: its answers (whatever the item's
 * kind), its photo evidence and its team's signatures. Wider than `photoHashes`, for keeping photos, never sending.
 * @param {Inspection} i @returns {Set<string>}
 */
export function photoRefs(i) {
  const refs = new Set();
  const team = (i.team || []).map((m) => m.signature);
  for (const v of [...Object.values(i.answers || {}), ...Object.values(i.photos || {}), ...team]) {
    for (const x of Array.isArray(v) ? v : [v]) if (typeof x === "string") refs.add(x);
  }
  return refs;
}

/** Delete photos that no inspection, report of a fix or its form's draft points to any more
 * (after a discard); photos downloaded for viewing are kept. */
export async function deleteOrphanPhotos() {
  const inspections = /** @type {Inspection[]} */ (await all("inspections"));
  const fixes = /** @type {FixReport[]} */ (await all("fixes"));
  const meta = /** @type {{key: string, value: any}[]} */ (await all("meta"));
  const drafts = meta.filter((m) => String(m.key).startsWith(FIX_DRAFT)).map((m) => m.value?.photos || []);
  const used = new Set();
  for (const i of inspections) for (const x of photoRefs(i)) used.add(x);
  for (const f of fixes) for (const x of f.photos) used.add(x);
  for (const d of drafts) for (const x of d) used.add(x);
  await tx("photos", "readwrite", async (t) => {
    const s = t.objectStore("photos");
    const photos = /** @type {Photo[]} */ (await done(s.getAll()));
    for (const p of photos) if (!used.has(p.hash) && !p.remote) s.delete(p.hash);
  });
}

// --- reports of a fix ---------------------------------------------------------------------

const FIX_DRAFT = "fixdraft:";

/** The meta key of the fix form's draft for one action ({description, photos}). @param {number} actionId */
export const fixDraftKey = (actionId) => `${FIX_DRAFT}${actionId}`;

/** @param {FixReport} fix */
export function putFix(fix) {
  return put("fixes", fix);
}

/** @param {FixStatus} status @returns {Promise<FixReport[]>} */
export function fixesWith(status) {
  return tx("fixes", "readonly", (t) => done(t.objectStore("fixes").index("status").getAll(status)));
}

/**
 * Change one report in a single transaction (`updateRecord`).
 * @param {string} id @param {(f: FixReport) => boolean|void} fn
 * @returns {Promise<FixReport|undefined>}
 */
export function updateFix(id, fn) {
  return updateRecord("fixes", id, fn, "strict");
}

// --- change notifications -----------------------------------------------------------------

/** @type {BroadcastChannel|null} */
const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(CHANNEL) : null;
const local = new EventTarget();

/** @param {string[]} stores */
function changed(stores) {
  channel?.postMessage({ stores });
  local.dispatchEvent(new CustomEvent("change", { detail: { stores } }));
}

/**
 * Call `fn(stores)` whenever this context or another one (tab, service worker) wrote.
 * @param {(stores: string[]) => void} fn
 */
export function onChange(fn) {
  channel?.addEventListener("message", (e) => fn(e.data?.stores || []));
  local.addEventListener("change", (e) => fn(/** @type {CustomEvent} */ (e).detail.stores));
}
