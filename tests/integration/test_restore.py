"""The restore drill: a server replicating with Litestream takes inspections and a photo,
dies by kill -9, and a fresh directory restored from its replica serves every acknowledged
inspection, its photo links and audit rows, and the photo itself. And the server refuses
to start on a damaged database or one of another schema."""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.replication import ReplicationError, litestream_binary, restore_database
from server.settings import REPO_ROOT
from tests.integration.test_photos import png
from tests.integration.test_process import Server, _cli, _free_port

pytestmark = pytest.mark.slow

PHOTO_ITEM = "hotline_111_poster_photo"


@pytest.fixture
def replica(tmp_path: Path) -> Iterator[dict[str, str]]:
    try:
        litestream_binary()
    except ReplicationError as exc:
        pytest.skip(str(exc))
    yield {
        "SAFESCHOOL_REPLICA_URL": (tmp_path / "replica").as_uri(),
        "SAFESCHOOL_FILES_REPLICA_DIR": str(tmp_path / "files"),
    }


def _replicators(config: Path) -> list[int]:
    """Running ``litestream replicate`` processes of this config."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"replicate" in command and str(config).encode() in command:
            found.append(int(entry.name))
    return found


def _sync(http: httpx.Client, records: list[dict[str, Any]]) -> dict[str, str]:
    """Acknowledged id -> content hash."""
    response = http.post("/api/sync/inspections", json={"records": records})
    assert response.status_code == 200, response.text
    return {
        r["id"]: r["receipt"]["content_hash"]
        for r in response.json()["results"]
        if r["outcome"] in ("created", "duplicate")
    }


def _wait_replicated(url: str, ids: set[str], scratch: Path, timeout: float = 90) -> None:
    """Restore the replica again and again until it holds every id in ``ids``."""
    deadline = time.monotonic() + timeout
    attempt = 0
    while True:
        attempt += 1
        copy = scratch / f"probe-{attempt}.sqlite3"
        try:
            restore_database(url, copy)
            db = sqlite3.connect(copy)
            present = {r[0] for r in db.execute("SELECT id FROM inspections")}
            db.close()
            if ids <= present:
                return
        except ReplicationError:
            pass  # nothing replicated yet
        assert time.monotonic() < deadline, "the replica never caught up"
        time.sleep(0.5)


def test_restore_drill_loses_nothing_acknowledged(tmp_path: Path, replica: dict[str, str]) -> None:
    from server.demo import DEMO_LOGINS, demo_facilities
    from server.forms.loader import load_file
    from server.inspections import synthetic

    data_dir = tmp_path / "data"
    assert _cli(data_dir, "demo", "--no-serve").returncode == 0
    checklist = load_file(REPO_ROOT / "forms" / "preschool-safety.v1.yaml")
    preschools = [str(f["code"]) for f in demo_facilities() if f["kind"] == "preschool"]
    _, username, password = next(login for login in DEMO_LOGINS if login[0] == "inspector")
    rng = random.Random(15)
    photo = png(seed=15)
    digest = hashlib.sha256(photo).hexdigest()

    server = Server(data_dir, **replica)
    try:
        token = httpx.post(
            server.url + "/api/auth/login", json={"username": username, "password": password}
        ).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=server.url, headers=headers, timeout=30) as http:
            put = http.put(f"/api/photos/{digest}", content=photo,
                           headers={"Content-Type": "image/png"})  # fmt: skip
            assert put.status_code == 201
            with_photo = synthetic.record(checklist, preschools[0], rng)
            with_photo["answers"][PHOTO_ITEM] = [digest]
            first = _sync(http, [with_photo])
            for _ in range(6):
                codes = rng.choices(preschools, k=10)
                first |= _sync(http, [synthetic.record(checklist, c, rng) for c in codes])
            assert with_photo["id"] in first and len(first) == 61
            _wait_replicated(replica["SAFESCHOOL_REPLICA_URL"], set(first), tmp_path)
            # A point in time between two batches, a little after the first was replicated.
            time.sleep(1.5)
            between = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            time.sleep(1.5)
            later = [synthetic.record(checklist, preschools[1], rng) for _ in range(10)]
            second = _sync(http, later)
            _wait_replicated(replica["SAFESCHOOL_REPLICA_URL"], set(second), tmp_path)
    finally:
        server.kill()  # kill -9
    config = data_dir / "litestream.yml"
    deadline = time.monotonic() + 20
    while _replicators(config) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _replicators(config), "litestream outlived the server"

    fresh = tmp_path / "fresh"
    restored = _cli(tmp_path / "unused", "restore", "--to", str(fresh), **replica)
    assert restored.returncode == 0, restored.stderr
    assert "integrity and schema ok" in restored.stdout
    acknowledged = first | second
    db = sqlite3.connect(fresh / "safeschool.sqlite3")
    stored = dict(db.execute("SELECT id, content_hash FROM inspections"))
    assert {i: stored.get(i) for i in acknowledged} == acknowledged
    audited = {r[0] for r in db.execute(
        "SELECT subject FROM audit_log WHERE action = 'inspection_created'")}  # fmt: skip
    assert set(acknowledged) <= audited
    links = db.execute("SELECT inspection_id FROM inspection_photos WHERE sha256 = ?", [digest])
    assert [r[0] for r in links] == [with_photo["id"]]
    db.close()
    assert (fresh / "photos" / digest[:2] / digest).read_bytes() == photo

    restarted = Server(fresh)  # from the restored copy alone, without replication
    try:
        http = httpx.Client(base_url=restarted.url, headers=headers, timeout=30)
        assert http.get("/api/auth/me").status_code == 200  # the session came back too
        shown = http.get(f"/api/inspections/{with_photo['id']}")
        assert shown.status_code == 200 and shown.json()["content_hash"] == first[with_photo["id"]]
        assert http.get(f"/api/photos/{digest}").content == photo
        http.close()
    finally:
        restarted.kill()

    # As of a point in time: the first batches, not the second.
    earlier = tmp_path / "earlier"
    as_of = _cli(tmp_path / "unused", "restore", "--to", str(earlier), "--timestamp", between,
                 **replica)  # fmt: skip
    assert as_of.returncode == 0, as_of.stderr
    db = sqlite3.connect(earlier / "safeschool.sqlite3")
    ids = {r[0] for r in db.execute("SELECT id FROM inspections")}
    db.close()
    assert set(first) <= ids and not set(second) & ids


def test_restore_refuses_a_directory_that_has_a_database(
    tmp_path: Path, replica: dict[str, str]
) -> None:
    data_dir = tmp_path / "data"
    assert _cli(data_dir, "demo", "--no-serve").returncode == 0
    refused = _cli(data_dir, "restore", "--to", str(data_dir), **replica)
    assert refused.returncode == 1 and "exists" in refused.stderr
    nothing = _cli(tmp_path / "x", "restore", "--to", str(tmp_path / "y"), **replica)
    assert nothing.returncode == 1 and "litestream restore" in nothing.stderr


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """A migrated database with an account, written by the command line."""
    data_dir = tmp_path / "data"
    made = _cli(data_dir, "create-user", "root", "--role", "admin", "--password-stdin",
                stdin="a strong password\n")  # fmt: skip
    assert made.returncode == 0, made.stderr
    return data_dir / "safeschool.sqlite3"


def test_serve_refuses_a_database_that_fails_integrity_check(database: Path) -> None:
    db = sqlite3.connect(database)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'audit_log'").fetchone()[0]
    db.close()
    with open(database, "r+b") as f:  # scribble over the audit log's first page
        f.seek((root - 1) * page_size + 8)
        f.write(os.urandom(200))
    result = _cli(database.parent, "serve", "--port", str(_free_port()))
    assert result.returncode == 1
    assert "fails PRAGMA quick_check" in result.stderr
    assert "will not start" in result.stderr


def test_serve_refuses_a_database_of_another_schema(database: Path) -> None:
    db = sqlite3.connect(database)
    db.execute("INSERT INTO schema_migrations VALUES (999, 'from a newer server', 'x')")
    db.commit()
    db.close()
    result = _cli(database.parent, "serve", "--port", str(_free_port()))
    assert result.returncode == 1
    assert "999 'from a newer server'" in result.stderr and "will not start" in result.stderr


def test_the_replicator_is_restarted_when_it_dies_and_stopped_with_the_server(
    tmp_path: Path, replica: dict[str, str]
) -> None:
    import signal

    from server.app import prepare_database
    from server.replication import Replicator
    from tests.conftest import make_settings

    settings = make_settings(tmp_path / "data", replica_url=replica["SAFESCHOOL_REPLICA_URL"])
    prepare_database(settings)
    replicator = Replicator(settings)
    replicator.start()
    try:
        first = replicator.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while replicator.pid == first and time.monotonic() < deadline:
            time.sleep(0.1)
        assert replicator.pid not in (None, first), "litestream was not restarted"
        while not list((tmp_path / "replica").rglob("*.ltx")):
            assert time.monotonic() < deadline, "the restarted litestream replicated nothing"
            time.sleep(0.2)
    finally:
        replicator.stop()
    assert not _replicators(settings.data_dir / "litestream.yml")
