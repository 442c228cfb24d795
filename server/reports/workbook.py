"""The period report as an XLSX workbook: one sheet per table, Vietnamese headers, numbers
typed, texts always text (``server.spreadsheets``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]

from server.minutes.words import SHARED
from server.reports.period import Figures, Report
from server.spreadsheets import Column, Value, write_sheet

OWNERSHIPS = {"public": "Công lập", "private": "Tư thục", "people_founded": "Dân lập"}


def report_workbook(report: Report) -> Any:
    workbook = Workbook(write_only=True)
    current, previous = report.current, report.previous
    _sheet(
        workbook,
        "Tổng hợp",
        [Column("Chỉ tiêu", width=44), Column(_label(current), "integer", 22),
         Column(_label(previous), "integer", 22)],
        [[label, getattr(current, key), getattr(previous, key)] for key, label in SUMMARY],
    )  # fmt: skip
    _sheet(
        workbook,
        "Loại hình",
        [Column("Loại hình", width=24), Column("Loại sở hữu", width=16),
         Column("Số cơ sở", "integer", 12)],
        [[_kind(kind), OWNERSHIPS.get(owner, owner), c.count]
         for c in report.by_kind_and_ownership for kind, owner in [c.key.split("/")]],
    )  # fmt: skip
    _sheet(
        workbook,
        "Theo chủ đề",
        [Column("Chủ đề", width=40), Column("Tiêu chí không đạt", "integer", 18),
         Column("Số cơ sở", "integer", 12)],
        [[t.title, t.failed_checks, t.facilities] for t in current.themes],
    )  # fmt: skip
    _sheet(
        workbook,
        "Sự việc loại trừ",
        [Column("Sự việc", width=60), Column("Số lần", "integer", 10)],
        [[v.label, v.count] for v in current.vetoes],
    )
    return workbook


SUMMARY = (
    ("facilities", "Số cơ sở"),
    ("inspections", "Số lượt kiểm tra"),
    ("facilities_inspected", "Số cơ sở được kiểm tra"),
    ("facilities_passed", "Số cơ sở đạt"),
    ("facilities_failed", "Số cơ sở không đạt"),
    ("facilities_not_inspected", "Số cơ sở chưa được kiểm tra"),
    ("actions_opened", "Yêu cầu khắc phục đã đưa ra"),
    ("fixes_reported", "Yêu cầu cơ sở báo đã khắc phục"),
    ("actions_verified", "Yêu cầu đã xác nhận khắc phục"),
    ("actions_overdue_at_end", "Yêu cầu quá hạn cuối kỳ"),
)


def _kind(kind: str) -> str:
    """A facility kind in the app's words (the minutes share them with pwa/js/i18n.js)."""
    words = SHARED.get(f"kind.{kind}")
    return words[0] if words else kind


def _label(figures: Figures) -> str:
    start, end = figures.period.start, figures.period.end
    return f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"


def _sheet(workbook: Any, title: str, columns: Sequence[Column], rows: list[list[Value]]) -> None:
    write_sheet(workbook.create_sheet(title), columns, rows)
