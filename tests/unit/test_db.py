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


def test_checkpoints_are_left_to_litestream_while_it_replicates(tmp_path: Path) -> None:
    from server.db import connect_settings
    from tests.conftest import make_settings

    alone = connect_settings(make_settings(tmp_path))
    assert alone.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000  # SQLite's own
    replicated = make_settings(tmp_path, replica_url=(tmp_path / "replica").as_uri())
    db = connect_settings(replicated)
    assert db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0


def test_the_pool_checkpoints_after_writes_instead_of_the_commit(tmp_path: Path) -> None:
    """Its connections checkpoint only as a backstop; after a write, the database file on
    its own (without the WAL) soon holds the row. With Litestream, neither checkpoints."""
    import shutil
    import sqlite3
    import threading
    import time

    from server.checkpoint import BACKSTOP_PAGES
    from server.db import ConnectionPool
    from tests.conftest import make_settings

    def checkpointers() -> int:
        return sum(t.name == "wal-checkpoint" for t in threading.enumerate())

    settings = make_settings(tmp_path)
    setup = connect(settings.database_path)
    setup.execute("CREATE TABLE t (x INTEGER)")
    setup.conn.close()  # the last connection to close checkpoints: the file has the table
    before = checkpointers()
    pool = ConnectionPool(settings)
    try:
        with pool.connection() as db:
            assert db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == BACKSTOP_PAGES
            assert checkpointers() == before  # no thread until something is written
            with transaction(db):
                db.execute("INSERT INTO t (x) VALUES (42)")
        copy = tmp_path / "file-only.sqlite3"
        deadline = time.monotonic() + 10
        while True:
            shutil.copy(settings.database_path, copy)  # the WAL stays behind
            if sqlite3.connect(copy).execute("SELECT x FROM t").fetchall() == [(42,)]:
                break
            assert time.monotonic() < deadline, "no checkpoint after the write"
            time.sleep(0.05)
    finally:
        pool.close()
    assert checkpointers() == before
    replicated = ConnectionPool(make_settings(tmp_path, replica_url=(tmp_path / "r").as_uri()))
    try:
        with replicated.connection() as db:
            assert db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    finally:
        replicated.close()


def test_a_database_of_another_schema_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    from server.db import DatabaseUnsound

    db = connect(tmp_path / "a.sqlite3")
    newer = [*MIGRATIONS, Migration(MIGRATIONS[-1].version + 1, "newer", lambda d: None)]
    migrate(db, newer)
    with pytest.raises(DatabaseUnsound, match="newer"):
        migrate(db)
    db.execute("UPDATE schema_migrations SET name = 'renamed' WHERE version = 1")
    db.execute("DELETE FROM schema_migrations WHERE version > 1")
    db.conn.commit()
    with pytest.raises(DatabaseUnsound, match="1 'renamed'"):
        migrate(db)
    assert db.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == 1


def test_integrity_check_passes_a_sound_database_and_refuses_another_file(
    tmp_path: Path,
) -> None:
    from server.db import DatabaseUnsound, check_integrity

    db = connect(tmp_path / "a.sqlite3")
    migrate(db)
    db.conn.close()
    check_integrity(tmp_path / "a.sqlite3")
    (tmp_path / "b.sqlite3").write_bytes(b"not a database at all" * 100)
    with pytest.raises(DatabaseUnsound, match="integrity_check"):
        check_integrity(tmp_path / "b.sqlite3")


def _plan(db: sqlite_utils.Database, sql: str) -> str:
    return " ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}"))


def test_actions_are_found_by_their_opening_inspection_through_an_index(
    tmp_path: Path,
) -> None:
    db = connect(tmp_path / "a.sqlite3")
    migrate(db, [m for m in MIGRATIONS if m.version < 10])
    query = "SELECT count(*) FROM actions WHERE opened_by_inspection = 'x'"
    assert "actions_by_opening_inspection" not in _plan(db, query)
    assert migrate(db, [m for m in MIGRATIONS if m.version <= 10]) == [10]
    assert "USING COVERING INDEX actions_by_opening_inspection" in _plan(db, query)


def test_the_actions_index_migration_accepts_one_made_by_hand(tmp_path: Path) -> None:
    db = connect(tmp_path / "a.sqlite3")
    migrate(db, [m for m in MIGRATIONS if m.version < 10])
    db.execute("CREATE INDEX actions_by_opening_inspection ON actions (opened_by_inspection)")
    db.conn.commit()
    assert migrate(db, [m for m in MIGRATIONS if m.version <= 10]) == [10]
    names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")]
    assert names.count("actions_by_opening_inspection") == 1


