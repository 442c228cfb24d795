"""Facility registry and administrative-unit endpoints, limited to the caller's scope."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import PathParameter, QueryParameter, RawBody

from server.auth.middleware import AuthedRequest, require_role
from server.deps import Db
from server.errors import ErrorCode
from server.facilities import csv_import, store
from server.facilities.schemas import (
    CommuneOut,
    FacilityOut,
    ImportResult,
    Ownership,
    ProvinceOut,
    facility_out,
)
from server.forms.schema import FacilityKind
from server.openapi import BODY, api
from server.paging import Page


class FacilityController(Controller):
    path = "/api/facilities"
    tags = ["facilities"]

    @get(
        "/",
        **api(ErrorCode.BAD_REQUEST),
        sync_to_thread=True,
        summary="List and search facilities",
        description="Facilities in the caller's scope, filtered by province, commune, kind,"
        " ownership and free text (name, code or address; accents optional), sorted by name.",
    )
    def list_facilities(
        self,
        request: AuthedRequest,
        db: Db,
        province: Annotated[str | None, QueryParameter(description="Province code")] = None,
        commune: Annotated[str | None, QueryParameter(description="Commune code")] = None,
        kind: Annotated[FacilityKind | None, QueryParameter(description="Facility kind")] = None,
        ownership: Annotated[Ownership | None, QueryParameter(description="Ownership")] = None,
        q: Annotated[str | None, QueryParameter(description="Search text", max_length=100)] = None,
        page: Annotated[int, QueryParameter(ge=1, description="Page number")] = 1,
        per_page: Annotated[int, QueryParameter(ge=1, le=500, description="Page size")] = 50,
    ) -> Page[FacilityOut]:
        result = store.list_facilities(
            db,
            request.user,
            store.FacilityQuery(province, commune, kind, ownership, q, page, per_page),
        )
        return Page(
            [facility_out(r) for r in result.items], result.total, result.page, result.per_page
        )

    @get(
        "/{code:str}",
        **api(ErrorCode.BAD_REQUEST, ErrorCode.FACILITY_NOT_FOUND, ErrorCode.FORBIDDEN_SCOPE),
        sync_to_thread=True,
        summary="One facility",
        description="A facility's registry entry; refused when outside the caller's scope.",
    )
    def get_facility(
        self, request: AuthedRequest, db: Db, code: Annotated[str, PathParameter()]
    ) -> FacilityOut:
        return facility_out(store.get_facility_for(db, request.user, code))

    @post(
        "/import",
        **api(
            *BODY,
            ErrorCode.FORBIDDEN_ROLE,
            ErrorCode.FACILITY_IMPORT_INVALID,
            raw_body=(("text/csv",), "UTF-8 CSV, one facility a row, with a header row."),
        ),
        guards=[require_role("admin")],
        sync_to_thread=True,
        status_code=200,
        summary="Import facilities from CSV",
        description="Validate every row first; if any row is bad nothing is imported and each"
        " bad line is reported. Facilities already registered are updated by code. Admin only.",
    )
    def import_facilities(self, request: AuthedRequest, db: Db, body: RawBody) -> ImportResult:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            message = f"the file is not UTF-8 text (byte {exc.start})"
            reason = csv_import.Reason("not_utf8", message, None, str(exc.start))
            problem = csv_import.RowProblem(1, [reason])
            raise csv_import.ImportRejected([problem]) from exc
        result = csv_import.import_csv(db, text, actor_id=request.user.user_id)
        return ImportResult(
            result.created, result.updated, result.unchanged, result.communes_created
        )


class UnitController(Controller):
    path = "/api/units"
    tags = ["units"]

    @get(
        "/provinces",
        **api(),
        sync_to_thread=True,
        summary="Provinces",
        description="The 34 provincial units (since 1 July 2025), from the server's data.",
    )
    def list_provinces(self, db: Db) -> list[ProvinceOut]:
        return [ProvinceOut(**row) for row in store.provinces(db)]

    @get(
        "/communes",
        **api(ErrorCode.BAD_REQUEST),
        sync_to_thread=True,
        summary="Communes",
        description="Communes (xã, phường, đặc khu), optionally of one province.",
    )
    def list_communes(
        self, db: Db, province: Annotated[str | None, QueryParameter()] = None
    ) -> list[CommuneOut]:
        return [CommuneOut(**row) for row in store.communes(db, province)]
