"""Idempotent intake of completed inspections.

Every record of a batch ends in exactly one known state (ODK Central's submission rules):

- ``created``: validated against the exact checklist version used, scored, stored;
- ``duplicate``: the same id with the same content arrived before; same receipt again;
- ``conflict``: the same id with other content; the stored inspection is untouched and the
  new payload is kept aside for an admin;
- ``rejected``: invalid; every problem is named (with its item) and the payload kept aside;
- ``retry``: a transient failure (the database stayed locked); nothing was written.

Decoding, hashing, validation and scoring happen before the write lock; inside it, only
what depends on what is stored (duplicates, conflicts, amendments) and the writes. A batch
is one transaction with a savepoint per record, so an acknowledged batch costs one
disk sync, and one bad record never undoes the others.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import sqlite_utils

from server.actions import follow_up
from server.audit import store as audit
from server.auth.principal import Principal
from server.clock import iso_utc, local_date, utcnow
from server.db import page_cache, savepoint_journals_in_memory, transaction
from server.errors import AppError, ErrorCode
from server.facilities import store as facilities
from server.forms.conditions import visible_items
from server.forms.registry import FormRegistry
from server.forms.schema import Checklist, Item
from server.inspections import scoring, store
from server.inspections.schemas import (
    Detail,
    InspectionRecord,
    Receipt,
    RecordError,
    RecordResult,
)
from server.inspections.validation import answer_problems
from server.photos import store as photos
from server.plans import store as plans
from server.push import events as push

log = logging.getLogger(__name__)

_canonical = msgspec.json.Encoder(order="sorted")
_stored_outcome = msgspec.json.Decoder(scoring.StoredOutcome)


BATCH_CACHE_KIB = 16384
"""The page cache of a batch's transaction: all the pages it changes and reads fit."""


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
    # Decoding, hashing, validation and scoring read only committed data and the
    # checklists: done before the write lock, so other writers wait only for the inserts.
    # The batch's facilities are read in one query, not one a record.
    refs = facilities.find_refs(db, {p.record.facility_code for p in parsed if p.record})
    prepared = [_prepare(refs, forms, who, item, rules) for item in parsed]
    results: list[RecordResult | None] = [None] * len(parsed)
    try:
        with savepoint_journals_in_memory(db), page_cache(db, BATCH_CACHE_KIB), transaction(db):
            sites = push.sites(db, {p.record.facility_code for p in parsed if p.record})
            for index in _processing_order(parsed):
                db.execute("SAVEPOINT record")
                try:
                    results[index] = _ingest_one(db, forms, who, prepared[index], sites)
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


@dataclass
class _Prepared:
    """A record as far as it can be taken without the write lock."""

    item: _Parsed
    digest: str
    canonical: bytes = b""
    out_of_scope: Detail | None = None
    checklist: Checklist | None = None
    problems: list[Detail] = field(default_factory=list)
    result: scoring.ScoreResult | None = None
    failed: dict[str, Item] = field(default_factory=dict)
    """``follow_up.failures``: the checks an action is for (validated and followed up)."""
    passed: set[str] = field(default_factory=set)
    """``follow_up.passes``: the checks whose actions this inspection verifies."""
    row: store.NewInspection | None = None
    """The inspections row, should it be accepted, but for its ``received_at``."""
    photos: set[str] = field(default_factory=set)
    """The photos it attaches (``photos.attached``)."""


def _prepare(
    refs: dict[str, facilities.FacilityRef],
    forms: FormRegistry,
    who: Principal,
    item: _Parsed,
    rules: IntakeRules,
) -> _Prepared:
    record = item.record
    if record is None:
        return _Prepared(item, content_hash(item.raw))
    canonical = _canonical.encode(record)  # hashed and stored: encoded once
    prepared = _Prepared(item, hashlib.sha256(canonical).hexdigest(), canonical)
    facility = refs.get(record.facility_code)
    prepared.out_of_scope = _scope_problem(who, record, facility)
    if prepared.out_of_scope is not None:
        return prepared
    checklist, visible, problems, failed = _validate(forms, record, facility, rules)
    prepared.checklist, prepared.problems, prepared.failed = checklist, problems, failed
    if checklist is not None and not problems:
        prepared.result = scoring.score(checklist, record.answers, visible)
        prepared.passed = follow_up.passes(checklist, record.answers, visible)
        prepared.row = _new_inspection(who, record, checklist, prepared, prepared.result)
        prepared.photos = _attached_photos(checklist, record)
    return prepared


