"""Period reports (báo cáo định kỳ): the figures as JSON for the screen, and as an XLSX
workbook (one sheet per table) and a PDF (the same tables with charts) for sending upward."""

from __future__ import annotations

import io
from datetime import date
from typing import Annotated

from litestar import Controller, Response, get
from litestar.params import QueryParameter

from server.auth.middleware import AuthedRequest, require_role
from server.clock import today
from server.deps import Db, Forms
from server.errors import AppError, ErrorCode
from server.facilities.schemas import Ownership
from server.forms.schema import FacilityKind
from server.minutes.words import Lang
from server.openapi import api
from server.reports import document, trends
from server.reports.period import Period, Report, build
from server.reports.workbook import report_workbook
from server.spreadsheets import XLSX, download_headers

LONGEST_DAYS = 3 * 366

Start = Annotated[date, QueryParameter(description="First day (YYYY-MM-DD), in Viet Nam")]
End = Annotated[date, QueryParameter(description="Last day, included")]
InLang = Annotated[Lang, QueryParameter(description="vi (default) or en")]


def _period(start: date, end: date) -> Period:
    if end < start:
        raise AppError(ErrorCode.BAD_REQUEST, "the period ends before it starts")
    if (end - start).days >= LONGEST_DAYS:
        raise AppError(ErrorCode.BAD_REQUEST, "a report covers at most three years")
    period = Period(start, end)
    # Days near year 1 or 9999 have no stored moment (or no period before): refused as the
    # inspections export refuses such moments, not a 500.
    try:
        period.before().bounds()
    except OverflowError as exc:
        raise _out_of_range("start") from exc
    try:
        period.bounds()
    except OverflowError as exc:
        raise _out_of_range("end") from exc
    return period


def _out_of_range(name: str) -> AppError:
    message = f"{name} is out of range"
    return AppError(
        ErrorCode.BAD_REQUEST, message, [{"message": message, "key": name, "source": "query"}]
    )


class ReportController(Controller):
    path = "/api/reports"
    tags = ["reports"]
    guards = [require_role("department", "inspector", "admin")]

    @get(
        "/period",
        **api(ErrorCode.BAD_REQUEST, ErrorCode.FORBIDDEN_ROLE),
        sync_to_thread=True,
        summary="Period report",
        description="For a period and the caller's scope: facilities by kind and ownership;"
        " inspections, facilities inspected, passed, failed and not inspected; failed checks"
        " by theme; veto events; corrective actions opened, reported, verified and overdue at"
        " the end; the same figures for the period before (docs/reports.md).",
    )
    def period(
        self, request: AuthedRequest, db: Db, forms: Forms, start: Start, end: End
    ) -> Report:
        return build(db, request.user, forms, _period(start, end))

    @get(
        "/trends",
        **api(ErrorCode.BAD_REQUEST, ErrorCode.FORBIDDEN_ROLE),
        sync_to_thread=True,
        summary="Trends for the department screen",
        description="Over the caller's scope, narrowed by the optional province, commune,"
        " kind, ownership and checklist (as the department list takes them), and the last"
        " ``months`` months: inspections passed and failed month by month, overall, by"
        " facility kind and by commune; the ten checks failed most often; corrective actions"
        " opened and verified by month.",
    )
    def get_trends(
        self,
        request: AuthedRequest,
        db: Db,
        forms: Forms,
        months: Annotated[int, QueryParameter(ge=1, le=36, description="How many months")] = 12,
        province: Annotated[str | None, QueryParameter(description="Province code")] = None,
        commune: Annotated[str | None, QueryParameter(description="Commune code")] = None,
        kind: Annotated[FacilityKind | None, QueryParameter(description="Facility kind")] = None,
        ownership: Annotated[Ownership | None, QueryParameter(description="Ownership")] = None,
        checklist: Annotated[
            str | None, QueryParameter(description="Checklist id: its inspections and actions")
        ] = None,
    ) -> trends.Trends:
        narrowing = trends.Narrowing(province, commune, kind, ownership, checklist)
        return trends.build(db, request.user, forms, trends.months_back(today(), months), narrowing)

    @get(
        "/period.xlsx",
        **api(ErrorCode.BAD_REQUEST, ErrorCode.FORBIDDEN_ROLE),
        sync_to_thread=True,
        media_type=XLSX,
        summary="Period report as XLSX",
        description="The period report as a workbook, one sheet per table, Vietnamese unless"
        " lang=en.",
    )
    def period_xlsx(
        self,
        request: AuthedRequest,
        db: Db,
        forms: Forms,
        start: Start,
        end: End,
        lang: InLang = "vi",
    ) -> Response[bytes]:
        report = build(db, request.user, forms, _period(start, end))
        buffer = io.BytesIO()
        report_workbook(report, lang).save(buffer)
        name = f"bao-cao-{start.isoformat()}-{end.isoformat()}.xlsx"
        return Response(
            buffer.getvalue(),
            media_type=XLSX,
            headers=download_headers(name),
        )

    @get(
        "/period.pdf",
        **api(ErrorCode.BAD_REQUEST, ErrorCode.FORBIDDEN_ROLE),
        sync_to_thread=True,
        media_type="application/pdf",
        summary="Period report as PDF",
        description="The period report as an A4 document: the workbook's tables (the headline"
        " figures beside the period before, facilities by kind and ownership, failed checks by"
        " theme, veto events) with bar charts of the results, the themes and the corrective"
        " actions. Vietnamese unless lang=en.",
    )
    def period_pdf(
        self,
        request: AuthedRequest,
        db: Db,
        forms: Forms,
        start: Start,
        end: End,
        lang: InLang = "vi",
    ) -> Response[bytes]:
        report = build(db, request.user, forms, _period(start, end))
        return Response(
            document.render_pdf(report, lang, today()),
            media_type="application/pdf",
            headers=download_headers(f"bao-cao-{start.isoformat()}-{end.isoformat()}.pdf"),
        )
