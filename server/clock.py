"""The one way this server writes a moment as text.

Every stored time is ISO 8601 in UTC with a ``Z``, at a fixed width per column so that text
order is time order: milliseconds (``2025-07-01T08:30:00.000Z``), except an inspection's
``completed_at``, which keeps what the phone sent, to the microsecond (a record completed
0.9 ms after another is later).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

Precision = Literal["milliseconds", "microseconds"]


def iso_utc(moment: datetime, timespec: Precision = "milliseconds") -> str:
    """``moment`` (aware) in UTC with a Z. Raises OverflowError for a moment that has no
    UTC form (0001-01-01 east of UTC, 9999-12-31 west of it)."""
    return moment.astimezone(UTC).isoformat(timespec=timespec).replace("+00:00", "Z")


def utcnow() -> str:
    """Now, as stored: milliseconds with a Z."""
    return iso_utc(datetime.now(UTC))
