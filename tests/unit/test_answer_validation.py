"""answer_problems: one case per way an answer can be wrong, and the cases that are fine."""

from __future__ import annotations

import pytest

from server.forms.schema import Checklist, Choice, Condition, Item, Section, Text
from server.inspections.problems import ANSWER_PROBLEM_CODES
from server.inspections.validation import Problem, answer_problems

T = Text(vi="Câu hỏi", en="Question")


def _choices(*values: str) -> list[Choice]:
    return [Choice(value=v, label=T) for v in values]


ITEMS = [
    Item(id="check", kind="check", text=T, required=False),
    Item(id="check_na", kind="check", text=T, required=False, allow_na=True),
    Item(id="number", kind="number", text=T, min=0, max=10),
    Item(id="count", kind="number", text=T, integer=True),
    Item(id="text", kind="text", text=T),
    Item(id="one", kind="choice", text=T, choices=_choices("a", "b")),
    Item(id="many", kind="choice", text=T, multiple=True, choices=_choices("a", "b")),
    Item(id="photo", kind="photo", text=T),
    Item(id="signature", kind="signature", text=T),
    Item(id="location", kind="location", text=T),
    Item(id="date", kind="date", text=T),
]
CHECKLIST = Checklist(
    id="validation-test",
    version=1,
    title=T,
    applies_to=["preschool"],
    sections=[Section(id="s", title=T, items=ITEMS)],
)

CASES: list[tuple[str, object, str | None]] = [
    ("check", "pass", None),
    ("check", "fail", None),
    ("check", "na", "na_not_allowed"),
    ("check", "Pass", "invalid_value"),
    ("check", True, "invalid_value"),
    ("check_na", "na", None),
    ("number", 0, None),
    ("number", 10.0, None),
    ("number", 2.5, None),
    ("number", -0.5, "out_of_range"),
    ("number", 10.01, "out_of_range"),
    ("number", "5", "invalid_value"),
    ("number", True, "invalid_value"),
    ("number", float("nan"), "invalid_value"),
    ("number", float("inf"), "invalid_value"),
    ("count", 3, None),
    ("count", 3.0, None),
    ("count", -7, None),
    ("count", 3.5, "not_integer"),
    ("text", "Có rào chắn", None),
    ("text", 5, "invalid_value"),
    ("one", "a", None),
    ("one", "c", "unknown_choice"),
    ("one", ["a"], "invalid_value"),
    ("many", ["a", "b"], None),
    ("many", ["a", "c"], "unknown_choice"),
    ("many", "a", "invalid_value"),
    ("many", ["a", "a"], "invalid_value"),
    ("many", ["a", 1], "invalid_value"),
    ("photo", ["sha256-1", "sha256-2"], None),
    ("photo", "sha256-1", "invalid_value"),
    ("photo", ["sha256-1", ""], "invalid_value"),
    ("photo", ["sha256-1", "sha256-1"], "invalid_value"),
    ("signature", "Nguyễn Thị B", None),
    ("signature", {"strokes": []}, "invalid_value"),
    ("location", {"lat": 21.03, "lon": 105.85}, None),
    ("location", {"lat": 21.03, "lon": 105.85, "accuracy": 12.5}, None),
    ("location", {"lat": 21, "lon": 105, "accuracy": None}, None),
    ("location", {"lat": 21.03}, "invalid_value"),
    ("location", {"lat": 21.03, "lon": 105.85, "alt": 3}, "invalid_value"),
    ("location", {"lat": 91, "lon": 105.85}, "invalid_value"),
    ("location", {"lat": 21.03, "lon": -181}, "invalid_value"),
    ("location", {"lat": "21.03", "lon": 105.85}, "invalid_value"),
    ("location", {"lat": 21.03, "lon": 105.85, "accuracy": -1}, "invalid_value"),
    ("location", [21.03, 105.85], "invalid_value"),
    ("date", "2024-02-29", None),
    ("date", "2023-02-29", "invalid_value"),
    ("date", "2024-2-9", "invalid_value"),
    ("date", "20240229", "invalid_value"),
    ("date", "2024-02-29T10:00", "invalid_value"),
    ("date", "２０２４-02-29", "invalid_value"),
    ("date", 20240229, "invalid_value"),
]


@pytest.mark.parametrize(("item_id", "value", "code"), CASES, ids=lambda x: repr(x)[:30])
def test_value(item_id: str, value: object, code: str | None) -> None:
    codes = [(p.item_id, p.code) for p in answer_problems(CHECKLIST, {item_id: value})]
    assert codes == ([] if code is None else [(item_id, code)])


def test_every_code_is_exercised() -> None:
    exercised = {code for _, _, code in CASES if code} | {"unknown_item", "required_missing"}
    assert exercised == set(ANSWER_PROBLEM_CODES)


@pytest.mark.parametrize("empty", [None, "", []])
def test_empty_values_are_no_answer(empty: object) -> None:
    for item in ITEMS:
        assert answer_problems(CHECKLIST, {item.id: empty}) == []


def test_unknown_item() -> None:
    problems = answer_problems(CHECKLIST, {"zeta": 1, "check": "pass", "alpha": "x"})
    assert [(p.item_id, p.code) for p in problems] == [
        ("alpha", "unknown_item"),
        ("zeta", "unknown_item"),
    ]


def _gated() -> Checklist:
    gate = [Condition(item="gate", equals="yes")]
    items = [
        Item(id="gate", kind="choice", text=T, choices=_choices("yes", "no")),
        Item(id="c1", kind="check", text=T),
        Item(id="c2", kind="check", text=T, show_if=gate),
        Item(id="n", kind="number", text=T, required=True, show_if=gate, max=5),
        Item(id="c3", kind="check", text=T, required=False),
        Item(id="t", kind="text", text=T, required=True),
    ]
    return Checklist(
        id="validation-gated",
        version=1,
        title=T,
        applies_to=["primary"],
        sections=[Section(id="s", title=T, items=items)],
    )


def test_required_missing_only_for_visible_required_items() -> None:
    checklist = _gated()
    hidden = answer_problems(checklist, {"gate": "no"})
    assert hidden == [
        Problem("c1", "required_missing", "This item must be answered."),
        Problem("t", "required_missing", "This item must be answered."),
    ]
    shown = answer_problems(checklist, {"gate": "yes", "c1": "pass", "t": ""})
    assert [(p.item_id, p.code) for p in shown] == [
        ("c2", "required_missing"),
        ("n", "required_missing"),
        ("t", "required_missing"),
    ]


def test_hidden_answers_are_kept_but_must_fit_their_kind() -> None:
    checklist = _gated()
    fine = {"gate": "no", "c1": "pass", "t": "ok", "c2": "fail", "n": 3}
    assert answer_problems(checklist, fine) == []
    wrong = {**fine, "n": 6, "c2": "na"}
    assert [(p.item_id, p.code) for p in answer_problems(checklist, wrong)] == [
        ("c2", "na_not_allowed"),
        ("n", "out_of_range"),
    ]


def test_one_problem_per_item_in_document_order() -> None:
    checklist = _gated()
    answers = {"gate": "maybe", "c1": "na", "t": 1, "extra": "x"}
    assert [(p.item_id, p.code) for p in answer_problems(checklist, answers)] == [
        ("gate", "unknown_choice"),
        ("c1", "na_not_allowed"),
        ("t", "invalid_value"),
        ("extra", "unknown_item"),
    ]
