"""Joint inspection plans (kế hoạch kiểm tra liên ngành) at the boundary."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from server.compliance.status import Status
from server.forms.schema import FacilityKind

Name = Annotated[str, Meta(min_length=1, max_length=200)]
VisitState = Literal["done", "pending", "late"]


class PlanMember(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    agency: Name
    role: Literal["lead", "member"]
    username: Annotated[str, Meta(max_length=64)] | None = None
    """The member's account, when they have one: their phone then shows the team's visits."""


class PlanTeam(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    members: Annotated[list[PlanMember], Meta(min_length=1, max_length=20)]


class PlannedVisit(msgspec.Struct, forbid_unknown_fields=True):
    facility_code: Annotated[str, Meta(min_length=1, max_length=40)]
    team: Annotated[int, Meta(ge=0)]
    """The team's position in ``teams``."""
    start: date
    end: date


class SiteFilter(msgspec.Struct, forbid_unknown_fields=True):
    """Sites picked by what the department list shows, e.g. every non-compliant preschool
    with an overdue action in these communes."""

    team: Annotated[int, Meta(ge=0)]
    start: date
    end: date
    status: list[Status] = msgspec.field(default_factory=list)
    kind: FacilityKind | None = None
    communes: Annotated[list[str], Meta(max_length=500)] = msgspec.field(default_factory=list)
    overdue_actions: bool = False


class PlanIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    start: date
    end: date
    agencies: Annotated[list[Name], Meta(min_length=1, max_length=20)]
    teams: Annotated[list[PlanTeam], Meta(min_length=1, max_length=50)]
    visits: Annotated[list[PlannedVisit], Meta(max_length=5000)] = msgspec.field(
        default_factory=list
    )
    pick: SiteFilter | None = None
    """Sites added by a filter, besides those listed in ``visits``."""
    province: Annotated[str, Meta(max_length=10)] | None = None
    """For admins: the plan's province (a department plans its own)."""


class VisitChange(msgspec.Struct, forbid_unknown_fields=True):
    """A visit's new team or window (``None``: unchanged)."""

    id: int
    team: Annotated[int, Meta(ge=0)] | None = None
    start: date | None = None
    end: date | None = None


class PlanChange(msgspec.Struct, forbid_unknown_fields=True):
    """What a department changes of a plan (``None`` or empty: unchanged), as one write."""

    name: Name | None = None
    start: date | None = None
    end: date | None = None
    agencies: Annotated[list[Name], Meta(min_length=1, max_length=20)] | None = None
    teams: Annotated[list[PlanTeam], Meta(min_length=1, max_length=50)] | None = None
    """Every team, in order: the plan's teams are updated in place, extra ones added, and
    missing ones removed (only when no visit is left with them)."""
    add: Annotated[list[PlannedVisit], Meta(max_length=5000)] = msgspec.field(default_factory=list)
    pick: SiteFilter | None = None
    """Sites added by a filter; those already in the plan keep their visit."""
    change: Annotated[list[VisitChange], Meta(max_length=5000)] = msgspec.field(
        default_factory=list
    )
    remove: Annotated[list[int], Meta(max_length=5000)] = msgspec.field(default_factory=list)
    """Visits to remove; a visit already done cannot be (``plan.visit_done``)."""


class VisitOut(msgspec.Struct):
    id: int
    plan_id: int
    plan_name: str
    facility_code: str
    facility_name: str
    facility_kind: str
    commune_name: str
    team: str
    team_index: int
    """The team's position in the plan's ``teams``."""
    members: list[PlanMember]
    start: str
    end: str
    state: VisitState
    inspection_id: str | None


class Progress(msgspec.Struct):
    done: int
    pending: int
    late: int


class PlanOut(msgspec.Struct):
    id: int
    province_code: str
    name: str
    start: str
    end: str
    agencies: list[str]
    teams: list[PlanTeam]
    progress: Progress
    created_at: str
    updated_at: str
    visits: list[VisitOut] | None = None
