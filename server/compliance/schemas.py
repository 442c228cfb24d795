"""What the compliance endpoints return."""

from __future__ import annotations

import msgspec

from server.compliance import store
from server.compliance.status import Status
from server.facilities.schemas import FacilityOut
from server.inspections.failing import Reason
from server.paging import Page


class FacilityCompliance(msgspec.Struct):
    facility: FacilityOut
    status: Status
    as_of: str
    """The moment validity periods were measured against."""
    checklists: list[store.ChecklistState]
    """Every checklist that applies to the facility's kind, with its current inspection."""
    history: list[store.HistoryEntry]
    """Every inspection of the facility, newest first, amended ones included."""


class ListedFacility(msgspec.Struct):
    """What the list shows of a facility; the rest (address, contacts, coordinates) is in
    the facility's own compliance (``GET /api/compliance/facilities/{code}``)."""

    code: str
    name: str
    kind: str
    ownership: str
    province_code: str
    commune_code: str
    commune_name: str


class ComplianceRow(msgspec.Struct):
    facility: ListedFacility
    status: Status
    worst_score: float | None
    worst_score_display: str | None
    last_inspected_at: str | None
    reasons: list[Reason]
    """For a non-compliant facility, its failing current inspections, newest first."""
    open_actions: int = 0
    """Corrective actions waiting for a fix or its verification."""
    overdue_actions: int = 0
    """Open corrective actions past their due date."""
    next_due: str | None = None
    """The due date (YYYY-MM-DD) of the soonest unresolved corrective action."""


class StatusCounts(msgspec.Struct):
    """How many facilities have each status under the list's other filters."""

    non_compliant: int
    overdue: int
    not_inspected: int
    compliant: int


class CompliancePage(Page[ComplianceRow]):
    """A page of the department list, with the moment statuses were measured against."""

    # Declared again: Litestar's OpenAPI loses the item type of a subclassed generic page.
    items: list[ComplianceRow]
    as_of: str
    counts: StatusCounts
    """Facilities per status under every filter but ``status``."""
