"""XLSForm import and export: the supported subset, refusals that name sheet and row, the
round trip of every shipped checklist, the YAML written, and the two CLI commands."""

from __future__ import annotations

import copy
import io
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import openpyxl  # type: ignore[import-untyped]
import pytest
from pyxform.xls2xform import convert  # type: ignore[import-untyped]

from server.forms.loader import fingerprint, load_dir, load_file
from server.forms.schema import Checklist
from server.forms.xlsform import (
    SheetProblem,
    XLSFormRejected,
    checklist_yaml,
    import_to_dir,
    parse_relevant,
    read_xlsform,
    workbook_from_checklist,
    xlsform_bytes,
)

REPO = Path(__file__).resolve().parents[2]
SHIPPED = load_dir(REPO / "forms")

VI, EN = "Tiếng Việt (vi)", "English (en)"
SURVEY_HEADER = [
    "type",
    "name",
    f"label::{VI}",
    f"label::{EN}",
    f"hint::{VI}",
    f"hint::{EN}",
    "required",
    "relevant",
    "appearance",
    "weight",
    "mandatory",
    "legal_ref",
    "inferred",
    "min",
    "max",
    f"unit::{VI}",
    f"unit::{EN}",
]


def q(type_: str, name: str, vi: str, en: str, **cells: Any) -> dict[str, Any]:
    """One survey row as {heading: value}."""
    return {"type": type_, "name": name, f"label::{VI}": vi, f"label::{EN}": en, **cells}


# A hand-made workbook using every supported construct (and some tolerated spellings:
# begin_group/end_group, "list name", title_vi, a boolean TRUE cell, a blank row).
SURVEY_ROWS: list[dict[str, Any]] = [
    q(
        "begin_group",
        "info",
        "Thông tin chung",
        "General information",
        **{f"hint::{VI}": "Không tính điểm.", f"hint::{EN}": "Not scored."},
    ),
    q("date", "visit_date", "Ngày kiểm tra", "Inspection date", required="yes"),
    q("select_one site_kind", "kinds", "Loại cơ sở", "Kind of site", required=True),
    q("select_multiple levels", "levels", "Cấp học", "Levels"),
    q(
        "integer",
        "children",
        "Số trẻ",
        "Number of children",
        required="TRUE",
        min=0,
        max=500,
        **{f"unit::{VI}": "trẻ", f"unit::{EN}": "children"},
    ),
    q("decimal", "area", "Diện tích phòng", "Room area", min=0.5),
    q("text", "notes", "Ghi chú", "Notes", relevant="${children} != ''"),
    q("geopoint", "where", "Vị trí", "Location"),
    {},
    {"type": "end group", "name": "info"},
    q("begin group", "safety", "An toàn", "Safety"),
    q(
        "select_one pass_fail_na",
        "gate",
        "Cổng chắc chắn",
        "The gate is sturdy",
        **{f"hint::{VI}": "Lay thử cổng.", f"hint::{EN}": "Shake the gate."},
        weight=2,
        mandatory="yes",
        legal_ref="NĐ 80/2017/NĐ-CP, Điều 3",
        inferred="no",
    ),
    q(
        "select_one pass_fail",
        "pool",
        "Bể nước có nắp",
        "The tank is covered",
        relevant="${kinds} = 'home' and ${children} >= 3",
        legal_ref="TT 45/2021, Điều 8",
        inferred="yes",
    ),
    q("image", "pool_photo", "Ảnh bể nước", "Photo of the tank", relevant="${pool} = 'pass'"),
    q(
        "select_one pass_fail",
        "drills",
        "Có diễn tập",
        "Drills are held",
        relevant="${children} <= 100 and selected(${levels}, 'primary')",
        legal_ref="NĐ 80/2017/NĐ-CP, Điều 5",
        weight=0.5,
    ),
    q(
        "select_one pass_fail",
        "stairs",
        "Cầu thang an toàn",
        "Stairs are safe",
        relevant="(${kinds} = 'home' or ${kinds} = 'centre')",
        required="no",
        legal_ref="TT 45/2021, Điều 8",
    ),
    q(
        "text",
        "why",
        "Lý do",
        "Reason",
        relevant="${kinds} != 'centre' and not(selected(${levels}, 'lower'))",
    ),
    q("text", "empty_note", "Chưa có ghi chú", "No notes yet", relevant="${notes} = ''"),
    {"type": "end_group"},
    q("begin group", "sign", "Ký biên bản", "Sign-off"),
    q("image", "signature", "Chữ ký", "Signature", appearance="signature"),
    {"type": "end group"},
]
CHOICES_ROWS: list[list[Any]] = [
    ["list name", "name", f"label::{VI}", f"label::{EN}"],
    ["pass_fail_na", "pass", "Đạt", "Pass"],
    ["pass_fail_na", "fail", "Không đạt", "Fail"],
    ["pass_fail_na", "na", "Không áp dụng", "Not applicable"],
    ["pass_fail", "pass", "Đạt", "Pass"],
    ["pass_fail", "fail", "Không đạt", "Fail"],
    ["site_kind", "home", "Tại nhà", "At home"],
    ["site_kind", "centre", "Trung tâm", "Centre"],
    ["levels", "primary", "Tiểu học", "Primary"],
    ["levels", "lower", "Trung học cơ sở", "Lower secondary"],
]
SETTINGS_ROWS: list[list[Any]] = [
    ["form_id", "version", "title_vi", "title_en", f"description::{VI}", f"description::{EN}",
     "applies_to", "threshold", "min_passed", "validity_days", "legal_basis"],
    ["tiny-import", 3, "Bảng kiểm nhỏ", "Tiny checklist", "Để thử.", "For testing.",
     "preschool, independent_childcare", 75, 2, 180, "Luật Trẻ em 2016\nNĐ 80/2017/NĐ-CP\n"],
]  # fmt: skip

