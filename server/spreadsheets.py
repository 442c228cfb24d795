"""The one way this server writes tables for spreadsheet programs: CSV and XLSX.

Whatever a cell holds (a facility name typed by anyone), a spreadsheet never runs it as a
formula: CSV cells that start like one (= + - @, tab, carriage return) get a leading single
quote; XLSX text is always a text cell, and numbers and dates keep their types.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

Value = str | int | float | datetime | None

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
"""The media type of an XLSX workbook."""


def download_headers(filename: str) -> dict[str, str]:
    """Headers for a file the browser saves: its name, and never kept in a cache (it holds
    data of the caller's scope)."""
    return {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
    }


FORMULA_STARTS = frozenset("=+-@\t\r")


def spreadsheet_safe(cell: str) -> str:
    """A CSV text cell a spreadsheet shows as text: one starting like a formula (= + - @,
    tab, carriage return) gets a leading single quote, so a facility name never runs."""
    return "'" + cell if cell[:1] in FORMULA_STARTS else cell


def csv_lines(rows: Iterable[Sequence[Value]]) -> str:
    """CSV text (CRLF) for rows; every text cell passes ``spreadsheet_safe`` (numbers are
    written as numbers: a spreadsheet never runs one)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    starts = FORMULA_STARTS
    writer.writerows(
        # Inline for the common case (a text that is safe as it is): this runs for every
        # cell of exports of 600,000 rows.
        [c if type(c) is str and c[:1] not in starts else _csv_cell(c) for c in row]
        for row in rows
    )
    return buffer.getvalue()


CheckedCell = str | int | float | None
"""A cell ``checked_csv_lines`` writes: no datetime (csv would write it with a space)."""


def checked_csv_lines(rows: Iterable[Sequence[CheckedCell]]) -> str:
    """CSV text (CRLF) for rows whose text cells already passed ``spreadsheet_safe`` (an
    export of 600,000 rows that knows which of its cells may hold text checks only those)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def _csv_cell(value: Value) -> str:
    if type(value) is str:
        return "'" + value if value[:1] in FORMULA_STARTS else value
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class Column:
    header: str
    kind: Literal["text", "number", "integer", "datetime", "date"] = "text"
    width: int = 18


def write_sheet(sheet: Any, columns: Sequence[Column], rows: Iterable[Sequence[Value]]) -> None:
    """Fill a write-only worksheet: a bold, frozen header with filters, then typed cells."""
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    sheet.append(header)
    count = 1
    for row in rows:
        sheet.append([_cell(sheet, c, value) for c, value in zip(columns, row, strict=True)])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count}"


def xlsx_chunks(
    title: str, columns: Sequence[Column], batches: Iterable[Sequence[Sequence[Value]]]
) -> Iterator[bytes]:
    """An XLSX workbook of one sheet (see ``write_sheet``). Rows are written as they come
    (openpyxl's write-only mode, memory bounded by a batch); the file is then sent in
    chunks from a temporary file."""
    workbook = Workbook(write_only=True)
    rows = (row for batch in batches for row in batch)
    write_sheet(workbook.create_sheet(title[:31]), columns, rows)
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        file.seek(0)
        while chunk := file.read(64 * 1024):
            yield chunk


def _cell(sheet: object, column: Column, value: Value) -> Any:
    if value is None or value == "":
        return None
    if column.kind == "text" or isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=str(value))
        cell.data_type = "s"  # openpyxl would make "=…" a formula; text is never evaluated
        return cell
    cell = WriteOnlyCell(sheet, value=value)
    if column.kind == "datetime":
        cell.number_format = "dd/mm/yyyy hh:mm"
    elif column.kind == "date":
        cell.number_format = "dd/mm/yyyy"
    elif column.kind == "number":
        cell.number_format = "0.0"
    return cell
