"""Published checklist versions: the database is the record, ``forms/`` only adds to it.

Old inspections are scored by the version they used, so every version ever published is
kept and served from the ``form_versions`` table, even after its file left ``forms/``. A
published version never changes: start-up refuses a file whose content differs from what
was published under the same version number.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

import msgspec
import sqlite_utils

from server.clock import utcnow
from server.db import transaction
from server.errors import AppError, ErrorCode
from server.forms.loader import (
    FormProblem,
    FormsInvalid,
    canonical_json,
    fingerprint,
    load_dir_with_files,
)
from server.forms.schema import Checklist

FormKey = tuple[str, int]

log = logging.getLogger(__name__)

_decoder = msgspec.json.Decoder(Checklist)


class FormChanged(FormsInvalid):
    """A published version's content changed without a new version number."""

    error = ErrorCode.FORM_CHANGED
    heading = "changed published checklist"


class FormRegistry:
    """Read-only map of every published checklist version, built once at start-up."""

    def __init__(self, forms: Iterable[tuple[Checklist, str]] = ()) -> None:
        """``forms``: (checklist, fingerprint) pairs."""
        self._forms: dict[FormKey, Checklist] = {}
        self._fingerprints: dict[FormKey, str] = {}
        for checklist, print_ in forms:
            key = (checklist.id, checklist.version)
            self._forms[key] = checklist
            self._fingerprints[key] = print_
        self._latest: dict[str, int] = {}
        for form_id, version in self._forms:
            self._latest[form_id] = max(version, self._latest.get(form_id, 0))

    @classmethod
    def from_checklists(cls, checklists: Iterable[Checklist]) -> FormRegistry:
        """For tests and tools that have no database."""
        return cls((checklist, fingerprint(checklist)) for checklist in checklists)

    @classmethod
    def from_db(cls, db: sqlite_utils.Database) -> FormRegistry:
        rows = db.conn.execute("SELECT definition, fingerprint FROM form_versions").fetchall()
        return cls((_decoder.decode(definition), print_) for definition, print_ in rows)

    def get(self, form_id: str, version: int) -> Checklist:
        try:
            return self._forms[(form_id, version)]
        except KeyError:
            raise AppError(
                ErrorCode.FORM_NOT_FOUND,
                f"No checklist '{form_id}' version {version}.",
            ) from None

    def fingerprint(self, form_id: str, version: int) -> str:
        self.get(form_id, version)
        return self._fingerprints[(form_id, version)]

    def latest(self, form_id: str) -> Checklist:
        version = self._latest.get(form_id)
        if version is None:
            raise AppError(ErrorCode.FORM_NOT_FOUND, f"No checklist '{form_id}'.")
        return self._forms[(form_id, version)]

    def is_latest(self, checklist: Checklist) -> bool:
        return self._latest.get(checklist.id) == checklist.version

    def all(self) -> list[Checklist]:
        """Every version, ordered by id then version."""
        return [self._forms[key] for key in sorted(self._forms)]

    def for_kind(self, kind: str) -> list[Checklist]:
        """The current version of each checklist that applies to facilities of ``kind``; a
        checklist whose latest version dropped the kind no longer applies to it."""
        latest = (self._forms[(form_id, v)] for form_id, v in sorted(self._latest.items()))
        return [checklist for checklist in latest if kind in checklist.applies_to]

    def __len__(self) -> int:
        return len(self._forms)

    def __contains__(self, key: object) -> bool:
        return key in self._forms


def _stored(db: sqlite_utils.Database) -> dict[FormKey, str]:
    if not db["form_versions"].exists():
        return {}
    rows = db.conn.execute("SELECT form_id, version, fingerprint FROM form_versions")
    return {(form_id, version): print_ for form_id, version, print_ in rows}


def _changes(
    stored: dict[FormKey, str], checklists: Sequence[Checklist], source_files: Sequence[str]
) -> list[FormProblem]:
    """Versions whose content differs from what is stored (or from an earlier entry of
    the same batch) under the same (id, version)."""
    known = dict(stored)
    problems: list[FormProblem] = []
    for checklist, file in zip(checklists, source_files, strict=True):
        key = (checklist.id, checklist.version)
        old = known.setdefault(key, fingerprint(checklist))
        if old != fingerprint(checklist):
            problems.append(
                FormProblem(
                    file,
                    None,
                    f"checklist '{checklist.id}' version {checklist.version} was already "
                    "published with different content; a published version never changes: "
                    f"put the change in a new file with version {checklist.version + 1} "
                    "(or the next free number) and restore this one",
                )
            )
    return problems


def publish(
    db: sqlite_utils.Database,
    checklists: Sequence[Checklist],
    source_files: Sequence[str | Path],
) -> list[FormKey]:
    """Record new versions; returns the (id, version) pairs inserted. All or nothing: if any
    published version changed, raises FormChanged and inserts nothing. Running it again
    with the same files inserts nothing."""
    files = [str(file) for file in source_files]
    if len(files) != len(checklists):
        raise ValueError("publish needs one source file per checklist")
    inserted: list[FormKey] = []
    with transaction(db):
        stored = _stored(db)
        problems = _changes(stored, checklists, files)
        if problems:
            raise FormChanged(problems)
        now = utcnow()
        for checklist, file in zip(checklists, files, strict=True):
            key = (checklist.id, checklist.version)
            if key in stored:
                continue
            print_ = fingerprint(checklist)
            db.conn.execute(
                "INSERT INTO form_versions"
                " (form_id, version, fingerprint, definition, source_file, published_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [*key, print_, canonical_json(checklist).decode(), file, now],
            )
            stored[key] = print_
            inserted.append(key)
    return inserted


def check_dir(forms_dir: Path | str, db: sqlite_utils.Database | None = None) -> list[Checklist]:
    """What ``python -m server check-forms`` runs: load and validate every file, and with a
    database also refuse changed published versions. Writes nothing; raises FormsInvalid."""
    loaded = load_dir_with_files(forms_dir)
    if db is not None:
        checklists = [checklist for checklist, _ in loaded]
        problems = _changes(_stored(db), checklists, [file for _, file in loaded])
        if problems:
            raise FormChanged(problems)
    return [checklist for checklist, _ in loaded]


def load_and_publish(db: sqlite_utils.Database, forms_dir: Path | str) -> FormRegistry:
    """Start-up: validate ``forms_dir``, publish new versions, and serve every version the
    database holds. Raises FormsInvalid (or its subclass FormChanged) to stop the server."""
    loaded = load_dir_with_files(forms_dir)
    new = publish(db, [checklist for checklist, _ in loaded], [file for _, file in loaded])
    for form_id, version in new:
        log.info("published checklist %s version %d", form_id, version)
    return FormRegistry.from_db(db)
