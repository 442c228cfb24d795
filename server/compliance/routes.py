"""Compliance endpoints: one facility's status and inspections, the department list of
facilities with their status, and the same list as a streamed CSV file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from litestar.params import PathParameter, QueryParameter
from litestar.response import Stream

from server.auth.middleware import AuthedRequest, require_role
from server.auth.principal import Principal
from server.clock import VIETNAM, utcnow
from server.compliance import store
from server.compliance.schemas import (
    CompliancePage,
    ComplianceRow,
    FacilityCompliance,
    ListedFacility,
    StatusCounts,
)
from server.compliance.status import Status
from server.db import connect_settings
from server.deps import Config, Db, Forms
from server.errors import ErrorCode
from server.facilities.schemas import Ownership, facility_out
from server.forms.registry import FormRegistry
from server.forms.schema import FacilityKind
from server.inspections.failing import Reason
from server.inspections.scoring import Reason as ScoredReason
from server.openapi import api
from server.reports.words import kind, ownership, words
from server.settings import Settings
from server.spreadsheets import XLSX, Column, Value, csv_lines, download_headers, xlsx_chunks

LISTERS = require_role("department", "inspector", "admin")


def provide_filters(
    status: Annotated[
        Status | None, QueryParameter(description="Only facilities with this status")
    ] = None,
    province: Annotated[
        str | None, QueryParameter(description="Province code (within your scope)")
    ] = None,
    commune: Annotated[str | None, QueryParameter(description="Commune code")] = None,
    kind: Annotated[FacilityKind | None, QueryParameter(description="Facility kind")] = None,
    ownership: Annotated[Ownership | None, QueryParameter(description="Ownership")] = None,
    checklist: Annotated[
        str | None,
        QueryParameter(
            description="Checklist id: only facilities it applies to, status over it alone"
        ),
    ] = None,
    q: Annotated[
        str | None, QueryParameter(description="Search name, code or address", max_length=100)
    ] = None,
    overdue_actions: Annotated[
        bool, QueryParameter(description="Only facilities with a corrective action overdue")
    ] = False,
    sort: Annotated[
        store.Sort,
        QueryParameter(
            description="status (most severe first), score, date, name or due (the"
            " soonest due unresolved corrective action first)"
        ),
    ] = "status",
    order: Annotated[
        store.Order | None,
        QueryParameter(description="asc or desc; default: the sort's natural direction"),
    ] = None,
    page: Annotated[int, QueryParameter(ge=1, description="Page number")] = 1,
    per_page: Annotated[int, QueryParameter(ge=1, le=2000, description="Page size")] = 50,
) -> store.ListQuery:
    """The list's filters, declared once for the JSON list and the CSV export."""
    return store.ListQuery(
        status=status,
        province=province,
        commune=commune,
        kind=kind,
        ownership=ownership,
        checklist=checklist,
        text=q,
        overdue_actions=overdue_actions,
        sort=sort,
        order=order,
        page=page,
        per_page=per_page,
    )


def _row(item: store.Listed) -> ComplianceRow:
    f = item.facility
    return ComplianceRow(
        facility=ListedFacility(
            f["code"],
            f["name"],
            f["kind"],
            f["ownership"],
            f["province_code"],
            f["commune_code"],
            f["commune_name"],
        ),
        status=item.status,
        worst_score=item.worst_score,
        worst_score_display=item.worst_score_display,
        last_inspected_at=item.last_completed_at,
        reasons=item.reasons,
        open_actions=item.actions.open,
        overdue_actions=item.actions.overdue,
        next_due=item.actions.next_due,
    )


CSV_COLUMNS = (
    "code",
    "name",
    "kind",
    "ownership",
    "province",
    "commune",
    "status",
    "worst_score",
    "last_inspected",
    "failing_checklists",
    "failed_mandatory_checks",
    "reasons",
    "open_actions",
    "overdue_actions",
    "next_due",
)


def vi_number(value: float | str) -> str:
    """A score or threshold as Vietnamese writes it: a decimal comma ("96,3")."""
    text = value if isinstance(value, str) else f"{value:g}"
    return text.replace(".", ",")


def reason_vi(reason: ScoredReason, name: Callable[[str], str]) -> str:
    """One reason of a failed result in plain Vietnamese (docs/scoring.md), its checks named
    by ``name``."""
    items = ", ".join(name(item_id) for item_id in reason.items)
    if reason.code == "veto":
        return f"Có sự việc loại trừ: {items}"
    if reason.code == "mandatory":
        return f"Tiêu chí bắt buộc không đạt: {items}"
    if reason.code == "threshold":
        score, threshold = reason.score_display or "-", reason.threshold or 0
        return f"Điểm {vi_number(score)} thấp hơn ngưỡng đạt {vi_number(threshold)}"
    return (
        f"Chỉ {reason.passed_count}/{reason.min_passed} tiêu chí đạt"
        f" (cần ít nhất {reason.min_passed})"
    )


