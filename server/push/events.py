"""The notices events cause, written in the event's own transaction: call each function
from inside it (intake, follow-up, the changes people make to actions)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import sqlite_utils

from server.actions import store as actions
from server.auth import store as users
from server.plans import store as plans
from server.push import store as push
from server.push.notices import (
    Audience,
    Notice,
    enqueue,
    label_among,
    site_label,
    site_labels,
    site_url,
)
from server.push.types import NoticeType

OUTBOX_URL = "/#/outbox"
SCHEDULE_URL = "/#/schedule"


@dataclass(frozen=True)
class Sites:
    """What the notices of a batch of stored inspections need of their facilities, read once
    for the batch inside its transaction (nothing in it changes facilities, accounts or
    devices): each one's "name (code)" and province, and which facilities and provinces
    have an enabled account with a device subscribed. A notice to any other audience would
    be written for no device, so its recipients are not looked up."""

    labels: Mapping[str, tuple[str, str]]
    facilities_reached: frozenset[str]
    provinces_reached: frozenset[str]

    def label(self, facility_code: str) -> tuple[str, str]:
        """As ``site_label``."""
        return label_among(self.labels, facility_code)


def sites(db: sqlite_utils.Database, facility_codes: Collection[str]) -> Sites:
    """``Sites`` of these facilities: three queries, however many they are."""
    labels = site_labels(db, facility_codes)
    provinces = {province for _, province in labels.values()}
    reached = users.audiences_with(db, push.has_device, facility_codes, provinces)
    return Sites(labels, frozenset(reached[0]), frozenset(reached[1]))


def inspection_stored(
    db: sqlite_utils.Database,
    sites: Sites,
    *,
    inspection_id: str,
    facility_code: str,
    amended: bool,
    result: str,
    score_display: str | None,
    reasons: Sequence[str],
) -> None:
    """A new or amended result to the facility; its new actions (one notice); a site that
    failed or had a veto event to the department of its province. ``sites`` holds this
    facility (see ``Sites``)."""
    site, province = sites.label(facility_code)
    url = site_url(facility_code)
    if facility_code in sites.facilities_reached:
        enqueue(
            db,
            Notice(
                "result",
                f"result:{inspection_id}",
                url,
                variant="amended" if amended else None,
                params={"site": site},
                reasons=tuple(reasons),
                score=score_display,
                result=result,
            ),
            Audience(facility_code=facility_code),
        )
        _actions_opened(db, inspection_id, facility_code, site)
    if (result == "failed" or "veto" in reasons) and province in sites.provinces_reached:
        enqueue(
            db,
            Notice(
                "site_noncompliant",
                f"site:{inspection_id}",
                url,
                variant="veto" if "veto" in reasons else None,
                params={"site": site},
                reasons=tuple(reasons),
                score=score_display,
                result=result,
            ),
            Audience(province_code=province),
        )


def _actions_opened(
    db: sqlite_utils.Database, inspection_id: str, facility_code: str, site: str
) -> None:
    count, earliest = actions.opened_count(db, facility_code, inspection_id)
    if not count:
        return
    enqueue(
        db,
        Notice(
            "actions_opened",
            f"opened:{inspection_id}",
            site_url(facility_code),
            params={"site": site, "n": str(count), "due": str(earliest)},
        ),
        Audience(facility_code=facility_code),
    )


def _action_site(db: sqlite_utils.Database, action_id: int) -> tuple[str, str, str]:
    """An action's facility code, "name (code)" and province."""
    code = actions.facility_of(db, action_id)
    site, province = site_label(db, code)
    return code, site, province


def fix_reported(db: sqlite_utils.Database, action_id: int, report_id: str) -> None:
    """A fix waits for verification: the department of the province."""
    code, site, province = _action_site(db, action_id)
    enqueue(
        db,
        Notice("fix_waiting", f"fix:{report_id}", site_url(code), params={"site": site}),
        Audience(province_code=province),
    )


def fix_decided(db: sqlite_utils.Database, action_id: int, *, verified: bool, at: str) -> None:
    """A reported fix verified or reopened (by a person or a later inspection): the
    facility."""
    code, site, _ = _action_site(db, action_id)
    kind: NoticeType = "fix_verified" if verified else "fix_reopened"
    enqueue(
        db,
        Notice(kind, f"{kind}:{action_id}:{at}", site_url(code), params={"site": site}),
        Audience(facility_code=code),
    )


def kept_aside(
    db: sqlite_utils.Database, *, user_id: int, record_id: str | None, digest: str, reason: str
) -> None:
    """A record of theirs was kept aside: the one who sent it."""
    enqueue(
        db,
        Notice(
            "kept_aside",
            f"kept:{reason}:{record_id}:{digest}",
            OUTBOX_URL,
            variant="conflict" if reason == "conflict" else "rejected",
        ),
        Audience(user_id=user_id),
    )


def visits_for(
    db: sqlite_utils.Database,
    kind: Literal["visit_assigned", "visit_changed"],
    visits_by_user: Mapping[int, Sequence[int]],
    at: str,
) -> None:
    """Visits assigned to inspectors or changed (a plan made or changed at ``at``): one
    notice per member with an account, naming the soonest visit; one visit opens its
    screen, several the schedule."""
    for user_id, ids in sorted(visits_by_user.items()):
        if not ids:
            continue
        visit_id, code, start, end = plans.soonest_visit(db, ids)
        site, _ = site_label(db, code)
        one = len(ids) == 1
        notice = Notice(
            kind,
            f"{kind}:{user_id}:{visit_id}:{len(ids)}:{at}",
            f"/#/visit/{visit_id}" if one else SCHEDULE_URL,
            variant=None if one else "many",
            params={"site": site, "start": start, "end": end, "n": str(len(ids))},
        )
        enqueue(db, notice, Audience(user_id=user_id))
