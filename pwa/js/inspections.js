// An inspection's life on the phone: draft → completed (queued, a frozen record) → sending →
// received | needs attention. Only the user removes one (discard asks first).

import { getSession } from "./api.js";
import { allItems, isAnswered } from "./conditions.js";
import { uuid4 } from "./dom.js";
import { failures, requests, vietnamDay } from "./follow-up.js";
import { limits } from "./limits.js";
import { notYetReceived } from "./outbox.js";
import { score } from "./scoring.js";
import * as store from "./store.js";

/** @typedef {import("./store.js").Inspection} Inspection */
/** @typedef {import("./data.js").Form} Form */
/** @typedef {import("./data.js").Facility} Facility */

/**
 * @param {Pick<Facility, "code"|"name">} facility @param {Form} form
 * @param {Pick<Inspection, "team"|"plan_visit">} [from] a planned visit's team and id
 * @returns {Promise<Inspection>}
 */
export async function startDraft(facility, form, from = {}) {
  const now = new Date().toISOString();
  const session = await getSession();
  /** The account that started it (js/account.js): only it sees the draft. @type {Inspection & {owner?: string}} */
  const inspection = {
    id: uuid4(),
    owner: session?.user?.username,
    status: "draft",
    facility_code: facility.code,
    facility_name: facility.name,
    form_id: form.id,
    form_version: form.version,
    started_at: now,
    updated_at: now,
    completed_at: null,
    answers: {},
    notes: {},
    photos: {},
    location: null,
    supersedes: null,
    ...from,
  };
  await store.put("inspections", inspection);
  return inspection;
}

/** Items whose answers are photo hashes. @param {Form} form */
export function photoItemIds(form) {
  return new Set(
    allItems(form.definition)
      .filter((i) => i.kind === "photo" || i.kind === "signature")
      .map((i) => i.id),
  );
}

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Photo evidence as the record carries it: items with at least one photo, each hash once.
 * @param {Inspection} i @returns {Record<string, string[]>}
 */
export function evidence(i) {
  /** @type {Record<string, string[]>} */
  const out = {};
  for (const [id, hashes] of Object.entries(i.photos || {})) {
    const list = [...new Set((Array.isArray(hashes) ? hashes : []).filter((x) => typeof x === "string" && SHA256.test(x)))];
    if (list.length) out[id] = list;
  }
  return out;
}

/**
 * The record the server receives, built once when the inspection is completed and sent
 * unchanged on every retry. "No answer" values (null, "", []) are left out, and so are
 * `photos` when no item has photo evidence, `team` when no team was written and `actions`
 * when nothing failed (the record is then what it was before).
 * @param {Inspection} i @param {string} completedAt
 * @param {import("./follow-up.js").ActionRequest[]} [actions] the corrective actions required
 */
export function buildRecord(i, completedAt, actions = []) {
  /** @type {Record<string, unknown>} */
  const answers = {};
  for (const [id, value] of Object.entries(i.answers)) if (isAnswered(value)) answers[id] = value;
  /** @type {Record<string, string>} */
  const notes = {};
  for (const [id, note] of Object.entries(i.notes)) if (note && note.trim()) notes[id] = note;
  const photos = evidence(i);
  return {
    id: i.id,
    facility_code: i.facility_code,
    form_id: i.form_id,
    form_version: i.form_version,
    started_at: i.started_at,
    completed_at: completedAt,
    answers,
    notes,
    ...(Object.keys(photos).length ? { photos } : {}),
    location: i.location,
    supersedes: i.supersedes,
    ...(i.team && i.team.length ? { team: i.team.map(teamMember) } : {}),
    ...(actions.length ? { actions } : {}),
  };
}

/** A member as the record carries it. @param {import("./store.js").TeamMember} m */
function teamMember(m) {
  return { name: m.name.trim(), agency: m.agency.trim(), role: m.role, signature: m.signature };
}

/**
 * Move a draft to the outbox (the caller has checked the required items).
 * @param {string} id @param {Form} form
 */