def _explained(r: Reason, texts: store.Texts) -> tuple[str, str, str]:
    """A failing inspection's checklist, failed mandatory checks and reasons in Vietnamese,
    in the words of the version that was used."""
    title = texts.checklist(r.form_id, r.form_version).title.vi

    def name(item_id: str) -> str:
        return texts.item_text(r.form_id, r.form_version, item_id).vi

    # The day it was done in Viet Nam (completed_at is UTC), written as Vietnamese write it.
    done = datetime.fromisoformat(r.completed_at).astimezone(VIETNAM)
    return (
        f"{title} v{r.form_version} ({vi_number(r.score_display or '-')}, {done:%d/%m/%Y})",
        "; ".join(f"{item_id}: {name(item_id)}" for item_id in r.failed_mandatory),
        f"{title}: " + "; ".join(reason_vi(reason, name) for reason in r.reasons),
    )


def csv_cells(item: store.Listed, texts: store.Texts) -> list[str]:
    """One CSV row; texts in Vietnamese, the language of the department reading it."""
    facility = item.facility
    explained = [_explained(r, texts) for r in item.reasons]
    return [
        facility["code"],
        facility["name"],
        facility["kind"],
        facility["ownership"],
        facility["province_name"],
        facility["commune_name"],
        item.status,
        item.worst_score_display or "",
        item.last_completed_at or "",
        "; ".join(e[0] for e in explained),
        "; ".join(e[1] for e in explained),
        " | ".join(e[2] for e in explained),
        str(item.actions.open),
        str(item.actions.overdue),
        item.actions.next_due or "",
    ]


XLSX_COLUMNS = (
    Column("Mã cơ sở", width=14),
    Column("Tên cơ sở", width=40),
    Column("Loại hình", width=16),
    Column("Loại sở hữu", width=14),
    Column("Tỉnh, thành phố", width=20),
    Column("Xã, phường", width=20),
    Column("Tình trạng", width=16),
    Column("Điểm thấp nhất", "number", 12),
    Column("Kiểm tra gần nhất", "datetime", 18),
    Column("Bảng kiểm không đạt", width=40),
    Column("Tiêu chí bắt buộc không đạt", width=50),
    Column("Lý do không đạt", width=60),
    Column("Yêu cầu khắc phục chưa xong", "integer", 14),
    Column("Yêu cầu quá hạn", "integer", 12),
    Column("Hạn khắc phục gần nhất", "date", 14),
)
"""The CSV's columns in the same order, with Vietnamese headers and their types."""


_VI = words("vi")


def xlsx_cells(item: store.Listed, texts: store.Texts) -> list[Value]:
    """One XLSX row: the CSV's texts, with the score, the dates and the counts typed, and
    the kind, ownership and status in the Vietnamese words of its headers (the CSV keeps
    the codes, for analysts)."""
    row: dict[str, Value] = dict(zip(CSV_COLUMNS, csv_cells(item, texts), strict=True))
    row["kind"] = kind(_VI, item.facility["kind"])
    row["ownership"] = ownership(_VI, item.facility["ownership"])
    row["status"] = _VI(f"status.{item.status}")
    due = item.actions.next_due
    row["next_due"] = datetime.fromisoformat(due) if due else None
    last = item.last_completed_at
    row["worst_score"] = None if item.worst_score is None else float(item.worst_score)
    row["last_inspected"] = (
        datetime.fromisoformat(last).astimezone(VIETNAM).replace(tzinfo=None) if last else None
    )
    row["open_actions"] = item.actions.open
    row["overdue_actions"] = item.actions.overdue
    return [row[column] for column in CSV_COLUMNS]


def _rows(
    settings: Settings, who: Principal, forms: FormRegistry, query: store.ListQuery, now: str
) -> Iterator[list[store.Listed]]:
    """The whole list in chunks. It owns its connection: the request's ``db`` goes back to
    the pool before a streamed body is sent."""
    db = connect_settings(settings)
    try:
        yield from store.iter_facilities(db, who, forms, query, now)
    finally:
        db.conn.close()


def csv_stream(
    settings: Settings, who: Principal, forms: FormRegistry, query: store.ListQuery, now: str
) -> Iterator[str]:
    """The CSV, a chunk of rows at a time from one cursor."""
    texts = store.Texts(forms)
    yield "\ufeff" + csv_lines([CSV_COLUMNS])
    for items in _rows(settings, who, forms, query, now):
        yield csv_lines([csv_cells(item, texts) for item in items])


