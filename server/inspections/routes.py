"""Sync endpoint for phones, and reading stored inspections."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

import msgspec
import sqlite_utils
from litestar import Controller, Response, get, post
from litestar.params import JSONBody, PathParameter, QueryParameter

from server.auth.middleware import AuthedRequest, require_role
from server.auth.principal import Principal
from server.db import SQLITE_MAX_INTEGER
from server.deps import Config, Db, Forms
from server.errors import AppError, ErrorCode
from server.facilities.store import get_facility_for
from server.inspections import intake, reconsider, store
from server.inspections.schemas import (
    Dismissal,
    InspectionOut,
    KeptAsideOut,
    RecordResult,
    SyncRequest,
    SyncResponse,
)
from server.inspections.scoring import ScoreResult, reasons_of
from server.minutes.model import Source
from server.minutes.render import render_pdf, store_pictures
from server.minutes.words import Lang
from server.openapi import BODY, api
from server.paging import Page

_summary = msgspec.json.Decoder(ScoreResult)
InspectionId = Annotated[str, PathParameter(description="Inspection id (UUID)")]


def _visible(
    db: sqlite_utils.Database, who: Principal, inspection_id: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A stored inspection and its facility, for whoever may see that facility: the one
    scope check of every read of an inspection."""
    row = store.get_inspection(db, inspection_id)
    return row, get_facility_for(db, who, row["facility_code"])


def _scored(row: dict[str, Any], forms: Forms) -> ScoreResult:
    """The stored result with its reasons (worked out for results stored before reasons)."""
    summary = _summary.decode(row["summary"])
    summary.reasons = reasons_of(summary, forms.get(row["form_id"], row["form_version"]))
    return summary


class InspectionController(Controller):
    path = "/api"
    tags = ["inspections"]

    @post(
        "/sync/inspections",
        **api(*BODY, ErrorCode.FORBIDDEN_ROLE, ErrorCode.SYNC_TOO_MANY_RECORDS),
        guards=[require_role("inspector", "admin")],
        status_code=200,
        sync_to_thread=True,
        summary="Sync completed inspections",
        description="Send a batch of completed inspections. Each record gets its own outcome:"
        " created (with a receipt), duplicate (same id and content as before; the same"
        " receipt), conflict (same id, other content: kept aside, error inspection.conflict),"
        " rejected (every problem named with its item, error inspection.invalid; kept"
        " aside) or retry (transient; send again later). Never all-or-nothing.",
    )
    def sync(
        self,
        request: AuthedRequest,
        data: JSONBody[SyncRequest],
        db: Db,
        settings: Config,
        forms: Forms,
    ) -> SyncResponse:
        if len(data.records) > settings.sync_max_records:
            raise AppError(
                ErrorCode.SYNC_TOO_MANY_RECORDS,
                f"{len(data.records)} records in one request; send at most"
                f" {settings.sync_max_records} at a time",
            )
        rules = intake.IntakeRules(clock_skew=timedelta(seconds=settings.clock_skew_seconds))
        return SyncResponse(intake.ingest(db, forms, request.user, data.records, rules))

    @get(
        "/inspections/{inspection_id:str}",
        **api(ErrorCode.BAD_REQUEST, ErrorCode.INSPECTION_NOT_FOUND, ErrorCode.FORBIDDEN_SCOPE),
        sync_to_thread=True,
        summary="One inspection",
        description="A stored inspection with its record as accepted, its score and result,"
        " section scores, failed checks, recommendations and the reasons of a failed result"
        " (docs/scoring.md); refused outside the caller's scope.",
    )
    def get_inspection(
        self,
        request: AuthedRequest,
        db: Db,
        forms: Forms,
        inspection_id: InspectionId,
    ) -> InspectionOut:
        row, _ = _visible(db, request.user, inspection_id)
        summary = _scored(row, forms)
        return InspectionOut(
            id=row["id"],
            facility_code=row["facility_code"],
            form_id=row["form_id"],
            form_version=row["form_version"],
            inspector=row["inspector"],
            started_at=row["started_at"],
            completed_at=row["completed_at"],
            received_at=row["received_at"],
            content_hash=row["content_hash"],
            score=row["score"],
            score_display=row["score_display"],
            result=row["result"],
            supersedes=row["supersedes"],
            superseded_by=row["superseded_by"],
            record=msgspec.json.decode(row["payload"]),
            summary=summary,
        )

    @get(
        "/inspections/{inspection_id:str}/minutes.pdf",
        **api(ErrorCode.BAD_REQUEST, ErrorCode.INSPECTION_NOT_FOUND, ErrorCode.FORBIDDEN_SCOPE),
        sync_to_thread=True,
        media_type="application/pdf",
        summary="The minutes (biên bản kiểm tra) as a PDF",
        description="A printable A4 document of one stored inspection: facility, visit, team,"
        " result and its reasons, failed checks with their legal sources, corrective actions,"
        " notes, every answer with its photos, and the signatures as drawn; an amendment"
        " names the inspection it replaces. Vietnamese unless lang=en. Scoped like"
        " GET /api/inspections/{id}.",
    )
    def get_minutes(
        self,
        request: AuthedRequest,
        db: Db,
        forms: Forms,
        settings: Config,
        inspection_id: InspectionId,
        lang: Annotated[Lang, QueryParameter(description="vi (default) or en")] = "vi",
    ) -> Response[bytes]:
        row, facility = _visible(db, request.user, inspection_id)
        amended = store.get_inspection(db, row["supersedes"]) if row["supersedes"] else None
        checklist = forms.get(row["form_id"], row["form_version"])
        source = Source(row, facility, checklist, _scored(row, forms), amended)
        pdf = render_pdf(source, lang, store_pictures(settings.photos_dir))
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="bien-ban-{row["id"]}.pdf"'},
        )


