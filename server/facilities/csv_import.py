"""Facility CSV import: validate every row first; if any row is bad, import nothing and
report each bad row's line number and reasons. Re-importing a file updates, by code.

Columns (header row required, order free; UTF-8, with or without a BOM):
``code, name, kind, ownership, province_code, commune_code, commune_name`` (required) and
``legacy_district, address, latitude, longitude, contact_name, contact_phone, contact_email``
(optional). ``ownership`` takes public/community/private or công lập/dân lập/tư thục.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

import sqlite_utils

from server.errors import AppError, ErrorCode
from server.facilities.store import (
    FACILITY_COLUMNS,
    UpsertResult,
    communes,
    fold,
    provinces,
    upsert_facilities,
)
from server.forms.schema import FACILITY_KINDS

REQUIRED = ("code", "name", "kind", "ownership", "province_code", "commune_code", "commune_name")
OPTIONAL = tuple(column for column in FACILITY_COLUMNS if column not in REQUIRED)
"""The facility's other columns: legacy_district, address, latitude, longitude, contact_*."""
OWNERSHIP_ALIASES = {
    "public": "public",
    "cong lap": "public",
    "community": "community",
    "dan lap": "community",
    "private": "private",
    "tu thuc": "private",
}
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Viet Nam's territory including its islands: catches swapped or missing-sign coordinates.
LAT_RANGE = (8.0, 24.0)
LON_RANGE = (102.0, 118.0)


ImportProblemCode = Literal[
    "code_format",
    "code_repeated",
    "commune_other_province",
    "coordinates_half",
    "empty",
    "kind_unknown",
    "missing_columns",
    "no_rows",
    "not_a_number",
    "not_an_email",
    "not_utf8",
    "outside_viet_nam",
    "ownership_unknown",
    "province_unknown",
    "too_many_fields",
    "unknown_columns",
]
"""What can be wrong with a line; the app words each (pwa/js/i18n.js admin.importProblem.*)."""


class Reason(NamedTuple):
    """One thing wrong with a row: a stable code the app words in its own language, the
    column and value it concerns (when one does), and an English message for the CLI."""

    code: ImportProblemCode
    message: str
    column: str | None = None
    value: str | None = None


@dataclass(frozen=True)
class RowProblem:
    line: int
    reasons: list[Reason]

    def __str__(self) -> str:
        return f"line {self.line}: " + "; ".join(r.message for r in self.reasons)


class ImportRejected(AppError):
    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        super().__init__(
            ErrorCode.FACILITY_IMPORT_INVALID,
            f"{len(problems)} bad row(s); nothing was imported",
            details=[
                {
                    "line": p.line,
                    "reasons": [r.message for r in p.reasons],
                    "problems": [r._asdict() for r in p.reasons],
                }
                for p in problems
            ],
        )


def _coordinate(
    raw: str, name: str, bounds: tuple[float, float], reasons: list[Reason]
) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        reasons.append(Reason("not_a_number", f"{name} {raw!r} is not a number", name, raw))
        return None
    if not bounds[0] <= value <= bounds[1]:
        message = f"{name} {value} is outside Viet Nam ({bounds[0]} to {bounds[1]})"
        reasons.append(Reason("outside_viet_nam", message, name, raw))
    return value


def parse(
    db: sqlite_utils.Database, text: str
) -> tuple[list[dict[str, Any]], list[tuple[str, str, str]]]:
    """Validated facility rows and the communes they introduce, or ImportRejected."""
    reader = _reader(text)
    known = _Known.load(db)
    rows: list[dict[str, Any]] = []
    problems: list[RowProblem] = []
    line = 1
    for raw in reader:
        line = reader.line_num
        if None in raw:
            reason = Reason("too_many_fields", "more fields than the header has columns")
            problems.append(RowProblem(line, [reason]))
            continue
        cells = {k: (v or "").strip() for k, v in raw.items()}
        if not any(cells.values()):
            continue
        reasons: list[Reason] = []
        row = _facility(cells, line, known, reasons)
        if reasons:
            problems.append(RowProblem(line, reasons))
        else:
            rows.append(row)
    if problems:
        raise ImportRejected(problems)
    if not rows:
        raise ImportRejected(
            [RowProblem(line, [Reason("no_rows", "the file has no facility rows")])]
        )
    return rows, known.new_commune_rows()


