"""Writers of one database queue across processes (serve --workers N) on its lock file."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from server import write_queue
from server.db import connect, transaction


def _hold_turn(database: str, holding: Any, release: Any) -> None:
    """Another worker process: takes the turn and keeps it until told."""
    with write_queue.turn(database, timeout=5):
        holding.set()
        release.wait(10)


@pytest.fixture
def other_process_writing(tmp_path: Path) -> Any:
    path = tmp_path / "app.sqlite3"
    connect(path).execute("CREATE TABLE t (x INTEGER)")
    context = multiprocessing.get_context("spawn")
    holding, release = context.Event(), context.Event()
    process = context.Process(target=_hold_turn, args=(str(path), holding, release))
    process.start()
    assert holding.wait(30)
    yield path, release
    release.set()
    process.join(10)


def test_a_writer_waits_for_another_processs_turn_and_then_writes(
    other_process_writing: Any,
) -> None:
    path, release = other_process_writing
    # The other process holds no SQLite lock yet (it has not begun), so only the queue
    # can make this writer wait.
    db = connect(path, busy_timeout_ms=300)
    locked = pytest.raises(sqlite3.OperationalError, match="writers queued in other processes")
    with locked, transaction(db):
        db.execute("INSERT INTO t VALUES (1)")
    assert db.execute("SELECT count(*) FROM t").fetchone()[0] == 0

    release.set()
    db = connect(path, busy_timeout_ms=10_000)
    with transaction(db):
        db.execute("INSERT INTO t VALUES (2)")
    assert db.execute("SELECT x FROM t").fetchall() == [(2,)]


def test_an_in_memory_database_queues_its_threads_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    db = connect(":memory:")
    db.execute("CREATE TABLE t (x INTEGER)")
    with transaction(db):
        db.execute("INSERT INTO t VALUES (1)")
    assert db.execute("SELECT x FROM t").fetchall() == [(1,)]
    assert list(tmp_path.iterdir()) == []  # no lock file: no other process can share it


def test_without_a_lock_file_the_writer_relies_on_sqlite_alone(tmp_path: Path) -> None:
    """Where the lock file cannot be made, the turn still comes (SQLite's locking decides)."""
    unwritable = tmp_path / "missing-directory" / "app.sqlite3"
    with write_queue.turn(str(unwritable), timeout=1):
        pass
    assert not unwritable.parent.exists()
