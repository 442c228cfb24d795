"""What people do to a corrective action after it is opened, and who may.

- The facility reports a fix for its own actions (idempotent by the report's client id;
  a report that arrives after the action was closed is kept in its history, never lost).
- Inspectors and the department of the province (and admins) verify, reopen with a reason,
  or change the due date with a reason.

Each change is one transaction: the action, its history and the audit trail together.
"""

from __future__ import annotations

from datetime import date

import sqlite_utils

from server.actions import store
from server.actions.schemas import DueChange, FixReport, Reopening, Verification
from server.audit import store as audit
from server.auth.principal import Principal, Role
from server.clock import today, utcnow
from server.db import transaction
from server.errors import AppError, ErrorCode
from server.photos import store as photos
from server.push import events as push

DECIDERS: tuple[Role, ...] = ("inspector", "department", "admin")


def report_fix(db: sqlite_utils.Database, who: Principal, action_id: int, fix: FixReport) -> None:
    with transaction(db):
        action = store.get(db, who, action_id)
        if who.role != "facility":
            raise AppError(ErrorCode.FORBIDDEN_ROLE, "only the facility reports its fixes")
        reached = store.event_with_client_id(db, fix.client_id)
        if reached is not None:
            if reached != action_id:
                raise AppError(ErrorCode.BAD_REQUEST, "this report id was used for another action")
            return  # the same report again (a lost response): already stored
        missing = [sha for sha in fix.photos if not photos.exists(db, sha)]
        if missing:
            raise AppError(
                ErrorCode.BAD_REQUEST,
                f"upload photo {missing[0]} to /api/photos/{missing[0]} first",
            )
        at = utcnow()
        if action["state"] == "open":
            store.update(db, action_id, at, state="fix_reported")
        store.add_event(
            db,
            action_id,
            store.Event(
                "fix_reported",
                at,
                user_id=who.user_id,
                note=fix.description,
                photos=tuple(fix.photos),
                client_id=fix.client_id,
            ),
        )
        _audit(db, who, "action_fix_reported", action_id, {"state_was": action["state"]})
        if action["state"] in store.UNRESOLVED:
            push.fix_reported(db, action_id, fix.client_id)


def verify(
    db: sqlite_utils.Database, who: Principal, action_id: int, verification: Verification
) -> None:
    with transaction(db):
        action = _decidable(db, who, action_id, ("open", "fix_reported"))
        at = utcnow()
        store.update(db, action_id, at, state="verified")
        store.add_event(
            db, action_id, store.Event("verified", at, user_id=who.user_id, note=verification.note)
        )
        _audit(db, who, "action_verified", action_id, {"state_was": action["state"]})
        push.fix_decided(db, action_id, verified=True, at=at)


def reopen(db: sqlite_utils.Database, who: Principal, action_id: int, reopening: Reopening) -> None:
    with transaction(db):
        action = _decidable(db, who, action_id, ("fix_reported", "verified"))
        at = utcnow()
        store.update(db, action_id, at, state="open")
        store.add_event(
            db, action_id, store.Event("reopened", at, user_id=who.user_id, note=reopening.reason)
        )
        _audit(db, who, "action_reopened", action_id, {"state_was": action["state"]})
        push.fix_decided(db, action_id, verified=False, at=at)


def change_due(
    db: sqlite_utils.Database, who: Principal, action_id: int, change: DueChange
) -> None:
    with transaction(db):
        action = _decidable(db, who, action_id, ("open", "fix_reported"))
        if change.due < today():
            message = f"the new due date {change.due} has passed already"
            raise AppError(
                ErrorCode.ACTION_DUE_PAST, message, [{"field": "$.due", "message": message}]
            )
        due = change.due.isoformat()
        at = utcnow()
        store.update(db, action_id, at, due_date=due)
        store.add_event(
            db,
            action_id,
            store.Event("due_changed", at, user_id=who.user_id, note=change.reason, due_date=due),
        )
        _audit(db, who, "action_due_changed", action_id, {"from": action["due_date"], "to": due})


def _decidable(
    db: sqlite_utils.Database, who: Principal, action_id: int, states: tuple[str, ...]
) -> dict[str, object]:
    action = store.get(db, who, action_id)
    if who.role not in DECIDERS:
        raise AppError(ErrorCode.FORBIDDEN_ROLE, "inspectors and departments decide on actions")
    if action["state"] not in states:
        raise AppError(
            ErrorCode.ACTION_STATE,
            f"the action is {action['state']}; this needs it {' or '.join(states)}",
        )
    return action


def _audit(
    db: sqlite_utils.Database,
    who: Principal,
    what: str,
    action_id: int,
    details: dict[str, object],
) -> None:
    audit.record(db, what, user_id=who.user_id, subject=f"action:{action_id}", details=details)


def is_overdue(state: str, due: str, on: date) -> bool:
    return state == "open" and due < on.isoformat()
