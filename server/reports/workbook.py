"""The period report as an XLSX workbook: one sheet per table, headers in Vietnamese (or
English on request), numbers typed, texts always text (``server.spreadsheets``); the words
are the report's (``server.reports.words``), as the PDF's and the screen's are."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]

from server.minutes.words import Lang
from server.reports.period import Report
from server.reports.words import SUMMARY, figure, kind, ownership, period_label, words
from server.spreadsheets import Column, Value, write_sheet


def report_workbook(report: Report, lang: Lang = "vi") -> Any:
    workbook = Workbook(write_only=True)
    current, previous = report.current, report.previous
    w = words(lang)
    _sheet(
        workbook,
        w("report.summary"),
        [Column(w("report.indicator"), width=44),
         Column(period_label(current.period), "integer", 22),
         Column(period_label(previous.period), "integer", 22)],
        [[w(f"report.{key}"), figure(current, key), figure(previous, key)] for key in SUMMARY],
    )  # fmt: skip
    _sheet(
        workbook,
        w("report.kind"),
        [Column(w("report.kind"), width=24), Column(w("report.ownership"), width=16),
         Column(w("report.facilities"), "integer", 12)],
        [[kind(w, k), ownership(w, owner), c.count]
         for c in report.by_kind_and_ownership for k, owner in [c.key.split("/")]],
    )  # fmt: skip
    _sheet(
        workbook,
        w("sheet.themes"),
        [Column(w("report.theme"), width=40), Column(w("report.failedChecks"), "integer", 18),
         Column(w("report.facilities"), "integer", 12)],
        [[w.pick(t.text), t.failed_checks, t.facilities] for t in current.themes],
    )  # fmt: skip
    _sheet(
        workbook,
        w("report.vetoes"),
        [Column(w("report.veto"), width=60), Column(w("report.times"), "integer", 10)],
        [[w.pick(v.text), v.count] for v in current.vetoes],
    )
    return workbook


def _sheet(workbook: Any, title: str, columns: Sequence[Column], rows: list[list[Value]]) -> None:
    write_sheet(workbook.create_sheet(title), columns, rows)
