"""The export's fast way to spread a record into cells (typed decoding, only text cells
looked at) gives exactly the cells of the general way, for the values intake stores and
for those it might have stored before (unanswered, odd shapes, texts like formulas)."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from server.exports import table
from server.forms.loader import load_file
from server.forms.schema import Checklist
from server.inspections import synthetic
from server.settings import REPO_ROOT
from server.spreadsheets import spreadsheet_safe

CHECKLISTS = [load_file(path) for path in sorted((REPO_ROOT / "forms").glob("*.v*.yaml"))]


def query_row(answers: dict[str, Any], **record: Any) -> tuple[Any, ...]:
    """A row as the export's query returns it: fixed columns, then the stored record."""
    payload = json.dumps({"answers": answers, "notes": {}, **record}, sort_keys=True)
    return ("id-1", "=A1", "Trường", "primary", "public", "Hà Nội", "Xã", "insp",
            "2026-01-01", "2026-01-02", "2026-01-03", 81.5, "passed", "{}",
            None, None, payload)  # fmt: skip


SPREADERS = {
    (checklist.id, checklist.version, for_csv): table._Spreader(checklist, for_csv)
    for checklist in CHECKLISTS
    for for_csv in (False, True)
}


def both_ways(checklist: Checklist, row: tuple[Any, ...]) -> None:
    item_ids = [item.id for item in checklist.items()]
    general = table._row(row, checklist, item_ids)
    assert SPREADERS[checklist.id, checklist.version, False](row) == general
    safe = [spreadsheet_safe(c) if isinstance(c, str) else c for c in general]
    assert SPREADERS[checklist.id, checklist.version, True](row) == safe


@pytest.mark.parametrize("checklist", CHECKLISTS, ids=lambda c: f"{c.id}.v{c.version}")
def test_synthetic_records(checklist: Checklist) -> None:
    rng = random.Random(7)
    for _ in range(20):
        both_ways(checklist, query_row(synthetic.answers(checklist, rng, fail_rate=0.3)))


@pytest.mark.parametrize(
    "value",
    [
        None, "", [], "pass", "=1+1", "-3", "@x", "\tx", " plain", "a,b", 'say "hi"',
        0, -4, 2.5, 1e-05, 1e16, 10**30, True, False, ["-a", "b"], ["a"], [1, 2],
        {"lat": 21.5, "lon": 105.25}, {"lat": -1, "lon": 2, "accuracy": 3.0, "x": 1},
        {"lat": "=1", "lon": None}, {}, {"lat": True, "lon": 1},
    ],
)  # fmt: skip
def test_every_kind_of_value_in_every_kind_of_item(value: Any) -> None:
    """Each value in turn as the answer of every item of every checklist."""
    for checklist in CHECKLISTS:
        base = synthetic.answers(checklist, random.Random(1))
        for item in checklist.items():
            both_ways(checklist, query_row({**base, item.id: value}))


def test_missing_answers_team_and_notes() -> None:
    checklist = CHECKLISTS[-1]
    both_ways(checklist, query_row({}))
    team = [{"name": "+Lê", "agency": "Sở", "role": "lead"}, {"name": "B"}]
    both_ways(checklist, query_row({}, team=team, notes={"x": "=y"}))
