"""Stored inspections, the current inspection of each facility and checklist, and the
payloads kept aside.

The only module that reads or writes ``inspections``, ``current_inspections`` and
``kept_aside`` (besides the migrations and the compliance read model's joins, see
``server.compliance.store``). Functions that write run inside the caller's transaction
unless they say otherwise: intake holds one per batch, with a savepoint per record.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

import msgspec
import sqlite_utils

from server.auth import store as users
from server.clock import utcnow
from server.db import page_offset
from server.errors import AppError, ErrorCode
from server.forms.registry import FormRegistry
from server.inspections.failing import failing_json


def _name(
    db: sqlite_utils.Database, rows: list[dict[str, Any]], id_column: str, name_column: str
) -> list[dict[str, Any]]:
    """Add each row's user's username (one query for all the rows; users belong to auth)."""
    names = users.usernames(db, {row[id_column] for row in rows})
    for row in rows:
        row[name_column] = names[row[id_column]]
    return rows


def get_inspection(db: sqlite_utils.Database, inspection_id: str) -> dict[str, Any]:
    rows = list(db.query("SELECT * FROM inspections WHERE id = ?", [inspection_id]))
    if not rows:
        raise AppError(ErrorCode.INSPECTION_NOT_FOUND, f"no inspection {inspection_id!r}")
    return _name(db, rows, "inspector_id", "inspector")[0]


def history(db: sqlite_utils.Database, facility_code: str) -> list[dict[str, Any]]:
    """Every inspection of a facility, newest first, amended ones included."""
    rows = list(
        db.query(
            "SELECT id, form_id, form_version, inspector_id, completed_at, received_at, score,"
            " score_display, result, supersedes, superseded_by FROM inspections"
            " WHERE facility_code = ? ORDER BY completed_at DESC, seq DESC",
            [facility_code],
        )
    )
    for row in _name(db, rows, "inspector_id", "inspector"):
        del row["inspector_id"]
    return rows


def kept_aside(
    db: sqlite_utils.Database,
    *,
    reason: str | None,
    include_resolved: bool,
    page: int,
    per_page: int,
) -> tuple[list[dict[str, Any]], int]:
    where = ["1 = 1"]
    args: list[Any] = []
    if reason:
        where.append("k.reason = ?")
        args.append(reason)
    if not include_resolved:
        where.append("k.resolved_at IS NULL")
    where_sql = " AND ".join(where)
    total = db.execute(f"SELECT count(*) FROM kept_aside k WHERE {where_sql}", args).fetchone()[0]
    rows = _kept_aside_rows(
        db,
        f"WHERE {where_sql} ORDER BY k.id DESC LIMIT ? OFFSET ?",
        [*args, per_page, page_offset(page, per_page)],
    )
    return rows, int(total)


def kept_aside_entry(db: sqlite_utils.Database, kept_id: int) -> dict[str, Any]:
    """One kept-aside payload as the list shows it (sender's username, decoded JSON)."""
    rows = _kept_aside_rows(db, "WHERE k.id = ?", [kept_id])
    if not rows:
        raise AppError(ErrorCode.KEPT_ASIDE_NOT_FOUND)
    return rows[0]


def _kept_aside_rows(db: sqlite_utils.Database, tail: str, args: list[Any]) -> list[dict[str, Any]]:
    rows = _name(
        db, list(db.query(f"SELECT k.* FROM kept_aside k {tail}", args)), "user_id", "username"
    )
    for row in rows:
        row["payload"] = msgspec.json.decode(row["payload"])
        row["problems"] = msgspec.json.decode(row["problems"])
    return rows


def get_kept_aside(db: sqlite_utils.Database, kept_id: int) -> dict[str, Any]:
    rows = list(db.query("SELECT * FROM kept_aside WHERE id = ?", [kept_id]))
    if not rows:
        raise AppError(ErrorCode.KEPT_ASIDE_NOT_FOUND)
    return rows[0]


def resolve_kept_aside(
    db: sqlite_utils.Database,
    kept_id: int,
    user_id: int,
    resolution: str | None = None,
    accepted_as: str | None = None,
) -> None:
    """Mark a payload as dealt with (inside the caller's transaction)."""
    cursor = db.execute(
        "UPDATE kept_aside SET resolved_at = ?, resolved_by = ?, resolution = ?,"
        " accepted_as = ? WHERE id = ?",
        [utcnow(), user_id, resolution, accepted_as, kept_id],
    )
    if cursor.rowcount == 0:
        raise AppError(ErrorCode.KEPT_ASIDE_NOT_FOUND)


# --- written by intake, inside its transaction -------------------------------------------


class StoredInspection(NamedTuple):
    """What intake needs of an inspection already stored under the same id."""

    content_hash: str
    received_at: str
    score: float | None
    score_display: str | None
    result: str
    summary: str
    form_id: str
    form_version: int


def find_stored(db: sqlite_utils.Database, inspection_id: str) -> StoredInspection | None:
    row = db.execute(
        f"SELECT {', '.join(StoredInspection._fields)} FROM inspections WHERE id = ?",
        [inspection_id],
    ).fetchone()
    return StoredInspection(*row) if row is not None else None


@dataclass(frozen=True)
class NewInspection:
    """One accepted inspection, as stored: times already in their stored form, the record
    and the scoring summary already encoded as JSON."""

    id: str
    facility_code: str
    form_id: str
    form_version: int
    inspector_id: int
    started_at: str
    completed_at: str
    received_at: str
    content_hash: str
    payload: str
    score: float | None
    score_display: str | None
    result: str
    summary: str
    supersedes: str | None
    expires_at: str


_NEW_COLUMNS = tuple(NewInspection.__dataclass_fields__)


def insert(db: sqlite_utils.Database, new: NewInspection) -> int:
    """Store it; returns its ``seq`` (its arrival)."""
    cursor = db.execute(
        f"INSERT INTO inspections ({', '.join(_NEW_COLUMNS)})"
        f" VALUES ({', '.join('?' for _ in _NEW_COLUMNS)})",
        [getattr(new, column) for column in _NEW_COLUMNS],
    )
    return int(cursor.lastrowid or 0)


def mark_superseded(db: sqlite_utils.Database, inspection_id: str, by: str) -> None:
    db.execute("UPDATE inspections SET superseded_by = ? WHERE id = ?", [by, inspection_id])


class _Answers(msgspec.Struct):
    answers: dict[str, Any]


def answered_later(
    db: sqlite_utils.Database, facility_code: str, form_id: str, completed_at: str
) -> dict[str, set[str]]:
    """The inspections of a facility and checklist completed after ``completed_at`` (not
    superseded), each with the items it answered. Usually none: only a record that reaches
    the server after a later one of the same site finds any."""
    rows = db.execute(
        "SELECT id, payload FROM inspections WHERE facility_code = ? AND form_id = ?"
        " AND completed_at > ? AND superseded_by IS NULL",
        [facility_code, form_id, completed_at],
    ).fetchall()
    return {
        inspection_id: {
            item
            for item, answer in msgspec.json.decode(payload, type=_Answers).answers.items()
            if answer is not None
        }
        for inspection_id, payload in rows
    }


class AmendmentTarget(NamedTuple):
    facility_code: str
    form_id: str
    inspector_id: int
    superseded_by: str | None


def find_amendment_target(db: sqlite_utils.Database, inspection_id: str) -> AmendmentTarget | None:
    row = db.execute(
        "SELECT facility_code, form_id, inspector_id, superseded_by FROM inspections WHERE id = ?",
        [inspection_id],
    ).fetchone()
    return AmendmentTarget(*row) if row is not None else None


def refresh_current(
    db: sqlite_utils.Database, forms: FormRegistry, facility_code: str, form_id: str
) -> None:
    """Recompute the current inspection of one facility and checklist (docs/scoring.md): the
    latest completed, ties to the one received last, superseded and not-assessed ignored.
    It keeps what the department list reads of it: the score as displayed, its arrival
    (``seq``, to order a site's inspections completed at the same moment) and, when it
    failed, what the list says of it (``failing``), worked out from its stored result
    with the checklist version that scored it (``forms``)."""
    row = db.execute(
        "SELECT id, completed_at, expires_at, result, score, score_display, seq, form_version,"
        " CASE WHEN result = 'failed' THEN summary END FROM inspections"
        " WHERE facility_code = ? AND form_id = ? AND superseded_by IS NULL"
        " AND result != 'not_assessed' ORDER BY completed_at DESC, seq DESC LIMIT 1",
        [facility_code, form_id],
    ).fetchone()
    if row is None:
        db.execute(
            "DELETE FROM current_inspections WHERE facility_code = ? AND form_id = ?",
            [facility_code, form_id],
        )
        return
    _write_current(db, forms, facility_code, form_id, row)


def current_if_latest(
    db: sqlite_utils.Database, forms: FormRegistry, new: NewInspection, seq: int
) -> None:
    """``refresh_current`` after storing ``new`` (arrived as ``seq``), which amends nothing,
    without reading the facility's history: it is current when it is assessed and completed
    no earlier than the current one (a tie goes to it, received last), or there is none;
    otherwise the current one stays."""
    if new.result == "not_assessed":
        return
    current = db.execute(
        "SELECT completed_at FROM current_inspections WHERE facility_code = ? AND form_id = ?",
        [new.facility_code, new.form_id],
    ).fetchone()
    if current is not None and current[0] > new.completed_at:
        return
    summary = new.summary if new.result == "failed" else None
    row = (
        new.id,
        new.completed_at,
        new.expires_at,
        new.result,
        new.score,
        new.score_display,
        seq,
        new.form_version,
        summary,
    )
    _write_current(db, forms, new.facility_code, new.form_id, row)


def _write_current(
    db: sqlite_utils.Database,
    forms: FormRegistry,
    facility_code: str,
    form_id: str,
    row: tuple[Any, ...],
) -> None:
    """The current inspection of a facility and checklist: ``row`` is its id, completed_at,
    expires_at, result, score, score_display, seq, form_version and, when it failed, its
    summary."""
    inspection_id, completed_at, expires_at, result, score, display, seq, version, summary = row
    failing = (
        None
        if summary is None
        else failing_json(
            inspection_id,
            form_id,
            version,
            score,
            display,
            completed_at,
            summary,
            forms.get(form_id, version),
        )
    )
    db.execute(
        "INSERT OR REPLACE INTO current_inspections (facility_code, form_id, inspection_id,"
        " completed_at, expires_at, result, score, score_display, seq, failing)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            facility_code,
            form_id,
            inspection_id,
            completed_at,
            expires_at,
            result,
            score,
            display,
            seq,
            failing,
        ],
    )


