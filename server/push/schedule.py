"""Notices that come from the calendar, not an event: an action due in three days, an
action overdue (to the facility), one daily digest of the province's overdue actions
to each department user, and each planned visit gone late (to the department). Safe to
run any number of times: every notice has a key unique to its action and due date (or
user and day, or visit and window), and the outbox ignores a key it holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlite_utils

from server.actions import store as actions
from server.auth import store as users
from server.db import transaction
from server.facilities import store as facilities
from server.plans import store as plans
from server.push import store as push
from server.push.notices import Audience, Notice, enqueue, site_label, site_url
from server.push.types import NoticeType

DUE_SOON_DAYS = 3
OVERDUE_URL = "/#/province?overdue_actions=true&sort=due"
"""The daily digest opens the province screen on the sites with overdue actions."""


@dataclass
class Scheduled:
    due_soon: int = 0
    overdue: int = 0
    digests: int = 0
    late_visits: int = 0


def run(db: sqlite_utils.Database, today: date) -> Scheduled:
    """Write today's calendar notices (in one transaction); returns how many were new."""
    with transaction(db):
        return Scheduled(
            _per_action(db, today, soon=True),
            _per_action(db, today, soon=False),
            _digests(db, today),
            _late_visits(db, today),
        )


def _per_action(db: sqlite_utils.Database, today: date, *, soon: bool) -> int:
    # only facilities with a device to tell: the outbox would take nothing for the others
    subscribed = users.facility_codes_of(push.subscriber_ids())
    if soon:
        later = (today + timedelta(days=DUE_SOON_DAYS)).isoformat()
        rows = actions.open_due(db, subscribed, after=today.isoformat(), through=later)
    else:
        rows = actions.open_due(db, subscribed, before=today.isoformat())
    kind: NoticeType = "action_due_soon" if soon else "action_overdue"
    written = 0
    for action_id, code, due in rows:
        site, _ = site_label(db, code)
        notice = Notice(
            kind, f"{kind}:{action_id}:{due}", site_url(code), params={"site": site, "due": due}
        )
        written += enqueue(db, notice, Audience(facility_code=code))
    return written


def _digests(db: sqlite_utils.Database, today: date) -> int:
    written = 0
    for user_id, province in users.departments_among(db, push.subscriber_ids()):
        count, sites = actions.overdue_in(
            db, facilities.codes_of_province(province), today.isoformat()
        )
        if not count:
            continue
        notice = Notice(
            "overdue_digest",
            f"overdue_digest:{user_id}:{today.isoformat()}",
            OVERDUE_URL,
            params={"n": str(count), "sites": str(sites), "day": today.isoformat()},
        )
        written += enqueue(db, notice, Audience(user_id=user_id))
    return written


def _late_visits(db: sqlite_utils.Database, today: date) -> int:
    """One notice per planned visit whose window ended undone, to the department of the
    plan's province (a window moved later and missed again is told again)."""
    written = 0
    for row in plans.late_visits(db, today.isoformat()):
        site, _ = site_label(db, row["facility_code"])
        notice = Notice(
            "visit_late",
            f"visit_late:{row['id']}:{row['window_end']}",
            f"/#/plan/{row['plan_id']}",
            params={"site": site, "end": row["window_end"]},
        )
        written += enqueue(db, notice, Audience(province_code=row["province_code"]))
    return written