def _ingest_one(
    db: sqlite_utils.Database,
    forms: FormRegistry,
    who: Principal,
    prepared: _Prepared,
    sites: push.Sites,
) -> RecordResult:
    """Under the write lock: what depends on what is stored (duplicates, conflicts, the
    inspection amended, possibly by an earlier record of this batch), then the writes."""
    item, digest, record = prepared.item, prepared.digest, prepared.item.record
    if record is None:
        detail = Detail(None, "malformed", item.decode_error or "not an inspection record")
        return _keep_aside(db, who, item, digest, "rejected", [detail])
    # Scope first: someone else's record for a facility outside the caller's area gets
    # neither its receipt (duplicate) nor a word about it (conflict).
    if prepared.out_of_scope is not None:
        return _keep_aside(db, who, item, digest, "rejected", [prepared.out_of_scope])
    stored = store.find_stored(db, record.id)
    if stored is not None:
        if stored.content_hash == digest:
            return _duplicate(forms, record.id, stored)
        return _keep_aside(db, who, item, digest, "conflict", [])

    problems = prepared.problems
    if record.supersedes:
        problems = problems + _amendment_problems(db, who, record)
    checklist, result = prepared.checklist, prepared.result
    if problems or checklist is None or result is None or prepared.row is None:
        return _keep_aside(db, who, item, digest, "rejected", problems)
    receipt = Receipt(
        record.id,
        utcnow(),
        digest,
        result.score,
        result.score_display,
        result.result,
        result.reasons,
    )
    _store(db, forms, who, record, checklist, prepared, prepared.row, result, receipt, sites)
    return RecordResult(record.id, "created", receipt=receipt)


def _duplicate(forms: FormRegistry, record_id: str, stored: store.StoredInspection) -> RecordResult:
    """The same record again: the receipt it got the first time."""
    outcome = _stored_outcome.decode(stored.summary)
    reasons = scoring.reasons_of(outcome, forms.get(stored.form_id, stored.form_version))
    receipt = Receipt(
        record_id,
        stored.received_at,
        stored.content_hash,
        stored.score,
        stored.score_display,
        stored.result,
        reasons,
    )
    return RecordResult(record_id, "duplicate", receipt=receipt)


def _store(
    db: sqlite_utils.Database,
    forms: FormRegistry,
    who: Principal,
    record: InspectionRecord,
    checklist: Checklist,
    prepared: _Prepared,
    row: store.NewInspection,
    result: scoring.ScoreResult,
    receipt: Receipt,
    sites: push.Sites,
) -> None:
    """Store an accepted inspection with what follows from it: the amended one marked, its
    photos linked, its corrective actions, the planned visit it does, the facility's current
    inspection recomputed, the audit trail."""
    row = replace(row, received_at=receipt.received_at)
    seq = store.insert(db, row)
    if record.supersedes:
        store.mark_superseded(db, record.supersedes, by=record.id)
        audit.record(
            db,
            "inspection_amended",
            user_id=who.user_id,
            subject=record.supersedes,
            details={"superseded_by": record.id},
        )
    photos.link(db, record.id, prepared.photos)
    follow_up.apply(
        db,
        follow_up.Stored(
            record,
            checklist,
            prepared.failed,
            prepared.passed,
            local_date(record.completed_at),
            row.completed_at,
            receipt.received_at,
        ),
    )
    if record.supersedes:  # the amended one may have been current: look again
        plans.hand_over_visit(db, record.facility_code, record.supersedes, record.id)
        store.refresh_current(db, forms, record.facility_code, record.form_id)
    else:
        plans.link_inspection(
            db, record.facility_code, local_date(record.completed_at).isoformat(), record.id
        )
        store.current_if_latest(db, forms, row, seq)
    push.inspection_stored(
        db,
        sites,
        inspection_id=record.id,
        facility_code=record.facility_code,
        amended=bool(record.supersedes),
        result=result.result,
        score_display=result.score_display,
        reasons=[reason.code for reason in result.reasons],
    )
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


