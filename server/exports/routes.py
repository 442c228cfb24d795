"""Data exports for analysts: every inspection of one checklist version, one column per
item, as streamed CSV or XLSX (``server.exports.table``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from itertools import islice
from typing import Annotated, cast

from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter
from litestar.response import Stream

from server.auth.middleware import AuthedRequest, require_role
from server.auth.principal import Principal
from server.clock import iso_utc
from server.db import connect_settings
from server.deps import Config, Forms
from server.errors import AppError, ErrorCode
from server.exports import table
from server.forms.schema import Checklist
from server.openapi import api
from server.settings import Settings
from server.spreadsheets import (
    XLSX,
    CheckedCell,
    Value,
    checked_csv_lines,
    csv_lines,
    download_headers,
    xlsx_chunks,
)

CHUNK = 500
ERRORS = (ErrorCode.BAD_REQUEST, ErrorCode.FORBIDDEN_ROLE, ErrorCode.FORM_NOT_FOUND)


def _batches(
    settings: Settings,
    who: Principal,
    checklist: Checklist,
    query: table.ExportQuery,
    *,
    for_csv: bool = False,
) -> Iterator[list[list[Value]]]:
    """The rows in batches from one cursor on a connection of its own (a streamed body is
    sent after the request's connection went back to the pool)."""
    db = connect_settings(settings)
    try:
        rows = table.rows(db, who, checklist, query, for_csv=for_csv)
        while batch := list(islice(rows, CHUNK)):
            yield batch
    finally:
        db.conn.close()


def _moment(value: datetime | None, name: str) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise AppError(ErrorCode.BAD_REQUEST, f"{name} needs a time zone offset")
    try:
        return iso_utc(value, "microseconds")
    except OverflowError as exc:
        raise AppError(ErrorCode.BAD_REQUEST, f"{name} is out of range") from exc


def provide_export(
    checklist: Annotated[str, QueryParameter(description="Checklist id")],
    version: Annotated[int, QueryParameter(ge=1, le=1_000_000, description="Version")],
    since: Annotated[
        datetime | None,
        QueryParameter(description="Completed at or after (ISO 8601 with offset)"),
    ] = None,
    until: Annotated[
        datetime | None, QueryParameter(description="Completed before (ISO 8601)")
    ] = None,
    province: Annotated[str | None, QueryParameter(description="Province code")] = None,
    commune: Annotated[str | None, QueryParameter(description="Commune code")] = None,
) -> table.ExportQuery:
    """The export's filters, declared once for the CSV and the XLSX."""
    return table.ExportQuery(
        checklist,
        version,
        _moment(since, "since"),
        _moment(until, "until"),
        province,
        commune,
    )


class ExportController(Controller):
    path = "/api/exports"
    tags = ["exports"]
    guards = [require_role("department", "inspector", "admin")]
    dependencies = {"export": Provide(provide_export, sync_to_thread=False)}

    @get(
        "/inspections.csv",
        **api(*ERRORS),
        sync_to_thread=False,
        media_type="text/csv",
        summary="Inspections of one checklist version, as CSV",
        description="Every inspection in the caller's scope of one checklist version, oldest"
        " first: facility fields, times, score, result, reasons, team, amendments, notes,"
        " then one column per item (answers as sent). Filtered by completion time and unit;"
        " streamed in constant memory. Departments, inspectors and admins.",
    )
    def inspections_csv(
        self,
        request: AuthedRequest,
        settings: Config,
        forms: Forms,
        export: NamedDependency[table.ExportQuery],
    ) -> Stream:
        definition = forms.get(export.form_id, export.version)
        header = [column.header for column in table.columns(definition)]

        def body() -> Iterator[str]:
            yield "\ufeff" + csv_lines([header])
            for batch in _batches(settings, request.user, definition, export, for_csv=True):
                # Cells from SQLite and JSON: texts, numbers and None, never a datetime.
                yield checked_csv_lines(cast(list[list[CheckedCell]], batch))

        return Stream(
            body(),
            media_type="text/csv",
            headers=download_headers(f"{export.form_id}-v{export.version}.csv"),
        )

    @get(
        "/inspections.xlsx",
        **api(*ERRORS),
        sync_to_thread=True,
        media_type=XLSX,
        summary="Inspections of one checklist version, as XLSX",
        description="The same table as the CSV, as an Excel workbook with typed cells.",
    )
    def inspections_xlsx(
        self,
        request: AuthedRequest,
        settings: Config,
        forms: Forms,
        export: NamedDependency[table.ExportQuery],
    ) -> Stream:
        definition = forms.get(export.form_id, export.version)
        batches = _batches(settings, request.user, definition, export)
        return Stream(
            xlsx_chunks(f"{export.form_id} v{export.version}", table.columns(definition), batches),
            media_type=XLSX,
            headers=download_headers(f"{export.form_id}-v{export.version}.xlsx"),
        )
