"""The server as a real process: start-up, the command line, and durability under kill -9."""

from __future__ import annotations

import gc
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from server.settings import REPO_ROOT, Settings

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "SAFESCHOOL_DATA_DIR": str(data_dir),
        **extra,
    }


def _cli(
    data_dir: Path, *args: str, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=_env(data_dir, **env),
        cwd=REPO_ROOT,
        timeout=120,
    )


class Server:
    def __init__(self, data_dir: Path, command: str = "serve", *args: str, **env: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "server", command, "--port", str(self.port), *args],
            env=_env(data_dir, **env),
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.proc.stdout.read()}")  # type: ignore[union-attr]
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError("server did not start")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def admin_token(data_dir: Path) -> Iterator[str]:
    made = _cli(
        data_dir,
        "create-user",
        "root",
        "--role",
        "admin",
        "--password-stdin",
        stdin="a strong password\n",
    )
    assert made.returncode == 0, made.stderr
    yield "a strong password"


def test_help_lists_the_commands(data_dir: Path) -> None:
    result = _cli(data_dir, "--help")
    assert result.returncode == 0
    for command in (
        "serve",
        "demo",
        "check-forms",
        "import-facilities",
        "create-user",
        "revoke-sessions",
        "forms-schema",
        "restore",
    ):
        assert command in result.stdout


def test_acknowledged_writes_survive_kill_9(data_dir: Path, admin_token: str) -> None:
    server = Server(data_dir)
    try:
        login = httpx.post(
            server.url + "/api/auth/login", json={"username": "root", "password": admin_token}
        ).json()
        headers = {"Authorization": f"Bearer {login['token']}"}
        acknowledged: list[str] = []
        stop = threading.Event()

        def load() -> None:
            with httpx.Client(base_url=server.url, headers=headers, timeout=5) as http:
                n = 0
                while not stop.is_set():
                    n += 1
                    name = f"user-{n:05d}"
                    try:
                        r = http.post(
                            "/api/users",
                            json={"username": name, "role": "admin", "password": "long enough pw"},
                        )
                    except httpx.HTTPError:
                        return
                    if r.status_code == 201:
                        acknowledged.append(name)

        threads = [threading.Thread(target=load) for _ in range(2)]
        for t in threads:
            t.start()
        time.sleep(2.0)
        server.kill()  # while requests are in flight
        stop.set()
        for t in threads:
            t.join(timeout=10)
    finally:
        server.kill()
    assert len(acknowledged) > 5

    db = sqlite3.connect(data_dir / "safeschool.sqlite3")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = {r[0] for r in db.execute("SELECT username FROM users")}
    assert set(acknowledged) <= stored
    db.close()

    restarted = Server(data_dir)
    try:
        again = httpx.get(restarted.url + "/api/auth/me", headers=headers)
        assert again.status_code == 200  # the session acknowledged before the kill is there
    finally:
        restarted.kill()


def test_invalid_checklist_stops_start_up(data_dir: Path, tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "broken-list.v1.yaml").write_text(
        "id: broken-list\nversion: 1\ntitle: {vi: a, en: b}\napplies_to: [preschool]\n"
        "sections:\n  - id: s\n    title: {vi: a, en: b}\n    items:\n"
        "      - id: gate\n        kind: check\n        text: {vi: a, en: b}\n"
        "        legal_ref: x\n        weight: -1\n"
    )
    result = _cli(data_dir, "serve", "--port", str(_free_port()), SAFESCHOOL_FORMS_DIR=str(forms))
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "broken-list.v1.yaml" in output and "gate" in output
    check = _cli(data_dir, "check-forms", "--forms-dir", str(forms))
    assert check.returncode == 1
    assert "broken-list.v1.yaml" in check.stderr and "gate" in check.stderr
    assert _cli(data_dir, "check-forms").returncode == 0