def _new_inspection(
    who: Principal,
    record: InspectionRecord,
    checklist: Checklist,
    prepared: _Prepared,
    result: scoring.ScoreResult,
) -> store.NewInspection:
    """The inspections row of an accepted record: as sent (canonical), scored, and when its
    result stops being current (the checklist's validity after completion); its
    ``received_at`` is set under the write lock."""
    return store.NewInspection(
        id=record.id,
        facility_code=record.facility_code,
        form_id=record.form_id,
        form_version=record.form_version,
        inspector_id=who.user_id,
        started_at=iso_utc(record.started_at),
        completed_at=iso_utc(record.completed_at, "microseconds"),
        received_at="",
        content_hash=prepared.digest,
        payload=prepared.canonical.decode(),
        score=result.score,
        score_display=result.score_display,
        result=result.result,
        summary=msgspec.json.encode(result).decode(),
        supersedes=record.supersedes,
        expires_at=iso_utc(record.completed_at + timedelta(days=checklist.validity_days)),
    )


def _attached_photos(checklist: Checklist, record: InspectionRecord) -> set[str]:
    photo_items = [item.id for item in checklist.items() if item.kind in ("photo", "signature")]
    team = [member.signature for member in record.team or ()]
    return photos.attached(photo_items, record.answers, record.photos, team)


def _scope_problem(
    who: Principal, record: InspectionRecord, facility: facilities.FacilityRef | None
) -> Detail | None:
    if facility is None or who.can_see_facility(
        facility.code, facility.province_code, facility.commune_code
    ):
        return None
    return Detail(
        None, "facility_out_of_scope", f"facility {record.facility_code!r} is outside your area"
    )


def _validate(
    forms: FormRegistry,
    record: InspectionRecord,
    facility: facilities.FacilityRef | None,
    rules: IntakeRules,
) -> tuple[Checklist | None, set[str], list[Detail], dict[str, Item]]:
    """The checklist, its visible items, the problems and the failures (computed once:
    the actions are checked against them, and follow-up opens actions for them)."""
    problems: list[Detail] = []
    visible: set[str] = set()
    failed: dict[str, Item] = {}
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
        if facility is not None and facility.kind not in checklist.applies_to:
            problems.append(
                Detail(
                    None,
                    "form_not_applicable",
                    f"checklist {record.form_id!r} does not apply to a {facility.kind}",
                )
            )
        visible = visible_items(checklist, record.answers)
        failed = follow_up.failures(checklist, record.answers, visible)
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
    if checklist is not None and not any(p.code == "invalid_time" for p in problems):
        problems += _action_problems(failed, record)
    return checklist, visible, problems, failed


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


def _action_problems(failed: dict[str, Item], record: InspectionRecord) -> list[Detail]:
    """An action is required only for a failed check or a veto event (``failed``), once
    each, and is due between the inspection day and three years later."""
    inspected_on = local_date(record.completed_at)
    latest = inspected_on + timedelta(days=follow_up.LATEST_DUE_DAYS)
    problems: list[Detail] = []
    seen: set[str] = set()
    for action in record.actions or ():
        if action.item in seen:
            problems.append(Detail(action.item, "action_duplicate", "two actions for one item"))
        elif action.item not in failed:
            problems.append(
                Detail(
                    action.item,
                    "action_not_failed",
                    "an action is for a failed check or a veto event that occurred",
                )
            )
        elif not inspected_on <= action.due <= latest:
            problems.append(
                Detail(
                    action.item,
                    "action_due_invalid",
                    f"due {action.due} is before the inspection day or more than three"
                    " years after it",
                )
            )
        seen.add(action.item)
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
    target = store.find_amendment_target(db, record.supersedes or "")
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
    kept = store.SetAside(
        record_id=item.id,
        reason=reason,
        user_id=who.user_id,
        received_at=utcnow(),
        content_hash=digest,
        payload=_canonical.encode(item.raw).decode(),
        problems=msgspec.json.encode(details).decode(),
    )
    if store.keep_aside(db, kept):
        audit.record(
            db,
            f"inspection_{reason}",
            user_id=who.user_id,
            subject=item.id,
            details={"problems": [d.code for d in details]},
        )
        push.kept_aside(db, user_id=who.user_id, record_id=item.id, digest=digest, reason=reason)
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
