"""WAL checkpoints off the request path.

SQLite's automatic checkpoint runs inside the COMMIT that takes the WAL past
``wal_autocheckpoint`` pages: that writer copies the WAL into the database file and syncs
it while it holds the write lock, and every other writer waits. A sync batch of 50
inspections writes about 780 pages, so nearly every batch paid for one. Instead a thread of
each app process runs a PASSIVE checkpoint after writes (it never waits for, nor blocks,
readers or the writer); the next batch runs meanwhile. Durability is unchanged: with
``synchronous = FULL`` a commit is on disk once the WAL is synced, checkpoint or not. The
app's connections keep a higher automatic checkpoint as a backstop (``BACKSTOP_PAGES``) in
case this thread falls behind.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger(__name__)

BACKSTOP_PAGES = 8000
"""``wal_autocheckpoint`` of connections whose process runs a checkpointer (SQLite's
default is 1,000): a commit checkpoints itself only when the WAL outgrows this (~32 MB)."""


class Checkpointer:
    """One thread and one connection: ``nudge()`` after a write; ``close()`` at shutdown.
    The thread starts with the first write, so an app that never writes has none."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._wanted = threading.Event()
        self._closing = False
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def nudge(self) -> None:
        with self._lock:
            if self._thread is None and not self._closing:
                self._thread = threading.Thread(
                    target=self._run, name="wal-checkpoint", daemon=True
                )
                self._thread.start()
        self._wanted.set()

    def close(self) -> None:
        with self._lock:
            self._closing = True
            thread = self._thread
        self._wanted.set()
        if thread is not None:
            thread.join(timeout=30)

    def _run(self) -> None:
        conn = sqlite3.connect(str(self._path), check_same_thread=False)
        try:
            while True:
                self._wanted.wait()
                if self._closing:
                    return
                # Writes that land while this one runs nudge again: one more pass.
                self._wanted.clear()
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as exc:  # the commit's backstop takes over meanwhile
                    log.warning("WAL checkpoint failed: %s", exc)
        finally:
            conn.close()
