"""Reading: an XLSForm workbook as a validated checklist, every problem located by sheet and
row and collected before the workbook is refused."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import msgspec
import openpyxl  # type: ignore[import-untyped]

from server.forms.schema import Checklist, Item, Section
from server.forms.validate import validate
from server.forms.xlsform.archive import check_archive
from server.forms.xlsform.cells import (
    _flag,
    _integer,
    _number,
    _read_sheet,
    _Row,
    _Sheet,
    _string,
    _text,
    _validation_message,
)
from server.forms.xlsform.common import (
    CHOICES,
    COLUMNS,
    METADATA_TYPES,
    NO_THRESHOLD,
    PHOTO_PARAMETERS,
    SETTINGS,
    SIMPLE_TYPES,
    SURVEY,
    UNSUPPORTED_TYPES,
    SheetProblem,
    XLSFormRejected,
    _Bad,
)
from server.forms.xlsform.relevant import parse_relevant

ITEM_COLUMNS = {
    "id": "name",
    "text": "label",
    "help": "hint",
    "show_if": "relevant",
    "min": "min",
    "max": "max",
    "weight": "weight",
    "unit": "unit",
}
SECTION_COLUMNS = {"id": "name", "title": "label", "help": "hint"}
SETTINGS_FIELDS = {
    "id": "form_id",
    "version": "version",
    "title": "form_title",
    "description": "description",
    "applies_to": "applies_to",
    "threshold": "threshold",
    "min_passed": "min_passed",
    "validity_days": "validity_days",
    "legal_basis": "legal_basis",
}


@dataclass
class _Import:
    """State of one import: what was read so far and every problem found."""

    problems: list[SheetProblem] = field(default_factory=list)
    lists: dict[str, list[tuple[int, str, dict[str, str] | None]]] = field(default_factory=dict)
    list_rows: dict[str, int] = field(default_factory=dict)
    used_lists: set[str] = field(default_factory=set)
    item_rows: dict[str, int] = field(default_factory=dict)
    section_rows: dict[str, int] = field(default_factory=dict)
    settings_row: int | None = None
    refused: set[str] = field(default_factory=set)
    """Names of questions left out because of a problem (conditions on them are not
    reported as pointing to unknown items)."""
    bad_settings: set[str] = field(default_factory=set)

    def problem(self, sheet: str, row: int | None, message: str) -> None:
        self.problems.append(SheetProblem(sheet, row, message))


def _read_choices(sheet: _Sheet, state: _Import) -> None:
    for row in sheet.rows:
        try:
            list_name = _string(row.cells.get("list_name", "")).strip()
            name = _string(row.cells.get("name", "")).strip()
            if not list_name or not name:
                raise _Bad("a choice needs both list_name and name")
            label = _text(row.cells, "label", required=True)
        except _Bad as exc:
            state.problem(CHOICES, row.number, str(exc))
            continue
        entries = state.lists.setdefault(list_name, [])
        state.list_rows.setdefault(list_name, row.number)
        if any(existing == name for _, existing, _ in entries):
            state.problem(CHOICES, row.number, f"list '{list_name}' already has a choice '{name}'")
            continue
        entries.append((row.number, name, label))


def _is_veto_list(entries: list[tuple[int, str, dict[str, str] | None]]) -> bool:
    return sorted(name for _, name, _ in entries) == ["none", "occurred"]


def _check_list(entries: list[tuple[int, str, dict[str, str] | None]]) -> bool | None:
    """True/False (allow N/A or not) when the list holds exactly the answers of a check."""
    names = sorted(name for _, name, _ in entries)
    if names == ["fail", "na", "pass"]:
        return True
    if names == ["fail", "pass"]:
        return False
    return None


def _item_type(text: str) -> tuple[str, str | None]:
    """(type word, list name) of a survey ``type`` cell; raises _Bad outside the subset."""
    words = text.split()
    if not words:
        raise _Bad("type is empty")
    if len(words) == 1 and words[0].lower() in (
        "begin_group",
        "end_group",
        "begin_repeat",
        "end_repeat",
    ):
        words = words[0].lower().split("_")
    head = words[0].lower()
    if head in ("select_one", "select_multiple"):
        if len(words) == 3 and words[2] == "or_other":
            raise _Bad(f"'{text}': or_other is not supported; add an 'other' choice")
        if len(words) != 2:
            raise _Bad(f"'{text}': write {head} followed by one list name")
        return head, words[1]
    if head.startswith("select_"):
        raise _Bad(f"type '{text}' is not supported; use select_one or select_multiple")
    joined = " ".join(word.lower() for word in words)
    if joined in ("begin group", "end group"):
        return joined, None
    if joined in UNSUPPORTED_TYPES:
        raise _Bad(f"type '{text}': {UNSUPPORTED_TYPES[joined]}")
    if joined in METADATA_TYPES:
        raise _Bad(f"type '{text}': metadata questions are not supported (the app records them)")
    if len(words) == 1 and head in SIMPLE_TYPES:
        return head, None
    raise _Bad(f"unknown or unsupported type '{text}'")


GROUP_COLUMNS = {"type", "name", "label:vi", "label:en", "hint:vi", "hint:en"}


def _item(row: _Row, type_word: str, list_name: str | None, state: _Import) -> dict[str, Any]:
    """The raw item of one survey row; raises _Bad with the first thing wrong."""
    cells = row.cells
    name = _string(cells.get("name", "")).strip()
    if not name:
        raise _Bad("name is empty")
    raw: dict[str, Any] = {"id": name}
    appearance = _string(cells["appearance"]).strip() if "appearance" in cells else None
    if appearance is not None and (appearance != "signature" or type_word != "image"):
        raise _Bad(f"appearance '{appearance}' is not supported (only 'signature' on image)")
    if "parameters" in cells:
        parameters = "".join(_string(cells["parameters"]).split())
        if type_word != "image" or parameters != PHOTO_PARAMETERS:
            raise _Bad(
                f"parameters '{cells['parameters']}' is not supported: only {PHOTO_PARAMETERS} "
                "on image (the app scales every photo to 1600 pixels)"
            )
    if list_name is not None:
        entries = state.lists.get(list_name)
        if entries is None:
            raise _Bad(f"list '{list_name}' is not in the choices sheet")
        state.used_lists.add(list_name)
        allow_na = _check_list(entries)
        if type_word == "select_one" and _is_veto_list(entries):
            raw["kind"] = "veto"
        elif type_word == "select_one" and allow_na is not None:
            raw["kind"] = "check"
            if allow_na:
                raw["allow_na"] = True
        else:
            raw["kind"] = "choice"
            raw["choices"] = [{"value": value, "label": label} for _, value, label in entries]
            if type_word == "select_multiple":
                raw["multiple"] = True
    elif type_word == "image" and appearance == "signature":
        raw["kind"] = "signature"
    else:
        raw["kind"] = SIMPLE_TYPES[type_word]
        if type_word == "integer":
            raw["integer"] = True
    raw["text"] = _text(cells, "label", required=True)
    if (help_ := _text(cells, "hint", required=False)) is not None:
        raw["help"] = help_
    if "legal_ref" in cells:
        raw["legal_ref"] = _string(cells["legal_ref"])
    for flag in ("inferred", "required", "mandatory", "advisory"):
        if flag in cells:
            raw[flag] = _flag(cells[flag], flag)
    if "relevant" in cells:
        try:
            raw["show_if"] = parse_relevant(_string(cells["relevant"]))
        except ValueError as exc:
            raise _Bad(str(exc)) from None
    for column in ("weight", "min", "max"):
        if column in cells:
            raw[column] = _number(cells[column], column)
    if (unit := _text(cells, "unit", required=False)) is not None:
        raw["unit"] = unit
    return raw


def _group_columns(row: _Row, type_word: str, state: _Import) -> None:
    """A group row carries only its name, label and hint (an end group only its name)."""
    allowed = GROUP_COLUMNS if type_word == "begin group" else {"type", "name"}
    for key in sorted(set(row.cells) - allowed):
        column = key.replace(":", "::")
        state.problem(SURVEY, row.number, f"column '{column}' is not supported on {type_word}")


def _begin_section(row: _Row, state: _Import) -> dict[str, Any]:
    """The raw section a ``begin group`` row opens (a nameless placeholder when refused)."""
    section: dict[str, Any]
    try:
        name = _string(row.cells.get("name", "")).strip()
        if not name:
            raise _Bad("name is empty (it becomes the section id)")
        section = {"id": name, "title": _text(row.cells, "label", required=True)}
        if (help_ := _text(row.cells, "hint", required=False)) is not None:
            section["help"] = help_
    except _Bad as exc:
        state.problem(SURVEY, row.number, str(exc))
        section = {"id": "", "title": None}
    section["items"], section["questions"] = [], 0
    return section


def _question(
    row: _Row, type_word: str, list_name: str | None, state: _Import
) -> dict[str, Any] | None:
    """The raw item of a question row, or None when it is refused (and reported)."""
    try:
        item = _item(row, type_word, list_name, state)
    except _Bad as exc:
        state.problem(SURVEY, row.number, str(exc))
        if isinstance(refused := row.cells.get("name"), str):
            state.refused.add(refused.strip())
        return None
    if item["id"] in state.item_rows:
        first = state.item_rows[item["id"]]
        state.problem(SURVEY, row.number, f"name '{item['id']}' is already used on row {first}")
        return None
    state.item_rows[item["id"]] = row.number
    try:
        msgspec.convert(item, Item)
    except msgspec.ValidationError as exc:
        state.problem(SURVEY, row.number, _validation_message(exc, ITEM_COLUMNS))
        state.refused.add(item["id"])
        return None
    return item


def _read_survey(sheet: _Sheet, state: _Import) -> list[dict[str, Any]]:
    """Sections (raw) from the survey rows; groups are sections, questions their items."""
    sections: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    current_row = 0
    nested = 0
    for row in sheet.rows:
        try:
            if "type" not in row.cells:
                raise _Bad("type is empty")
            type_word, list_name = _item_type(_string(row.cells["type"]))
        except _Bad as exc:
            state.problem(SURVEY, row.number, str(exc))
            if isinstance(refused := row.cells.get("name"), str):
                state.refused.add(refused.strip())
            if current is not None:
                current["questions"] += 1
            continue
        if type_word in ("begin group", "end group"):
            _group_columns(row, type_word, state)
        if type_word == "begin group":
            if current is not None:
                nested += 1
                state.problem(SURVEY, row.number, "nested groups are not supported")
            else:
                current, current_row = _begin_section(row, state), row.number
        elif type_word == "end group":
            if nested:
                nested -= 1
            elif current is None:
                state.problem(SURVEY, row.number, "end group without a begin group")
            else:
                _close_section(current, current_row, sections, state)
                current = None
        elif current is None:
            state.problem(
                SURVEY, row.number, "questions must be inside a group (each group is a section)"
            )
        else:
            current["questions"] += 1
            if (item := _question(row, type_word, list_name, state)) is not None:
                current["items"].append(item)
    if current is not None:
        state.problem(SURVEY, current_row, "begin group has no matching end group")
        state.refused.update(item["id"] for item in current["items"])
    return sections


_PROBE_ITEM = {"id": "probe", "kind": "text", "text": {"vi": "x", "en": "x"}}


def _close_section(
    section: dict[str, Any], row: int, sections: list[dict[str, Any]], state: _Import
) -> None:
    """Keep a finished group as a section, or report why not (its questions are then
    left out of the partial checklist that is still validated)."""
    questions = section.pop("questions")
    problem: str | None = None
    if not questions:
        problem = f"group '{section['id']}' has no questions"
    elif section["id"] in state.section_rows:
        first = state.section_rows[section["id"]]
        problem = f"group name '{section['id']}' is already used on row {first}"
    elif section["id"]:
        try:
            msgspec.convert({**section, "items": [_PROBE_ITEM]}, Section)
        except msgspec.ValidationError as exc:
            problem = _validation_message(exc, SECTION_COLUMNS)
    if problem is not None:
        state.problem(SURVEY, row, problem)
    if problem is not None or not section["id"]:
        state.refused.update(item["id"] for item in section["items"])
        return
    state.section_rows[section["id"]] = row
    if section["items"]:
        sections.append(section)


_PROBE_CHECKLIST: dict[str, Any] = {
    "id": "probe",
    "version": 1,
    "title": {"vi": "x", "en": "x"},
    "applies_to": ["preschool"],
    "sections": [{"id": "probe", "title": {"vi": "x", "en": "x"}, "items": [_PROBE_ITEM]}],
}


def _threshold(value: Any) -> float | None:
    if isinstance(value, str) and value.strip().lower() == NO_THRESHOLD:
        return None
    try:
        return _number(value, "threshold")
    except _Bad:
        raise _Bad(
            f"threshold: expected a number from 0 to 100, or {NO_THRESHOLD} for a checklist "
            f"graded by count alone (min_passed), found '{value}'"
        ) from None


def _plain_title(row: _Row, state: _Import) -> dict[str, Any]:
    """The settings cells with a plain ``form_title`` (the title ODK shows, which export
    writes as the Vietnamese one) read as the Vietnamese title, or checked against it."""
    cells = dict(row.cells)
    plain = cells.pop("form_title", None)
    if plain is None:
        return cells
    if "form_title:vi" not in cells:
        cells["form_title:vi"] = plain
    elif _string(plain) != _string(cells["form_title:vi"]):
        state.problem(
            SETTINGS,
            row.number,
            f"form_title '{plain}' differs from title_vi '{cells['form_title:vi']}'; "
            "form_title is the title ODK shows: make it the Vietnamese title",
        )
    return cells


def _read_settings(sheet: _Sheet | None, state: _Import) -> dict[str, Any]:
    """Checklist-level fields from the settings row; each field is checked on its own so
    every bad one is named."""
    if sheet is None or not sheet.rows:
        state.problem(SETTINGS, None, "needs a row with form_id, version and the title")
        return {}
    row, *others = sheet.rows
    state.settings_row = row.number
    for other in others:
        state.problem(SETTINGS, other.number, "only one row of settings is supported")
    cells = _plain_title(row, state)
    raw: dict[str, Any] = {}
    readers: dict[str, Callable[[], Any]] = {
        "id": lambda: _string(cells["form_id"]).strip(),
        "version": lambda: _integer(cells["version"], "version"),
        "threshold": lambda: _threshold(cells["threshold"]),
        "min_passed": lambda: _integer(cells["min_passed"], "min_passed"),
        "validity_days": lambda: _integer(cells["validity_days"], "validity_days"),
        "applies_to": lambda: re.split(r"[\s,;]+", _string(cells["applies_to"]).strip()),
        "legal_basis": lambda: [
            line.strip() for line in _string(cells["legal_basis"]).splitlines() if line.strip()
        ],
    }
    column_of = {"id": "form_id"}
    for name, read in readers.items():
        column = column_of.get(name, name)
        if column not in cells:
            if name in ("id", "version", "applies_to"):
                state.problem(SETTINGS, row.number, f"{column} is empty")
            continue
        try:
            raw[name] = read()
        except _Bad as exc:
            state.problem(SETTINGS, row.number, str(exc))
            state.bad_settings.add(name)
    for name, base, required in (
        ("title", "form_title", True),
        ("description", "description", False),
    ):
        try:
            text = _text(cells, base, required=required)
        except _Bad as exc:
            state.problem(SETTINGS, row.number, str(exc))
            state.bad_settings.add(name)
            continue
        if text is not None:
            raw[name] = text
    for name, value in raw.items():
        try:
            msgspec.convert({**_PROBE_CHECKLIST, name: value}, Checklist)
        except msgspec.ValidationError as exc:
            state.problem(SETTINGS, row.number, _validation_message(exc, SETTINGS_FIELDS))
            state.bad_settings.add(name)
    return raw


def _validate_rows(checklist: Checklist, state: _Import, partial: bool) -> None:
    """``server.forms.validate`` problems, each put on the row that defined its item. On a
    ``partial`` checklist (rows already refused were left out) only the problems that do
    not depend on the missing parts are kept."""
    for problem in validate(checklist):
        message = problem.message.replace("show_if[", "relevant condition [")
        if message.startswith("duplicate"):
            continue  # reported while reading, with both rows
        if partial and (
            problem.item is None or any(f"'{name}'" in message for name in state.refused)
        ):
            continue
        if problem.item is None:
            if "min_passed" in message:
                state.problem(SETTINGS, state.settings_row, message)
            else:
                state.problem(SURVEY, None, message)
            continue
        rows = state.section_rows if problem.where == "section" else state.item_rows
        state.problem(SURVEY, rows.get(problem.item), f"'{problem.item}': {message}")


def checklist_from_workbook(workbook: Any) -> Checklist:
    """The checklist a workbook describes; raises XLSFormRejected listing every problem."""
    state = _Import()
    sheets: dict[str, _Sheet] = {}
    for worksheet in workbook.worksheets:
        name = str(worksheet.title).strip().lower()
        if name not in COLUMNS:
            if any(cell.value is not None for row in worksheet.iter_rows() for cell in row):
                state.problem(str(worksheet.title), None, "this sheet is not part of the subset")
            continue
        sheets[name] = _read_sheet(worksheet, state.problems)
    if CHOICES in sheets:
        _read_choices(sheets[CHOICES], state)
    if SURVEY not in sheets:
        state.problem(SURVEY, None, "the workbook has no survey sheet")
        sections: list[dict[str, Any]] = []
    else:
        sections = _read_survey(sheets[SURVEY], state)
    for list_name, row in state.list_rows.items():
        if list_name not in state.used_lists:
            state.problem(CHOICES, row, f"list '{list_name}' is not used by any question")
    settings = _read_settings(sheets.get(SETTINGS), state)
    # Validate what could be read even when rows were refused, so one pass lists every
    # problem; refused settings fall back to placeholders that are never reported.
    partial = bool(state.problems)
    usable = {k: v for k, v in settings.items() if k not in state.bad_settings}
    head = {k: v for k, v in _PROBE_CHECKLIST.items() if k != "sections"} if partial else {}
    try:
        checklist = msgspec.convert({**head, **usable, "sections": sections}, Checklist)
    except msgspec.ValidationError as exc:
        if not partial:
            message = _validation_message(exc, SETTINGS_FIELDS)
            state.problem(SETTINGS, state.settings_row, message)
        raise XLSFormRejected(state.problems) from None
    _validate_rows(checklist, state, partial)
    if state.problems:
        raise XLSFormRejected(state.problems)
    return checklist


def read_xlsform(source: str | Path | IO[bytes]) -> Checklist:
    """Load an ``.xlsx`` XLSForm file (path or binary file) as a validated checklist; a file
    that is too large, or would inflate too much, is refused before it is parsed."""
    check_archive(source)
    try:
        workbook = openpyxl.load_workbook(source, data_only=False)
    except Exception as exc:  # openpyxl raises many unrelated types for a bad file
        raise XLSFormRejected(
            [SheetProblem("workbook", None, f"cannot read it as an .xlsx workbook: {exc}")]
        ) from None
    return checklist_from_workbook(workbook)
