"""Every inspection of one checklist version as a table for analysts, as ODK and Kobo users
expect from a form server: one row per inspection, the facility's fields, times, score,
result and reasons, the team, then one column per item of that version.

Rows are read from one cursor and turned into cells one at a time, so memory stays flat
whatever the number of inspections. The query joins ``inspections`` with ``facilities`` and
the units only to read and filter by scope, as the compliance read model does: this is a
read model too, and it only reads.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
import sqlite_utils

from server.auth.principal import Principal
from server.exports.answers import Answers
from server.forms.schema import Checklist, Item
from server.inspections.scoring import StoredOutcome, reasons_of
from server.spreadsheets import FORMULA_STARTS, Column, Value, spreadsheet_safe

FIXED = (
    Column("inspection_id", width=38),
    Column("facility_code", width=14),
    Column("facility_name", width=36),
    Column("kind", width=16),
    Column("ownership", width=12),
    Column("province", width=18),
    Column("commune", width=18),
    Column("inspector", width=16),
    Column("started_at", width=22),
    Column("completed_at", width=22),
    Column("received_at", width=22),
    Column("score", "number", 10),
    Column("result", width=12),
    Column("reasons", width=40),
    Column("team", width=40),
    Column("supersedes", width=38),
    Column("superseded_by", width=38),
    Column("notes", width=40),
)
"""The columns before the items': what every export has whatever the checklist."""


@dataclass(frozen=True)
class ExportQuery:
    form_id: str
    version: int
    since: str | None = None
    """Completed at or after this moment (ISO 8601 UTC), if given."""
    until: str | None = None
    """Completed before this moment, if given."""
    province: str | None = None
    commune: str | None = None


def columns(checklist: Checklist) -> list[Column]:
    return [*FIXED, *(_item_column(item) for item in checklist.items())]


def _item_column(item: Item) -> Column:
    return Column(item.id, "number" if item.kind == "number" else "text", 16)


class _Member(msgspec.Struct):
    name: str = ""
    agency: str = ""
    role: str = ""


_RECORD_FIELDS: list[tuple[str, Any, Any]] = [
    ("team", list[_Member] | None, None),
    ("notes", dict[str, str], msgspec.field(default_factory=dict)),
]
"""The parts of a stored record the export reads besides the answers; msgspec skips the
rest undecoded, which a dict of the whole record would not."""


class _Record(msgspec.Struct):
    """Any record, its answers as they are: the general way (``answers.Answers`` is the
    fast one)."""

    answers: dict[str, Any] = {}
    team: list[_Member] | None = None
    notes: dict[str, str] = {}


_outcome = msgspec.json.Decoder(StoredOutcome)
_record = msgspec.json.Decoder(_Record)


def rows(
    db: sqlite_utils.Database,
    who: Principal,
    checklist: Checklist,
    query: ExportQuery,
    *,
    for_csv: bool = False,
) -> Iterator[list[Value]]:
    """The export's rows, oldest first, for the inspections the caller may see; with
    ``for_csv`` every text cell has passed ``spreadsheet_safe``."""
    scope, scope_args = who.facility_filter("f")
    where = [scope, "i.form_id = ?", "i.form_version = ?"]
    args: list[Any] = [*scope_args, query.form_id, query.version]
    for clause, value in (
        ("i.completed_at >= ?", query.since),
        ("i.completed_at < ?", query.until),
        ("f.province_code = ?", query.province),
        ("f.commune_code = ?", query.commune),
    ):
        if value:
            where.append(clause)
            args.append(value)
    cursor = db.execute(
        "SELECT i.id, f.code, f.name, f.kind, f.ownership, p.name, c.name, u.username,"
        " i.started_at, i.completed_at, i.received_at, i.score, i.result,"
        # Only a failed result's summary is read (for its reasons), as bytes: the others'
        # 2 KB each never become Python strings.
        " CASE i.result WHEN 'failed' THEN CAST(i.summary AS BLOB) END,"
        " i.supersedes, i.superseded_by, CAST(i.payload AS BLOB) FROM inspections i"
        " JOIN facilities f ON f.code = i.facility_code"
        " JOIN communes c ON c.code = f.commune_code JOIN provinces p ON p.code = f.province_code"
        " JOIN users u ON u.id = i.inspector_id"
        f" WHERE {' AND '.join(where)} ORDER BY i.completed_at, i.seq",
        args,
    )
    return map(_Spreader(checklist, for_csv), cursor)


class _Spreader:
    """One query row into one export row: answers decoded by ``answers.Answers`` and only
    the cells that may need it looked at; a record that does not fit goes through
    ``_row``, the general way."""

    def __init__(self, checklist: Checklist, for_csv: bool) -> None:
        self._checklist = checklist
        self._item_ids = [item.id for item in checklist.items()]
        self._answers = Answers(checklist, _RECORD_FIELDS)
        items = [len(FIXED) + n for n in self._answers.texts]
        self._checked = [*range(len(FIXED)), *items] if for_csv else []
        self._for_csv = for_csv

    def __call__(self, row: Sequence[Any]) -> list[Value]:
        try:
            record = self._answers.decode(row[16])
        except msgspec.ValidationError:
            cells = _row(row, self._checklist, self._item_ids)
            if self._for_csv:
                return [spreadsheet_safe(c) if type(c) is str else c for c in cells]
            return cells
        team, notes = record.team, record.notes
        cells = [
            *row[:13],
            # Only a failed result has reasons: the others' summaries need no decoding.
            _reasons(row[13], self._checklist) if row[12] == "failed" else "",
            _team(team) if team else "",
            row[14],
            row[15],
            "; ".join(f"{item}: {text}" for item, text in notes.items()) if notes else "",
            *self._answers.cells(record),
        ]
        starts = FORMULA_STARTS
        for n in self._checked:
            cell = cells[n]
            if type(cell) is str and cell[:1] in starts:
                cells[n] = "'" + cell
        return cells


def _team(team: Sequence[_Member]) -> str:
    return "; ".join(f"{m.name} ({m.agency}, {m.role})" for m in team)


def _row(row: Sequence[Any], checklist: Checklist, item_ids: list[str]) -> list[Value]:
    *head, summary, supersedes, superseded_by, payload = row
    record = _record.decode(payload)
    answers = record.answers
    return [
        *head,
        _reasons(summary, checklist) if head[-1] == "failed" else "",
        _team(record.team or ()),
        supersedes,
        superseded_by,
        "; ".join(f"{item}: {text}" for item, text in record.notes.items()),
        *[_answer(a) for a in map(answers.get, item_ids)],
    ]


def _reasons(summary: str | bytes, checklist: Checklist) -> str:
    """Reason codes with their items, e.g. ``mandatory: gate_fence_secure, fire_plan``."""
    reasons = reasons_of(_outcome.decode(summary), checklist)
    return "; ".join(
        f"{reason.code}: {', '.join(reason.items)}" if reason.items else reason.code
        for reason in reasons
    )


def _answer(value: Any) -> Value:
    if value is None or type(value) is str:  # the common case first
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    if isinstance(value, dict):  # a location
        return " ".join(str(value.get(key, "")) for key in ("lat", "lon", "accuracy"))
    return str(value)
