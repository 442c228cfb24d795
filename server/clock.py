"""The one way this server writes a moment as text.

Every stored time is ISO 8601 in UTC with a ``Z``, at a fixed width per column so that text
order is time order: milliseconds (``2025-07-01T08:30:00.000Z``), except an inspection's
``completed_at``, which keeps what the phone sent, to the microsecond (a record completed
0.9 ms after another is later).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Literal

Precision = Literal["milliseconds", "microseconds"]


def iso_utc(moment: datetime, timespec: Precision = "milliseconds") -> str:
    """``moment`` (aware) in UTC with a Z. Raises OverflowError for a moment that has no
    UTC form (0001-01-01 east of UTC, 9999-12-31 west of it)."""
    return moment.astimezone(UTC).isoformat(timespec=timespec).replace("+00:00", "Z")


def utcnow() -> str:
    """Now, as stored: milliseconds with a Z."""
    return iso_utc(datetime.now(UTC))


VIETNAM = timezone(timedelta(hours=7), "ICT")
"""Viet Nam's time (UTC+7, no daylight saving): days such as an action's due date are
Vietnamese days."""


def local_date(moment: datetime) -> date:
    """The day in Viet Nam at ``moment`` (aware)."""
    return moment.astimezone(VIETNAM).date()


def today() -> date:
    """Today in Viet Nam."""
    return local_date(datetime.now(UTC))
