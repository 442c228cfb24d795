"""The period report as an A4 PDF: the workbook's tables, each chart beside its table, in
Vietnamese or English. Laid out by WeasyPrint as the minutes are (server.minutes.render:
the same data:-only URL fetcher, the same fonts), from one template and one stylesheet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib import resources

from markupsafe import Markup

from server.minutes.render import data_only_fetcher, template
from server.minutes.words import Lang, Words
from server.reports import charts
from server.reports.period import Report
from server.reports.words import (
    NATIONWIDE,
    SUMMARY,
    figure,
    kind,
    ownership,
    pass_rate,
    period_label,
    words,
)


@dataclass(frozen=True)
class Document:
    lang: Lang
    words: Words
    scope: str
    current: str
    previous: str
    made: str
    summary: list[tuple[str, str, str, str]]
    """Label, this period, the period before, the change."""
    pass_rates: tuple[str, str]
    by_kind: list[tuple[str, str, str]]
    themes: list[tuple[str, str, str]]
    vetoes: list[tuple[str, str]]
    charts: dict[str, Markup]


def build(report: Report, lang: Lang, made: date) -> Document:
    w = words(lang)
    cur, prev = report.current, report.previous

    themes = [(w.pick(t.text), t) for t in cur.themes]
    series = (w("report.current"), w("report.previous"))

    def rows(keys: tuple[str, ...]) -> list[charts.Row]:
        return [charts.Row(w(f"report.{k}"), (figure(cur, k), figure(prev, k))) for k in keys]

    return Document(
        lang=lang,
        words=w,
        scope=w("report.country") if report.scope == NATIONWIDE else report.scope,
        current=period_label(cur.period),
        previous=period_label(prev.period),
        made=f"{made:%d/%m/%Y}",
        summary=[_summary_row(w, report, key) for key in SUMMARY],
        pass_rates=(pass_rate(w, cur), pass_rate(w, prev)),
        by_kind=[
            (kind(w, k), ownership(w, o), w.count(c.count))
            for c in report.by_kind_and_ownership
            for k, o in [c.key.split("/")]
        ],
        themes=[(title, w.count(t.failed_checks), w.count(t.facilities)) for title, t in themes],
        vetoes=[(w.pick(v.text), w.count(v.count)) for v in cur.vetoes],
        charts={
            "results": charts.bar_chart(
                w("report.chartResults"), series,
                rows(("facilities_passed", "facilities_failed", "facilities_not_inspected")),
                w.count,
            ),
            "themes": charts.bar_chart(
                w("report.chartThemes"), series[:1],
                [charts.Row(title, (t.failed_checks,)) for title, t in themes], w.count,
            ),
            "actions": charts.bar_chart(
                w("report.chartActions"), series,
                rows(("actions_opened", "fixes_reported", "actions_verified",
                      "actions_overdue_at_end")),
                w.count,
            ),
        },
    )  # fmt: skip


def _summary_row(w: Words, report: Report, key: str) -> tuple[str, str, str, str]:
    now, before = figure(report.current, key), figure(report.previous, key)
    change = now - before
    sign = "+" if change > 0 else "−" if change < 0 else ""
    return (w(f"report.{key}"), w.count(now), w.count(before), sign + w.count(abs(change)))


def html(document: Document) -> str:
    return template("server.reports", "report.html").render(d=document, t=document.words)


def render_pdf(report: Report, lang: Lang, made: date) -> bytes:
    """The report as an A4 PDF."""
    from weasyprint import CSS, HTML

    css = resources.files("server.reports").joinpath("report.css").read_text("utf-8")
    page = HTML(string=html(build(report, lang, made)), url_fetcher=data_only_fetcher())
    pdf: bytes = page.write_pdf(stylesheets=[CSS(string=css, url_fetcher=data_only_fetcher())])
    return pdf