EXPECTED = msgspec.convert(
    {
        "id": "tiny-import",
        "version": 3,
        "title": {"vi": "Bảng kiểm nhỏ", "en": "Tiny checklist"},
        "description": {"vi": "Để thử.", "en": "For testing."},
        "applies_to": ["preschool", "independent_childcare"],
        "threshold": 75,
        "min_passed": 2,
        "validity_days": 180,
        "legal_basis": ["Luật Trẻ em 2016", "NĐ 80/2017/NĐ-CP"],
        "sections": [
            {
                "id": "info",
                "title": {"vi": "Thông tin chung", "en": "General information"},
                "help": {"vi": "Không tính điểm.", "en": "Not scored."},
                "items": [
                    {"id": "visit_date", "kind": "date", "required": True,
                     "text": {"vi": "Ngày kiểm tra", "en": "Inspection date"}},
                    {"id": "kinds", "kind": "choice", "required": True,
                     "text": {"vi": "Loại cơ sở", "en": "Kind of site"},
                     "choices": [
                         {"value": "home", "label": {"vi": "Tại nhà", "en": "At home"}},
                         {"value": "centre", "label": {"vi": "Trung tâm", "en": "Centre"}},
                     ]},
                    {"id": "levels", "kind": "choice", "multiple": True,
                     "text": {"vi": "Cấp học", "en": "Levels"},
                     "choices": [
                         {"value": "primary", "label": {"vi": "Tiểu học", "en": "Primary"}},
                         {"value": "lower",
                          "label": {"vi": "Trung học cơ sở", "en": "Lower secondary"}},
                     ]},
                    {"id": "children", "kind": "number", "integer": True, "required": True,
                     "min": 0, "max": 500, "unit": {"vi": "trẻ", "en": "children"},
                     "text": {"vi": "Số trẻ", "en": "Number of children"}},
                    {"id": "area", "kind": "number", "min": 0.5,
                     "text": {"vi": "Diện tích phòng", "en": "Room area"}},
                    {"id": "notes", "kind": "text", "text": {"vi": "Ghi chú", "en": "Notes"},
                     "show_if": [{"item": "children", "answered": True}]},
                    {"id": "where", "kind": "location",
                     "text": {"vi": "Vị trí", "en": "Location"}},
                ],
            },
            {
                "id": "safety",
                "title": {"vi": "An toàn", "en": "Safety"},
                "items": [
                    {"id": "gate", "kind": "check", "weight": 2, "mandatory": True,
                     "allow_na": True, "legal_ref": "NĐ 80/2017/NĐ-CP, Điều 3",
                     "text": {"vi": "Cổng chắc chắn", "en": "The gate is sturdy"},
                     "help": {"vi": "Lay thử cổng.", "en": "Shake the gate."}},
                    {"id": "pool", "kind": "check", "inferred": True,
                     "legal_ref": "TT 45/2021, Điều 8",
                     "text": {"vi": "Bể nước có nắp", "en": "The tank is covered"},
                     "show_if": [{"item": "kinds", "equals": "home"},
                                 {"item": "children", "at_least": 3}]},
                    {"id": "pool_photo", "kind": "photo",
                     "text": {"vi": "Ảnh bể nước", "en": "Photo of the tank"},
                     "show_if": [{"item": "pool", "equals": "pass"}]},
                    {"id": "drills", "kind": "check", "weight": 0.5,
                     "legal_ref": "NĐ 80/2017/NĐ-CP, Điều 5",
                     "text": {"vi": "Có diễn tập", "en": "Drills are held"},
                     "show_if": [{"item": "children", "at_most": 100},
                                 {"item": "levels", "equals": "primary"}]},
                    {"id": "stairs", "kind": "check", "required": False,
                     "legal_ref": "TT 45/2021, Điều 8",
                     "text": {"vi": "Cầu thang an toàn", "en": "Stairs are safe"},
                     "show_if": [{"item": "kinds", "in": ["home", "centre"]}]},
                    {"id": "why", "kind": "text", "text": {"vi": "Lý do", "en": "Reason"},
                     "show_if": [{"item": "kinds", "not_equals": "centre"},
                                 {"item": "levels", "not_equals": "lower"}]},
                    {"id": "empty_note", "kind": "text",
                     "text": {"vi": "Chưa có ghi chú", "en": "No notes yet"},
                     "show_if": [{"item": "notes", "answered": False}]},
                ],
            },
            {
                "id": "sign",
                "title": {"vi": "Ký biên bản", "en": "Sign-off"},
                "items": [
                    {"id": "signature", "kind": "signature",
                     "text": {"vi": "Chữ ký", "en": "Signature"}},
                ],
            },
        ],
    },
    Checklist,
)  # fmt: skip


Spec = dict[str, list[list[Any]]]


def base_spec() -> Spec:
    survey: list[list[Any]] = [list(SURVEY_HEADER)]
    survey += [[row.get(column) for column in SURVEY_HEADER] for row in SURVEY_ROWS]
    return {
        "survey": survey,
        "choices": copy.deepcopy(CHOICES_ROWS),
        "settings": copy.deepcopy(SETTINGS_ROWS),
    }


def workbook_bytes(spec: Spec) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in spec.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read(spec: Spec) -> Checklist:
    return read_xlsform(io.BytesIO(workbook_bytes(spec)))


