"""The facility status rule of docs/scoring.md ("One facility"), table-driven."""

from __future__ import annotations

import pytest

from server.compliance.status import STATUSES, Current, facility_status, is_expired

NOW = "2026-06-01T00:00:00.000Z"
FRESH = "2026-12-01T00:00:00.000Z"  # expires after NOW
STALE = "2026-05-01T00:00:00.000Z"  # expired before NOW


def c(form_id: str, result: str, expires_at: str = FRESH) -> Current:
    return Current(form_id, result, expires_at)


CASES: list[tuple[str, set[str], list[Current], str]] = [
    # (what, applicable checklists, current inspections, status)
    ("nothing applies, nothing done", set(), [], "not_inspected"),
    ("never inspected", {"a"}, [], "not_inspected"),
    ("passed and fresh", {"a"}, [c("a", "passed")], "compliant"),
    ("failed", {"a"}, [c("a", "failed")], "non_compliant"),
    ("failed even when expired", {"a"}, [c("a", "failed", STALE)], "non_compliant"),
    ("passed but expired", {"a"}, [c("a", "passed", STALE)], "overdue"),
    ("expires exactly now: still valid", {"a"}, [c("a", "passed", NOW)], "compliant"),
    ("not assessed counts as not done", {"a"}, [c("a", "not_assessed")], "not_inspected"),
    ("two checklists, both passed", {"a", "b"}, [c("a", "passed"), c("b", "passed")], "compliant"),
    ("one of two never done", {"a", "b"}, [c("a", "passed")], "overdue"),
    ("one of two not assessed", {"a", "b"}, [c("a", "passed"), c("b", "not_assessed")], "overdue"),
    ("one of two failed, other never", {"a", "b"}, [c("a", "failed")], "non_compliant"),
    (
        "one of two failed, other expired",
        {"a", "b"},
        [c("a", "passed", STALE), c("b", "failed")],
        "non_compliant",
    ),
    ("one of two expired", {"a", "b"}, [c("a", "passed", STALE), c("b", "passed")], "overdue"),
    ("a checklist that no longer applies is ignored", {"a"}, [c("x", "failed")], "not_inspected"),
    (
        "ignored even beside an applicable one",
        {"a"},
        [c("a", "passed"), c("x", "failed", STALE)],
        "compliant",
    ),
    ("nothing applies, old inspection ignored", set(), [c("x", "passed")], "not_inspected"),
]


@pytest.mark.parametrize(
    ("applicable", "current", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_facility_status(applicable: set[str], current: list[Current], expected: str) -> None:
    assert facility_status(applicable, current, NOW) == expected


def test_every_status_is_reachable_and_listed_most_severe_first() -> None:
    assert {case[3] for case in CASES} == set(STATUSES)
    assert STATUSES == ("non_compliant", "overdue", "not_inspected", "compliant")


@pytest.mark.parametrize(("expires_at", "expired"), [(STALE, True), (NOW, False), (FRESH, False)])
def test_expiry_is_strictly_after_the_end_of_validity(expires_at: str, expired: bool) -> None:
    assert is_expired(expires_at, NOW) is expired
