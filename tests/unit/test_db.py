from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils

from server.db import connect, transaction
from server.migrations import MIGRATIONS, Migration, migrate


def test_migrations_run_twice_without_harm(tmp_path: Path) -> None:
    db = connect(tmp_path / "a.sqlite3")
    assert migrate(db) == [m.version for m in MIGRATIONS]
    tables = set(db.table_names())
    provinces = db.execute("SELECT count(*) FROM provinces").fetchone()[0]
    assert migrate(db) == []
    assert set(db.table_names()) == tables
    assert db.execute("SELECT count(*) FROM provinces").fetchone()[0] == provinces == 34


def test_a_later_migration_applies_on_an_existing_database(tmp_path: Path) -> None:
    db = connect(tmp_path / "a.sqlite3")
    migrate(db)

    def add_notes(d: sqlite_utils.Database) -> None:
        d.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")

    extra = [*MIGRATIONS, Migration(MIGRATIONS[-1].version + 1, "notes", add_notes)]
    assert migrate(db, extra) == [extra[-1].version]
    assert "notes" in db.table_names()
    assert migrate(db, extra) == []


def test_a_failing_migration_leaves_nothing_behind(tmp_path: Path) -> None:
    db = connect(tmp_path / "a.sqlite3")
    migrate(db)

    def broken(d: sqlite_utils.Database) -> None:
        d.execute("CREATE TABLE half (id INTEGER)")
        d.execute("THIS IS NOT SQL")

    with pytest.raises(Exception, match="syntax"):
        migrate(db, [*MIGRATIONS, Migration(99, "broken", broken)])
    assert "half" not in db.table_names()
    assert 99 not in [r[0] for r in db.execute("SELECT version FROM schema_migrations")]


def test_connections_are_durable_and_checked(tmp_path: Path) -> None:
    db = connect(tmp_path / "a.sqlite3", synchronous="FULL", busy_timeout_ms=1234)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 1234
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    db = connect(tmp_path / "a.sqlite3")
    migrate(db)
    with pytest.raises(Exception, match="FOREIGN KEY"), transaction(db):
        db.execute("INSERT INTO communes (code, province_code, name) VALUES ('x', 'nope', 'X')")


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    db = connect(tmp_path / "a.sqlite3")
    migrate(db)
    with pytest.raises(RuntimeError), transaction(db):
        db.execute("INSERT INTO meta (key, value) VALUES ('a', 'b')")
        raise RuntimeError("boom")
    assert db.execute("SELECT count(*) FROM meta").fetchone()[0] == 0
