"""What a stored inspection does to a facility's corrective actions (docs/actions.md).

- Every failed check and every veto event opens an action, with the inspector's
  requirement and due date from the record, or the check's guidance and the default delay.
- A later inspection of the same checklist whose check passes verifies the action by itself;
  one whose check fails again keeps it open (reopens a reported fix) and links both.
- An amendment takes over the actions of the inspection it amends; those whose check no
  longer fails are withdrawn.
- Inspections are followed in the order they were done, not the order they arrive: one
  that reaches the server after a later one of the same site leaves alone the actions that
  later one followed, and opens none for a check that a later one answered (it passed
  since, or failed again and has its own action).

Runs inside intake's transaction, so an inspection and its actions are stored together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlite_utils

from server.actions import store
from server.forms.schema import Checklist, Item
from server.inspections import store as inspections
from server.inspections.schemas import ActionRequest, InspectionRecord
from server.push import events as push

DUE_DAYS = {"veto": 7, "mandatory": 15, "other": 30}
"""Default days from the inspection to an action's due date: a veto event soonest, then a
mandatory criterion, then any other check. The phone offers the same (``/api/limits``)."""

LATEST_DUE_DAYS = 3 * 365
"""An inspector may give up to three years; a later date is a typing mistake."""


def failures(
    checklist: Checklist, answers: Mapping[str, Any], visible: set[str]
) -> dict[str, Item]:
    """The items that call for an action: visible graded checks answered ``fail`` (not
    advisory ones: those are recommendations) and veto events that occurred."""
    found: dict[str, Item] = {}
    for item in checklist.items():
        if item.id not in visible:
            continue
        answer = answers.get(item.id)
        if (item.kind == "check" and not item.advisory and answer == "fail") or (
            item.kind == "veto" and answer == "occurred"
        ):
            found[item.id] = item
    return found


def passes(checklist: Checklist, answers: Mapping[str, Any], visible: set[str]) -> set[str]:
    """The items whose answer shows the problem is gone: a check that passed, a veto event
    that did not occur."""
    return {
        item.id
        for item in checklist.items()
        if item.id in visible
        and (
            (item.kind == "check" and answers.get(item.id) == "pass")
            or (item.kind == "veto" and answers.get(item.id) == "none")
        )
    }


def default_due(item: Item, inspected_on: date) -> date:
    if item.kind == "veto":
        days = DUE_DAYS["veto"]
    else:
        days = DUE_DAYS["mandatory" if item.mandatory else "other"]
    return inspected_on + timedelta(days=days)


def default_requirement(item: Item) -> str:
    """What must be done, from the check itself (the phone pre-fills the same words)."""
    if item.kind == "veto":
        return f"Xử lý sự việc và có biện pháp phòng ngừa tái diễn: {item.text.vi}"
    return f"Khắc phục để đạt tiêu chí: {item.text.vi}"


@dataclass(frozen=True)
class Stored:
    """The inspection just stored, as follow-up needs it: ``failed`` and ``passed`` are
    its ``failures`` and ``passes``, worked out by intake before the write lock;
    ``completed_at`` as stored."""

    record: InspectionRecord
    checklist: Checklist
    failed: dict[str, Item]
    passed: set[str]
    inspected_on: date
    completed_at: str
    at: str


def apply(db: sqlite_utils.Database, stored: Stored) -> None:
    record, failed, passed = stored.record, stored.failed, stored.passed
    requests = {request.item: request for request in record.actions or ()}
    later = inspections.answered_later(
        db, record.facility_code, record.form_id, stored.completed_at
    )
    followed: set[str] = set().union(*later.values())
    for action in store.unresolved(db, record.facility_code, record.form_id):
        followed.add(action.item_id)
        if record.supersedes and action.opened_by_inspection == record.supersedes:
            _amend(db, action, stored, requests.get(action.item_id), action.item_id in failed)
        elif action.last_inspection in later:
            continue  # a later inspection has the last word on it
        elif action.item_id in passed:
            _verify(db, action, stored)
        elif action.item_id in failed:
            _failed_again(db, action, stored, requests.get(action.item_id))
    for item_id, item in failed.items():
        if item_id not in followed:
            _open(db, item, stored, requests.get(item_id))


def _open(
    db: sqlite_utils.Database, item: Item, stored: Stored, request: ActionRequest | None
) -> None:
    record = stored.record
    due = request.due if request else default_due(item, stored.inspected_on)
    store.insert(
        db,
        store.NewAction(
            facility_code=record.facility_code,
            form_id=record.form_id,
            form_version=record.form_version,
            item_id=item.id,
            kind="veto" if item.kind == "veto" else "check",
            mandatory=bool(item.mandatory),
            legal_ref=item.legal_ref,
            requirement=request.requirement if request else default_requirement(item),
            due_date=due.isoformat(),
            inspection_id=record.id,
            at=stored.at,
        ),
    )


def _verify(db: sqlite_utils.Database, action: store.Unresolved, stored: Stored) -> None:
    store.update(db, action.id, stored.at, state="verified", last_inspection=stored.record.id)
    store.add_event(
        db,
        action.id,
        store.Event("verified_by_inspection", stored.at, inspection_id=stored.record.id),
    )
    if action.state == "fix_reported":
        push.fix_decided(db, action.id, verified=True, at=stored.at)


def _failed_again(
    db: sqlite_utils.Database,
    action: store.Unresolved,
    stored: Stored,
    request: ActionRequest | None,
) -> None:
    due = request.due.isoformat() if request else None
    store.update(
        db,
        action.id,
        stored.at,
        state="open",
        due_date=due,
        requirement=request.requirement if request else None,
        last_inspection=stored.record.id,
    )
    store.add_event(
        db,
        action.id,
        store.Event("failed_again", stored.at, due_date=due, inspection_id=stored.record.id),
    )
    if action.state == "fix_reported":
        push.fix_decided(db, action.id, verified=False, at=stored.at)


def _amend(
    db: sqlite_utils.Database,
    action: store.Unresolved,
    stored: Stored,
    request: ActionRequest | None,
    still_failing: bool,
) -> None:
    """The amended inspection opened this action: follow the amendment's answer."""
    record = stored.record
    if not still_failing:
        store.update(db, action.id, stored.at, state="withdrawn", last_inspection=record.id)
        store.add_event(db, action.id, store.Event("withdrawn", stored.at, inspection_id=record.id))
        return
    due = request.due.isoformat() if request else None
    store.update(
        db,
        action.id,
        stored.at,
        due_date=due,
        requirement=request.requirement if request else None,
        last_inspection=record.id,
    )
    store.add_event(
        db, action.id, store.Event("amended", stored.at, due_date=due, inspection_id=record.id)
    )