def problems_of(spec: Spec) -> list[SheetProblem]:
    with pytest.raises(XLSFormRejected) as caught:
        read(spec)
    return caught.value.problems


# --- import -----------------------------------------------------------------------------


def test_import_covers_every_supported_construct() -> None:
    checklist = read(base_spec())
    assert checklist == EXPECTED
    assert fingerprint(checklist) == fingerprint(EXPECTED)


def test_language_columns_accept_codes_and_names() -> None:
    spec = base_spec()
    spec["survey"][0][2:4] = ["label::vi", "label::English"]
    spec["settings"][0][2:4] = [f"form_title::{VI}", "form_title::en"]
    assert fingerprint(read(spec)) == fingerprint(EXPECTED)


@pytest.mark.parametrize(
    ("expression", "conditions"),
    [
        ("${a} = 'x'", [{"item": "a", "equals": "x"}]),
        ('${a} = "it\'s"', [{"item": "a", "equals": "it's"}]),
        ("${a}='x'", [{"item": "a", "equals": "x"}]),
        ("${a} = 3", [{"item": "a", "equals": 3.0}]),
        ("${a} != 'x'", [{"item": "a", "not_equals": "x"}]),
        ("${a} >= -1.5", [{"item": "a", "at_least": -1.5}]),
        ("${a} <= 3", [{"item": "a", "at_most": 3.0}]),
        ("selected(${a}, 'x')", [{"item": "a", "equals": "x"}]),
        ("not(selected(${a}, 'x'))", [{"item": "a", "not_equals": "x"}]),
        ("${a} != ''", [{"item": "a", "answered": True}]),
        ("${a} = ''", [{"item": "a", "answered": False}]),
        ("(${a} = 'x')", [{"item": "a", "in": ["x"]}]),
        ("(${a} = 'x' or selected(${a}, 'y'))", [{"item": "a", "in": ["x", "y"]}]),
        (
            "${a} = 'x' and ${b} >= 2 and (${c} = 'p' or ${c} = 'q')",
            [
                {"item": "a", "equals": "x"},
                {"item": "b", "at_least": 2.0},
                {"item": "c", "in": ["p", "q"]},
            ],
        ),
    ],
)
def test_relevant_subset(expression: str, conditions: list[dict[str, Any]]) -> None:
    assert parse_relevant(expression) == conditions


# --- refusals: sheet, row and reason ----------------------------------------------------

LAST_ROW = len(SURVEY_ROWS) + 1  # Excel row of the last survey row (header is row 1)


def with_rows(*rows: dict[str, Any]) -> Callable[[Spec], None]:
    """Append survey rows (new headings added as needed); the first lands on LAST_ROW + 1."""

    def mutate(spec: Spec) -> None:
        header = spec["survey"][0]
        for row in rows:
            for column in row:
                if column not in header:
                    header.append(column)
        for row in rows:
            spec["survey"].append([row.get(column) for column in header])

    return mutate


def in_group(row: dict[str, Any], group: str = "extra") -> Callable[[Spec], None]:
    """A question inside a new group: the question is on LAST_ROW + 2."""
    return with_rows(q("begin group", group, "Thêm", "Extra"), row, {"type": "end group"})


def text_q(**cells: Any) -> dict[str, Any]:
    return q("text", "extra_q", "Câu hỏi thêm", "Extra question", **cells)


def set_cell(sheet: str, row: int, column: str, value: Any) -> Callable[[Spec], None]:
    def mutate(spec: Spec) -> None:
        header = spec[sheet][0]
        if column not in header:
            header.append(column)
            for other in spec[sheet][1:]:
                other.append(None)
        spec[sheet][row - 1][header.index(column)] = value

    return mutate


def add_sheet_rows(sheet: str, *rows: list[Any]) -> Callable[[Spec], None]:
    def mutate(spec: Spec) -> None:
        spec.setdefault(sheet, [[]]).extend(rows)

    return mutate


def drop_sheet(sheet: str) -> Callable[[Spec], None]:
    def mutate(spec: Spec) -> None:
        del spec[sheet]

    return mutate