@dataclass(frozen=True)
class SetAside:
    """A payload set aside for an admin: exactly as sent, with the problems found (JSON)."""

    record_id: str | None
    reason: str
    user_id: int
    received_at: str
    content_hash: str
    payload: str
    problems: str


def keep_aside(db: sqlite_utils.Database, kept: SetAside) -> bool:
    """Keep a payload aside once, however often it is sent; True when it is new."""
    known = db.execute(
        "SELECT 1 FROM kept_aside WHERE record_id IS ? AND content_hash = ? AND reason = ?",
        [kept.record_id, kept.content_hash, kept.reason],
    ).fetchone()
    if known is not None:
        return False
    db.execute(
        "INSERT INTO kept_aside (record_id, reason, user_id, received_at, content_hash,"
        " payload, problems) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            kept.record_id,
            kept.reason,
            kept.user_id,
            kept.received_at,
            kept.content_hash,
            kept.payload,
            kept.problems,
        ],
    )
    return True


# --- read by other domains -----------------------------------------------------------------


def received_totals(db: sqlite_utils.Database) -> tuple[int, str | None]:
    """How many inspections are stored, and when the latest was received (None: none)."""
    count, latest = db.execute("SELECT count(*), max(received_at) FROM inspections").fetchone()
    return int(count), latest


def facility_codes(db: sqlite_utils.Database, inspection_ids: Collection[str]) -> set[str]:
    """The facilities these inspections are of."""
    if not inspection_ids:
        return set()
    marks = ", ".join("?" for _ in inspection_ids)
    rows = db.execute(
        f"SELECT DISTINCT facility_code FROM inspections WHERE id IN ({marks})",
        list(inspection_ids),
    )
    return {row[0] for row in rows}


def iter_superseded_ids(db: sqlite_utils.Database) -> Iterator[str]:
    """Every inspection some other one names in ``supersedes`` (row by row)."""
    for (target,) in db.execute("SELECT supersedes FROM inspections"):
        if target is not None:
            yield target


def iter_outlines(db: sqlite_utils.Database) -> Iterator[tuple[int, str, str, str, int, str, str]]:
    """(seq, id, facility_code, form_id, form_version, completed_at, result) of every
    inspection, row by row, so a national table need not fit in memory."""
    yield from db.execute(
        "SELECT seq, id, facility_code, form_id, form_version, completed_at, result"
        " FROM inspections"
    )