class ComplianceController(Controller):
    path = "/api/compliance"
    tags = ["compliance"]
    dependencies = {"filters": Provide(provide_filters, sync_to_thread=False)}

    @get(
        "/facilities/{code:str}",
        **api(ErrorCode.BAD_REQUEST, ErrorCode.FACILITY_NOT_FOUND, ErrorCode.FORBIDDEN_SCOPE),
        sync_to_thread=True,
        summary="A facility's compliance",
        description="The facility's status (non_compliant, overdue, not_inspected or"
        " compliant, per docs/scoring.md), the current inspection of every checklist"
        " that applies to its kind (score, result, section scores, failed checks mandatory"
        " first, in the words of the checklist version used, and when it expires) and every"
        " inspection it had, newest first, amended ones marked. Facility accounts see their"
        " own facility, departments their province, inspectors their area, admins all.",
    )
    def facility(
        self, request: AuthedRequest, db: Db, forms: Forms, code: Annotated[str, PathParameter()]
    ) -> FacilityCompliance:
        now = utcnow()
        view = store.facility_view(db, request.user, forms, code, now)
        return FacilityCompliance(
            facility_out(view.facility), view.status, now, view.checklists, view.history
        )

    @get(
        "/facilities",
        **api(ErrorCode.BAD_REQUEST, ErrorCode.FORBIDDEN_ROLE, ErrorCode.FORM_NOT_FOUND),
        guards=[LISTERS],
        sync_to_thread=True,
        summary="Facilities with their compliance status",
        description="Facilities in the caller's scope with their status, filtered by status,"
        " province, commune, kind, ownership, checklist and text, sorted by status (most"
        " severe first, newest inspection first: the default), worst current score, date of"
        " the latest current inspection, name or the due date of the next corrective action,"
        " and paged (up to 2,000 rows a page), with how many facilities have each status"
        " under the other filters. Each row names its facility by code, name, kind,"
        " ownership, province, commune and commune name; its address and contacts are in"
        " the facility's own compliance (GET /api/compliance/facilities/{code})."
        " Non-compliant facilities carry"
        " their reasons: each failing current inspection with its score, the ids of its failed"
        " mandatory checks and its reason codes; the checks' texts are in the checklist"
        " version (GET /api/forms/{id}/{version}) and the facility's own compliance."
        " Departments, inspectors and admins.",
    )
    def list_facilities(
        self,
        request: AuthedRequest,
        db: Db,
        forms: Forms,
        filters: NamedDependency[store.ListQuery],
    ) -> CompliancePage:
        now = utcnow()
        result, counts = store.list_with_counts(db, request.user, forms, filters, now)
        return CompliancePage(
            [_row(item) for item in result.items],
            result.total,
            result.page,
            result.per_page,
            now,
            StatusCounts(**counts),
        )

    @get(
        "/facilities.csv",
        **api(ErrorCode.BAD_REQUEST, ErrorCode.FORBIDDEN_ROLE, ErrorCode.FORM_NOT_FOUND),
        guards=[LISTERS],
        sync_to_thread=False,  # builds the stream only; the rows are read as it is sent
        summary="Facilities with their compliance status, as CSV",
        description="The same list and filters as /api/compliance/facilities, every row"
        " (page and per_page are ignored), as UTF-8 CSV with a byte order mark so"
        " spreadsheet programs read Vietnamese. Streamed as it is read from the database."
        " Departments, inspectors and admins.",
        media_type="text/csv",
    )
    def export_csv(
        self,
        request: AuthedRequest,
        settings: Config,
        forms: Forms,
        filters: NamedDependency[store.ListQuery],
    ) -> Stream:
        now = utcnow()
        store.applicable_pairs(forms, filters.checklist)  # an unknown checklist fails here
        return Stream(
            csv_stream(settings, request.user, forms, filters, now),
            media_type="text/csv",
            headers=download_headers("compliance.csv"),
        )

    @get(
        "/facilities.xlsx",
        **api(ErrorCode.BAD_REQUEST, ErrorCode.FORBIDDEN_ROLE, ErrorCode.FORM_NOT_FOUND),
        guards=[LISTERS],
        sync_to_thread=True,
        summary="Facilities with their compliance status, as XLSX",
        description="The same list, filters and columns as the CSV, as an Excel workbook:"
        " Vietnamese headers, frozen and filtered; scores, dates and counts typed; texts"
        " always text. Departments, inspectors and admins.",
        media_type=XLSX,
    )
    def export_xlsx(
        self,
        request: AuthedRequest,
        settings: Config,
        forms: Forms,
        filters: NamedDependency[store.ListQuery],
    ) -> Stream:
        now = utcnow()
        store.applicable_pairs(forms, filters.checklist)  # an unknown checklist fails here
        texts = store.Texts(forms)
        batches = (
            [xlsx_cells(item, texts) for item in items]
            for items in _rows(settings, request.user, forms, filters, now)
        )
        return Stream(
            xlsx_chunks("Cơ sở", XLSX_COLUMNS, batches),
            media_type=XLSX,
            headers=download_headers("compliance.xlsx"),
        )