Q = LAST_ROW + 2
CHOICES_NEXT = len(CHOICES_ROWS) + 1
REFUSALS: list[tuple[str, Callable[[Spec], None], str, int | None, str]] = [
    ("calculate", in_group({"type": "calculate", "name": "t"}), "survey", Q,
     "calculations are not supported"),
    ("repeat", in_group({"type": "begin repeat", "name": "kids"}), "survey", Q,
     "repeat groups are not supported"),
    ("note", in_group(q("note", "n", "Ghi chú", "Note")), "survey", Q, "notes are not supported"),
    ("metadata", in_group({"type": "start", "name": "start"}), "survey", Q,
     "metadata questions are not supported"),
    ("barcode", in_group(q("barcode", "b", "Mã", "Code")), "survey", Q, "barcodes"),
    ("unknown type", in_group(q("widget", "w", "Cái", "Thing")), "survey", Q,
     "unknown or unsupported type 'widget'"),
    ("from file", in_group(q("select_one_from_file a.csv", "f", "Tệp", "File")), "survey", Q,
     "use select_one or select_multiple"),
    ("or_other", in_group(q("select_one site_kind or_other", "o", "Loại", "Kind")), "survey", Q,
     "or_other is not supported"),
    ("missing list", in_group(q("select_one nothing", "m", "Loại", "Kind")), "survey", Q,
     "list 'nothing' is not in the choices sheet"),
    ("constraint", in_group(text_q(constraint=". != 'x'")), "survey", Q,
     "constraints are not supported"),
    ("choice_filter", in_group(text_q(choice_filter="x = 1")), "survey", Q,
     "choice filters"),
    ("default", in_group(text_q(default="x")), "survey", Q, "default answers are not supported"),
    ("French label", in_group(text_q(**{"label::Français (fr)": "Question"})), "survey", Q,
     "only Vietnamese (vi) and English (en)"),
    ("label without language", in_group(text_q(label="Question")), "survey", Q,
     "needs a language"),
    ("appearance", in_group(text_q(appearance="multiline")), "survey", Q,
     "appearance 'multiline' is not supported"),
    ("relevant >", in_group(text_q(relevant="${children} > 3")), "survey", Q,
     "relevant: cannot read '> 3'"),
    ("relevant function", in_group(text_q(relevant="count-selected(${levels}) >= 1")),
     "survey", Q, "'count-selected' is not supported"),
    ("relevant top-level or", in_group(text_q(relevant="${kinds} = 'home' or ${area} >= 1")),
     "survey", Q, "expected and, found 'or'"),
    ("relevant mixed or", in_group(text_q(relevant="(${kinds} = 'home' or ${area} = 1)")),
     "survey", Q, "'or' is supported only between equalities on the same question"),
    ("relevant unknown item", in_group(text_q(relevant="${ghost} = 'x'")), "survey", Q,
     "refers to unknown item 'ghost'"),
    ("relevant impossible answer", in_group(text_q(relevant="${stairs} = 'na'")), "survey", Q,
     "'na' is not allowed there"),
    ("weight on text", in_group(text_q(weight=2)), "survey", Q,
     "weight is only for checks, not kind 'text'"),
    ("check without legal_ref",
     in_group(q("select_one pass_fail", "c", "Kiểm tra", "Check")), "survey", Q,
     "a check needs a legal_ref"),
    ("bad weight", in_group(text_q(weight="heavy")), "survey", Q,
     "weight: expected a number, found 'heavy'"),
    ("bad name", in_group(q("text", "Extra Q", "Câu", "Question")), "survey", Q,
     "name: must be lower-case letters"),
    ("duplicate name", in_group(q("text", "notes", "Câu", "Question")), "survey", Q,
     "name 'notes' is already used on row 8"),
    ("required maybe", in_group(text_q(required="maybe")), "survey", Q,
     "required: expected yes or no, found 'maybe'"),
    ("English label missing", in_group({"type": "text", "name": "x", f"label::{VI}": "Câu"}),
     "survey", Q, f"label::{EN} is empty"),
    ("formula", in_group(text_q(**{f"hint::{EN}": "=1+1"})), "survey", Q, "holds a formula"),
    ("nested group",
     with_rows(q("begin group", "outer", "Ngoài", "Outer"), q("begin group", "inner", "Trong",
               "Inner"), text_q(), {"type": "end group"}, {"type": "end group"}),
     "survey", LAST_ROW + 2, "nested groups are not supported"),
    ("question outside a group", with_rows(text_q()), "survey", LAST_ROW + 1,
     "questions must be inside a group"),
    ("end without begin", with_rows({"type": "end group"}), "survey", LAST_ROW + 1,
     "end group without a begin group"),
    ("begin without end", with_rows(q("begin group", "open", "Mở", "Open"), text_q()),
     "survey", LAST_ROW + 1, "begin group has no matching end group"),
    ("empty group", with_rows(q("begin group", "empty", "Trống", "Empty"),
                              {"type": "end group"}), "survey", LAST_ROW + 1,
     "group 'empty' has no questions"),
    ("relevant on a group", with_rows(q("begin group", "g", "Nhóm", "Group", relevant="1"),
                                      text_q(), {"type": "end group"}), "survey", LAST_ROW + 1,
     "column 'relevant' is not supported on begin group"),
    ("no type", with_rows({"name": "x"}), "survey", LAST_ROW + 1, "type is empty"),
    ("cell without heading", set_cell("survey", 3, "", "stray"), "survey", 3,
     "has no column heading"),
    ("unused list", add_sheet_rows("choices", ["spare", "a", "A", "A"]), "choices",
     CHOICES_NEXT, "list 'spare' is not used by any question"),
    ("duplicate choice", add_sheet_rows("choices", ["pass_fail", "pass", "Đạt", "Pass"]),
     "choices", CHOICES_NEXT, "list 'pass_fail' already has a choice 'pass'"),
    ("choice without name", add_sheet_rows("choices", ["levels", None, "Khác", "Other"]),
     "choices", CHOICES_NEXT, "needs both list_name and name"),
    ("settings column", set_cell("settings", 2, "default_language", "vi"), "settings", 2,
     "column 'default_language' is not part of the supported subset"),
    ("settings version", set_cell("settings", 2, "version", "abc"), "settings", 2,
     "version: expected a number, found 'abc'"),
    ("settings kind", set_cell("settings", 2, "applies_to", "school"), "settings", 2,
     "applies_to: invalid facility kind 'school'; use one of preschool"),
    ("settings form_id", set_cell("settings", 2, "form_id", "Tiny Import"), "settings", 2,
     "form_id: must be lower-case letters, digits and dashes"),
    ("settings threshold", set_cell("settings", 2, "threshold", 120), "settings", 2,
     "threshold: expected `float` <= 100"),
    ("settings min_passed", set_cell("settings", 2, "min_passed", 9), "settings", 2,
     "min_passed is 9 but the checklist has only 4 checks"),
    ("settings title", set_cell("settings", 2, "title_en", None), "settings", 2,
     f"form_title::{EN} is empty"),
    ("settings second row", add_sheet_rows("settings", ["other", 1]), "settings", 3,
     "only one row of settings is supported"),
    ("no settings", drop_sheet("settings"), "settings", None,
     "needs a row with form_id, version and the title"),
    ("no survey", drop_sheet("survey"), "survey", None, "the workbook has no survey sheet"),
    ("extra sheet", add_sheet_rows("entities", ["list_name"], ["people"]), "entities", None,
     "this sheet is not part of the subset"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "sheet", "row", "fragment"),
    [case[1:] for case in REFUSALS],
    ids=[case[0] for case in REFUSALS],
)
def test_unsupported_construct_is_refused_with_its_row(
    mutate: Callable[[Spec], None], sheet: str, row: int | None, fragment: str
) -> None:
    spec = base_spec()
    mutate(spec)
    problems = problems_of(spec)
    located = [p for p in problems if (p.sheet, p.row) == (sheet, row) and fragment in p.message]
    assert located, problems
    where = f"sheet '{sheet}'" + (f", row {row}" if row is not None else "")
    assert str(located[0]).startswith(where + ": ")