def test_unresolved_actions_are_counted_from_the_index_alone(tmp_path: Path) -> None:
    """The lists' per-site counts (actions.store.counts) read no action row."""
    db = connect(tmp_path / "a.sqlite3")
    migrate(db, [m for m in MIGRATIONS if m.version < 11])
    query = (
        "SELECT facility_code, count(*), sum(state = 'open' AND due_date < '2026-12-02'),"
        " min(due_date) FROM actions WHERE state IN ('open', 'fix_reported')"
        " AND facility_code IN ('a', 'b') GROUP BY facility_code"
    )
    assert "COVERING" not in _plan(db, query)
    assert migrate(db, [m for m in MIGRATIONS if m.version <= 11]) == [11]
    assert "USING COVERING INDEX actions_due_by_facility" in _plan(db, query)
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "actions_by_facility" not in names


def test_photo_links_are_read_by_photo_and_no_longer_indexed_by_inspection(
    tmp_path: Path,
) -> None:
    db = connect(tmp_path / "a.sqlite3")
    migrate(db, [m for m in MIGRATIONS if m.version < 12])
    assert migrate(db, [m for m in MIGRATIONS if m.version <= 12]) == [12]
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "idx_inspection_photos_inspection" not in names
    query = "SELECT inspection_id FROM inspection_photos WHERE sha256 = 'x'"
    assert "USING PRIMARY KEY (sha256=?)" in _plan(db, query)


def _devices_lookup(db: sqlite_utils.Database, **audience: object) -> str:
    """The statement that finds a notice's devices, as it runs (arguments bound)."""
    from server.auth.store import enabled_ids, live_session
    from server.push.store import devices_for

    seen: list[str] = []
    db.conn.set_trace_callback(seen.append)
    devices_for(
        db,
        enabled_ids(**audience),
        lambda column: live_session(column, "2026-12-02T00:00:00Z"),
        "action_due",
    )
    db.conn.set_trace_callback(None)
    [statement] = [s for s in seen if "push_subscriptions" in s]
    return statement


def test_a_notices_devices_are_found_without_scanning_accounts_or_sessions(
    tmp_path: Path,
) -> None:
    """Each notice looks its devices up inside intake's write lock: a scan of the 60,000
    facility accounts or of every session there cost milliseconds a notice nationally."""
    db = connect(tmp_path / "a.sqlite3")
    migrate(db, [m for m in MIGRATIONS if m.version < 13])
    facility = _devices_lookup(db, role="facility", facility_code="F-1")
    department = _devices_lookup(db, role="department", province_code="08")
    assert "SCAN users" in _plan(db, facility)
    assert migrate(db, [m for m in MIGRATIONS if m.version <= 13]) == [13]
    for statement in (facility, department):
        plan = _plan(db, statement)
        assert "SCAN users" not in plan and "SCAN sessions" not in plan, plan
    assert "USING INDEX users_by_facility" in _plan(db, facility)
    assert "USING INDEX users_by_province" in _plan(db, department)


def test_savepoint_journals_stay_in_memory_only_within_the_block(tmp_path: Path) -> None:
    """Intake's savepoint per record journals in memory, not in temporary files; the
    connection goes back to the default afterwards (large sorts must not go to memory)."""
    from server.db import savepoint_journals_in_memory

    db = connect(tmp_path / "a.sqlite3")
    migrate(db)
    with savepoint_journals_in_memory(db), transaction(db):
        assert db.execute("PRAGMA temp_store").fetchone()[0] == 2  # MEMORY
        db.execute("SAVEPOINT record")
        db.execute("INSERT INTO meta (key, value) VALUES ('a', 'b')")
        db.execute("ROLLBACK TO record")
        db.execute("RELEASE record")
    assert db.execute("PRAGMA temp_store").fetchone()[0] == 0  # DEFAULT
    assert db.execute("SELECT count(*) FROM meta WHERE key = 'a'").fetchone()[0] == 0


def test_a_page_cache_of_its_own_only_within_the_block(tmp_path: Path) -> None:
    from server.db import page_cache

    db = connect(tmp_path / "a.sqlite3")
    own = db.execute("PRAGMA cache_size").fetchone()[0]
    with page_cache(db, 16384):
        assert db.execute("PRAGMA cache_size").fetchone()[0] == -16384  # KiB
    assert db.execute("PRAGMA cache_size").fetchone()[0] == own


def test_the_actions_an_inspection_opened_are_counted_among_its_sites(tmp_path: Path) -> None:
    """Migration 15 dropped the index by opening inspection, which each action written went
    into at a random place: push counts an inspection's actions through the index by site,
    as intake finds a site's unresolved ones."""
    db = connect(tmp_path / "a.sqlite3")
    migrate(db)
    indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert not indexes & {"actions_by_opening_inspection", "idx_insp_inspector"}
    for query in (
        "SELECT count(*), min(due_date) FROM actions"
        " WHERE facility_code = 'a' AND opened_by_inspection = 'x'",
        "SELECT id, item_id, state, opened_by_inspection FROM actions WHERE facility_code = 'a'"
        " AND form_id = 'f' AND state IN ('open', 'fix_reported') ORDER BY id",
    ):
        assert "SEARCH actions USING INDEX" in _plan(db, query), query
        assert "(facility_code=?" in _plan(db, query), query
