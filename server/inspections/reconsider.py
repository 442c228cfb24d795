"""An admin deals with a payload intake kept aside (docs: README, "Sync"):

- **accept** it as a new inspection where it is valid now: a conflicting payload gets a new
  id (the same one however often it is accepted, so a retry after a crash finds it stored);
  a rejected one is sent through intake again as it was, as its sender (a facility
  registered since, say, makes it valid);
- **dismiss** it with a reason.

Either way the payload stays, and the audit trail says who did what.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import msgspec
import sqlite_utils

from server.audit import store as audit
from server.auth.store import principal_for
from server.db import transaction
from server.errors import AppError, ErrorCode
from server.forms.registry import FormRegistry
from server.inspections import intake, store
from server.inspections.schemas import RecordResult

_ACCEPTED_IDS = uuid.UUID("6f1d3a52-8c1e-4f0b-9d59-2c5b8e7a41d0")


def accept(
    db: sqlite_utils.Database, forms: FormRegistry, admin_id: int, kept_id: int, skew: timedelta
) -> RecordResult:
    kept = store.get_kept_aside(db, kept_id)
    if kept["resolved_at"]:
        raise AppError(ErrorCode.BAD_REQUEST, "this payload was resolved already")
    payload: Any = msgspec.json.decode(kept["payload"])
    if kept["reason"] == "conflict" and isinstance(payload, dict):
        payload["id"] = str(uuid.uuid5(_ACCEPTED_IDS, f"kept-aside:{kept_id}"))
    sender = principal_for(db, kept["user_id"])
    [result] = intake.ingest(db, forms, sender, [payload], intake.IntakeRules(skew))
    if result.outcome not in ("created", "duplicate"):
        raise AppError(
            ErrorCode.INSPECTION_INVALID,
            result.error.message if result.error else "the payload is still not valid",
            details=[
                msgspec.to_builtins(d) for d in (result.error.details if result.error else [])
            ],
        )
    with transaction(db):
        store.resolve_kept_aside(db, kept_id, admin_id, "accepted", accepted_as=result.id)
        audit.record(
            db,
            "kept_aside_accepted",
            user_id=admin_id,
            subject=f"kept_aside:{kept_id}",
            details={"inspection": result.id},
        )
    return result


def dismiss(db: sqlite_utils.Database, admin_id: int, kept_id: int, reason: str) -> None:
    with transaction(db):
        store.resolve_kept_aside(db, kept_id, admin_id, f"dismissed: {reason}")
        audit.record(
            db,
            "kept_aside_dismissed",
            user_id=admin_id,
            subject=f"kept_aside:{kept_id}",
            details={"reason": reason},
        )


def mark_reviewed(db: sqlite_utils.Database, admin_id: int, kept_id: int) -> None:
    with transaction(db):
        store.resolve_kept_aside(db, kept_id, admin_id, "reviewed")
        audit.record(db, "kept_aside_reviewed", user_id=admin_id, subject=f"kept_aside:{kept_id}")