class KeptAsideController(Controller):
    path = "/api/kept-aside"
    tags = ["inspections"]
    guards = [require_role("admin")]

    @get(
        "/",
        **api(ErrorCode.BAD_REQUEST, ErrorCode.FORBIDDEN_ROLE),
        sync_to_thread=True,
        summary="Payloads kept aside",
        description="Conflicting and rejected inspection payloads, exactly as phones sent"
        " them, with the problems found; unresolved ones unless include_resolved. Admin only.",
    )
    def list_kept_aside(
        self,
        db: Db,
        reason: Annotated[str | None, QueryParameter(pattern="^(conflict|rejected)$")] = None,
        include_resolved: Annotated[bool, QueryParameter()] = False,
        page: Annotated[int, QueryParameter(ge=1)] = 1,
        per_page: Annotated[int, QueryParameter(ge=1, le=500)] = 50,
    ) -> Page[KeptAsideOut]:
        rows, total = store.kept_aside(
            db, reason=reason, include_resolved=include_resolved, page=page, per_page=per_page
        )
        items = [msgspec.convert(row, KeptAsideOut, strict=False) for row in rows]
        return Page(items, total, page, per_page)

    @get(
        "/{kept_id:int}",
        **api(ErrorCode.BAD_REQUEST, ErrorCode.FORBIDDEN_ROLE, ErrorCode.KEPT_ASIDE_NOT_FOUND),
        sync_to_thread=True,
        summary="One payload kept aside",
        description="A conflicting or rejected payload exactly as sent, with the problems"
        " found and, once resolved, how. Admin only.",
    )
    def get_kept_aside(
        self, db: Db, kept_id: Annotated[int, PathParameter(ge=1, le=SQLITE_MAX_INTEGER)]
    ) -> KeptAsideOut:
        return msgspec.convert(store.kept_aside_entry(db, kept_id), KeptAsideOut, strict=False)

    @post(
        "/{kept_id:int}/resolve",
        **api(ErrorCode.BAD_REQUEST, ErrorCode.FORBIDDEN_ROLE, ErrorCode.KEPT_ASIDE_NOT_FOUND),
        status_code=204,
        sync_to_thread=True,
        summary="Mark a kept-aside payload as dealt with",
        description="Records that an admin reviewed it; the payload itself stays. Admin only.",
    )
    def resolve(
        self,
        request: AuthedRequest,
        db: Db,
        kept_id: Annotated[int, PathParameter(ge=1, le=SQLITE_MAX_INTEGER)],
    ) -> None:
        reconsider.mark_reviewed(db, request.user.user_id, kept_id)

    @post(
        "/{kept_id:int}/accept",
        **api(
            ErrorCode.BAD_REQUEST,
            ErrorCode.FORBIDDEN_ROLE,
            ErrorCode.KEPT_ASIDE_NOT_FOUND,
            ErrorCode.INSPECTION_INVALID,
        ),
        status_code=200,
        sync_to_thread=True,
        summary="Accept a kept-aside payload as a new inspection",
        description="Send the payload through intake again, as its sender (a conflicting one"
        " under a new id): stored when it is valid now, and the payload marked accepted;"
        " otherwise 422 with every problem. Admin only.",
    )
    def accept(
        self,
        request: AuthedRequest,
        db: Db,
        forms: Forms,
        settings: Config,
        kept_id: Annotated[int, PathParameter(ge=1, le=SQLITE_MAX_INTEGER)],
    ) -> RecordResult:
        skew = timedelta(seconds=settings.clock_skew_seconds)
        return reconsider.accept(db, forms, request.user.user_id, kept_id, skew)

    @post(
        "/{kept_id:int}/dismiss",
        **api(*BODY, ErrorCode.FORBIDDEN_ROLE, ErrorCode.KEPT_ASIDE_NOT_FOUND),
        status_code=204,
        sync_to_thread=True,
        summary="Dismiss a kept-aside payload",
        description="Mark it dealt with, with the reason; the payload stays. Admin only.",
    )
    def dismiss(
        self,
        request: AuthedRequest,
        db: Db,
        kept_id: Annotated[int, PathParameter(ge=1, le=SQLITE_MAX_INTEGER)],
        data: JSONBody[Dismissal],
    ) -> None:
        reconsider.dismiss(db, request.user.user_id, kept_id, data.reason)