def test_every_problem_is_reported_at_once() -> None:
    spec = base_spec()
    in_group(text_q(constraint=". > 1", relevant="${ghost} = 'x'"))(spec)
    with_rows({"type": "calculate", "name": "total"})(spec)
    set_cell("settings", 2, "version", "two")(spec)
    messages = [str(problem) for problem in problems_of(spec)]
    assert len(messages) == 4, messages
    assert any("constraints are not supported" in m for m in messages)
    assert any("calculations are not supported" in m for m in messages)
    assert any("row 2: version" in m for m in messages)
    assert any("refers to unknown item 'ghost'" in m for m in messages)


def test_a_refused_row_does_not_cascade() -> None:
    """Conditions on a refused question are not also reported as pointing nowhere."""
    spec = base_spec()
    in_group(q("widget", "w", "Cái", "Thing"))(spec)
    in_group(text_q(relevant="${w} = 'x'"), group="more")(spec)
    assert [p.message for p in problems_of(spec)] == ["unknown or unsupported type 'widget'"]


def test_not_a_workbook() -> None:
    with pytest.raises(XLSFormRejected) as caught:
        read_xlsform(io.BytesIO(b"type,name\ntext,x\n"))
    assert caught.value.problems[0].sheet == "workbook"
    assert "cannot read it as an .xlsx workbook" in str(caught.value)


# --- export and the round trip ----------------------------------------------------------


@pytest.mark.parametrize("checklist", SHIPPED, ids=[c.id for c in SHIPPED])
def test_round_trip_of_every_shipped_checklist(checklist: Checklist) -> None:
    back = read_xlsform(io.BytesIO(xlsform_bytes(checklist)))
    assert fingerprint(back) == fingerprint(checklist)
    assert back == checklist


def test_round_trip_of_the_hand_made_workbook() -> None:
    back = read_xlsform(io.BytesIO(xlsform_bytes(EXPECTED)))
    assert fingerprint(back) == fingerprint(EXPECTED)


def test_export_writes_the_documented_layout() -> None:
    workbook = workbook_from_checklist(EXPECTED)
    assert workbook.sheetnames == ["survey", "choices", "settings"]
    survey = [list(row) for row in workbook["survey"].iter_rows(values_only=True)]
    assert survey[0][:4] == ["type", "name", f"label::{VI}", f"label::{EN}"]
    by_name = {row[1]: dict(zip(survey[0], row, strict=True)) for row in survey[1:]}
    assert by_name["gate"]["type"] == "select_one pass_fail_na"
    assert (by_name["gate"]["weight"], by_name["gate"]["mandatory"]) == (2, "yes")
    assert by_name["stairs"]["required"] == "no"
    assert by_name["signature"]["appearance"] == "signature"
    assert by_name["drills"]["relevant"] == "${children} <= 100 and selected(${levels}, 'primary')"
    assert by_name["why"]["relevant"] == (
        "${kinds} != 'centre' and not(selected(${levels}, 'lower'))"
    )
    assert by_name["stairs"]["relevant"] == "(${kinds} = 'home' or ${kinds} = 'centre')"
    settings = list(workbook["settings"].iter_rows(values_only=True))
    assert settings[1][:2] == ("tiny-import", 3)


def test_export_refuses_what_would_import_differently() -> None:
    raw = msgspec.to_builtins(EXPECTED)
    raw["sections"][0]["items"][1]["choices"] = [
        {"value": "pass", "label": {"vi": "Có", "en": "Yes"}},
        {"value": "fail", "label": {"vi": "Không", "en": "No"}},
    ]
    raw["sections"][1]["items"][5]["show_if"] = [{"item": "kinds", "not_equals": "pass"}]
    looks_like_check = msgspec.convert(raw, Checklist)
    with pytest.raises(ValueError, match="exactly the answers of a check"):
        workbook_from_checklist(looks_like_check)

    raw = msgspec.to_builtins(EXPECTED)
    raw["sections"][0]["items"][5]["kind"] = "text"
    raw["sections"][1]["items"][5]["show_if"] = [{"item": "notes", "equals": 'it\'s "x"'}]
    with pytest.raises(ValueError, match="both kinds of quote"):
        workbook_from_checklist(msgspec.convert(raw, Checklist))


# --- the YAML an import writes ----------------------------------------------------------