export async function complete(id, form) {
  const photoItems = photoItemIds(form);
  const days = await limits();
  return store.updateInspection(id, (i) => {
    if (i.status !== "draft") return false;
    const now = new Date();
    const completedAt = now.toISOString();
    const result = score(form.definition, i.answers);
    const failed = failures(form.definition, i.answers, result.visible);
    i.record = buildRecord(i, completedAt, requests(failed, i.actions || {}, vietnamDay(now), days));
    i.completed_at = completedAt;
    i.updated_at = completedAt;
    i.preview = { score_display: result.score_display, result: result.result };
    const record = /** @type {any} */ (i.record);
    const signatures = (record.team || []).map((/** @type {{signature: string}} */ m) => m.signature);
    i.photo_hashes = [...new Set([...store.photoHashes(record.answers, photoItems, record.photos || {}), ...signatures])];
    i.status = "queued";
    i.error = null;
    i.receipt = null;
  });
}

/**
 * Correct an inspection the server received: a new draft with a new id, pre-filled from it,
 * that syncs as its amendment (`supersedes`). Null when it cannot be amended from here (not
 * received, or an amendment of it is already on this phone).
 * @param {string} id @returns {Promise<Inspection|null>}
 */
export async function amend(id) {
  const original = await store.getInspection(id);
  if (!original || original.status !== "received") return null;
  if ((await store.all("inspections")).some((i) => i.supersedes === id)) return null;
  const now = new Date().toISOString();
  /** @type {Inspection} */
  const draft = {
    id: uuid4(),
    status: "draft",
    facility_code: original.facility_code,
    facility_name: original.facility_name,
    form_id: original.form_id,
    form_version: original.form_version,
    started_at: now,
    updated_at: now,
    completed_at: null,
    answers: structuredClone(original.answers),
    notes: structuredClone(original.notes),
    photos: structuredClone(original.photos || {}),
    location: original.location,
    supersedes: original.id,
    ...(original.team ? { team: structuredClone(original.team) } : {}),
    ...(original.actions ? { actions: structuredClone(original.actions) } : {}),
  };
  await store.put("inspections", draft);
  return draft;
}

/** A rejected inspection goes back to being a draft with the same id, to be corrected. */
/** @param {string} id */
export function reopen(id) {
  return store.updateInspection(id, (i) => {
    if (i.status !== "attention") return false;
    i.status = "draft";
    i.record = null;
    i.completed_at = null;
    i.updated_at = new Date().toISOString();
  });
}

/**
 * After a conflict (the server holds other content under this id), send the phone's
 * content as a new inspection with a new id; the old entry is replaced by the new one.
 * @param {string} id @returns {Promise<string|null>} the new id
 */
export async function resendAsNew(id) {
  const old = await store.getInspection(id);
  if (!old || old.status !== "attention" || !old.record) return null;
  const newId = uuid4();
  await store.tx("inspections", "readwrite", async (t) => {
    const s = t.objectStore("inspections");
    const copy = structuredClone(old);
    copy.id = newId;
    copy.record = { .../** @type {object} */ (old.record), id: newId };
    copy.status = "queued";
    copy.error = null;
    copy.attempts = 0;
    copy.replaces = id;
    await store.done(s.put(copy));
    await store.done(s.delete(id));
  });
  return newId;
}

/** Remove an inspection from this phone; only ever called after the user confirmed. */
/** @param {string} id */
export async function remove(id) {
  await store.del("inspections", id);
  await store.deleteOrphanPhotos();
}

/** @param {Blob} blob @returns {Promise<string>} */
function base64(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

/**
 * Everything not yet received (drafts, outbox, needs attention, photos not uploaded, the
 * photo evidence of items included) as one JSON document: the escape hatch when a phone must be handed in.
 */
export async function exportPending() {
  /** @type {Inspection[]} */
  const inspections = (await store.all("inspections")).filter(
    (i) => i.status === "draft" || notYetReceived(i),
  );
  const hashes = new Set();
  for (const i of inspections) for (const x of store.photoRefs(i)) if (SHA256.test(x)) hashes.add(x);
  const photos = [];
  for (const hash of hashes) {
    const p = await store.getPhoto(hash);
    if (p && !p.uploaded) photos.push({ hash, type: p.type, size: p.size, base64: await base64(p.blob) });
  }
  const session = await store.getMeta("session");
  return {
    format: "safeschool-export/1",
    exported_at: new Date().toISOString(),
    user: session ? /** @type {any} */ (session).user?.username ?? null : null,
    inspections,
    photos,
  };
}
