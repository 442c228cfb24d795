"""Sync endpoint for phones, and reading stored inspections."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.params import JSONBody, PathParameter, QueryParameter

from server.auth.middleware import AuthedRequest, require_role
from server.db import SQLITE_MAX_INTEGER
from server.deps import Config, Db, Forms
from server.errors import AppError, ErrorCode
from server.facilities.store import get_facility_for
from server.inspections import intake, store
from server.inspections.schemas import (
    InspectionOut,
    KeptAsideOut,
    SyncRequest,
    SyncResponse,
)
from server.inspections.scoring import ScoreResult, reasons_of
from server.openapi import BODY, api
from server.paging import Page

_summary = msgspec.json.Decoder(ScoreResult)


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
        inspection_id: Annotated[str, PathParameter(description="Inspection id (UUID)")],
    ) -> InspectionOut:
        row = store.get_inspection(db, inspection_id)
        get_facility_for(db, request.user, row["facility_code"])
        summary = _summary.decode(row["summary"])
        checklist = forms.get(row["form_id"], row["form_version"])
        summary.reasons = reasons_of(summary, checklist)
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
        store.resolve_kept_aside(db, kept_id, request.user.user_id)
