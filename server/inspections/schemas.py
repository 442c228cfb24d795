"""What a phone sends when it syncs, and what it gets back for each record."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from server.inspections.problems import ProblemCode
from server.inspections.scoring import Reason, ScoreResult

UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
Uuid = Annotated[str, Meta(pattern=UUID_PATTERN, description="Lower-case UUID")]
Sha256 = Annotated[str, Meta(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of a photo")]
Outcome = Literal["created", "duplicate", "conflict", "rejected", "retry"]


class Location(msgspec.Struct, forbid_unknown_fields=True):
    lat: Annotated[float, Meta(ge=-90, le=90)]
    lon: Annotated[float, Meta(ge=-180, le=180)]
    accuracy: Annotated[float, Meta(ge=0)] | None = None


class TeamMember(msgspec.Struct, forbid_unknown_fields=True):
    """One member of the inspection team, as the minutes (biên bản) name them."""

    name: Annotated[str, Meta(min_length=1, max_length=120)]
    agency: Annotated[str, Meta(min_length=1, max_length=200)]
    """The agency the member comes from (Sở Giáo dục và Đào tạo, Sở Y tế, UBND xã…)."""
    role: Literal["lead", "member"]
    """Trưởng đoàn (lead) or thành viên (member)."""
    signature: Sha256
    """The member's signature, drawn on the phone and uploaded to /api/photos/{sha256}."""


Requirement = Annotated[str, Meta(min_length=1, max_length=2000)]


class ActionRequest(msgspec.Struct, forbid_unknown_fields=True):
    """What the inspector requires for one failed check or veto event (a corrective
    action, yêu cầu khắc phục), set on the phone while completing the checklist."""

    item: Annotated[str, Meta(min_length=1, max_length=64)]
    requirement: Requirement
    """What must be done, in the inspector's words (pre-filled from the check's guidance)."""
    due: date
    """The day by which it must be fixed (YYYY-MM-DD)."""


class InspectionRecord(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """One completed inspection as the phone recorded it. ``id`` is made on the phone, so a
    record sent twice (a lost response) is recognised and stored once."""

    id: Uuid
    facility_code: Annotated[str, Meta(min_length=1, max_length=40)]
    form_id: Annotated[str, Meta(min_length=1, max_length=64)]
    form_version: Annotated[int, Meta(ge=1)]
    started_at: datetime
    completed_at: datetime
    answers: dict[str, Any]
    notes: dict[str, Annotated[str, Meta(max_length=5000)]] = msgspec.field(default_factory=dict)
    photos: dict[str, Annotated[list[Sha256], Meta(max_length=20)]] = msgspec.field(
        default_factory=dict
    )
    """Photo evidence attached to any item (checks above all), beside its answer; the
    photos themselves are uploaded to /api/photos/{sha256}."""
    location: Location | None = None
    supersedes: Uuid | None = None
    """The id of an earlier inspection this one amends."""
    team: Annotated[list[TeamMember], Meta(max_length=20)] | msgspec.UnsetType = msgspec.UNSET
    """The inspection team, one lead first among equals, each signing. Absent in records
    made before the app asked for it: left out (not an empty list) so that such a record
    sent again still has the content hash it was stored with."""
    actions: Annotated[list[ActionRequest], Meta(max_length=500)] | msgspec.UnsetType = (
        msgspec.UNSET
    )
    """The corrective action required for each failed check and veto event. A failure
    without one gets the checklist's guidance and the default delay (docs/actions.md).
    Absent in records made before the app asked for it, as ``team``."""


class SyncRequest(msgspec.Struct, forbid_unknown_fields=True):
    records: list[Any]
    """Each record is decoded on its own, so one malformed record is rejected alone."""


class Receipt(msgspec.Struct):
    id: str
    received_at: str
    content_hash: str
    score: float | None
    score_display: str | None
    result: str
    reasons: list[Reason] = msgspec.field(default_factory=list)
    """Why a failed result failed (docs/scoring.md), in order."""


class Detail(msgspec.Struct):
    """One problem with a record: its item (when it concerns one), its code from the
    catalogue (``server.inspections.problems``) and an English message for logs."""

    item: str | None
    code: ProblemCode
    message: str


class RecordError(msgspec.Struct):
    code: str
    message: str
    details: list[Detail] = msgspec.field(default_factory=list)


class RecordResult(msgspec.Struct):
    id: str | None
    outcome: Outcome
    receipt: Receipt | None = None
    error: RecordError | None = None


class SyncResponse(msgspec.Struct):
    results: list[RecordResult]


class InspectionOut(msgspec.Struct):
    id: str
    facility_code: str
    form_id: str
    form_version: int
    inspector: str
    started_at: str
    completed_at: str
    received_at: str
    content_hash: str
    score: float | None
    score_display: str | None
    result: str
    supersedes: str | None
    superseded_by: str | None
    record: dict[str, Any]
    summary: ScoreResult
    """The result as scored, with its reasons (worked out for results stored before
    reasons were kept)."""


class Dismissal(msgspec.Struct, forbid_unknown_fields=True):
    reason: Requirement


class KeptAsideOut(msgspec.Struct):
    id: int
    record_id: str | None
    reason: str
    username: str
    received_at: str
    content_hash: str
    payload: Any
    problems: list[Any]
    resolved_at: str | None
    resolution: str | None = None
    """reviewed, accepted, or "dismissed: <reason>"."""
    accepted_as: str | None = None
    """The inspection an accepted payload became."""