def _reader(text: str) -> csv.DictReader[str]:
    """A reader over the rows, its header stripped and checked (ImportRejected on line 1)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    header_problems = []
    if missing:
        names = ", ".join(missing)
        header_problems.append(
            Reason("missing_columns", f"missing column(s): {names}", None, names)
        )
    if unknown:
        names = ", ".join(unknown)
        header_problems.append(
            Reason("unknown_columns", f"unknown column(s): {names}", None, names)
        )
    if header_problems:
        raise ImportRejected([RowProblem(1, header_problems)])
    return reader


@dataclass
class _Known:
    """What the rows are checked against: the database's provinces and communes, and what
    earlier rows of the file brought (their codes, the communes they introduce)."""

    provinces: set[str]
    communes: dict[str, tuple[str, str]]
    new_communes: dict[str, tuple[str, str]] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, db: sqlite_utils.Database) -> _Known:
        return cls(
            provinces={p["code"] for p in provinces(db)},
            communes={c["code"]: (c["province_code"], c["name"]) for c in communes(db, None)},
        )

    def new_commune_rows(self) -> list[tuple[str, str, str]]:
        return [(code, prov, name) for code, (prov, name) in self.new_communes.items()]


def _facility(
    cells: dict[str, str], line: int, known: _Known, reasons: list[Reason]
) -> dict[str, Any]:
    """One row as a facility; every problem found is added to ``reasons``."""
    reasons.extend(
        Reason("empty", f"{column} is empty", column)
        for column in REQUIRED
        if not cells.get(column)
    )
    _check_code(cells.get("code", ""), line, known, reasons)
    _check_kind(cells.get("kind", ""), reasons)
    ownership = _ownership(cells.get("ownership", ""), reasons)
    _check_place(cells, known, reasons)
    latitude, longitude = _coordinates(cells, reasons)
    email = cells.get("contact_email", "")
    if email and not EMAIL_RE.match(email):
        message = f"contact_email {email!r} is not an e-mail address"
        reasons.append(Reason("not_an_email", message, "contact_email", email))
    return {
        "code": cells.get("code", ""),
        "name": cells.get("name", ""),
        "kind": cells.get("kind", ""),
        "ownership": ownership,
        "province_code": cells.get("province_code", ""),
        "commune_code": cells.get("commune_code", ""),
        "legacy_district": cells.get("legacy_district") or None,
        "address": cells.get("address") or None,
        "latitude": latitude,
        "longitude": longitude,
        "contact_name": cells.get("contact_name") or None,
        "contact_phone": cells.get("contact_phone") or None,
        "contact_email": email or None,
    }


def _check_code(code: str, line: int, known: _Known, reasons: list[Reason]) -> None:
    if code and not CODE_RE.match(code):
        message = f"code {code!r} must be 1-40 letters, digits, dots, dashes or underscores"
        reasons.append(Reason("code_format", message, "code", code))
    if code in known.codes:
        message = f"code {code!r} already appears on line {known.codes[code]}"
        reasons.append(Reason("code_repeated", message, "code", str(known.codes[code])))
    elif code:
        known.codes[code] = line


def _check_kind(kind: str, reasons: list[Reason]) -> None:
    if kind and kind not in FACILITY_KINDS:
        message = f"kind {kind!r} is not one of {', '.join(FACILITY_KINDS)}"
        reasons.append(Reason("kind_unknown", message, "kind", kind))


def _ownership(raw: str, reasons: list[Reason]) -> str | None:
    """public, community or private, from any accepted spelling."""
    ownership = OWNERSHIP_ALIASES.get(fold(raw))
    if raw and ownership is None:
        message = f"ownership {raw!r} is not public/community/private (công lập/dân lập/tư thục)"
        reasons.append(Reason("ownership_unknown", message, "ownership", raw))
    return ownership


def _check_place(cells: dict[str, str], known: _Known, reasons: list[Reason]) -> None:
    """The province is known and the commune lies in it; a commune not seen before, with a
    name, is registered for this province."""
    province = cells.get("province_code", "")
    if province and province not in known.provinces:
        message = f"province_code {province!r} is not a known province"
        reasons.append(Reason("province_unknown", message, "province_code", province))
    commune = cells.get("commune_code", "")
    commune_name = cells.get("commune_name", "")
    if not (commune and province):
        return
    owner = known.communes.get(commune) or known.new_communes.get(commune)
    if owner is None:
        if commune_name:
            known.new_communes[commune] = (province, commune_name)
    elif owner[0] != province:
        message = f"commune {commune!r} belongs to province {owner[0]!r}, not {province!r}"
        reasons.append(Reason("commune_other_province", message, "commune_code", owner[0]))


def _coordinates(cells: dict[str, str], reasons: list[Reason]) -> tuple[float | None, float | None]:
    """Latitude and longitude, both or neither, within Viet Nam."""
    latitude, longitude = cells.get("latitude"), cells.get("longitude")
    if not (latitude or longitude):
        return None, None
    if not (latitude and longitude):
        message = "latitude and longitude must be given together"
        reasons.append(Reason("coordinates_half", message, "latitude"))
        return None, None
    return (
        _coordinate(latitude, "latitude", LAT_RANGE, reasons),
        _coordinate(longitude, "longitude", LON_RANGE, reasons),
    )


def import_csv(
    db: sqlite_utils.Database, text: str, *, actor_id: int | None = None
) -> UpsertResult:
    rows, new_communes = parse(db, text)
    return upsert_facilities(db, rows, new_communes, actor_id=actor_id)


def to_csv(rows: Iterable[dict[str, Any]]) -> str:
    """The inverse of parse, for the demo and for tests: rows with commune_name."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*REQUIRED, *OPTIONAL], extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return out.getvalue()
