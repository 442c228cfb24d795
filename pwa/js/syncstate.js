// What the phone can honestly say about sending: when the last attempt failed (and why is
// shown elsewhere), else when it last succeeded. Reads the "sync" meta the outbox keeps.

import { t, when } from "./i18n.js";
import * as store from "./store.js";

/**
 * The sync line: "Lần gửi cuối thất bại lúc …" when the last attempt did not get through,
 * then the last success.
 * @param {{last_attempt_at?: string|null, last_ok_at?: string|null, last_problem?: string|null}} sync
 * @returns {string[]}
 */
export function syncLines(sync) {
  const failed = Boolean(sync.last_problem && sync.last_attempt_at && sync.last_attempt_at !== sync.last_ok_at);
  const lines = failed ? [t("sync.failedAt", { time: when(sync.last_attempt_at) })] : [];
  lines.push(t("outbox.lastOk", { time: when(sync.last_ok_at) }));
  return lines;
}

/** The lines for what the phone knows now. */
export async function currentSyncLines() {
  return syncLines((await store.getMeta("sync")) || {});
}
