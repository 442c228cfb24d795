"""SQLite connections and transactions (the migrations are in ``server.migrations``).

One connection per unit of work (a request, a CLI command). Every connection gets the same
pragmas: WAL so readers never block the writer, foreign keys on, a busy timeout so writers
queue instead of failing, and the configured ``synchronous`` level so that a write the server
has acknowledged is already on disk.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import sqlite_utils

from server import write_queue
from server.checkpoint import BACKSTOP_PAGES, Checkpointer
from server.settings import Settings

SQLITE_MAX_INTEGER = 2**63 - 1
"""The largest integer SQLite stores: bound every id a client sends by it (a larger one
raises OverflowError as a query parameter), and every offset (see ``page_offset``)."""


_Key = TypeVar("_Key", int, str)

_IN_BATCH = 500
"""Values per ``IN (…)``: well under SQLite's limit on a statement's variables."""


def in_batches(values: Iterable[_Key]) -> Iterator[tuple[list[_Key], str]]:
    """The distinct values, sorted, in batches of ``_IN_BATCH``, each with its placeholders
    (``?, ?, …``): one query per batch, never one per value."""
    unique = sorted(set(values))
    for start in range(0, len(unique), _IN_BATCH):
        batch = unique[start : start + _IN_BATCH]
        yield batch, ", ".join("?" for _ in batch)


def page_offset(page: int, per_page: int) -> int:
    """Rows to skip before a page. A page past the last row is empty, however large its
    number, as in the compliance list, which pages in Python."""
    return min((page - 1) * per_page, SQLITE_MAX_INTEGER)


class DatabaseUnsound(Exception):
    """The database must not be served: it is damaged, or its schema is not this server's."""


def connect(
    path: Path | str,
    *,
    synchronous: str = "FULL",
    busy_timeout_ms: int = 5000,
    autocheckpoint_pages: int = 1000,
) -> sqlite_utils.Database:
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=busy_timeout_ms / 1000)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA synchronous = {'FULL' if synchronous == 'FULL' else 'NORMAL'}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA wal_autocheckpoint = {int(autocheckpoint_pages)}")
    return sqlite_utils.Database(conn)


def connect_settings(
    settings: Settings, *, background_checkpoints: bool = False
) -> sqlite_utils.Database:
    """A connection with the configured pragmas. Litestream replicates from the WAL and
    checkpoints it itself, between its reads; a checkpoint by the app could race it (see
    server/replication.py), so with a replica the app never checkpoints. Otherwise a
    connection whose process runs a ``Checkpointer`` checkpoints only as a backstop."""
    pages = 1000
    if settings.replica_url:
        pages = 0
    elif background_checkpoints:
        pages = BACKSTOP_PAGES
    return connect(
        settings.database_path,
        synchronous=settings.db_synchronous,
        busy_timeout_ms=settings.db_busy_timeout_ms,
        autocheckpoint_pages=pages,
    )


def check_integrity(path: Path, *, quick: bool = False) -> None:
    """Raise ``DatabaseUnsound`` unless ``PRAGMA integrity_check`` finds nothing wrong: a
    damaged copy (a bad disk, a bad restore) is never served. Reads every page. ``quick``
    runs ``quick_check`` instead: the same page and record checks without cross-checking
    every index against its table, so a national database is checked at each start in a
    fraction of the time (``restore`` runs the full check on what it brings back)."""
    pragma = "quick_check" if quick else "integrity_check"
    conn = sqlite3.connect(path)
    try:
        problems = [row[0] for row in conn.execute(f"PRAGMA {pragma}(20)")]
    except sqlite3.DatabaseError as exc:  # not a database at all, or its header is damaged
        problems = [str(exc)]
    finally:
        conn.close()
    if problems != ["ok"]:
        raise DatabaseUnsound(f"{path} fails PRAGMA {pragma}: " + "; ".join(problems))


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """BEGIN IMMEDIATE … COMMIT: takes the write lock up front, so a read-then-write
    unit never fails half way with SQLITE_BUSY. Use raw SQL inside: sqlite-utils' own
    write helpers commit on their own and would end the transaction early. Writers queue
    first (``server.write_queue``); waiting longer than the busy timeout raises "database
    is locked", as SQLite itself would."""
    timeout_ms = db.conn.execute("PRAGMA busy_timeout").fetchone()[0]
    path = db.conn.execute("PRAGMA database_list").fetchone()[2]
    try:
        with write_queue.turn(path, timeout_ms / 1000):
            db.conn.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.conn.rollback()
                raise
            else:
                db.conn.commit()
    except write_queue.QueueTimeout as exc:
        raise sqlite3.OperationalError(f"database is locked ({exc})") from exc


@contextmanager
def savepoint_journals_in_memory(db: sqlite_utils.Database) -> Iterator[None]:
    """Within the block, keep the journal of each savepoint (the pages it changed, for
    ROLLBACK TO) in memory rather than in a temporary file: intake's savepoint per record
    cost some 40 file writes a record. That journal never serves crash recovery (the WAL
    does), so durability is the same. Not for the whole connection: ``temp_store`` also
    sends large sorts to memory."""
    db.execute("PRAGMA temp_store = MEMORY")
    try:
        yield
    finally:
        db.execute("PRAGMA temp_store = DEFAULT")


@contextmanager
def page_cache(db: sqlite_utils.Database, kib: int) -> Iterator[None]:
    """Within the block, a page cache of ``kib`` KiB instead of the connection's own
    (SQLite's default: 2 MB). A sync batch of 50 changes about 650 pages and reads as many
    again: in 2 MB SQLite wrote changed pages to the WAL before the commit to make room,
    and at the commit read every frame after the first of them back to rewrite their
    checksums, and it read evicted pages again (about 60 reads and 40 writes of the file a
    record, in process; half that in 16 MB). Back to the connection's own size afterwards,
    which frees the memory: the cache is emptied anyway when another connection writes."""
    before = int(db.execute("PRAGMA cache_size").fetchone()[0])
    db.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        db.execute(f"PRAGMA cache_size = {before}")


class ConnectionPool:
    """A few open connections shared by request threads, so each request skips the cost
    of opening SQLite and setting pragmas. A connection is used by one thread at a time.
    Unless Litestream checkpoints, a request that wrote nudges the pool's checkpointer, so
    commits do not checkpoint (see ``server.checkpoint``)."""

    def __init__(self, settings: Settings, size: int = 8) -> None:
        self._settings = settings
        self._size = size
        self._idle: list[sqlite_utils.Database] = []
        self._lock = threading.Lock()
        self._checkpointer = None if settings.replica_url else Checkpointer(settings.database_path)

    @contextmanager
    def connection(self) -> Iterator[sqlite_utils.Database]:
        with self._lock:
            db = self._idle.pop() if self._idle else None
        if db is None:
            db = connect_settings(
                self._settings, background_checkpoints=self._checkpointer is not None
            )
        changes = db.conn.total_changes
        try:
            yield db
        finally:
            if db.conn.in_transaction:
                db.conn.rollback()
            if self._checkpointer is not None and db.conn.total_changes != changes:
                self._checkpointer.nudge()
            with self._lock:
                if len(self._idle) < self._size:
                    self._idle.append(db)
                    db = None
            if db is not None:
                db.conn.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for db in idle:
            db.conn.close()
        if self._checkpointer is not None:
            self._checkpointer.close()
