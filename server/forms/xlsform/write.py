"""Writing: a checklist as an XLSForm workbook in the subset that reading accepts.

The workbook also converts with pyxform (ODK Central's and KoboToolbox's converter) without
warnings: the settings title is a plain ``form_title`` (the Vietnamese one, which ODK shows)
beside our ``title_vi``/``title_en``, and our extra columns are ones pyxform ignores. Every
text is written as a text cell, so a label starting with ``=`` is never a formula.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import openpyxl  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]

from server.forms.schema import Checklist, Item, Text
from server.forms.xlsform.common import (
    CHECK_LABELS,
    CHECK_LISTS,
    CHOICES,
    CHOICES_COLUMNS,
    LANGUAGES,
    NO_THRESHOLD,
    PHOTO_PARAMETERS,
    SETTINGS,
    SETTINGS_COLUMNS,
    SURVEY,
    SURVEY_COLUMNS,
    VETO_LABELS,
    VETO_LIST,
)
from server.forms.xlsform.relevant import _cell_number, _condition_text

_OOXML_LITERAL = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
SETTINGS_HEADERS = {
    "form_title:vi": "title_vi",
    "form_title:en": "title_en",
    "description:vi": "description_vi",
    "description:en": "description_en",
}
"""pyxform crashes on translated settings (``form_title::vi``): write our aliases instead."""


def ooxml_escape(value: str) -> str:
    """A carriage return as OOXML's ``_x000D_`` (XML would read a raw one as a line feed),
    and a literal ``_xHHHH_`` protected as ``_x005F_xHHHH_``, as Excel writes them."""
    return _OOXML_LITERAL.sub(r"_x005F_\1", value).replace("\r", "_x000D_")


def _header(key: str, sheet: str) -> str:
    if sheet == SETTINGS and key in SETTINGS_HEADERS:
        return SETTINGS_HEADERS[key]
    base, _, language = key.partition(":")
    return f"{base}::{LANGUAGES[language]}" if language else base


def _text_cells(key: str, text: Text | None) -> dict[str, Any]:
    if text is None:
        return {}
    return {f"{key}:vi": text.vi, f"{key}:en": text.en}


def _list_names(checklist: Checklist) -> dict[str, str]:
    """Choice item id → the name of its list, clear of the check lists' names."""
    taken = {*CHECK_LISTS, VETO_LIST}
    names: dict[str, str] = {}
    for item in checklist.items():
        if item.kind != "choice":
            continue
        candidate, number = item.id, 1
        while candidate in taken:
            number += 1
            candidate = f"{item.id}_{number}"
        taken.add(candidate)
        names[item.id] = candidate
    return names


def _survey_row(item: Item, list_name: str | None, items: Mapping[str, Item]) -> dict[str, Any]:
    cells: dict[str, Any] = {"name": item.id, **_text_cells("label", item.text)}
    cells.update(_text_cells("hint", item.help))
    if item.kind == "check":
        cells["type"] = "select_one " + ("pass_fail_na" if item.allow_na else "pass_fail")
        if item.weight is not None and item.weight != 1:
            cells["weight"] = _cell_number(item.weight)
        if item.mandatory:
            cells["mandatory"] = "yes"
        if item.advisory:
            cells["advisory"] = "yes"
    elif item.kind == "veto":
        cells["type"] = f"select_one {VETO_LIST}"
    elif item.kind == "choice":
        values = sorted(choice.value for choice in item.choices or [])
        if not item.multiple and values in (["fail", "na", "pass"], ["fail", "pass"]):
            raise ValueError(
                f"choice item '{item.id}' has exactly the answers of a check, which XLSForm "
                "import reads as a check; rename one of its values"
            )
        if not item.multiple and values == ["none", "occurred"]:
            raise ValueError(
                f"choice item '{item.id}' has exactly the answers of a veto, which XLSForm "
                "import reads as a veto; rename one of its values"
            )
        cells["type"] = f"select_{'multiple' if item.multiple else 'one'} {list_name}"
    elif item.kind == "number":
        cells["type"] = "integer" if item.integer else "decimal"
    elif item.kind == "signature":
        cells["type"], cells["appearance"] = "image", "signature"
        cells["parameters"] = PHOTO_PARAMETERS
    elif item.kind == "photo":
        cells["type"], cells["parameters"] = "image", PHOTO_PARAMETERS
    else:
        cells["type"] = {"text": "text", "location": "geopoint"}.get(item.kind, item.kind)
    if item.required:
        cells["required"] = "yes"
    elif item.kind in ("check", "veto"):
        cells["required"] = "no"
    if item.show_if:
        cells["relevant"] = " and ".join(_condition_text(c, items) for c in item.show_if)
    if item.legal_ref is not None:
        cells["legal_ref"] = item.legal_ref
    if item.inferred:
        cells["inferred"] = "yes"
    for column in ("min", "max"):
        value = getattr(item, column)
        if value is not None:
            cells[column] = _cell_number(value)
    cells.update(_text_cells("unit", item.unit))
    return cells


