"""A slow, obviously-correct facility status, for checking the fast one.

It reads the ``inspections`` table alone, through ``server.inspections.store`` (not
``current_inspections``, not ``superseded_by``, not ``expires_at``), and follows
docs/scoring.md ("One facility") step by step in plain Python loops. The benchmark's own
check and the randomized tests compare it with the SQL of the department list. Never use
it to serve a request: it reads every inspection of the country.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlite_utils

from server.facilities import store as facilities
from server.forms.registry import FormRegistry
from server.inspections import store as inspections


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def reference_statuses(
    db: sqlite_utils.Database,
    forms: FormRegistry,
    now: str,
    *,
    province: str | None = None,
    checklist: str | None = None,
) -> dict[str, str]:
    """Facility code -> status, for every facility (of ``province`` when given). With
    ``checklist``, only facilities it applies to, judged on that checklist alone."""
    at = _moment(now)

    # An inspection is superseded when another one names it in `supersedes`.
    superseded = set(inspections.iter_superseded_ids(db))

    # The current inspection per (facility, checklist): latest completed, ties to the
    # one received last (highest seq); superseded and not_assessed ones do not count.
    # Read row by row, so a national table does not have to fit in memory.
    current: dict[tuple[str, str], tuple[datetime, int, str, datetime]] = {}
    for (
        seq,
        inspection_id,
        facility,
        form_id,
        version,
        completed,
        result,
    ) in inspections.iter_outlines(db):
        if inspection_id in superseded or result == "not_assessed":
            continue
        completed_at = _moment(completed)
        validity = forms.get(form_id, version).validity_days
        candidate = (completed_at, seq, result, completed_at + timedelta(days=validity))
        key = (facility, form_id)
        best = current.get(key)
        if best is None or (completed_at, seq) > (best[0], best[1]):
            current[key] = candidate

    statuses: dict[str, str] = {}
    for code, kind, facility_province, _commune in facilities.all_refs(db):
        if province is not None and facility_province != province:
            continue
        applicable = [c.id for c in forms.for_kind(kind)]
        if checklist is not None:
            if checklist not in applicable:
                continue
            applicable = [checklist]
        done = [current[(code, form_id)] for form_id in applicable if (code, form_id) in current]
        failed = False
        expired = False
        for _completed, _seq, result, expires in done:
            if result == "failed":
                failed = True
            if at > expires:
                expired = True
        if failed:
            statuses[code] = "non_compliant"
        elif len(done) == 0:
            statuses[code] = "not_inspected"
        elif expired or len(done) < len(applicable):
            statuses[code] = "overdue"
        else:
            statuses[code] = "compliant"
    return statuses
