"""The facility status rule of docs/scoring.md ("One facility"), as a pure function.

The department list computes the same rule in SQL (``server.compliance.store``) for speed;
this is the readable statement of it, used by the facility view and the unit tests, and
the SQL is tested against it.

Times are ISO 8601 UTC strings in the stored form (``2026-01-31T08:00:00.000Z``; a
completion time to the microsecond, ``…00.000000Z``; see
``server.clock``), so text order is time order. An inspection is
older than its validity period once ``now`` is past its ``expires_at``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Literal

Status = Literal["non_compliant", "overdue", "not_inspected", "compliant"]
STATUSES: tuple[str, ...] = Status.__args__  # type: ignore[attr-defined]
"""Most severe first: the order a department works through them."""


@dataclass(frozen=True)
class Current:
    """The current inspection of one checklist at one facility."""

    form_id: str
    result: str
    """``passed``, ``failed`` or ``not_assessed`` (which counts as not done)."""
    expires_at: str


def is_expired(expires_at: str, now: str) -> bool:
    """Past its validity period; at the very instant of ``expires_at`` it still counts."""
    return expires_at < now


def facility_status(applicable: Collection[str], current: Iterable[Current], now: str) -> Status:
    """``applicable``: ids of the checklists that apply to the facility's kind; inspections
    of any other checklist (one that no longer applies) do not count."""
    done = [c for c in current if c.form_id in applicable and c.result != "not_assessed"]
    if any(c.result == "failed" for c in done):
        return "non_compliant"
    if not done:
        return "not_inspected"
    done_ids = {c.form_id for c in done}
    if any(is_expired(c.expires_at, now) for c in done) or not set(applicable) <= done_ids:
        return "overdue"
    return "compliant"