@pytest.mark.parametrize("checklist", [*SHIPPED, EXPECTED], ids=[*(c.id for c in SHIPPED), "x"])
def test_yaml_is_loadable_and_human_friendly(checklist: Checklist, tmp_path: Path) -> None:
    text = checklist_yaml(checklist, "book.xlsx")
    path = tmp_path / f"{checklist.id}.v{checklist.version}.yaml"
    path.write_text(text, encoding="utf-8")
    assert fingerprint(load_file(path)) == fingerprint(checklist)
    lines = text.splitlines()
    assert lines[0] == "# yaml-language-server: $schema=checklist.schema.json"
    assert lines[2:4] == [f"id: {checklist.id}", f"version: {checklist.version}"]
    assert not any(line.rstrip().endswith(("{", "[")) for line in lines)  # block style
    assert "\\u" not in text and checklist.title.vi in text  # unicode as is
    assert text.index("validity_days:") < text.index("sections:")
    assert "weight: 1\n" not in text and "mandatory: false" not in text  # defaults left out


def test_import_to_dir_writes_once_and_refuses_other_content(tmp_path: Path) -> None:
    book = tmp_path / "tiny.xlsx"
    book.write_bytes(workbook_bytes(base_spec()))
    out = tmp_path / "forms"
    path, written = import_to_dir(book, out)
    assert (path.name, written) == ("tiny-import.v3.yaml", True)
    assert load_file(path) == EXPECTED
    assert import_to_dir(book, out) == (path, False)
    assert [p.name for p in out.iterdir()] == ["tiny-import.v3.yaml"]