def test_demo_creates_then_reuses_its_database(data_dir: Path) -> None:
    first = _cli(data_dir, "demo", "--no-serve")
    assert first.returncode == 0, first.stderr
    for username in ("admin", "so-giaoduc", "so-yte", "thanhtra", "mamnon-hoasen"):
        assert username in first.stdout
    db = sqlite3.connect(data_dir / "safeschool.sqlite3")
    counts = db.execute(
        "SELECT count(*), count(DISTINCT kind), count(DISTINCT commune_code) FROM facilities"
    ).fetchone()
    assert counts == (300, 7, 30)
    assert db.execute("SELECT count(DISTINCT role) FROM users").fetchone()[0] == 4
    # A department user of each agency that inspects together.
    agencies = {row[0] for row in db.execute("SELECT agency FROM users WHERE role = 'department'")}
    assert agencies == {"Sở Giáo dục và Đào tạo tỉnh Tuyên Quang", "Sở Y tế tỉnh Tuyên Quang"}
    results = dict(db.execute("SELECT result, count(*) FROM inspections GROUP BY result"))
    assert results.get("passed", 0) > 10 and results.get("failed", 0) > 5
    # They came through intake: each has its audit entry and nothing was set aside.
    audited = db.execute(
        "SELECT count(*) FROM audit_log WHERE action = 'inspection_created'"
    ).fetchone()[0]
    assert audited == sum(results.values())
    assert db.execute("SELECT count(*) FROM kept_aside").fetchone()[0] == 0
    db.close()
    second = _cli(data_dir, "demo", "--no-serve")
    assert second.returncode == 0, second.stderr
    db = sqlite3.connect(data_dir / "safeschool.sqlite3")
    assert db.execute("SELECT count(*) FROM facilities").fetchone()[0] == 300
    from server.demo import DEMO_LOGINS

    assert db.execute("SELECT count(*) FROM users").fetchone()[0] == len(DEMO_LOGINS)


def test_demo_refuses_a_database_with_real_accounts(data_dir: Path, admin_token: str) -> None:
    result = _cli(data_dir, "demo", "--no-serve")
    assert result.returncode != 0
    assert "not a demo database" in result.stderr


def test_demo_logins_work_over_http(data_dir: Path) -> None:
    assert _cli(data_dir, "demo", "--no-serve").returncode == 0
    server = Server(data_dir, "serve")
    try:
        from server.demo import DEMO_LOGINS

        for role, username, password in DEMO_LOGINS:
            r = httpx.post(
                server.url + "/api/auth/login", json={"username": username, "password": password}
            )
            assert r.status_code == 201
            assert r.json()["user"]["role"] == role
    finally:
        server.kill()


