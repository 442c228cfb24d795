"""Scoring and visibility against the shared vectors, plus properties that must always hold."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.forms.conditions import condition_holds, is_answered, visible_items
from server.forms.schema import Checklist, Condition, Item, Section, Text
from server.inspections.scoring import ScoreResult, score
from server.inspections.validation import answer_problems

VECTORS = sorted((Path(__file__).parents[1] / "vectors" / "scoring").glob("*.json"))


def _load(path: Path) -> tuple[Checklist, dict[str, Any], dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    checklist = msgspec.convert(data["checklist"], Checklist)
    return checklist, data["answers"], data["expected"]


def _close(actual: float | None, expected: float | None) -> bool:
    if actual is None or expected is None:
        return actual is expected
    return abs(actual - expected) <= 1e-9


def test_vectors_are_many_and_well_named() -> None:
    assert len(VECTORS) >= 15
    names = [json.loads(p.read_text(encoding="utf-8"))["name"] for p in VECTORS]
    assert len(set(names)) == len(names)
    for path, name in zip(VECTORS, names, strict=True):
        assert path.stem.split("_", 1)[1] == name


@pytest.mark.parametrize("path", VECTORS, ids=lambda p: p.stem)
def test_vector_score(path: Path) -> None:
    checklist, answers, expected = _load(path)
    result = score(checklist, answers)
    assert result.result == expected["result"]
    assert _close(result.score, expected["score"])
    assert result.score_display == expected["score_display"]
    assert _close(result.passed_weight, expected["passed_weight"])
    assert _close(result.failed_weight, expected["failed_weight"])
    assert result.passed_count == expected["passed_count"]
    assert [f.item_id for f in result.failed_checks] == expected["failed_checks"]
    assert result.missing_required == expected["missing_required"]
    assert len(result.sections) == len(expected["sections"])
    for actual, wanted in zip(result.sections, expected["sections"], strict=True):
        assert actual.id == wanted["id"]
        assert actual.result == wanted["result"], actual.id
        assert _close(actual.score, wanted["score"]), actual.id
        assert actual.score_display == wanted["score_display"], actual.id
        assert _close(actual.passed_weight, wanted["passed_weight"]), actual.id
        assert _close(actual.failed_weight, wanted["failed_weight"]), actual.id
        assert actual.passed_count == wanted["passed_count"], actual.id


@pytest.mark.parametrize("path", VECTORS, ids=lambda p: p.stem)
def test_vector_visibility_and_problems(path: Path) -> None:
    checklist, answers, expected = _load(path)
    visible = visible_items(checklist, answers)
    assert [i.id for i in checklist.items() if i.id in visible] == expected["visible"]
    problems = [{"item_id": p.item_id, "code": p.code} for p in answer_problems(checklist, answers)]
    assert problems == expected["problems"]


def test_failed_check_details() -> None:
    checklist, answers, _ = _load(next(p for p in VECTORS if "mandatory_fail" in p.stem))
    first = score(checklist, answers).failed_checks[0]
    assert (first.item_id, first.section_id, first.mandatory, first.weight) == ("c3", "s2", True, 1)
    assert first.legal_ref == "TT 45/2021 Điều 6"


@pytest.mark.parametrize(
    ("answer", "condition", "holds"),
    [
        (True, Condition(item="q", equals=1.0), False),
        (1, Condition(item="q", equals=True), False),
        (True, Condition(item="q", equals=True), True),
        (3, Condition(item="q", equals=3.0), True),
        ("3", Condition(item="q", equals=3.0), False),
        ("3", Condition(item="q", at_least=1.0), False),
        (True, Condition(item="q", at_least=0.0), False),
        ([2.0], Condition(item="q", at_least=1.0), False),
        ("Yes", Condition(item="q", equals="yes"), False),
        ({"lat": 1.0, "lon": 2.0}, Condition(item="q", equals="x"), False),
        ({"lat": 1.0, "lon": 2.0}, Condition(item="q", not_equals="x"), True),
        (["a", "b"], Condition(item="q", in_=["c", "b"]), True),
        (["a", "b"], Condition(item="q", not_equals="c"), True),
        (["a", "b"], Condition(item="q", not_equals="a"), False),
        (5, Condition(item="q", at_least=1.0, at_most=4.0), False),
        (3, Condition(item="q", at_least=1.0, at_most=4.0), True),
        (3, Condition(item="q", answered=True, equals=3.0), True),
        (3, Condition(item="q"), True),
        (None, Condition(item="q"), True),
        (None, Condition(item="q", answered=False), True),
        (None, Condition(item="q", answered=False, equals="x"), False),
        ("", Condition(item="q", answered=True), False),
        ([], Condition(item="q", not_equals="a"), False),
    ],
)
def test_condition_operators(answer: object, condition: Condition, holds: bool) -> None:
    answers = {} if answer is None else {"q": answer}
    assert condition_holds(condition, answers, {"q"}) is holds


def test_condition_on_hidden_item_holds_only_for_answered_false() -> None:
    answers = {"q": "yes"}
    assert not condition_holds(Condition(item="q", equals="yes"), answers, set())
    assert not condition_holds(Condition(item="q", answered=True), answers, set())
    assert condition_holds(Condition(item="q", answered=False), answers, set())


def test_forward_reference_counts_as_hidden() -> None:
    text = Text(vi="x", en="x")
    checklist = Checklist(
        id="forward-ref",
        version=1,
        title=text,
        applies_to=["primary"],
        sections=[
            Section(
                id="s",
                title=text,
                items=[
                    Item(
                        id="a",
                        kind="check",
                        text=text,
                        show_if=[Condition(item="b", answered=True)],
                    ),
                    Item(id="b", kind="check", text=text),
                ],
            )
        ],
    )
    assert visible_items(checklist, {"a": "pass", "b": "pass"}) == {"b"}


@pytest.mark.parametrize(
    ("value", "answered"),
    [(None, False), ("", False), ([], False), (0, True), ("x", True), (["a"], True), ({}, True)],
)
def test_is_answered(value: object, answered: bool) -> None:
    assert is_answered(value) is answered


# --- properties --------------------------------------------------------------------------

TEXT = Text(vi="Tiêu chí", en="Criterion")
WEIGHTS = [0.1, 0.2, 0.25, 0.3, 0.7, 0.9, 1.0, 1.5, 2.0, 2.9, 3.51, 7.99]


@st.composite
def inspections(draw: st.DrawFn) -> tuple[Checklist, dict[str, object]]:
    """Random checklists whose checks may hang on a gate question, with random answers."""
    gate = Item(id="gate", kind="choice", text=TEXT, choices=[])
    answers: dict[str, object] = {}
    gate_answer = draw(st.sampled_from(["yes", "no", None]))
    if gate_answer is not None:
        answers["gate"] = gate_answer
    sections = []
    for s in range(draw(st.integers(1, 3))):
        items = [gate] if s == 0 else []
        for i in range(draw(st.integers(1, 6))):
            allow_na = draw(st.booleans())
            item = Item(
                id=f"c{s}_{i}",
                kind="check",
                text=TEXT,
                weight=draw(st.sampled_from(WEIGHTS)),
                mandatory=draw(st.booleans()),
                allow_na=allow_na,
                show_if=draw(
                    st.sampled_from(
                        [
                            None,
                            [Condition(item="gate", equals="yes")],
                            [Condition(item="gate", not_equals="yes")],
                            [Condition(item="gate", answered=False)],
                        ]
                    )
                ),
            )
            items.append(item)
            choices = ["pass", "fail", "na"] if allow_na else ["pass", "fail"]
            answer = draw(st.sampled_from([*choices, None]))
            if answer is not None:
                answers[item.id] = answer
        sections.append(Section(id=f"s{s}", title=TEXT, items=items))
    checklist = Checklist(
        id="property-test",
        version=1,
        title=TEXT,
        applies_to=["preschool"],
        sections=sections,
        threshold=draw(st.sampled_from([0.0, 50.0, 62.5, 80.0, 80.5, 100.0])),
        min_passed=draw(st.sampled_from([None, 1, 3, 5])),
    )
    return checklist, answers


def _scored_parts(result: ScoreResult) -> object:
    """Everything except missing_required, which an unanswered item legitimately changes."""
    return msgspec.structs.replace(result, missing_required=[])


@given(inspections())
def test_na_never_changes_the_score(case: tuple[Checklist, dict[str, object]]) -> None:
    checklist, answers = case
    for item in checklist.checks():
        if item.allow_na:
            without = {k: v for k, v in answers.items() if k != item.id}
            with_na = {**without, item.id: "na"}
            assert _scored_parts(score(checklist, with_na)) == _scored_parts(
                score(checklist, without)
            )


@given(inspections())
def test_pass_instead_of_fail_never_lowers_the_score(
    case: tuple[Checklist, dict[str, object]],
) -> None:
    checklist, answers = case
    before = score(checklist, answers)
    visible = visible_items(checklist, answers)
    for item_id in [k for k, v in answers.items() if v == "fail" and k in visible]:
        after = score(checklist, {**answers, item_id: "pass"})
        assert before.score is not None and after.score is not None
        assert after.score >= before.score
        assert after.passed_count >= before.passed_count
        if before.result == "passed":
            assert after.result == "passed"


@given(inspections())
def test_visible_mandatory_failure_fails(case: tuple[Checklist, dict[str, object]]) -> None:
    checklist, answers = case
    visible = visible_items(checklist, answers)
    result = score(checklist, answers)
    mandatory_failed = any(
        item.mandatory and item.id in visible and answers.get(item.id) == "fail"
        for item in checklist.checks()
    )
    if mandatory_failed:
        assert result.result == "failed"
        assert result.failed_checks[0].mandatory


@given(inspections())
def test_score_bounds_and_consistency(case: tuple[Checklist, dict[str, object]]) -> None:
    checklist, answers = case
    result = score(checklist, answers)
    assert (result.score is None) == (result.result == "not_assessed")
    if result.score is not None:
        assert 0 <= result.score <= 100
    assert result.passed_count == sum(s.passed_count for s in result.sections)
    assert abs(result.passed_weight - sum(s.passed_weight for s in result.sections)) < 1e-9
    flags = [f.mandatory for f in result.failed_checks]
    assert flags == sorted(flags, reverse=True)


@given(inspections())
def test_display_is_half_up_of_the_exact_decimal(
    case: tuple[Checklist, dict[str, object]],
) -> None:
    checklist, answers = case
    visible = visible_items(checklist, answers)
    with localcontext() as ctx:
        ctx.prec = 60
        weights = {
            item.id: Decimal(str(item.weight)) for item in checklist.checks() if item.id in visible
        }
        passed = sum((w for i, w in weights.items() if answers.get(i) == "pass"), Decimal(0))
        failed = sum((w for i, w in weights.items() if answers.get(i) == "fail"), Decimal(0))
        result = score(checklist, answers)
        if passed + failed == 0:
            assert result.score_display is None
        else:
            exact = 100 * passed / (passed + failed)
            assert result.score_display == str(exact.quantize(Decimal("0.1"), ROUND_HALF_UP))
            threshold = Decimal(str(checklist.threshold))
            if 100 * passed < threshold * (passed + failed):
                assert result.result == "failed"


@settings(max_examples=50)
@given(inspections(), st.sampled_from(["pass", "fail", "na"]))
def test_answers_on_hidden_checks_are_ignored(
    case: tuple[Checklist, dict[str, object]], stale: str
) -> None:
    checklist, answers = case
    visible = visible_items(checklist, answers)
    hidden = {item.id: stale for item in checklist.checks() if item.id not in visible}
    assert score(checklist, {**answers, **hidden}) == score(checklist, answers)
