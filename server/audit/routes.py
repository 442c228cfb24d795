"""The audit trail, for admins."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import QueryParameter

from server.audit import store
from server.audit.schemas import AuditEntry
from server.auth import store as users
from server.auth.middleware import require_role
from server.db import SQLITE_MAX_INTEGER
from server.deps import Db
from server.errors import ErrorCode
from server.openapi import api
from server.paging import Page


class AuditController(Controller):
    path = "/api/audit"
    tags = ["audit"]
    guards = [require_role("admin")]

    @get(
        "/",
        **api(ErrorCode.BAD_REQUEST, ErrorCode.FORBIDDEN_ROLE),
        sync_to_thread=True,
        summary="Audit trail",
        description="Who did what, newest first: sign-ins, revocations, accounts, imports,"
        " inspections created, amended, in conflict or rejected. Filter by action, user,"
        " subject (e.g. an inspection id) and time range. Admin only.",
    )
    def list_audit(
        self,
        db: Db,
        action: Annotated[str | None, QueryParameter(description="One action")] = None,
        user_id: Annotated[
            int | None, QueryParameter(description="Who", ge=1, le=SQLITE_MAX_INTEGER)
        ] = None,
        subject: Annotated[str | None, QueryParameter(description="What it was about")] = None,
        since: Annotated[str | None, QueryParameter(description="ISO time, inclusive")] = None,
        until: Annotated[str | None, QueryParameter(description="ISO time, exclusive")] = None,
        page: Annotated[int, QueryParameter(ge=1)] = 1,
        per_page: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
    ) -> Page[AuditEntry]:
        rows, total = store.query(
            db, store.AuditQuery(action, user_id, subject, since, until, page, per_page)
        )
        names = users.usernames(db, {row["user_id"] for row in rows if row["user_id"]})
        entries = [AuditEntry(**row, username=names.get(row["user_id"])) for row in rows]
        return Page(entries, total, page, per_page)
