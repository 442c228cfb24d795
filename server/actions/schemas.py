"""Corrective actions (yêu cầu khắc phục) at the boundary: what a facility reports, what an
inspector or the department decides, what readers get back. (What an inspector requires
on the phone travels in the record: ``server.inspections.schemas.ActionRequest``.)"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from server.inspections.schemas import Requirement, Sha256, Uuid

ActionState = Literal["open", "fix_reported", "verified", "withdrawn"]
"""``open`` → ``fix_reported`` (the facility describes its fix) → ``verified`` (an
inspector or the department confirms, or a later inspection passes the same check), or back
to ``open`` with a reason. ``withdrawn``: an amendment of the inspection that opened it no
longer fails the check."""

ActionEventKind = Literal[
    "opened",
    "fix_reported",
    "verified",
    "verified_by_inspection",
    "reopened",
    "due_changed",
    "failed_again",
    "amended",
    "withdrawn",
]

Reason = Requirement


class FixReport(msgspec.Struct, forbid_unknown_fields=True):
    """A facility reports that it fixed what an action required. Sent through the phone's
    outbox, so it may arrive twice: ``client_id`` makes the second one a no-op."""

    client_id: Uuid
    description: Requirement
    photos: Annotated[list[Sha256], Meta(max_length=10)] = msgspec.field(default_factory=list)
    """Photos of the fix, uploaded first to /api/photos/{sha256}."""


class Verification(msgspec.Struct, forbid_unknown_fields=True):
    note: Annotated[str, Meta(max_length=2000)] | None = None


class Reopening(msgspec.Struct, forbid_unknown_fields=True):
    reason: Reason


class DueChange(msgspec.Struct, forbid_unknown_fields=True):
    due: date
    reason: Reason


class ActionEventOut(msgspec.Struct):
    at: str
    event: ActionEventKind
    by: str | None
    """The display name of whoever did it (none for what intake did on its own)."""
    note: str | None
    due: str | None
    inspection_id: str | None
    photos: list[str]


class ActionOut(msgspec.Struct):
    id: int
    facility_code: str
    facility_name: str
    commune_name: str
    form_id: str
    form_version: int
    item_id: str
    kind: Literal["check", "veto"]
    mandatory: bool
    legal_ref: str | None
    title_vi: str
    title_en: str
    requirement: str
    due: str
    state: ActionState
    overdue: bool
    opened_by_inspection: str
    last_inspection: str
    opened_at: str
    updated_at: str
    history: list[ActionEventOut] | None = None
    """Every change, oldest first (in one action's view; left out of lists)."""
