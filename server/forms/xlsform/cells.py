"""Reading cells: a worksheet as rows keyed by column, and cell values as text, numbers and
flags, each refusal a message for the sheet and row it came from."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec

from server.forms.schema import FACILITY_KINDS
from server.forms.xlsform.common import (
    ALIASES,
    COLUMNS,
    FALSE_WORDS,
    LANGUAGE_BASES,
    LANGUAGE_NAMES,
    LANGUAGES,
    TRUE_WORDS,
    UNSUPPORTED_COLUMNS,
    SheetProblem,
    _Bad,
)


@dataclass
class _Row:
    number: int
    cells: dict[str, Any]
    """Column key (``type``, ``label:vi``) → non-empty value."""


@dataclass
class _Sheet:
    name: str
    rows: list[_Row] = field(default_factory=list)


_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def ooxml_unescape(value: str) -> str:
    """Decode OOXML's ``_xHHHH_`` escapes (Excel writes a carriage return as ``_x000D_``,
    since XML turns a raw one into a line feed; openpyxl leaves them as they are)."""
    return _OOXML_ESCAPE.sub(lambda match: chr(int(match[1], 16)), value)


def _clean(value: Any) -> Any:
    """Blank strings are empty cells; surrounding spaces and line breaks are typing noise. A
    leading tab or carriage return is kept: export writes every text as it is."""
    if isinstance(value, str):
        value = ooxml_unescape(value)
        return value.lstrip(" \n").rstrip() if value.strip() else None
    return value


def _column_key(header: str) -> tuple[str | None, str | None]:
    """(our key, None) for a supported column, (None, reason) for one we refuse."""
    text = " ".join(header.split())
    base, sep, rest = text.partition("::")
    base = base.strip().lower()
    if base in UNSUPPORTED_COLUMNS:
        return None, f"column '{header}': {UNSUPPORTED_COLUMNS[base]}"
    if sep:
        found = re.search(r"\(([A-Za-z_-]+)\)\s*$", rest)
        name = found[1] if found else rest
        language = LANGUAGE_NAMES.get(name.strip().lower())
        if language is None:
            return None, f"column '{header}': only Vietnamese (vi) and English (en) are supported"
        if base not in LANGUAGE_BASES:
            return None, f"column '{header}' is not part of the supported subset"
        return f"{base}:{language}", None
    key = ALIASES.get(base, base)
    if base in LANGUAGE_BASES and base != "form_title":  # a plain form_title: what ODK shows
        return None, (
            f"column '{header}' needs a language: use {base}::{LANGUAGES['vi']} "
            f"and {base}::{LANGUAGES['en']}"
        )
    return key, None


def _read_sheet(worksheet: Any, problems: list[SheetProblem]) -> _Sheet:
    """Rows of one worksheet keyed by column; refuses formulas, duplicate columns and
    content in columns outside the subset, row by row."""
    name = str(worksheet.title).strip().lower()
    sheet = _Sheet(name)
    known = set(COLUMNS[name])
    keys: dict[int, str] = {}
    refused: dict[int, str] = {}
    seen: dict[str, str] = {}
    for number, cells in enumerate(worksheet.iter_rows(), start=1):
        values: dict[str, Any] = {}
        for index, cell in enumerate(cells):
            if getattr(cell, "data_type", None) == "f":
                problems.append(
                    SheetProblem(
                        name, number, f"cell {cell.coordinate} holds a formula; type the value"
                    )
                )
                continue
            value = _clean(cell.value)
            if number == 1:
                if value is None:
                    continue
                header = str(value)
                key, reason = _column_key(header)
                if key is not None and key not in known:
                    key, reason = None, f"column '{header}' is not part of the supported subset"
                if key is None:
                    refused[index] = reason or f"column '{header}' is not supported"
                elif key in seen:
                    problems.append(
                        SheetProblem(name, 1, f"columns '{seen[key]}' and '{header}' say the same")
                    )
                else:
                    keys[index] = key
                    seen[key] = header
                continue
            if value is None:
                continue
            if index in refused:
                problems.append(SheetProblem(name, number, refused[index]))
            elif index in keys:
                values[keys[index]] = value
            else:
                problems.append(
                    SheetProblem(name, number, f"cell {cell.coordinate} has no column heading")
                )
        if number > 1 and values:
            sheet.rows.append(_Row(number, values))
    return sheet


# --- values -----------------------------------------------------------------------------


def _string(value: Any) -> str:
    if isinstance(value, bool):
        raise _Bad(f"expected text, found {value!r}")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number(value: Any, column: str) -> float:
    if isinstance(value, bool):
        raise _Bad(f"{column}: expected a number, found {value!r}")
    if isinstance(value, int | float):
        number = float(value)
    else:
        try:
            number = float(str(value))
        except ValueError:
            raise _Bad(f"{column}: expected a number, found '{value}'") from None
    if not math.isfinite(number):
        raise _Bad(f"{column}: expected a finite number, found '{value}'")
    return number


def _integer(value: Any, column: str) -> int:
    number = _number(value, column)
    if not number.is_integer():
        raise _Bad(f"{column}: expected a whole number, found '{value}'")
    return int(number)


def _flag(value: Any, column: str) -> bool:
    if isinstance(value, bool):
        return value
    word = _string(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise _Bad(f"{column}: expected yes or no, found '{value}'")


def _text(cells: Mapping[str, Any], base: str, required: bool) -> dict[str, str] | None:
    """Both languages of ``base`` (``label``, ``hint``…), or None when both are empty."""
    texts = {
        lang: _string(cells[f"{base}:{lang}"]) for lang in LANGUAGES if f"{base}:{lang}" in cells
    }
    if not texts and not required:
        return None
    missing = [f"{base}::{LANGUAGES[lang]}" for lang in LANGUAGES if lang not in texts]
    if missing:
        raise _Bad(f"{' and '.join(missing)} is empty; give the text in Vietnamese and English")
    return texts


def _validation_message(exc: msgspec.ValidationError, columns: Mapping[str, str]) -> str:
    """msgspec's wording with its ``$.field`` path turned into the column to fix."""
    text = str(exc)
    message, _, path = text.partition(" - at `$")
    path = path.rstrip("`").lstrip(".")
    head = re.split(r"[.\[]", path, maxsplit=1)[0] if path else ""
    column = columns.get(head, path)
    message = (
        message.replace("Object missing required field", "missing")
        .replace("Object contains unknown field", "unknown field")
        .replace("Expected", "expected")
    )
    if message.startswith("Invalid enum value") and head == "applies_to":
        message = message.replace("Invalid enum value", "invalid facility kind")
        message += "; use one of " + ", ".join(FACILITY_KINDS)
    if head == "id" and "regex" in message:
        message = "must be lower-case letters, digits and " + (
            "dashes" if column == "form_id" else "underscores, starting with a letter"
        )
    return f"{column}: {message}" if column else message
