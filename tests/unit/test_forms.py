"""Checklist files: decoding, semantic validation, fingerprints, publishing, serving."""

from __future__ import annotations

import copy
import importlib
import importlib.util
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
import sqlite_utils
import yaml
from litestar import Litestar
from litestar.testing import TestClient

from server.db import connect
from server.deps import DEPENDENCIES
from server.errors import EXCEPTION_HANDLERS, AppError, ErrorCode
from server.forms.loader import (
    FormProblem,
    FormsInvalid,
    display_path,
    fingerprint,
    form_files,
    load_dir,
    load_file,
    schema_text,
    write_schema,
)
from server.forms.registry import (
    FormChanged,
    FormRegistry,
    check_dir,
    load_and_publish,
    publish,
)
from server.forms.routes import FormsController
from server.forms.schema import Checklist, clean_descriptions, json_schema
from server.forms.validate import validate

REPO = Path(__file__).resolve().parents[2]
FORMS_DIR = REPO / "forms"
FIXTURES = REPO / "tests" / "fixtures" / "forms"
VALID = FIXTURES / "valid" / "tiny-safety.v1.yaml"
INVALID = FIXTURES / "invalid"


@pytest.fixture
def forms_dir(tmp_path: Path) -> Path:
    """A forms directory holding a copy of the valid fixture."""
    directory = tmp_path / "forms"
    directory.mkdir()
    shutil.copy(VALID, directory / VALID.name)
    return directory


def problems_of(path: Path) -> list[FormProblem]:
    with pytest.raises(FormsInvalid) as caught:
        load_file(path)
    return caught.value.problems


# --- a valid file -----------------------------------------------------------------------


def test_valid_fixture_loads() -> None:
    checklist = load_file(VALID)
    assert (checklist.id, checklist.version) == ("tiny-safety", 1)
    assert [item.id for item in checklist.checks()] == ["gate_fence", "pool_fenced", "drill_record"]
    assert validate(checklist, VALID.name) == []
    # Defaults are filled for checks only, so "set on a non-check" is detectable.
    gate, _, depth, cover = checklist.items()[:4]
    assert (gate.weight, gate.mandatory, gate.required) == (2.0, True, True)
    assert (depth.weight, depth.required, cover.multiple) == (None, False, False)


# --- each broken fixture, rejected with the file and the item named ----------------------


@pytest.mark.parametrize(
    ("file_name", "item", "fragment"),
    [
        ("bad-kind.v1.yaml", "gate_fence", "invalid value 'checkbox' for kind; use one of check"),
        ("duplicate-item.v1.yaml", "gate_fence", "duplicate item id"),
        ("missing-legal-ref.v1.yaml", "gate_fence", "a check needs a legal_ref"),
        ("later-condition.v1.yaml", "pool_depth", "'pool_fenced', which comes later"),
        ("bad-condition-value.v1.yaml", "pool_depth", "'na' is not allowed there"),
        ("weight-on-text.v1.yaml", "notes", "weight is only for checks, not kind 'text'"),
        ("missing-en.v1.yaml", "gate_fence", "text: missing required field `en`"),
        ("zero-weight.v1.yaml", "gate_fence", "weight must be > 0"),
    ],
)
def test_broken_file_names_file_and_item(file_name: str, item: str, fragment: str) -> None:
    problems = problems_of(INVALID / file_name)
    assert len(problems) == 1, problems
    problem = problems[0]
    assert problem.item == item
    assert fragment in problem.message
    text = str(problem)
    assert text.startswith(f"{display_path(INVALID / file_name)}: item '{item}': ")


@pytest.mark.parametrize(
    ("file_name", "fragment"),
    [
        ("yaml-syntax.v1.yaml", "YAML error at line 13, column 18, near 'gate_fence': "),
        ("duplicate-key.v1.yaml", "line 15, column 9, near 'gate_fence': duplicate key 'weight'"),
        ("wrong-name.v1.yaml", "file name must be 'other-name.v1.yaml'"),
    ],
)
def test_file_level_problem_names_file(file_name: str, fragment: str) -> None:
    problems = problems_of(INVALID / file_name)
    assert len(problems) == 1, problems
    assert str(problems[0]).startswith(f"{display_path(INVALID / file_name)}: ")
    assert fragment in problems[0].message


