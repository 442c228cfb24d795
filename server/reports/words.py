"""The words of the period report, Vietnamese first and English second.

The screen (pwa/js/views/report.js) shows the same figures under the same keys and words
(``pwa/js/i18n.js``; ``tests/unit/test_report_words.py`` holds the two equal), the workbook
and the PDF take theirs from here, and facility kinds are the minutes' (shared with the app
too), so a figure has one name wherever it is read.
"""

from __future__ import annotations

from server.minutes.words import SHARED, Lang, Words
from server.reports.period import Figures, Period

REPORT: dict[str, tuple[str, str]] = {
    "report.title": ("Báo cáo định kỳ", "Period report"),
    "report.scope": ("Phạm vi", "Scope"),
    "report.country": ("Toàn quốc", "Whole country"),
    "report.current": ("Kỳ này", "This period"),
    "report.previous": ("Kỳ trước", "Previous period"),
    "report.change": ("Chênh lệch", "Change"),
    "report.indicator": ("Chỉ tiêu", "Figure"),
    "report.summary": ("Tổng hợp", "Summary"),
    "report.facilities": ("Số cơ sở", "Facilities"),
    "report.inspections": ("Số lượt kiểm tra", "Inspections"),
    "report.facilities_inspected": ("Số cơ sở được kiểm tra", "Facilities inspected"),
    "report.facilities_passed": ("Số cơ sở đạt", "Facilities passed"),
    "report.facilities_failed": ("Số cơ sở không đạt", "Facilities failed"),
    "report.facilities_not_inspected": ("Số cơ sở chưa được kiểm tra", "Facilities not inspected"),
    "report.actions_opened": ("Yêu cầu khắc phục đã đưa ra", "Corrective actions opened"),
    "report.fixes_reported": ("Yêu cầu cơ sở báo đã khắc phục", "Fixes reported"),
    "report.actions_verified": ("Yêu cầu đã xác nhận khắc phục", "Fixes verified"),
    "report.actions_overdue_at_end": ("Yêu cầu quá hạn cuối kỳ", "Overdue at the period's end"),
    "report.passRate": ("Tỷ lệ cơ sở đạt", "Pass rate of facilities inspected"),
    "report.byKind": ("Cơ sở theo loại hình và loại sở hữu", "Facilities by kind and ownership"),
    "report.kind": ("Loại hình", "Kind"),
    "report.ownership": ("Loại sở hữu", "Ownership"),
    "report.ownership.public": ("Công lập", "Public"),
    "report.ownership.private": ("Tư thục", "Private"),
    "report.ownership.community": ("Dân lập", "Community-run"),
    "report.themes": ("Lý do không đạt theo chủ đề", "Reasons for failure by theme"),
    "report.theme": ("Chủ đề", "Theme"),
    "report.failedChecks": ("Tiêu chí không đạt", "Failed checks"),
    "report.vetoes": ("Sự việc loại trừ", "Veto events"),
    "report.veto": ("Sự việc", "Event"),
    "report.times": ("Số lần", "Times"),
    "report.actions": ("Yêu cầu khắc phục", "Corrective actions"),
    "report.none": ("Không có", "None"),
    "report.chartResults": ("Kết quả kiểm tra cơ sở", "Facilities' results"),
    "report.chartThemes": ("Tiêu chí không đạt theo chủ đề", "Failed checks by theme"),
    "report.chartActions": ("Yêu cầu khắc phục", "Corrective actions"),
}

CATALOGUE: dict[str, tuple[str, str]] = {
    **SHARED,
    **REPORT,
    "page": ("Trang", "Page"),
    "made": ("Lập ngày {date}", "Made on {date}"),
    "sheet.themes": ("Theo chủ đề", "By theme"),
}

SUMMARY = (
    "facilities",
    "inspections",
    "facilities_inspected",
    "facilities_passed",
    "facilities_failed",
    "facilities_not_inspected",
    "actions_opened",
    "fixes_reported",
    "actions_verified",
    "actions_overdue_at_end",
)
"""The headline figures, in the order of every table that lists them."""

NATIONWIDE = REPORT["report.country"][0]
"""The scope the report names for the whole country (an admin's)."""


def words(lang: Lang) -> Words:
    return Words(lang, CATALOGUE)


def figure(figures: Figures, key: str) -> int:
    """One headline figure (a name of SUMMARY)."""
    value: int = getattr(figures, key)
    return value


def period_label(period: Period) -> str:
    return f"{period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}"


def kind(w: Words, key: str) -> str:
    """A facility kind in the app's words; an unknown one as it is stored."""
    return w(f"kind.{key}") if f"kind.{key}" in SHARED else key


def ownership(w: Words, key: str) -> str:
    name = f"report.ownership.{key}"
    return w(name) if name in REPORT else key


def pass_rate(w: Words, figures: Figures) -> str:
    """Facilities passed out of those inspected, in per cent with one decimal ("66,7 %");
    a dash when none was inspected."""
    if not figures.facilities_inspected:
        return "–"
    rate = round(100 * figures.facilities_passed / figures.facilities_inspected, 1)
    return f"{w.number(rate)} %"