def test_changed_published_checklist_stops_start_up(data_dir: Path, tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    forms.mkdir()
    original = (REPO_ROOT / "forms" / "preschool-safety.v1.yaml").read_text(encoding="utf-8")
    (forms / "preschool-safety.v1.yaml").write_text(original, encoding="utf-8")
    first = _cli(data_dir, "demo", "--no-serve", SAFESCHOOL_FORMS_DIR=str(forms))
    assert first.returncode == 0, first.stderr
    (forms / "preschool-safety.v1.yaml").write_text(
        original.replace("threshold: 80", "threshold: 70"), encoding="utf-8"
    )
    result = _cli(data_dir, "serve", "--port", str(_free_port()), SAFESCHOOL_FORMS_DIR=str(forms))
    assert result.returncode == 1
    assert "preschool-safety.v1.yaml" in result.stderr
    assert "a new file with version 2" in result.stderr
    check = _cli(data_dir, "check-forms", SAFESCHOOL_FORMS_DIR=str(forms))
    assert check.returncode == 1
    assert "preschool-safety.v1.yaml" in check.stderr


def test_acknowledged_inspections_survive_kill_9_during_sync_load(data_dir: Path) -> None:
    import random

    from server.demo import DEMO_LOGINS, demo_facilities
    from server.forms.loader import load_file
    from server.inspections import synthetic

    assert _cli(data_dir, "demo", "--no-serve").returncode == 0
    checklist = load_file(REPO_ROOT / "forms" / "preschool-safety.v1.yaml")
    preschools = [str(f["code"]) for f in demo_facilities() if f["kind"] == "preschool"]
    _, username, password = next(login for login in DEMO_LOGINS if login[0] == "inspector")
    server = Server(data_dir)
    acknowledged: dict[str, str] = {}
    sent: dict[str, dict[str, object]] = {}
    try:
        token = httpx.post(
            server.url + "/api/auth/login", json={"username": username, "password": password}
        ).json()["token"]
        stop = threading.Event()

        def load(seed: int) -> None:
            rng = random.Random(seed)
            with httpx.Client(
                base_url=server.url, timeout=10, headers={"Authorization": f"Bearer {token}"}
            ) as http:
                while not stop.is_set():
                    batch = [
                        synthetic.record(checklist, rng.choice(preschools), rng) for _ in range(10)
                    ]
                    for record in batch:
                        sent[str(record["id"])] = record
                    try:
                        response = http.post("/api/sync/inspections", json={"records": batch})
                    except httpx.HTTPError:
                        return
                    for result in response.json()["results"]:
                        if result["outcome"] in ("created", "duplicate"):
                            acknowledged[result["id"]] = result["receipt"]["content_hash"]

        threads = [threading.Thread(target=load, args=(seed,)) for seed in range(3)]
        for t in threads:
            t.start()
        time.sleep(2.5)
        server.kill()
        stop.set()
        for t in threads:
            t.join(timeout=15)
    finally:
        server.kill()
    assert len(acknowledged) >= 20

    db = sqlite3.connect(data_dir / "safeschool.sqlite3")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = dict(db.execute("SELECT id, content_hash FROM inspections"))
    db.close()
    missing = [i for i in acknowledged if i not in stored]
    assert not missing, f"{len(missing)} acknowledged inspections lost"
    assert all(stored[i] == h for i, h in acknowledged.items())

    # After a restart, phones resending what they never heard back about get exact answers.
    restarted = Server(data_dir)
    try:
        unanswered = [sent[i] for i in sent if i not in acknowledged][:40]
        again = [sent[i] for i in list(acknowledged)[:10]]
        response = httpx.post(
            restarted.url + "/api/sync/inspections",
            json={"records": again + unanswered},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        outcomes = [r["outcome"] for r in response.json()["results"]]
        assert outcomes[: len(again)] == ["duplicate"] * len(again)
        assert set(outcomes[len(again) :]) <= {"created", "duplicate"}
    finally:
        restarted.kill()


def test_cli_errors_name_the_code(data_dir: Path, admin_token: str) -> None:
    bad = _cli(data_dir, "create-user", "x", "--role", "admin", "--password-stdin", stdin="short\n")
    assert bad.returncode == 1
    assert "user.invalid" in bad.stderr and "at least 10 characters" in bad.stderr
    long = _cli(data_dir, "create-user", "y", "--role", "admin", "--password-stdin",
                stdin="x" * 257 + "\n")  # fmt: skip
    assert long.returncode == 1
    assert "user.invalid" in long.stderr and "at most 256 characters" in long.stderr
    unknown = _cli(data_dir, "revoke-sessions", "nobody")
    assert unknown.returncode == 1 and "user.not_found" in unknown.stderr
    revoked = _cli(data_dir, "revoke-sessions", "root")
    assert revoked.returncode == 0 and "revoked 0 session(s) of root" in revoked.stdout


def test_two_worker_processes_store_a_batch_sent_through_both_exactly_once(
    data_dir: Path,
) -> None:
    import random
    from concurrent.futures import ThreadPoolExecutor

    from server.demo import DEMO_LOGINS, demo_facilities
    from server.forms.loader import load_file
    from server.inspections import synthetic

    assert _cli(data_dir, "demo", "--no-serve").returncode == 0
    checklist = load_file(REPO_ROOT / "forms" / "preschool-safety.v1.yaml")
    preschools = [str(f["code"]) for f in demo_facilities() if f["kind"] == "preschool"]
    _, username, password = next(login for login in DEMO_LOGINS if login[0] == "inspector")
    rng = random.Random(15)
    batch = [synthetic.record(checklist, rng.choice(preschools), rng) for _ in range(10)]
    server = Server(data_dir, "serve", "--workers", "2")
    try:
        children = Path(f"/proc/{server.proc.pid}/task/{server.proc.pid}/children")
        commands = [Path(f"/proc/{c}/cmdline").read_bytes() for c in children.read_text().split()]
        assert sum(b"spawn_main" in c for c in commands) == 2  # two workers (and a tracker)

        token = httpx.post(
            server.url + "/api/auth/login", json={"username": username, "password": password}
        ).json()["token"]

        def send(_: int) -> list[str]:
            # A new connection each time, so the kernel spreads them over both workers.
            response = httpx.post(
                server.url + "/api/sync/inspections",
                json={"records": batch},
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            )
            return [r["outcome"] for r in response.json()["results"]]

        with ThreadPoolExecutor(6) as pool:
            outcomes = [o for answer in pool.map(send, range(12)) for o in answer]
    finally:
        server.proc.send_signal(signal.SIGTERM)  # the supervisor stops its workers
        server.proc.wait(timeout=30)
    assert outcomes.count("created") == len(batch)
    assert outcomes.count("duplicate") == 11 * len(batch)
    db = sqlite3.connect(data_dir / "safeschool.sqlite3")
    ids = [str(r["id"]) for r in batch]
    marks = ", ".join("?" for _ in ids)
    stored = db.execute(f"SELECT count(*) FROM inspections WHERE id IN ({marks})", ids)
    assert stored.fetchone()[0] == len(batch)
    db.close()


def test_a_served_app_is_set_aside_from_the_cyclic_collector(settings: Settings) -> None:
    from server.app import serving_app

    before = gc.get_freeze_count()
    try:
        serving_app(settings)
        assert gc.get_freeze_count() > before  # a full collection skips the app's objects
    finally:
        gc.unfreeze()
