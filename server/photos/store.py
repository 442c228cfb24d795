"""Photo evidence, stored by content hash: an upload is idempotent (the same bytes have the
same address) and a damaged upload is detected (its hash differs).

The only module that reads or writes ``photos`` and ``inspection_photos`` (besides the
migrations). The links stay here rather than with the inspections: they exist for one
question, who may see a photo, and are written by intake (``link``, inside its
transaction) and by the migrations that backfilled them (``attached``, ``link``).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import sqlite_utils

from server.actions import store as actions
from server.auth.principal import Principal
from server.clock import utcnow
from server.db import transaction
from server.errors import AppError, ErrorCode
from server.facilities import store as facilities
from server.inspections import store as inspections

# The image types phones produce; recognised by their first bytes, never by a name.
_SIGNATURES: list[tuple[bytes, int, str]] = [
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"WEBP", 8, "image/webp"),
]


_SHA256 = re.compile(r"[0-9a-f]{64}")


def sniff(data: bytes) -> str | None:
    for magic, offset, media_type in _SIGNATURES:
        if data[offset : offset + len(magic)] == magic:
            if media_type == "image/webp" and not data.startswith(b"RIFF"):
                continue
            return media_type
    return None


def photo_path(photos_dir: Path, sha256: str) -> Path:
    return photos_dir / sha256[:2] / sha256


def write_durably(path: Path, data: bytes) -> None:
    """Write to a temporary name, fsync, rename, fsync the directory: after this returns
    the photo survives a crash, and a half-written file never has the real name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".part")
    with open(temporary, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def exists(db: sqlite_utils.Database, sha256: str) -> bool:
    return db.execute("SELECT 1 FROM photos WHERE sha256 = ?", [sha256]).fetchone() is not None


def save(
    db: sqlite_utils.Database, photos_dir: Path, sha256: str, data: bytes, user_id: int
) -> bool:
    """Store a photo; returns False when it was already there."""
    if hashlib.sha256(data).hexdigest() != sha256:
        raise AppError(ErrorCode.PHOTO_HASH_MISMATCH)
    media_type = sniff(data)
    if media_type is None:
        raise AppError(ErrorCode.PHOTO_TYPE)
    if exists(db, sha256):
        return False
    write_durably(photo_path(photos_dir, sha256), data)
    with transaction(db):
        db.execute(
            "INSERT OR IGNORE INTO photos (sha256, media_type, size, uploaded_by, uploaded_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [sha256, media_type, len(data), user_id, utcnow()],
        )
    return True


def attached(
    photo_items: Iterable[str],
    answers: Mapping[str, Any],
    evidence: Mapping[str, Any],
    signatures: Iterable[str] = (),
) -> set[str]:
    """The photos an inspection attaches: the answers of its photo and signature items, the
    evidence beside any item (``photos``) and the team's signatures. Nothing else in a
    record (a note, a text) attaches one."""
    hashes: set[str] = set(signatures)
    for value in [*(answers.get(item) for item in photo_items), *evidence.values()]:
        values = value if isinstance(value, list) else [value]
        hashes.update(v for v in values if isinstance(v, str) and v)
    return hashes


def link(db: sqlite_utils.Database, inspection_id: str, hashes: Iterable[str]) -> None:
    """Record which photos an inspection attaches; inside the caller's transaction."""
    db.conn.executemany(
        "INSERT OR IGNORE INTO inspection_photos (sha256, inspection_id) VALUES (?, ?)",
        [(sha256, inspection_id) for sha256 in sorted(set(hashes))],
    )


def visible_type(db: sqlite_utils.Database, who: Principal, sha256: str) -> str:
    """A photo's type, for its uploader, an admin, or anyone who may see an inspection
    that attaches it or a corrective action whose fix shows it; otherwise not found or out
    of scope."""
    row = db.execute(
        "SELECT media_type, uploaded_by FROM photos WHERE sha256 = ?", [sha256]
    ).fetchone()
    if row is None:
        raise AppError(ErrorCode.PHOTO_NOT_FOUND)
    media_type, uploaded_by = row
    if who.role != "admin" and uploaded_by != who.user_id:
        codes = inspections.facility_codes(db, citing_inspections(db, sha256))
        codes |= actions.facility_codes_for_photo(db, sha256)
        if not facilities.any_in_scope(db, who, codes):
            raise AppError(ErrorCode.FORBIDDEN_SCOPE)
    return str(media_type)


def citing_inspections(db: sqlite_utils.Database, sha256: str) -> list[str]:
    """The inspections that attach a photo."""
    rows = db.execute("SELECT inspection_id FROM inspection_photos WHERE sha256 = ?", [sha256])
    return [row[0] for row in rows]


def read(photos_dir: Path, sha256: str) -> bytes | None:
    """A stored photo's bytes, None when it was never uploaded (or ``sha256`` is no hash:
    a photo or signature answer is any string). No scope check: only for the photos of an
    inspection the caller was already allowed to see (its minutes)."""
    if not _SHA256.fullmatch(sha256):
        return None
    try:
        return photo_path(photos_dir, sha256).read_bytes()
    except FileNotFoundError:
        return None


def load_for(
    db: sqlite_utils.Database, photos_dir: Path, who: Principal, sha256: str
) -> tuple[bytes, str]:
    """A photo's bytes and type, for whoever may see it (see ``visible_type``)."""
    media_type = visible_type(db, who, sha256)
    return photo_path(photos_dir, sha256).read_bytes(), media_type


def all_hashes(db: sqlite_utils.Database) -> list[str]:
    """The SHA-256 of every stored photo."""
    return [str(row[0]) for row in db.execute("SELECT sha256 FROM photos")]
