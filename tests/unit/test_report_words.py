"""The report's words are the screen's: the PDF and the workbook name each figure as the
report screen does (pwa/js/i18n.js), and write numbers as the language does."""

from __future__ import annotations

from datetime import date

from server.reports.period import Figures, Period
from server.reports.words import REPORT, SUMMARY, pass_rate, words
from tests.unit.test_minutes_words import _ENTRY, I18N


def test_report_words_are_the_apps_words() -> None:
    app = {key: (vi, en) for key, vi, en in _ENTRY.findall(I18N.read_text(encoding="utf-8"))}
    assert set(REPORT) <= set(app), set(REPORT) - set(app)
    assert {key: app[key] for key in REPORT} == REPORT
    assert {f"report.{key}" for key in SUMMARY} <= set(REPORT)


def test_counts_and_rates_as_each_language_writes_them() -> None:
    vi, en = words("vi"), words("en")
    assert (vi.count(1234567), en.count(1234567), vi.count(12)) == ("1.234.567", "1,234,567", "12")
    figures = Figures(Period(date(2026, 1, 1), date(2026, 12, 31)), 300, 313, 207, 143, 64, 93,
                      [], [], 0, 0, 0, 0)  # fmt: skip
    assert (pass_rate(vi, figures), pass_rate(en, figures)) == ("69,1 %", "69.1 %")
    none = Figures(Period(date(2026, 1, 1), date(2026, 1, 2)), 1, 0, 0, 0, 0, 1, [], [], 0, 0, 0, 0)
    assert pass_rate(vi, none) == "–"