# --- the command line -------------------------------------------------------------------


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAFESCHOOL_")}
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_export_then_import(tmp_path: Path) -> None:
    book = tmp_path / "school.xlsx"
    done = run_cli("export-xlsform", "general-school-safety", "1", "--output", str(book),
                   cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert book.exists() and f"wrote {book}" in done.stdout

    out = tmp_path / "forms"
    done = run_cli("import-xlsform", str(book), "--output-dir", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    written = out / "general-school-safety.v1.yaml"
    original = load_file(REPO / "forms" / "general-school-safety.v1.yaml")
    assert fingerprint(load_file(written)) == fingerprint(original)

    done = run_cli("import-xlsform", str(book), "--output-dir", str(out), cwd=tmp_path)
    assert done.returncode == 0 and "unchanged" in done.stdout

    # The department edits a label but forgets to raise the version: refused.
    workbook = openpyxl.load_workbook(book)
    workbook["survey"]["C3"] = "Ngày kiểm tra (sửa)"
    workbook.save(book)
    done = run_cli("import-xlsform", str(book), "--output-dir", str(out), cwd=tmp_path)
    assert done.returncode == 1
    assert "already exists with different content" in done.stderr
    assert fingerprint(load_file(written)) == fingerprint(original)


def test_cli_refusals(tmp_path: Path) -> None:
    spec = base_spec()
    in_group({"type": "calculate", "name": "total"})(spec)
    book = tmp_path / "bad.xlsx"
    book.write_bytes(workbook_bytes(spec))
    done = run_cli("import-xlsform", str(book), "--output-dir", str(tmp_path / "f"), cwd=tmp_path)
    assert done.returncode == 1
    assert f"sheet 'survey', row {Q}: type 'calculate': calculations" in done.stderr
    assert not (tmp_path / "f").exists()

    done = run_cli("export-xlsform", "preschool-safety", "9", cwd=tmp_path)
    assert done.returncode == 1
    assert "found: preschool-safety.v1.yaml" in done.stderr


# --- vetoes, advisory checks, count grading ---------------------------------------------


def new_format_checklist() -> Checklist:
    """EXPECTED with two vetoes (one optional and conditional), an advisory check and
    threshold null (graded by count alone, so min_passed is set)."""
    raw = msgspec.to_builtins(EXPECTED)
    raw["threshold"], raw["min_passed"] = None, 2
    safety = raw["sections"][1]["items"]
    safety[3]["advisory"] = True  # drills
    safety += [
        {"id": "injury", "kind": "veto", "legal_ref": "TT 45/2021, Điều 8",
         "text": {"vi": "Trẻ bị tai nạn nghiêm trọng", "en": "A child was seriously injured"}},
        {"id": "abuse", "kind": "veto", "legal_ref": "TT 45/2021, Điều 8", "required": False,
         "text": {"vi": "Có vụ bạo lực", "en": "A case of violence"},
         "show_if": [{"item": "kinds", "equals": "centre"}]},
        {"id": "abuse_note", "kind": "text", "text": {"vi": "Mô tả", "en": "Describe"},
         "show_if": [{"item": "injury", "equals": "occurred"}]},
    ]  # fmt: skip
    return msgspec.convert(raw, Checklist)


def test_vetoes_advisory_checks_and_count_grading_round_trip() -> None:
    checklist = new_format_checklist()
    assert checklist.threshold is None and checklist.items()[-2].required is False
    workbook = workbook_from_checklist(checklist)
    survey = [list(row) for row in workbook["survey"].iter_rows(values_only=True)]
    by_name = {row[1]: dict(zip(survey[0], row, strict=True)) for row in survey[1:]}
    assert by_name["injury"]["type"] == "select_one none_occurred"
    assert by_name["abuse"]["required"] == "no"
    assert by_name["drills"]["advisory"] == "yes"
    settings = [list(row) for row in workbook["settings"].iter_rows(values_only=True)]
    assert dict(zip(settings[0], settings[1], strict=True))["threshold"] == "none"

    back = read_xlsform(io.BytesIO(xlsform_bytes(checklist)))
    assert fingerprint(back) == fingerprint(checklist)
    assert back == checklist


def test_an_empty_threshold_is_the_default_not_count_grading() -> None:
    spec = base_spec()
    set_cell("settings", 2, "threshold", None)(spec)
    assert read(spec).threshold == 80
    set_cell("settings", 2, "threshold", " None ")(spec)
    assert read(spec).threshold is None


def test_export_refuses_a_choice_that_would_read_as_a_veto() -> None:
    raw = msgspec.to_builtins(EXPECTED)
    raw["sections"][0]["items"][1]["choices"] = [
        {"value": "none", "label": {"vi": "Không", "en": "None"}},
        {"value": "occurred", "label": {"vi": "Có", "en": "Occurred"}},
    ]
    raw["sections"][1]["items"][5]["show_if"] = [{"item": "kinds", "not_equals": "none"}]
    with pytest.raises(ValueError, match="exactly the answers of a veto"):
        workbook_from_checklist(msgspec.convert(raw, Checklist))


def survey_row_of(name: str) -> int:
    return next(i for i, row in enumerate(SURVEY_ROWS, start=2) if row.get("name") == name)


VETO_LIST = add_sheet_rows(
    "choices",
    ["none_occurred", "none", "Không xảy ra", "Did not occur"],
    ["none_occurred", "occurred", "Đã xảy ra", "Occurred"],
)


def veto_row(**cells: Any) -> Callable[[Spec], None]:
    def mutate(spec: Spec) -> None:
        VETO_LIST(spec)
        given = {"legal_ref": "TT 45", **cells}
        row = q("select_one none_occurred", "v", "Sự cố", "Incident", **given)
        in_group(row)(spec)

    return mutate


NEW_FORMAT_REFUSALS: list[tuple[str, Callable[[Spec], None], str, int | None, str]] = [
    ("threshold word", set_cell("settings", 2, "threshold", "nothing"), "settings", 2,
     "threshold: expected a number from 0 to 100, or none for a checklist graded by count"),
    ("threshold bool", set_cell("settings", 2, "threshold", True), "settings", 2,
     "threshold: expected a number from 0 to 100, or none"),
    ("count grading without min_passed",
     lambda spec: (set_cell("settings", 2, "threshold", "none")(spec),
                   set_cell("settings", 2, "min_passed", None)(spec))[0],
     "settings", 2, "threshold: null grades by count alone, so the checklist must set min_passed"),
    ("advisory maybe", set_cell("survey", survey_row_of("pool"), "advisory", "maybe"), "survey",
     survey_row_of("pool"), "advisory: expected yes or no, found 'maybe'"),
    ("advisory mandatory", set_cell("survey", survey_row_of("gate"), "advisory", "yes"),
     "survey", survey_row_of("gate"), "an advisory check is a recommendation"),
    ("advisory on text", in_group(text_q(advisory="yes")), "survey", Q,
     "advisory is only for checks, not kind 'text'"),
    ("veto with weight", veto_row(weight=2), "survey", Q,
     "weight is only for checks, not kind 'veto'"),
    ("veto without legal_ref", veto_row(legal_ref=None), "survey", Q,
     "a veto needs a legal_ref"),
    ("parameters on text", in_group(text_q(parameters="max-pixels=1600")), "survey", Q,
     "parameters 'max-pixels=1600' is not supported: only max-pixels=1600 on image"),
    ("other max-pixels", in_group(q("image", "p", "Ảnh", "Photo", parameters="max-pixels=800")),
     "survey", Q, "parameters 'max-pixels=800' is not supported"),
    ("form_title differs", set_cell("settings", 2, "form_title", "Khác"), "settings", 2,
     "form_title 'Khác' differs from title_vi 'Bảng kiểm nhỏ'"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "sheet", "row", "fragment"),
    [case[1:] for case in NEW_FORMAT_REFUSALS],
    ids=[case[0] for case in NEW_FORMAT_REFUSALS],
)
def test_new_format_fields_refuse_bad_values_with_their_row(
    mutate: Callable[[Spec], None], sheet: str, row: int | None, fragment: str
) -> None:
    test_unsupported_construct_is_refused_with_its_row(mutate, sheet, row, fragment)


def test_a_plain_form_title_is_the_vietnamese_title() -> None:
    spec = base_spec()
    set_cell("settings", 2, "form_title", "Bảng kiểm nhỏ")(spec)
    assert fingerprint(read(spec)) == fingerprint(EXPECTED)
    header = spec["settings"][0]
    header[header.index("title_vi")] = "ignored_column"
    spec["settings"][1][header.index("ignored_column")] = None
    header[header.index("ignored_column")] = None
    assert fingerprint(read(spec)) == fingerprint(EXPECTED)


# --- ODK's converter (pyxform) ----------------------------------------------------------

XF = "{http://www.w3.org/2002/xforms}"


def plain_quotes(text: str | None) -> str | None:
    """pyxform turns typographic quotes in every cell into straight ones."""
    return None if text is None else text.translate(str.maketrans("“”‘’", "\"\"''"))


def odk_path(checklist: Checklist, item_id: str) -> str:
    section = next(s for s in checklist.sections if any(i.id == item_id for i in s.items))
    return f"/data/{section.id}/{item_id}"


@pytest.mark.parametrize(
    "checklist", [*SHIPPED, new_format_checklist()], ids=[*(c.id for c in SHIPPED), "new"]
)
def test_pyxform_converts_the_export(checklist: Checklist) -> None:
    """ODK Central and KoboToolbox run pyxform on an uploaded XLSForm: the export must
    convert without error or warning, keeping names, lists, relevance and both languages."""
    warned: list[str] = []
    result = convert(io.BytesIO(xlsform_bytes(checklist)), warnings=warned)
    assert warned == [] and result.warnings == []
    root = ET.fromstring(result.xform)
    binds = {b.get("nodeset"): b for b in root.iter(f"{XF}bind")}
    translations = {t.get("lang"): t for t in root.iter(f"{XF}translation")}
    assert set(translations) == {"Tiếng Việt (vi)", "English (en)"}
    texts = {
        lang: {
            text.get("id"): next(v.text for v in text.iter(f"{XF}value") if v.get("form") is None)
            for text in translation.iter(f"{XF}text")
        }
        for lang, translation in translations.items()
    }
    workbook = workbook_from_checklist(checklist)
    survey = list(workbook["survey"].iter_rows(values_only=True))
    relevant = {row[1]: row[survey[0].index("relevant")] for row in survey[1:]}
    lists = {i.get("id"): i for i in root.iter(f"{XF}instance") if i.get("id")}
    for item in checklist.items():
        path = odk_path(checklist, item.id)
        assert path in binds, item.id
        for lang, code in (("Tiếng Việt (vi)", "vi"), ("English (en)", "en")):
            label = texts[lang][f"{path}:label"]
            assert label == plain_quotes(getattr(item.text, code))
        if item.show_if:
            expected = str(relevant[item.id])
            for other in {c.item for c in item.show_if}:
                expected = expected.replace("${" + other + "}", odk_path(checklist, other))
            assert "".join(binds[path].get("relevant", "").split()) == "".join(expected.split())
        if item.kind in ("check", "veto", "choice"):
            list_name = {
                "veto": "none_occurred",
                "check": f"pass_fail{'_na' * bool(item.allow_na)}",
            }
            name = list_name.get(item.kind, item.id)
            values = [n.text for n in lists[name].iter(f"{XF}name")]
            wanted = [c.value for c in item.choices or []] or {
                "veto": ["none", "occurred"],
                "check": ["pass", "fail", "na"][: 2 + bool(item.allow_na)],
            }[item.kind]
            assert values == wanted, item.id
    title = root.find("{http://www.w3.org/1999/xhtml}head/{http://www.w3.org/1999/xhtml}title")
    assert title is not None and title.text == checklist.title.vi


# --- text that a spreadsheet could run --------------------------------------------------

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def test_text_starting_like_a_formula_is_written_as_text() -> None:
    raw = msgspec.to_builtins(EXPECTED)
    raw["title"]["vi"] = '=HYPERLINK("http://example.invalid", "x")'
    raw["description"]["en"] = "@SUM(A1:A9)"
    items = [item for section in raw["sections"] for item in section["items"]]
    for prefix, item in zip(DANGEROUS, items, strict=False):
        item["text"]["vi"] = f"{prefix}1+1 {item['text']['vi']}"
        item["text"]["en"] = f"{prefix}cmd|' /C calc'!A0"
        item["help"] = {"vi": f"{prefix}gợi ý", "en": f"{prefix}hint _x000D_ literal"}
    items[1]["choices"][0]["label"]["en"] = "-1 child"
    raw["sections"][1]["items"][0]["legal_ref"] = "+NĐ 80/2017"
    checklist = msgspec.convert(raw, Checklist)

    data = xlsform_bytes(checklist)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    starts = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(DANGEROUS):
                    starts += 1
                    assert cell.data_type == "s"
    assert starts >= 2 * len(DANGEROUS)
    back = read_xlsform(io.BytesIO(data))
    assert back == checklist
    assert fingerprint(back) == fingerprint(checklist)


# --- a workbook that inflates -----------------------------------------------------------


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid workbook whose sheet XML is padded to ~60 MB of one repeated character: it
    compresses to about 60 KB."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes(base_spec())))
    path = tmp_path_factory.mktemp("bomb") / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b"</worksheet>", b"<!--" + b"a" * 60_000_000 + b"--></worksheet>"
                )
            bomb.writestr(info.filename, data)
    assert path.stat().st_size < 1_000_000
    return path


def test_a_zip_bomb_is_refused_before_parsing(zip_bomb: Path) -> None:
    started = time.perf_counter()
    with pytest.raises(XLSFormRejected) as caught:
        read_xlsform(zip_bomb)
    assert time.perf_counter() - started < 0.5
    assert "refused as a zip bomb" in str(caught.value)
    assert caught.value.problems[0].sheet == "workbook"
    with pytest.raises(XLSFormRejected, match="refused as a zip bomb"):
        read_xlsform(io.BytesIO(zip_bomb.read_bytes()))


def test_cli_refuses_a_zip_bomb(zip_bomb: Path, tmp_path: Path) -> None:
    started = time.perf_counter()
    done = run_cli("import-xlsform", str(zip_bomb), "--output-dir", str(tmp_path / "f"),
                   cwd=tmp_path)  # fmt: skip
    assert time.perf_counter() - started < 10  # a Python start-up, not a 60 MB parse
    assert done.returncode == 1
    assert "sheet 'workbook': part 'xl/worksheets/sheet1.xml' inflates" in done.stderr
    assert not (tmp_path / "f").exists()


def test_too_many_parts_and_too_large_files_are_refused(tmp_path: Path) -> None:
    crowded = io.BytesIO()
    with zipfile.ZipFile(crowded, "w") as archive:
        for number in range(1001):
            archive.writestr(f"part{number}.xml", b"")
    with pytest.raises(XLSFormRejected, match="holds 1,001 parts"):
        read_xlsform(io.BytesIO(crowded.getvalue()))
    large = tmp_path / "large.xlsx"
    large.write_bytes(os.urandom(11 * 1024 * 1024))
    with pytest.raises(XLSFormRejected, match="a checklist workbook is at most"):
        read_xlsform(large)