def test_load_dir_reports_every_broken_file_at_once() -> None:
    with pytest.raises(FormsInvalid) as caught:
        load_dir(INVALID)
    named = {Path(problem.file).name for problem in caught.value.problems}
    assert named == {path.name for path in INVALID.glob("*.yaml")}
    message = str(caught.value)
    assert message.startswith(f"{len(caught.value.problems)} invalid checklist problems:\n")
    assert f"\n  {display_path(INVALID / 'zero-weight.v1.yaml')}: item 'gate_fence': " in message
    assert caught.value.error is ErrorCode.FORM_INVALID


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "the file must hold one checklist (a mapping)"),
        ("- just\n- a list\n", "the file must hold one checklist (a mapping)"),
        ("id: abc\n", "missing required field `version`"),
    ],
)
def test_not_a_checklist_at_all(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "x.v1.yaml"
    path.write_text(text)
    problems = problems_of(path)
    assert len(problems) == 1 and problems[0].item is None
    assert fragment in problems[0].message


def test_error_without_resolvable_id_falls_back(tmp_path: Path) -> None:
    raw = yaml.safe_load(VALID.read_text())
    del raw["sections"][1]["items"][0]["id"]
    path = tmp_path / VALID.name
    path.write_text(yaml.safe_dump(raw, allow_unicode=True))
    (problem,) = problems_of(path)
    assert (problem.item, problem.where) == ("records", "section")
    assert problem.message == "items[0]: missing required field `id`"
    del raw["sections"][1]["id"]
    path.write_text(yaml.safe_dump(raw, allow_unicode=True))
    (problem,) = problems_of(path)
    assert problem.item is None
    assert problem.message == "sections[1].items[0]: missing required field `id`"


def test_error_in_section_names_section(tmp_path: Path) -> None:
    raw = yaml.safe_load(VALID.read_text())
    raw["sections"][1]["colour"] = "red"
    path = tmp_path / VALID.name
    path.write_text(yaml.safe_dump(raw, allow_unicode=True))
    (problem,) = problems_of(path)
    assert str(problem).endswith("section 'records': unknown field `colour`")


def test_missing_directory_is_a_problem(tmp_path: Path) -> None:
    with pytest.raises(FormsInvalid, match="not a directory"):
        load_dir(tmp_path / "nowhere")


def test_yml_extension_is_read_and_refused(forms_dir: Path) -> None:
    (forms_dir / VALID.name).rename(forms_dir / "tiny-safety.v1.yml")
    with pytest.raises(FormsInvalid, match=r"tiny-safety\.v1\.yml: file name must be"):
        load_dir(forms_dir)


def test_duplicate_id_and_version_across_files(forms_dir: Path) -> None:
    shutil.copy(VALID, forms_dir / "copy.v1.yaml")
    with pytest.raises(FormsInvalid) as caught:
        load_dir(forms_dir)
    messages = [str(problem) for problem in caught.value.problems]
    # Files are read in name order, so copy.v1.yaml comes first.
    assert messages[-1] == (
        f"{display_path(forms_dir / VALID.name)}: checklist 'tiny-safety' version 1 is also "
        f"defined in {display_path(forms_dir / 'copy.v1.yaml')}"
    )
    assert any("copy.v1.yaml: file name must be 'tiny-safety.v1.yaml'" in m for m in messages)


# --- semantic rules, one mutation of a valid checklist at a time -------------------------

BASE: dict[str, Any] = yaml.safe_load(VALID.read_text())


def items_of(raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for section in raw["sections"] for item in section["items"]}


def mutated(**changes: Any) -> dict[str, Any]:
    """The valid fixture with ``item_id={field: value}`` merged in (None deletes a field);
    ``checklist={...}`` changes top-level fields."""
    raw = copy.deepcopy(BASE)
    items = items_of(raw)
    for key, fields in changes.items():
        target = raw if key == "checklist" else items[key]
        for name, value in fields.items():
            if value is None:
                target.pop(name, None)
            else:
                target[name] = None if value is NULL else value
    return raw


def decode(raw: dict[str, Any]) -> Checklist:
    return msgspec.convert(raw, Checklist)


def second_section_duplicate() -> dict[str, Any]:
    raw = copy.deepcopy(BASE)
    raw["sections"][1]["id"] = "premises"
    return raw


NULL: Any = object()
"""Marks a field set to null in ``mutated`` (None deletes the field)."""
VETO = {"kind": "veto", "legal_ref": "TT 45/2021, Điều 4", "required": None}


def as_veto(**fields: Any) -> dict[str, Any]:
    """The fixture with ``notes`` turned into a veto (plus ``fields``; None deletes)."""
    return mutated(notes={**VETO, **fields})


def no_checks() -> dict[str, Any]:
    raw = copy.deepcopy(BASE)
    raw.pop("min_passed")
    for item in items_of(raw).values():
        if item["kind"] == "check":
            item.update(kind="text")
            for name in ("weight", "mandatory", "allow_na", "legal_ref"):
                item.pop(name, None)
    for item in items_of(raw).values():
        item.pop("show_if", None)
    return raw


CASES: list[tuple[str, dict[str, Any], str | None, str]] = [
    ("duplicate section", second_section_duplicate(), "premises", "duplicate section id"),
    ("blank legal_ref", mutated(gate_fence={"legal_ref": "  "}), "gate_fence", "legal_ref"),
    (
        "mandatory on number",
        mutated(pool_depth={"mandatory": True}),
        "pool_depth",
        "mandatory is only for checks",
    ),
    (
        "allow_na on choice",
        mutated(pool_cover={"allow_na": False}),
        "pool_cover",
        "allow_na is only for checks",
    ),
    (
        "choice without choices",
        mutated(pool_cover={"choices": None}),
        "pool_cover",
        "needs a non-empty list of choices",
    ),
    (
        "choice with empty choices",
        mutated(pool_cover={"choices": []}),
        "pool_cover",
        "needs a non-empty list of choices",
    ),
    (
        "duplicate choice values",
        mutated(pool_cover={"choices": [{"value": "net", "label": {"vi": "a", "en": "a"}}] * 2}),
        "pool_cover",
        "duplicate choice values: net",
    ),
    (
        "choices on text",
        mutated(notes={"choices": [{"value": "a", "label": {"vi": "a", "en": "a"}}]}),
        "notes",
        "choices are only for kind 'choice', not 'text'",
    ),
    (
        "multiple on number",
        mutated(pool_depth={"multiple": True}),
        "pool_depth",
        "multiple is only for kind 'choice'",
    ),
    ("min on text", mutated(notes={"min": 1}), "notes", "min is only for kind 'number'"),
    (
        "integer on check",
        mutated(gate_fence={"integer": True}),
        "gate_fence",
        "integer is only for kind 'number'",
    ),
    (
        "unit on photo",
        mutated(photo={"unit": {"vi": "m", "en": "m"}}),
        "photo",
        "unit is only for kind 'number'",
    ),
    (
        "min above max",
        mutated(pool_depth={"min": 6}),
        "pool_depth",
        "min (6) is greater than max (5)",
    ),
    (
        "two operators",
        mutated(pool_cover={"show_if": [{"item": "pool_depth", "at_least": 1, "at_most": 2}]}),
        "pool_cover",
        "show_if[0]: a condition needs exactly one operator (found: at_least, at_most)",
    ),
    (
        "no operator",
        mutated(pool_cover={"show_if": [{"item": "pool_depth"}]}),
        "pool_cover",
        "exactly one operator (found: none)",
    ),
    (
        "condition on itself",
        mutated(pool_cover={"show_if": [{"item": "pool_cover", "answered": True}]}),
        "pool_cover",
        "cannot depend on itself",
    ),
    (
        "condition on unknown item",
        mutated(pool_cover={"show_if": [{"item": "nothing_here", "answered": True}]}),
        "pool_cover",
        "refers to unknown item 'nothing_here'",
    ),
    (
        "condition on later item in a later section",
        mutated(pool_cover={"show_if": [{"item": "notes", "answered": True}]}),
        "pool_cover",
        "'notes', which comes later",
    ),
    (
        "at_least on a check",
        mutated(notes={"show_if": [{"item": "gate_fence", "at_least": 1}]}),
        "notes",
        "at_least works only on number items; 'gate_fence' is a check item",
    ),
    (
        "at_most on a choice",
        mutated(notes={"show_if": [{"item": "pool_cover", "at_most": 1}]}),
        "notes",
        "at_most works only on number items",
    ),
    (
        "check compared with a non-answer",
        mutated(notes={"show_if": [{"item": "gate_fence", "equals": "yes"}]}),
        "notes",
        "'yes' is not an answer of check 'gate_fence'; use one of pass, fail",
    ),
    (
        "check compared with a boolean",
        mutated(notes={"show_if": [{"item": "gate_fence", "not_equals": True}]}),
        "notes",
        "not_equals: True is not an answer",
    ),
    (
        "choice compared with a missing value",
        mutated(notes={"show_if": [{"item": "pool_cover", "in": ["net", "tarp"]}]}),
        "notes",
        "in: 'tarp' is not a choice of 'pool_cover'; use one of none, net",
    ),
    (
        "number compared with text",
        mutated(notes={"show_if": [{"item": "pool_depth", "equals": "deep"}]}),
        "notes",
        "'deep' is not a number",
    ),
    (
        "number compared with a boolean",
        mutated(notes={"show_if": [{"item": "pool_depth", "equals": True}]}),
        "notes",
        "True is not a number",
    ),
    (
        "empty in",
        mutated(notes={"show_if": [{"item": "pool_depth", "in": []}]}),
        "notes",
        "'in' needs at least one value",
    ),
    (
        "signature compared with a value",
        mutated(
            notes={"kind": "signature"},
            photo={
                "show_if": [
                    {"item": "drill_record", "in": ["pass"]},
                    {"item": "notes", "equals": "x"},
                ]
            },
        ),
        "photo",
        "show_if[1]: equals: a signature item can only be tested with 'answered'",
    ),
    (
        "infinite weight",
        mutated(gate_fence={"weight": float("inf")}),
        "gate_fence",
        "weight must be a finite number",
    ),
    (
        "min_passed above checks",
        mutated(checklist={"min_passed": 4}),
        None,
        "min_passed is 4 but the checklist has only 3 checks",
    ),
    ("no checks", no_checks(), None, "no item of kind 'check'"),
    (
        "advisory and mandatory",
        mutated(gate_fence={"advisory": True}),
        "gate_fence",
        "an advisory check is a recommendation and cannot be mandatory",
    ),
    (
        "mandatory but only inferred",
        mutated(gate_fence={"inferred": True}),
        "gate_fence",
        "a mandatory check needs a source that requires it, but this one is marked inferred",
    ),
    ("veto allowing na", as_veto(allow_na=True), "notes", "a veto is answered none or occurred"),
    (
        "veto with a weight",
        as_veto(weight=2),
        "notes",
        "weight is only for checks, not kind 'veto'",
    ),
    ("veto without a source", as_veto(legal_ref=None), "notes", "a veto needs a legal_ref"),
    (
        "advisory on a text",
        mutated(notes={"advisory": True}),
        "notes",
        "advisory is only for checks",
    ),
    (
        "veto compared with a non-answer",
        mutated(photo={"show_if": [{"item": "notes", "equals": "yes"}]}, notes=VETO),
        "photo",
        "'yes' is not an answer of veto 'notes'; use one of none, occurred",
    ),
    (
        "count grading without min_passed",
        mutated(checklist={"threshold": NULL, "min_passed": None}),
        None,
        "threshold: null grades by count alone, so the checklist must set min_passed",
    ),
    (
        "min_passed above the checks that count",
        mutated(checklist={"min_passed": 3}, pool_fenced={"advisory": True}),
        None,
        "min_passed is 3 but the checklist has only 2 checks that count",
    ),
]


@pytest.mark.parametrize(
    ("raw", "item", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_semantic_problem(raw: dict[str, Any], item: str | None, fragment: str) -> None:
    problems = validate(decode(raw))
    assert len(problems) == 1, problems
    assert problems[0].item == item
    assert fragment in problems[0].message


ACCEPTED: list[tuple[str, dict[str, Any]]] = [
    (
        "na on a check that allows it",
        mutated(notes={"show_if": [{"item": "pool_fenced", "equals": "na"}]}),
    ),
    (
        "answered on a check",
        mutated(notes={"show_if": [{"item": "pool_fenced", "answered": False}]}),
    ),
    ("numbers in a list", mutated(notes={"show_if": [{"item": "pool_depth", "in": [1, 2.5]}]})),
    ("at_most on a number", mutated(notes={"show_if": [{"item": "pool_depth", "at_most": 0}]})),
    (
        "choice not_equals",
        mutated(notes={"show_if": [{"item": "pool_cover", "not_equals": "none"}]}),
    ),
    ("multiple choice", mutated(pool_cover={"multiple": True})),
    ("explicit defaults on a check", mutated(gate_fence={"weight": 1, "allow_na": False})),
    ("min equal to max", mutated(pool_depth={"min": 5, "integer": True})),
    ("min_passed equal to checks", mutated(checklist={"min_passed": 3})),
    ("required on a text", mutated(notes={"required": True})),
    ("a veto", as_veto()),
    (
        "a condition on a veto",
        mutated(photo={"show_if": [{"item": "notes", "equals": "occurred"}]}, notes=VETO),
    ),
    ("count grading", mutated(checklist={"threshold": NULL})),
    (
        "an advisory check that is inferred",
        mutated(pool_fenced={"advisory": True, "inferred": True}),
    ),
]


@pytest.mark.parametrize("raw", [c[1] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_semantic_accepted(raw: dict[str, Any]) -> None:
    assert validate(decode(raw)) == []


def test_text_and_date_items_compare_with_text() -> None:
    raw = mutated(notes={"show_if": None})
    raw["sections"][1]["items"].append(
        {
            "id": "later",
            "kind": "date",
            "text": {"vi": "b", "en": "b"},
            "show_if": [{"item": "notes", "equals": "ok"}],
        }
    )
    assert validate(decode(raw)) == []
    raw["sections"][1]["items"][-1]["show_if"] = [{"item": "notes", "equals": 3}]
    (problem,) = validate(decode(raw))
    assert "3.0 is not text, but 'notes' is a text item" in problem.message


@pytest.mark.parametrize(
    ("file_name", "ok"),
    [
        ("tiny-safety.v1.yaml", True),
        ("tiny-safety.v2.yaml", False),
        ("tiny-safety.yaml", False),
        ("tiny_safety.v1.yaml", False),
        ("tiny-safety.v1.yml", False),
        ("tiny-safety.v01.yaml", False),
    ],
)
def test_file_name_must_match_id_and_version(file_name: str, ok: bool) -> None:
    problems = validate(load_file(VALID), file_name)
    assert (problems == []) is ok
    if not ok:
        assert problems[0].message.startswith("file name must be 'tiny-safety.v1.yaml'")


# --- fingerprints -----------------------------------------------------------------------

SAME_CONTENT = [
    (
        "comment",
        lambda t: "# a new comment\n" + t.replace("\n  - id: records", "\n  # hm\n  - id: records"),
    ),
    ("blank lines", lambda t: t.replace("\nsections:", "\n\n\nsections:")),
    (
        "key order",
        lambda t: t.replace("id: tiny-safety\nversion: 1\n", "version: 1\nid: tiny-safety\n"),
    ),
    ("quoting", lambda t: t.replace("id: tiny-safety", 'id: "tiny-safety"')),
    (
        "flow to block",
        lambda t: t.replace(
            "title: {vi: Hồ sơ, en: Records}", "title:\n      vi: Hồ sơ\n      en: Records"
        ),
    ),
    (
        "spelled-out default",
        lambda t: t.replace(
            "        allow_na: true", "        allow_na: true\n        weight: 1.0"
        ),
    ),
]
CHANGED_CONTENT = [
    ("a title", lambda t: t.replace("en: Records}", "en: Record keeping}")),
    ("a weight", lambda t: t.replace("weight: 2", "weight: 3")),
    ("a legal_ref", lambda t: t.replace("Điều 5", "Điều 6")),
    ("the threshold", lambda t: t.replace("min_passed: 2", "min_passed: 2\nthreshold: 90")),
    (
        "item order",
        lambda t: (
            t.replace("      - id: notes", "      - id: photo_x")
            .replace("      - id: photo", "      - id: notes")
            .replace("id: photo_x", "id: photo")
        ),
    ),
]


@pytest.mark.parametrize("edit", [c[1] for c in SAME_CONTENT], ids=[c[0] for c in SAME_CONTENT])
def test_fingerprint_ignores_formatting(tmp_path: Path, edit: Any) -> None:
    text = VALID.read_text()
    edited = edit(text)
    assert edited != text
    path = tmp_path / VALID.name
    path.write_text(edited)
    assert fingerprint(load_file(path)) == fingerprint(load_file(VALID))


@pytest.mark.parametrize(
    "edit", [c[1] for c in CHANGED_CONTENT], ids=[c[0] for c in CHANGED_CONTENT]
)
def test_fingerprint_follows_content(tmp_path: Path, edit: Any) -> None:
    path = tmp_path / VALID.name
    path.write_text(edit(VALID.read_text()))
    assert fingerprint(load_file(path)) != fingerprint(load_file(VALID))


def test_fingerprint_is_stable_through_stored_json() -> None:
    checklist = load_file(VALID)
    again = msgspec.json.decode(msgspec.json.encode(checklist), type=Checklist)
    assert fingerprint(again) == fingerprint(checklist)
    assert re.fullmatch(r"[0-9a-f]{64}", fingerprint(checklist))


# --- publishing -------------------------------------------------------------------------


def stored_rows(db: sqlite_utils.Database) -> list[tuple[Any, ...]]:
    return db.conn.execute(
        "SELECT form_id, version, fingerprint, source_file, published_at FROM form_versions"
        " ORDER BY form_id, version"
    ).fetchall()


def add_version(forms_dir: Path, version: int, edit: Any = lambda t: t) -> Path:
    text = VALID.read_text().replace("version: 1", f"version: {version}")
    path = forms_dir / f"tiny-safety.v{version}.yaml"
    path.write_text(edit(text))
    return path


def test_publish_records_new_versions_once(db: sqlite_utils.Database) -> None:
    checklist = load_file(VALID)
    assert publish(db, [checklist], ["forms/tiny-safety.v1.yaml"]) == [("tiny-safety", 1)]
    rows = stored_rows(db)
    assert rows[0][:4] == ("tiny-safety", 1, fingerprint(checklist), "forms/tiny-safety.v1.yaml")
    assert publish(db, [checklist], ["forms/tiny-safety.v1.yaml"]) == []
    assert stored_rows(db) == rows
    assert not db.conn.in_transaction


def test_changed_version_is_refused_and_nothing_is_inserted(
    db: sqlite_utils.Database, forms_dir: Path
) -> None:
    load_and_publish(db, forms_dir)
    before = stored_rows(db)
    path = forms_dir / VALID.name
    path.write_text(path.read_text().replace("weight: 2", "weight: 3"))
    add_version(forms_dir, 2)
    with pytest.raises(FormChanged) as caught:
        load_and_publish(db, forms_dir)
    (problem,) = caught.value.problems
    assert problem.file.endswith("forms/tiny-safety.v1.yaml")
    assert "version 1 was already published with different content" in problem.message
    assert "new file with version 2" in problem.message
    assert caught.value.error is ErrorCode.FORM_CHANGED
    assert isinstance(caught.value, FormsInvalid)
    assert str(caught.value).startswith("1 changed published checklist problem:\n")
    assert stored_rows(db) == before
    assert not db.conn.in_transaction


def test_comment_only_change_is_accepted(db: sqlite_utils.Database, forms_dir: Path) -> None:
    load_and_publish(db, forms_dir)
    before = stored_rows(db)
    path = forms_dir / VALID.name
    path.write_text("# Reviewed 2025: no change of content.\n" + path.read_text())
    registry = load_and_publish(db, forms_dir)
    assert stored_rows(db) == before
    assert registry.get("tiny-safety", 1) == load_file(VALID)


def test_same_version_twice_in_one_batch_with_other_content(db: sqlite_utils.Database) -> None:
    first = load_file(VALID)
    second = msgspec.structs.replace(first, threshold=90.0)
    with pytest.raises(FormChanged):
        publish(db, [first, second], ["a", "b"])
    assert stored_rows(db) == []


def test_publish_needs_one_file_per_checklist(db: sqlite_utils.Database) -> None:
    with pytest.raises(ValueError):
        publish(db, [load_file(VALID)], [])


def test_removed_file_is_still_served(db: sqlite_utils.Database, forms_dir: Path) -> None:
    add_version(
        forms_dir,
        2,
        lambda t: t.replace(
            "applies_to: [preschool, independent_childcare]", "applies_to: [primary]"
        ),
    )
    load_and_publish(db, forms_dir)
    (forms_dir / VALID.name).unlink()
    registry = load_and_publish(db, forms_dir)
    assert registry.get("tiny-safety", 1) == load_file(VALID)
    assert [(c.id, c.version) for c in registry.all()] == [("tiny-safety", 1), ("tiny-safety", 2)]
    assert registry.fingerprint("tiny-safety", 1) == fingerprint(load_file(VALID))
    # Reopening from the database alone gives the same registry.
    again = FormRegistry.from_db(db)
    assert again.all() == registry.all()


def test_check_dir_without_and_with_database(db: sqlite_utils.Database, forms_dir: Path) -> None:
    assert [c.id for c in check_dir(forms_dir)] == ["tiny-safety"]
    assert check_dir(forms_dir, db) == [load_file(VALID)]  # nothing published yet: fine
    assert stored_rows(db) == []  # check_dir never writes
    load_and_publish(db, forms_dir)
    path = forms_dir / VALID.name
    path.write_text(path.read_text().replace("Điều 5", "Điều 6"))
    assert len(check_dir(forms_dir)) == 1
    with pytest.raises(FormChanged):
        check_dir(forms_dir, db)


def test_check_dir_with_unmigrated_database(forms_dir: Path) -> None:
    empty = connect(":memory:")
    assert len(check_dir(forms_dir, empty)) == 1


def test_check_dir_reports_invalid_files() -> None:
    with pytest.raises(FormsInvalid) as caught:
        check_dir(INVALID)
    assert not isinstance(caught.value, FormChanged)


# --- the registry -----------------------------------------------------------------------


def registry_of_versions() -> FormRegistry:
    v1 = load_file(VALID)
    v2 = msgspec.structs.replace(v1, version=2, applies_to=["primary"])
    other = msgspec.structs.replace(v1, id="other-check", applies_to=["preschool", "primary"])
    return FormRegistry.from_checklists([v2, other, v1])


def test_registry_lookups() -> None:
    registry = registry_of_versions()
    assert [(c.id, c.version) for c in registry.all()] == [
        ("other-check", 1),
        ("tiny-safety", 1),
        ("tiny-safety", 2),
    ]
    assert registry.latest("tiny-safety").version == 2
    assert registry.get("tiny-safety", 1).version == 1
    assert len(registry) == 3 and ("tiny-safety", 2) in registry


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("preschool", [("other-check", 1)]),  # tiny-safety v2 dropped preschool
        ("primary", [("other-check", 1), ("tiny-safety", 2)]),
        ("upper_secondary", []),
    ],
)
def test_registry_for_kind(kind: str, expected: list[tuple[str, int]]) -> None:
    assert [(c.id, c.version) for c in registry_of_versions().for_kind(kind)] == expected


@pytest.mark.parametrize(
    "lookup",
    [
        lambda r: r.get("tiny-safety", 9),
        lambda r: r.get("nothing", 1),
        lambda r: r.latest("nothing"),
        lambda r: r.fingerprint("nothing", 1),
    ],
)
def test_registry_missing_form(lookup: Any) -> None:
    with pytest.raises(AppError) as caught:
        lookup(registry_of_versions())
    assert caught.value.error is ErrorCode.FORM_NOT_FOUND


# --- the real forms/ directory ----------------------------------------------------------


def test_every_real_form_validates() -> None:
    """Asserts over whatever forms/ holds; an invalid file fails with every problem listed."""
    files = form_files(FORMS_DIR)
    checklists = load_dir(FORMS_DIR)
    assert len(checklists) == len(files)
    assert sorted(f"{c.id}.v{c.version}.yaml" for c in checklists) == [f.name for f in files]


# --- the published JSON Schema ----------------------------------------------------------


def test_schema_file_is_up_to_date() -> None:
    committed = (FORMS_DIR / "checklist.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), (
        "forms/checklist.schema.json is out of date: run "
        "python -c 'from server.forms.loader import write_schema; "
        'write_schema("forms/checklist.schema.json")\''
    )


def test_schema_descriptions_do_not_depend_on_msgspec_docstring_handling() -> None:
    # msgspec < 0.23 kept a docstring's indentation, 0.23 strips it: both must publish one text.
    indented = {
        "description": "First line\n    second line.",
        "properties": {"description": {"$ref": "#/$defs/Text"}},
        "anyOf": [{"description": "a\n  b"}],
    }
    assert clean_descriptions(indented) == {"description": "First line\nsecond line.",
        "properties": {"description": {"$ref": "#/$defs/Text"}},
        "anyOf": [{"description": "a\nb"}]}  # fmt: skip


def test_write_schema(tmp_path: Path) -> None:
    write_schema(tmp_path / "s.json")
    text = (tmp_path / "s.json").read_text(encoding="utf-8")
    assert text.endswith("}\n") and json.loads(text) == json_schema()


def schema_errors(instance: Any, schema: dict[str, Any]) -> list[str]:
    """Errors of ``instance`` against the checklist schema: jsonschema when installed,
    otherwise a small validator of exactly the keywords msgspec generates."""
    if importlib.util.find_spec("jsonschema") is not None:
        jsonschema = importlib.import_module("jsonschema")
        validator = jsonschema.Draft202012Validator(schema)
        return [error.message for error in validator.iter_errors(instance)]
    return list(_mini_validate(instance, schema, schema, "$"))


def _mini_validate(
    value: Any, node: dict[str, Any], root: dict[str, Any], at: str
) -> Iterator[str]:
    known = {
        "$ref",
        "$schema",
        "$defs",
        "title",
        "description",
        "default",
        "anyOf",
        "type",
        "enum",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "minItems",
        "minLength",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
    }
    unknown = set(node) - known
    assert not unknown, f"mini validator does not know {unknown}: install jsonschema"
    if "$ref" in node:
        name = node["$ref"].removeprefix("#/$defs/")
        yield from _mini_validate(value, root["$defs"][name], root, at)
    if "anyOf" in node:
        branches = [list(_mini_validate(value, b, root, at)) for b in node["anyOf"]]
        if all(branches):
            yield f"{at}: matches no alternative: {branches}"
    if "enum" in node and value not in node["enum"]:
        yield f"{at}: {value!r} not in {node['enum']}"
    kind = node.get("type")
    checks = {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
    }
    if kind is not None and not checks[kind](value):
        yield f"{at}: not of type {kind}"
        return
    if isinstance(value, dict):
        for name in node.get("required", []):
            if name not in value:
                yield f"{at}: missing {name}"
        properties = node.get("properties", {})
        for name, item in value.items():
            if name in properties:
                yield from _mini_validate(item, properties[name], root, f"{at}.{name}")
            elif node.get("additionalProperties") is False:
                yield f"{at}: unknown property {name}"
    if isinstance(value, list):
        if len(value) < node.get("minItems", 0):
            yield f"{at}: too few items"
        for index, item in enumerate(value):
            if "items" in node:
                yield from _mini_validate(item, node["items"], root, f"{at}[{index}]")
    if isinstance(value, str):
        if len(value) < node.get("minLength", 0):
            yield f"{at}: too short"
        if "pattern" in node and not re.search(node["pattern"], value):
            yield f"{at}: does not match {node['pattern']}"
    if checks["number"](value):
        if "minimum" in node and value < node["minimum"]:
            yield f"{at}: below minimum"
        if "maximum" in node and value > node["maximum"]:
            yield f"{at}: above maximum"
        if "exclusiveMinimum" in node and value <= node["exclusiveMinimum"]:
            yield f"{at}: not above exclusiveMinimum"


@pytest.mark.parametrize("path", [VALID, *form_files(FORMS_DIR)], ids=lambda p: p.name)
def test_schema_accepts_real_forms(path: Path) -> None:
    schema = json.loads((FORMS_DIR / "checklist.schema.json").read_text(encoding="utf-8"))
    assert schema_errors(yaml.safe_load(path.read_text(encoding="utf-8")), schema) == []


@pytest.mark.parametrize(
    "file_name", ["bad-kind.v1.yaml", "missing-en.v1.yaml", "zero-weight.v1.yaml"]
)
def test_schema_rejects_what_the_types_reject(file_name: str) -> None:
    schema = json.loads((FORMS_DIR / "checklist.schema.json").read_text(encoding="utf-8"))
    assert schema_errors(yaml.safe_load((INVALID / file_name).read_text()), schema) != []


# --- HTTP -------------------------------------------------------------------------------


@pytest.fixture
def client() -> Iterator[TestClient[Litestar]]:
    app = Litestar(
        route_handlers=[FormsController],
        dependencies=DEPENDENCIES,
        exception_handlers=EXCEPTION_HANDLERS,
    )
    app.state.forms = registry_of_versions()
    with TestClient(app) as test_client:
        yield test_client


def test_list_forms(client: TestClient[Litestar]) -> None:
    response = client.get("/api/forms")
    assert response.status_code == 200
    body = response.json()
    assert [(f["id"], f["version"], f["latest"]) for f in body] == [
        ("other-check", 1, True),
        ("tiny-safety", 1, False),
        ("tiny-safety", 2, True),
    ]
    assert body[1]["fingerprint"] == fingerprint(load_file(VALID))
    assert body[1]["title"] == {"vi": "Kiểm tra an toàn nhỏ", "en": "Small safety check"}
    assert body[1]["applies_to"] == ["preschool", "independent_childcare"]


def test_get_form(client: TestClient[Litestar]) -> None:
    body = client.get("/api/forms/tiny-safety/1").json()
    assert (body["id"], body["version"], body["latest"]) == ("tiny-safety", 1, False)
    assert body["fingerprint"] == fingerprint(load_file(VALID))
    assert msgspec.convert(body["definition"], Checklist) == load_file(VALID)


@pytest.mark.parametrize("url", ["/api/forms/tiny-safety/3", "/api/forms/nothing/1"])
def test_get_missing_form(client: TestClient[Litestar], url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "form.not_found"


def test_schema_endpoint_is_public(client: TestClient[Litestar]) -> None:
    response = client.get("/api/forms/schema.json")
    assert response.status_code == 200
    assert response.json() == json.loads(schema_text())
    handler = client.app.route_handler_method_map["/api/forms/schema.json"]["GET"]
    assert handler.opt["exclude_from_auth"] is True


def test_every_form_route_is_documented(client: TestClient[Litestar]) -> None:
    paths = client.get("/schema/openapi.json").json()["paths"]
    operations = [op for path in paths.values() for op in path.values()]
    assert len(operations) == 3
    assert all(op.get("summary") and op.get("description") for op in operations)
