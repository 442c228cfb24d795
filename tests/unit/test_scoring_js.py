"""The phone's scoring (``pwa/js/scoring.js``, ``conditions.js``, ``validation.js``) against
the same shared vectors as the server's, run in Node. The expected values and the
comparison are the ones of ``tests/unit/test_scoring.py``; a second check runs a few
vectors in Chromium (``tests/browser/test_scoring_in_browser.py``)."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import msgspec
import pytest

from server.forms.conditions import visible_items
from server.forms.schema import Checklist
from server.inspections.scoring import score
from server.inspections.validation import answer_problems

ROOT = Path(__file__).parents[2]
VECTORS = sorted((ROOT / "tests" / "vectors" / "scoring").glob("*.json"))
RUNNER = ROOT / "tests" / "browser" / "scoring_runner.mjs"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


@cache
def _js_results() -> dict[str, Any]:
    done = subprocess.run(
        ["node", str(RUNNER)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def _close(actual: float | None, expected: float | None) -> bool:
    if actual is None or expected is None:
        return actual is expected
    return abs(actual - expected) <= 1e-9


def test_every_vector_ran() -> None:
    assert len(VECTORS) >= 15
    assert sorted(_js_results()) == [p.name for p in VECTORS]


@pytest.mark.parametrize("path", VECTORS, ids=lambda p: p.stem)
def test_vector(path: Path) -> None:
    expected = json.loads(path.read_text(encoding="utf-8"))["expected"]
    result = _js_results()[path.name]
    assert result["result"] == expected["result"]
    assert _close(result["score"], expected["score"])
    assert result["score_display"] == expected["score_display"]
    assert _close(result["passed_weight"], expected["passed_weight"])
    assert _close(result["failed_weight"], expected["failed_weight"])
    assert result["passed_count"] == expected["passed_count"]
    assert [f["item_id"] for f in result["failed_checks"]] == expected["failed_checks"]
    assert result["missing_required"] == expected["missing_required"]
    assert result["reasons"] == expected["reasons"]
    assert [f["item_id"] for f in result["recommendations"]] == expected["recommendations"]
    assert len(result["sections"]) == len(expected["sections"])
    for actual, wanted in zip(result["sections"], expected["sections"], strict=True):
        assert actual["id"] == wanted["id"]
        assert actual["result"] == wanted["result"], actual["id"]
        assert _close(actual["score"], wanted["score"]), actual["id"]
        assert actual["score_display"] == wanted["score_display"], actual["id"]
        assert _close(actual["passed_weight"], wanted["passed_weight"]), actual["id"]
        assert _close(actual["failed_weight"], wanted["failed_weight"]), actual["id"]
        assert actual["passed_count"] == wanted["passed_count"], actual["id"]
    assert result["visible"] == expected["visible"]
    assert result["problems"] == expected["problems"]


# --- the same answers as the server, on random checklists ---------------------------------

WEIGHTS = [0.1, 0.2, 0.25, 0.3, 0.7, 0.9, 1, 1.5, 2, 2.9, 3.51, 7.99, 0.049, 1e-7, 12345.678]
VALUES: list[object] = [
    "pass", "fail", "na", "PASS", "", None, [], 0, 1, 2.5, -1, True, False, "yes", "no",
    ["yes"], ["yes", "no"], ["yes", "yes"], [""], {"lat": 1.0, "lon": 2.0},
    {"lat": 91, "lon": 0}, {"lat": 1, "lon": 2, "accuracy": -1}, {"lat": 1}, "2024-02-29",
    "2023-02-29", "0000-01-01", "2024-1-01", "abc", "none", "occurred", "occurred",
]  # fmt: skip
CONDITIONS: list[dict[str, object] | None] = [
    None, {"equals": "yes"}, {"not_equals": "yes"}, {"in": ["no", "pass"]}, {"equals": "pass"},
    {"answered": True}, {"answered": False}, {"at_least": 1}, {"at_most": 2.5}, {"equals": True},
    {"equals": 1}, {"not_equals": "fail"}, {"equals": "occurred"}, {"not_equals": "none"},
]  # fmt: skip


def _random_case(rng: random.Random, n: int) -> dict[str, Any]:
    kinds = ["check"] * 6 + ["veto", "number", "text", "choice", "photo", "signature"]
    kinds += ["location", "date"]
    sections = []
    ids: list[str] = []
    for s in range(rng.randint(1, 3)):
        items = []
        for i in range(rng.randint(1, 6)):
            kind = rng.choice(kinds)
            item: dict[str, Any] = {"id": f"i{s}_{i}", "kind": kind, "text": {"vi": "x", "en": "x"}}
            if kind == "check":
                item |= {"weight": rng.choice(WEIGHTS), "mandatory": rng.random() < 0.2}
                item["allow_na"] = rng.random() < 0.5
                item["advisory"] = rng.random() < 0.2
            if kind == "choice":
                item["choices"] = [{"value": v, "label": {"vi": v, "en": v}} for v in ("yes", "no")]
                item["multiple"] = rng.random() < 0.5
            if kind == "number":
                item |= {"min": 0, "max": 3, "integer": rng.random() < 0.5}
            if rng.random() < 0.3:
                item["required"] = rng.random() < 0.5
            condition = rng.choice(CONDITIONS)
            if condition is not None and ids:
                # Mostly earlier items; sometimes a later or unknown one (never present).
                target = rng.choice([*ids, *ids, "zz_unknown"])
                item["show_if"] = [{"item": target, **condition}]
            items.append(item)
            ids.append(item["id"])
        sections.append({"id": f"s{s}", "title": {"vi": "x", "en": "x"}, "items": items})
    checklist = {
        "id": f"random-{n:04d}",
        "version": 1,
        "title": {"vi": "x", "en": "x"},
        "applies_to": ["preschool"],
        "sections": sections,
        "threshold": rng.choice([0, 50, 80, 80, 87.5, 100, None, None]),
    }
    if rng.random() < 0.3:
        checklist["min_passed"] = rng.randint(1, 4)
    answers = {i: rng.choice(VALUES) for i in ids if rng.random() < 0.8}
    if rng.random() < 0.1:
        answers["not_an_item"] = "pass"
    return {"checklist": checklist, "answers": answers}


def test_random_checklists_agree_with_the_server(tmp_path: Path) -> None:
    rng = random.Random(20250704)
    cases = [_random_case(rng, n) for n in range(2000)]
    file = tmp_path / "cases.json"
    file.write_text(json.dumps(cases), encoding="utf-8")
    done = subprocess.run(
        ["node", str(RUNNER), str(file)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    for case, js in zip(cases, json.loads(done.stdout), strict=True):
        checklist = msgspec.convert(case["checklist"], Checklist)
        answers = case["answers"]
        py = score(checklist, answers)
        where = json.dumps(case)[:2000]
        assert js["result"] == py.result, where
        assert js["score_display"] == py.score_display, where
        assert _close(js["score"], py.score), where
        assert js["passed_count"] == py.passed_count, where
        assert [f["item_id"] for f in js["failed_checks"]] == [
            f.item_id for f in py.failed_checks
        ], where
        assert js["missing_required"] == py.missing_required, where
        assert js["reasons"] == msgspec.to_builtins(py.reasons), where
        assert [f["item_id"] for f in js["recommendations"]] == [
            f.item_id for f in py.recommendations
        ], where
        assert [(s["id"], s["result"], s["score_display"]) for s in js["sections"]] == [
            (s.id, s.result, s.score_display) for s in py.sections
        ], where
        visible = visible_items(checklist, answers)
        assert js["visible"] == [i.id for i in checklist.items() if i.id in visible], where
        assert js["problems"] == [
            {"item_id": p.item_id, "code": p.code} for p in answer_problems(checklist, answers)
        ], where
