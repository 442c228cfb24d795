"""Replication lag under sync load, and restore time, with Litestream.

On a copy of the benchmark data set, a real server process replicating to a file replica
receives batches of 50 inspections from 4 concurrent clients (as ``bench.sync_ingest``),
while ``litestream restore -f`` keeps a read-only copy following the replica (as a
province's reporting copy would). The lag of a batch is the time from its acknowledgement
(the HTTP response) to every one of its inspections being readable in the following copy;
it includes Litestream's 1 s sync interval and the follower's poll. The follower then
stops and the same load goes to the replicating server alone, then to the same database
served without replication, for comparison: on two cores the follower competes with the
server. Then ``python -m server restore`` brings the whole database back from the replica
into a fresh directory (``--restores`` times); its time is split into Litestream's restore
and the integrity check that ``restore`` and ``serve`` run.

    python -m bench.replication [--small] [--rounds 3] [--per-round 1000] [--restores 3]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import msgspec

from bench.national import NATIONAL, SMALL, build
from bench.sync_ingest import BATCH, CLIENTS, ServerProcess, make_rounds, token
from server.db import check_integrity, connect
from server.replication import litestream_binary, restore_database
from server.settings import REPO_ROOT, Settings

POLL_SECONDS = 0.05


class Follower:
    """``litestream restore -f``: a read-only copy that follows the replica; a thread notes
    when each awaited id becomes readable in it."""

    def __init__(self, replica_url: str, path: Path) -> None:
        self.path = path
        self.proc = subprocess.Popen(
            [litestream_binary(), "restore", "-f", "-follow-interval", "100ms",
             "-o", str(path), replica_url],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.awaited: dict[str, float] = {}  # id -> acknowledged at
        self.seen: dict[str, float] = {}  # id -> readable at
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._poll, daemon=True)
        self.thread.start()

    def await_ids(self, ids: list[str], acknowledged: float) -> None:
        with self.lock:
            self.awaited.update((i, acknowledged) for i in ids)

    def _poll(self) -> None:
        while not self.stop.wait(POLL_SECONDS):
            with self.lock:
                pending = [i for i in self.awaited if i not in self.seen]
            if not pending or not self.path.exists():
                continue
            try:
                db = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True)
                marks = ",".join("?" * len(pending))
                rows = db.execute(f"SELECT id FROM inspections WHERE id IN ({marks})", pending)
                found = [row[0] for row in rows]
                db.close()
            except sqlite3.Error:
                continue  # the follower is writing its first copy
            now = time.perf_counter()
            with self.lock:
                self.seen.update((i, now) for i in found)

    def inspections(self) -> int:
        """Inspections readable in the copy so far (-1 while it is not readable)."""
        try:
            db = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True)
            try:
                return int(db.execute("SELECT count(*) FROM inspections").fetchone()[0])
            finally:
                db.close()
        except sqlite3.Error:
            return -1

    def lags(self) -> list[float]:
        with self.lock:
            return [self.seen[i] - at for i, at in self.awaited.items() if i in self.seen]

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.proc.terminate()
        self.proc.wait(timeout=30)


def load(
    url: str, bearer: str, batches: list[list[dict[str, Any]]], follower: Follower | None
) -> tuple[float, int]:
    """Send every batch with CLIENTS senders, as phones do: what comes back ``retry`` (the
    server busy) is sent again. Each inspection is awaited by the follower from the response
    that acknowledged it. Returns the seconds the load took and the records retried."""
    retried = 0

    def send(batch: list[dict[str, Any]]) -> None:
        nonlocal retried
        with httpx.Client(timeout=120) as http:
            while batch:
                response = http.post(
                    url + "/api/sync/inspections",
                    content=msgspec.json.encode({"records": batch}),
                    headers={"Authorization": f"Bearer {bearer}",
                             "Content-Type": "application/json"},
                )  # fmt: skip
                acknowledged = time.perf_counter()
                results = response.json()["results"]
                done = [r["id"] for r in results if r["outcome"] == "created"]
                again = {r["id"] for r in results if r["outcome"] == "retry"}
                assert len(done) + len(again) == len(results), results[:2]
                if follower is not None:
                    follower.await_ids(done, acknowledged)
                retried += len(again)
                batch = [record for record in batch if record["id"] in again]

    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(send, batches))
    return time.perf_counter() - started, retried


def copy_database(source: Settings, directory: Path) -> Settings:
    db = connect(source.database_path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    settings = Settings.from_env({}, data_dir=directory)
    directory.mkdir(parents=True)
    shutil.copy(source.database_path, settings.database_path)
    return settings


def wait_for(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.1)


def timed_restore(replica_url: str, directory: Path) -> dict[str, float]:
    """Seconds for the whole ``python -m server restore``, for Litestream's restore alone
    and for the integrity check alone (each on its own fresh copy)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "server", "restore", "--to", str(directory / "restored"),
         "--from", replica_url],
        cwd=REPO_ROOT, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "SAFESCHOOL_DATA_DIR": str(directory / "unused")},
    )  # fmt: skip
    command = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    started = time.perf_counter()
    restore_database(replica_url, directory / "bare.sqlite3")
    litestream = time.perf_counter() - started
    started = time.perf_counter()
    check_integrity(directory / "bare.sqlite3")
    integrity = time.perf_counter() - started
    return {"command": command, "litestream": litestream, "integrity": integrity}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true", help="a tenth of national scale")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--per-round", type=int, default=1000)
    parser.add_argument("--restores", type=int, default=3, help="restores timed (0: none)")
    args = parser.parse_args()
    scale = SMALL if args.small else NATIONAL
    source = build(scale)
    province = "79"
    made = make_rounds(source, province, args.rounds * 3, args.per_round)
    rounds, replicated_alone, unreplicated = (
        made[n * args.rounds : (n + 1) * args.rounds] for n in range(3)
    )

    with tempfile.TemporaryDirectory(dir=source.data_dir.parent) as tmp:
        work = Path(tmp)
        settings = copy_database(source, work / "data")
        replica_url = (work / "replica").as_uri()
        size_mb = settings.database_path.stat().st_size / 1e6
        source_db = sqlite3.connect(settings.database_path)
        stored = int(source_db.execute("SELECT count(*) FROM inspections").fetchone()[0])
        source_db.close()
        started = time.perf_counter()
        server = ServerProcess(settings, SAFESCHOOL_REPLICA_URL=replica_url)
        follower = None
        try:
            wait_for(lambda: list((work / "replica").rglob("*.ltx")), 600, "the first snapshot")
            snapshot = time.perf_counter() - started
            follower = Follower(replica_url, work / "follower.sqlite3")
            # The lag is a caught-up follower's: its first copy of the whole database is
            # a restore, timed below, not part of it.
            wait_for(lambda: follower.inspections() >= stored, 900, "the follower's copy")
            bearer = token(server.url, f"insp-{province}")
            loads = [load(server.url, bearer, batches, follower) for batches in rounds]
            seconds = [elapsed for elapsed, _ in loads]
            sent = sum(len(b) for r in rounds for b in r)
            wait_for(lambda: len(follower.lags()) == sent, 120, "every inspection replicated")
            lags = sorted(follower.lags())
            follower.close()
            follower = None
            # Replication alone: the follower is a reader's copy, not part of the server.
            alone_replicated = [load(server.url, bearer, b, None) for b in replicated_alone]
        finally:
            if follower is not None:
                follower.close()
            server.stop()
        # The same load on the same database, served without replication, for comparison.
        server = ServerProcess(settings)
        try:
            bearer = token(server.url, f"insp-{province}")
            alone = [load(server.url, bearer, batches, None) for batches in unreplicated]
        finally:
            server.stop()
        restore = [timed_restore(replica_url, work / f"restore-{n}") for n in range(args.restores)]

    per_round = sum(len(b) for b in rounds[0])
    print(f"scale: {scale.facilities} facilities, {scale.inspections} inspections (+ new);"
          f" database {size_mb:,.0f} MB")  # fmt: skip
    print(f"first snapshot to the replica (server start included): {snapshot:.1f} s")
    print(f"load: {args.rounds} rounds x {per_round} inspections, batches of {BATCH},"
          f" {CLIENTS} clients; {statistics.median(per_round / s for s in seconds):,.0f}"
          f" inspections/s (median round); {sum(r for _, r in loads)} sent again after"
          " retry")  # fmt: skip
    print(f"the same load, replicated, the follower stopped: "
          f"{statistics.median(per_round / s for s, _ in alone_replicated):,.0f}"
          f" inspections/s (median round); {sum(r for _, r in alone_replicated)} sent"
          " again after retry")  # fmt: skip
    print(f"the same load without replication: "
          f"{statistics.median(per_round / s for s, _ in alone):,.0f} inspections/s"
          f" (median round); {sum(r for _, r in alone)} sent again after retry")  # fmt: skip
    print(f"replication lag, acknowledgement -> readable in the following copy, {len(lags)}"
          f" inspections: median {statistics.median(lags):.2f} s,"
          f" p90 {lags[int(len(lags) * 0.9)]:.2f} s, max {lags[-1]:.2f} s")  # fmt: skip
    for part in ("command", "litestream", "integrity") if restore else ():
        values = [r[part] for r in restore]
        print(f"restore, {part}: median {statistics.median(values):.1f} s"
              f" (of {', '.join(f'{v:.1f}' for v in values)})")  # fmt: skip


if __name__ == "__main__":
    main()