def _write_sheet(worksheet: Any, columns: Iterable[str], rows: Iterable[Mapping[str, Any]]) -> None:
    keys = list(columns)
    worksheet.append([_header(key, worksheet.title) for key in keys])
    for number, row in enumerate(rows, start=2):
        for index, key in enumerate(keys, start=1):
            value = row.get(key)
            if value is None:
                continue
            cell = worksheet.cell(row=number, column=index, value=value)
            if isinstance(value, str):
                # openpyxl makes "=…" a formula; a spreadsheet may also run "+", "-", "@"…
                # Text cells are never evaluated, whatever they start with.
                cell.value = ooxml_escape(value)
                cell.data_type = "s"
    for index, key in enumerate(keys, start=1):
        letter = openpyxl.utils.get_column_letter(index)
        wide = key.startswith(("label", "hint", "form_title", "description")) or key in (
            "legal_ref",
            "legal_basis",
            "relevant",
        )
        worksheet.column_dimensions[letter].width = 60 if wide else 18
        worksheet.cell(row=1, column=index).font = Font(bold=True)
        if wide:
            for (cell,) in worksheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    worksheet.freeze_panes = "C2" if keys[0] == "type" else "A2"


def _survey_rows(checklist: Checklist) -> Iterator[dict[str, Any]]:
    items = {item.id: item for item in checklist.items()}
    lists = _list_names(checklist)
    for section in checklist.sections:
        yield {
            "type": "begin group",
            "name": section.id,
            **_text_cells("label", section.title),
            **_text_cells("hint", section.help),
        }
        for item in section.items:
            yield _survey_row(item, lists.get(item.id), items)
        yield {"type": "end group", "name": section.id}


def _choice_rows(checklist: Checklist) -> Iterator[dict[str, Any]]:
    checks = checklist.checks()
    for list_name, allow_na in CHECK_LISTS.items():
        if any(bool(item.allow_na) == allow_na for item in checks):
            for value, label in CHECK_LABELS.items():
                if value != "na" or allow_na:
                    yield {"list_name": list_name, "name": value, **_text_cells("label", label)}
    if any(item.kind == "veto" for item in checklist.items()):
        for value, label in VETO_LABELS.items():
            yield {"list_name": VETO_LIST, "name": value, **_text_cells("label", label)}
    lists = _list_names(checklist)
    for item in checklist.items():
        for choice in (item.choices or []) if item.kind == "choice" else []:
            yield {
                "list_name": lists[item.id],
                "name": choice.value,
                **_text_cells("label", choice.label),
            }


def _settings_row(checklist: Checklist) -> dict[str, Any]:
    for entry in checklist.legal_basis:
        if "\n" in entry:
            raise ValueError("a legal_basis entry spans several lines; XLSForm keeps one a line")
    row: dict[str, Any] = {
        "form_id": checklist.id,
        "version": checklist.version,
        "form_title": checklist.title.vi,
        **_text_cells("form_title", checklist.title),
        **_text_cells("description", checklist.description),
        "applies_to": " ".join(checklist.applies_to),
        "threshold": NO_THRESHOLD
        if checklist.threshold is None
        else _cell_number(checklist.threshold),
        "validity_days": checklist.validity_days,
    }
    if checklist.min_passed is not None:
        row["min_passed"] = checklist.min_passed
    if checklist.legal_basis:
        row["legal_basis"] = "\n".join(checklist.legal_basis)
    return row


def workbook_from_checklist(checklist: Checklist) -> Any:
    """An openpyxl workbook holding ``checklist`` in the supported XLSForm subset; raises
    ``ValueError`` for the rare content the subset cannot express exactly."""
    workbook = openpyxl.Workbook()
    survey = workbook.active
    survey.title = SURVEY
    _write_sheet(survey, SURVEY_COLUMNS, _survey_rows(checklist))
    _write_sheet(workbook.create_sheet(CHOICES), CHOICES_COLUMNS, _choice_rows(checklist))
    _write_sheet(workbook.create_sheet(SETTINGS), SETTINGS_COLUMNS, [_settings_row(checklist)])
    return workbook


def write_xlsform(checklist: Checklist, destination: str | Path | IO[bytes]) -> None:
    workbook_from_checklist(checklist).save(destination)


def xlsform_bytes(checklist: Checklist) -> bytes:
    buffer = io.BytesIO()
    write_xlsform(checklist, buffer)
    return buffer.getvalue()
