"""The files beside the database, copied to ``SAFESCHOOL_FILES_REPLICA_DIR``: the photos
and the push key. Litestream replicates the database only.

A photo is stored under its content hash and never changes, so a copy is made once and a
file present under its name is done. Each upload is copied as it is stored (so an
acknowledged photo is already in the replica), and a sweep at start-up and every few
minutes copies whatever an upload could not (the replica's disk away for a while). The
replica mirrors the data directory's layout: restoring is copying it back.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import threading
from pathlib import Path

from server.db import connect_settings
from server.photos.store import all_hashes, photo_path, write_durably
from server.push.keys import KEY_FILE
from server.settings import Settings

log = logging.getLogger(__name__)

SWEEP_SECONDS = 300.0


def copy_photo(photos_dir: Path, replica_dir: Path, sha256: str) -> bool:
    """Copy one stored photo to the replica unless it is there; True when copied. A file
    whose bytes no longer match its name is not copied: a damaged original stays local."""
    target = photo_path(replica_dir / "photos", sha256)
    if target.exists():
        return False
    data = photo_path(photos_dir, sha256).read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        log.error("photo %s is damaged on disk; not copied to the replica", sha256)
        return False
    write_durably(target, data)
    return True


def copy_after_upload(settings: Settings, sha256: str) -> None:
    """After an upload: copy it now. A failure is logged, not raised (the photo is stored;
    the next sweep copies it)."""
    if settings.files_replica_dir is None:
        return
    try:
        copy_photo(settings.photos_dir, settings.files_replica_dir, sha256)
    except OSError:
        log.exception("photo %s not copied to the replica yet", sha256)


def sweep(settings: Settings) -> int:
    """Copy every stored photo (every row of ``photos``) and the push key that the replica
    lacks; returns how many files were copied."""
    replica_dir = settings.files_replica_dir
    if replica_dir is None:
        return 0
    db = connect_settings(settings)
    try:
        hashes = all_hashes(db)
    finally:
        db.conn.close()
    copied = sum(copy_photo(settings.photos_dir, replica_dir, sha256) for sha256 in hashes)
    key = settings.data_dir / KEY_FILE
    if key.exists() and not (replica_dir / KEY_FILE).exists():
        write_durably(replica_dir / KEY_FILE, key.read_bytes())
        (replica_dir / KEY_FILE).chmod(0o600)
        copied += 1
    return copied


def restore_files(replica_dir: Path, data_dir: Path) -> int:
    """Copy the replica's photos and push key into a data directory; returns the count.
    Nothing else there is taken (the replica may be the root of a shared disk)."""
    sources = [p for p in (replica_dir / "photos").rglob("*") if p.is_file()]
    sources += [replica_dir / KEY_FILE] if (replica_dir / KEY_FILE).is_file() else []
    copied = 0
    for source in sorted(sources):
        if not source.name.endswith(".part"):  # a copy cut short
            target = data_dir / source.relative_to(replica_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
            copied += 1
    return copied


class Sweeper:
    """``sweep`` at start-up and every ``SWEEP_SECONDS`` in a background thread."""

    def __init__(self, settings: Settings, interval: float = SWEEP_SECONDS) -> None:
        self._settings = settings
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="files-replica", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                copied = sweep(self._settings)
                if copied:
                    log.info("files replica: %s file(s) copied", copied)
            except Exception:  # a replica disk away for a while: try again next time
                log.exception("files replica sweep failed")
            if self._stop.wait(self._interval):
                return

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
