"""Idempotent intake of completed inspections.

Every record of a batch ends in exactly one known state (ODK Central's submission rules):

- ``created``: validated against the exact checklist version used, scored, stored;
- ``duplicate``: the same id with the same content arrived before; same receipt again;
- ``conflict``: the same id with other content; the stored inspection is untouched and the
  new payload is kept aside for an admin;
- ``rejected``: invalid; every problem is named (with its item) and the payload kept aside;
- ``retry``: a transient failure (the database stayed locked); nothing was written.

A batch is one transaction with a savepoint per record, so an acknowledged batch costs one
disk sync, and one bad record never undoes the others.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import sqlite_utils

from server.audit import store as audit
from server.auth.principal import Principal
from server.clock import iso_utc, utcnow
from server.db import transaction
from server.errors import AppError, ErrorCode
from server.forms.conditions import visible_items
from server.forms.registry import FormRegistry
from server.forms.schema import Checklist
from server.inspections import scoring
from server.inspections.schemas import (
    Detail,
    InspectionRecord,
    Receipt,
    RecordError,
    RecordResult,
)
from server.inspections.validation import answer_problems
from server.photos import store as photos

log = logging.getLogger(__name__)

_canonical = msgspec.json.Encoder(order="sorted")
_stored_outcome = msgspec.json.Decoder(scoring.StoredOutcome)


def content_hash(value: Any) -> str:
    return hashlib.sha256(_canonical.encode(value)).hexdigest()


@dataclass(frozen=True)
class IntakeRules:
    clock_skew: timedelta


@dataclass
class _Parsed:
    raw: Any
    record: InspectionRecord | None
    decode_error: str | None

    @property
    def id(self) -> str | None:
        if self.record is not None:
            return self.record.id
        raw_id = self.raw.get("id") if isinstance(self.raw, dict) else None
        return raw_id if isinstance(raw_id, str) else None


def _parse(raw: Any) -> _Parsed:
    try:
        return _Parsed(raw, msgspec.convert(raw, InspectionRecord), None)
    except msgspec.ValidationError as exc:
        return _Parsed(raw, None, str(exc))


def _processing_order(parsed: Sequence[_Parsed]) -> list[int]:
    """Indexes in an order where an amendment comes after the inspection it amends when
    both are in the batch (a phone may send them in any order); otherwise as sent."""
    position = {p.record.id: i for i, p in enumerate(parsed) if p.record is not None}
    order: list[int] = []
    placed: set[int] = set()

    def place(index: int, visiting: set[int]) -> None:
        if index in placed or index in visiting:
            return
        visiting.add(index)
        record = parsed[index].record
        target = position.get(record.supersedes) if record and record.supersedes else None
        if target is not None:
            place(target, visiting)
        placed.add(index)
        order.append(index)

    for index in range(len(parsed)):
        place(index, set())
    return order


def ingest(
    db: sqlite_utils.Database,
    forms: FormRegistry,
    who: Principal,
    raws: Sequence[Any],
    rules: IntakeRules,
) -> list[RecordResult]:
    """Take a batch; return one result per record, in the order they were sent."""
    parsed = [_parse(raw) for raw in raws]
    results: list[RecordResult | None] = [None] * len(parsed)
    try:
        with transaction(db):
            for index in _processing_order(parsed):
                db.execute("SAVEPOINT record")
                try:
                    results[index] = _ingest_one(db, forms, who, parsed[index], rules)
                except sqlite3.Error:
                    log.exception("intake of record %s failed", parsed[index].id)
                    db.execute("ROLLBACK TO record")
                    results[index] = _retry(parsed[index].id)
                db.execute("RELEASE record")
    except sqlite3.OperationalError as exc:
        # The write lock never came (busy timeout) or the disk failed: nothing of this
        # batch was written, and every record may simply be sent again.
        log.warning("sync batch not written: %s", exc)
        return [_retry(p.id) for p in parsed]
    return [r if r is not None else _retry(p.id) for r, p in zip(results, parsed, strict=True)]


def _retry(record_id: str | None) -> RecordResult:
    error = ErrorCode.UNAVAILABLE
    return RecordResult(record_id, "retry", error=RecordError(error.code, error.default_message))


def _ingest_one(
    db: sqlite_utils.Database,
    forms: FormRegistry,
    who: Principal,
    item: _Parsed,
    rules: IntakeRules,
) -> RecordResult:
    record = item.record
    if record is None:
        detail = Detail(None, "malformed", item.decode_error or "not an inspection record")
        return _keep_aside(db, who, item, content_hash(item.raw), "rejected", [detail])

    canonical = _canonical.encode(record)  # hashed and stored: encoded once
    digest = hashlib.sha256(canonical).hexdigest()
    # Scope first: someone else's record for a facility outside the caller's area gets
    # neither its receipt (duplicate) nor a word about it (conflict).
    out_of_scope = _scope_problem(db, who, record)
    if out_of_scope is not None:
        return _keep_aside(db, who, item, digest, "rejected", [out_of_scope])
    stored = db.execute(
        "SELECT content_hash, received_at, score, score_display, result, summary, form_id,"
        " form_version FROM inspections WHERE id = ?",
        [record.id],
    ).fetchone()
    if stored is not None:
        if stored[0] == digest:
            received_at, score, score_display, result, summary, form_id, version = stored[1:]
            outcome = _stored_outcome.decode(summary)
            reasons = scoring.reasons_of(outcome, forms.get(form_id, version))
            receipt = Receipt(record.id, received_at, digest, score, score_display, result, reasons)
            return RecordResult(record.id, "duplicate", receipt=receipt)
        return _keep_aside(db, who, item, digest, "conflict", [])

    checklist, visible, problems = _validate(db, forms, who, record, rules)
    if problems or checklist is None:
        return _keep_aside(db, who, item, digest, "rejected", problems)

    result = scoring.score(checklist, record.answers, visible)
    received_at = utcnow()
    completed_at = iso_utc(record.completed_at, "microseconds")
    expires_at = iso_utc(record.completed_at + timedelta(days=checklist.validity_days))
    db.execute(
        "INSERT INTO inspections (id, facility_code, form_id, form_version, inspector_id,"
        " started_at, completed_at, received_at, content_hash, payload, score, score_display,"
        " result, summary, supersedes, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            record.id,
            record.facility_code,
            record.form_id,
            record.form_version,
            who.user_id,
            iso_utc(record.started_at),
            completed_at,
            received_at,
            digest,
            canonical.decode(),
            result.score,
            result.score_display,
            result.result,
            msgspec.json.encode(result).decode(),
            record.supersedes,
            expires_at,
        ],
    )
    if record.supersedes:
        db.execute(
            "UPDATE inspections SET superseded_by = ? WHERE id = ?",
            [record.id, record.supersedes],
        )
        audit.record(
            db,
            "inspection_amended",
            user_id=who.user_id,
            subject=record.supersedes,
            details={"superseded_by": record.id},
        )
    photo_items = [item.id for item in checklist.items() if item.kind in ("photo", "signature")]
    team = [member.signature for member in record.team or ()]
    photos.link(db, record.id, photos.attached(photo_items, record.answers, record.photos, team))
    refresh_current(db, record.facility_code, record.form_id)
    audit.record(
        db,
        "inspection_created",
        user_id=who.user_id,
        subject=record.id,
        details={
            "facility_code": record.facility_code,
            "form": f"{record.form_id} v{record.form_version}",
            "result": result.result,
        },
    )
    receipt = Receipt(
        record.id,
        received_at,
        digest,
        result.score,
        result.score_display,
        result.result,
        result.reasons,
    )
    return RecordResult(record.id, "created", receipt=receipt)


def refresh_current(db: sqlite_utils.Database, facility_code: str, form_id: str) -> None:
    """Recompute the current inspection of one facility and checklist (docs/scoring.md): the
    latest completed, ties to the one received last, superseded and not-assessed ignored."""
    row = db.execute(
        "SELECT id, completed_at, expires_at, result, score FROM inspections"
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
    db.execute(
        "INSERT OR REPLACE INTO current_inspections (facility_code, form_id, inspection_id,"
        " completed_at, expires_at, result, score) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [facility_code, form_id, *row],
    )


def _scope_problem(
    db: sqlite_utils.Database, who: Principal, record: InspectionRecord
) -> Detail | None:
    facility = db.execute(
        "SELECT province_code, commune_code FROM facilities WHERE code = ?",
        [record.facility_code],
    ).fetchone()
    if facility is None or who.can_see_facility(record.facility_code, *facility):
        return None
    return Detail(
        None, "facility_out_of_scope", f"facility {record.facility_code!r} is outside your area"
    )


def _validate(
    db: sqlite_utils.Database,
    forms: FormRegistry,
    who: Principal,
    record: InspectionRecord,
    rules: IntakeRules,
) -> tuple[Checklist | None, set[str], list[Detail]]:
    problems: list[Detail] = []
    visible: set[str] = set()
    facility = db.execute(
        "SELECT kind, province_code, commune_code FROM facilities WHERE code = ?",
        [record.facility_code],
    ).fetchone()
    if facility is None:
        problems.append(
            Detail(None, "facility_unknown", f"no facility with code {record.facility_code!r}")
        )
    checklist: Checklist | None = None
    try:
        checklist = forms.get(record.form_id, record.form_version)
    except AppError:
        problems.append(
            Detail(
                None,
                "form_unknown",
                f"no checklist {record.form_id!r} version {record.form_version}",
            )
        )
    if checklist is not None:
        if facility is not None and facility[0] not in checklist.applies_to:
            problems.append(
                Detail(
                    None,
                    "form_not_applicable",
                    f"checklist {record.form_id!r} does not apply to a {facility[0]}",
                )
            )
        visible = visible_items(checklist, record.answers)
        problems += [
            Detail(p.item_id, p.code, p.message)
            for p in answer_problems(checklist, record.answers, visible)
        ]
        item_ids = {i.id for i in checklist.items()}
        for what, attached in (("note", record.notes), ("photos", record.photos)):
            problems += [
                Detail(item_id, "unknown_item", f"{what} for {item_id!r}, not in the checklist")
                for item_id in sorted(set(attached) - item_ids)
            ]
        problems += [
            Detail(item_id, "invalid_value", "the same photo is attached twice")
            for item_id, hashes in sorted(record.photos.items())
            if len(set(hashes)) != len(hashes)
        ]
    problems += _time_problems(record, rules)
    problems += _team_problems(record)
    if record.supersedes:
        problems += _amendment_problems(db, who, record)
    return checklist, visible, problems


def _team_problems(record: InspectionRecord) -> list[Detail]:
    """A team named on the minutes has exactly one lead (trưởng đoàn), and no member twice."""
    if not record.team:
        return []
    problems: list[Detail] = []
    leads = sum(member.role == "lead" for member in record.team)
    if leads != 1:
        problems.append(Detail(None, "team_lead", f"the team has {leads} leads; it needs one"))
    names = [member.name.strip().casefold() for member in record.team]
    if len(set(names)) != len(names):
        problems.append(Detail(None, "team_duplicate", "a member is named twice in the team"))
    return problems


def _time_problems(record: InspectionRecord, rules: IntakeRules) -> list[Detail]:
    problems: list[Detail] = []
    for name, moment in (("started_at", record.started_at), ("completed_at", record.completed_at)):
        if moment.tzinfo is None:
            problems.append(Detail(None, "invalid_time", f"{name} needs a time zone offset"))
            continue
        try:
            iso_utc(moment)
        except OverflowError:  # 0001-01-01 east of UTC, 9999-12-31 west of it
            problems.append(Detail(None, "invalid_time", f"{name} is out of range in UTC"))
    if problems:
        return problems
    if record.completed_at > datetime.now(UTC) + rules.clock_skew:
        problems.append(
            Detail(
                None,
                "completed_in_future",
                f"completed_at {iso_utc(record.completed_at)} is in the future;"
                " check the phone's clock",
            )
        )
    if record.started_at > record.completed_at:
        problems.append(Detail(None, "invalid_time", "started_at is after completed_at"))
    return problems


def _amendment_problems(
    db: sqlite_utils.Database, who: Principal, record: InspectionRecord
) -> list[Detail]:
    target = db.execute(
        "SELECT facility_code, form_id, inspector_id, superseded_by FROM inspections WHERE id = ?",
        [record.supersedes],
    ).fetchone()
    if record.supersedes == record.id:
        return [Detail(None, "supersedes_self", "an inspection cannot amend itself")]
    if target is None:
        return [
            Detail(
                None,
                "supersedes_unknown",
                f"the inspection to amend ({record.supersedes}) is not on the server",
            )
        ]
    facility_code, form_id, inspector_id, superseded_by = target
    if who.role != "admin" and inspector_id != who.user_id:
        return [
            Detail(
                None,
                "supersedes_forbidden",
                "only the inspector who made an inspection, or an admin, may amend it",
            )
        ]
    if (facility_code, form_id) != (record.facility_code, record.form_id):
        return [
            Detail(
                None,
                "supersedes_mismatch",
                "an amendment must be for the same facility and checklist",
            )
        ]
    if superseded_by:
        return [
            Detail(
                None,
                "supersedes_already_superseded",
                f"that inspection was already amended by {superseded_by}; amend that one",
            )
        ]
    return []


def _keep_aside(
    db: sqlite_utils.Database,
    who: Principal,
    item: _Parsed,
    digest: str,
    reason: str,
    details: list[Detail],
) -> RecordResult:
    """Set a payload aside for an admin (once, however often it is sent) and tell the
    phone why."""
    known = db.execute(
        "SELECT 1 FROM kept_aside WHERE record_id IS ? AND content_hash = ? AND reason = ?",
        [item.id, digest, reason],
    ).fetchone()
    if known is None:
        db.execute(
            "INSERT INTO kept_aside (record_id, reason, user_id, received_at, content_hash,"
            " payload, problems) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                item.id,
                reason,
                who.user_id,
                utcnow(),
                digest,
                _canonical.encode(item.raw).decode(),
                msgspec.json.encode(details).decode(),
            ],
        )
        audit.record(
            db,
            f"inspection_{reason}",
            user_id=who.user_id,
            subject=item.id,
            details={"problems": [d.code for d in details]},
        )
    if reason == "conflict":
        error = ErrorCode.INSPECTION_CONFLICT
        return RecordResult(
            item.id, "conflict", error=RecordError(error.code, error.default_message)
        )
    error = ErrorCode.INSPECTION_INVALID
    message = (
        "; ".join(f"{d.item}: {d.message}" if d.item else d.message for d in details)
        or error.default_message
    )
    return RecordResult(item.id, "rejected", error=RecordError(error.code, message, details))
