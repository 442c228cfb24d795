"""Corrective actions: lists in the caller's scope, one action with its history, and the
changes people make (a fix reported, verified, reopened, a new due date)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, get, post
from litestar.params import JSONBody, PathParameter, QueryParameter

from server.actions import changes, store
from server.actions.schemas import (
    ActionEventOut,
    ActionOut,
    ActionState,
    DueChange,
    FixReport,
    Reopening,
    Verification,
)
from server.auth.middleware import AuthedRequest, require_role
from server.clock import today
from server.db import SQLITE_MAX_INTEGER
from server.deps import Db, Forms
from server.errors import ErrorCode
from server.forms.registry import FormRegistry
from server.forms.schema import FacilityKind
from server.openapi import BODY, api
from server.paging import Page

_photo_list = msgspec.json.Decoder(list[str])

ActionId = Annotated[int, PathParameter(ge=1, le=SQLITE_MAX_INTEGER, description="Action id")]


_CHANGE = (*BODY, ErrorCode.FORBIDDEN_ROLE, ErrorCode.FORBIDDEN_SCOPE, ErrorCode.ACTION_NOT_FOUND)
"""What every change to an action can answer besides its own conflicts."""


class ActionController(Controller):
    path = "/api/actions"
    tags = ["actions"]

    @get(
        "/",
        **api(ErrorCode.BAD_REQUEST),
        sync_to_thread=True,
        summary="Corrective actions",
        description="Actions in the caller's scope: unresolved first (soonest due first), then"
        " the rest, newest first. Filters: facility, state, overdue (open past its due date),"
        " commune, facility kind, checklist and check.",
    )
    def list_actions(
        self,
        request: AuthedRequest,
        db: Db,
        forms: Forms,
        facility: Annotated[str | None, QueryParameter(description="Facility code")] = None,
        in_state: Annotated[
            ActionState | None, QueryParameter(name="state", description="State")
        ] = None,
        overdue: Annotated[bool | None, QueryParameter(description="Overdue or not")] = None,
        commune: Annotated[str | None, QueryParameter(description="Commune code")] = None,
        kind: Annotated[FacilityKind | None, QueryParameter(description="Facility kind")] = None,
        checklist: Annotated[str | None, QueryParameter(description="Checklist id")] = None,
        item: Annotated[str | None, QueryParameter(description="Check (item id)")] = None,
        page: Annotated[int, QueryParameter(ge=1, le=SQLITE_MAX_INTEGER)] = 1,
        per_page: Annotated[int, QueryParameter(ge=1, le=500)] = 50,
    ) -> Page[ActionOut]:
        query = store.ActionQuery(
            today().isoformat(),
            facility,
            in_state,
            overdue,
            commune,
            kind,
            checklist,
            item,
            page,
            per_page,
        )
        found = store.list_actions(db, request.user, query)
        return Page(
            [action_out(row, forms) for row in found.items], found.total, found.page, found.per_page
        )

    @get(
        "/{action_id:int}",
        **api(ErrorCode.BAD_REQUEST, ErrorCode.ACTION_NOT_FOUND, ErrorCode.FORBIDDEN_SCOPE),
        sync_to_thread=True,
        summary="One corrective action",
        description="An action with every change made to it, oldest first.",
    )
    def get_action(
        self, request: AuthedRequest, db: Db, forms: Forms, action_id: ActionId
    ) -> ActionOut:
        return _one(db, request, forms, action_id)

    @post(
        "/{action_id:int}/fix",
        **api(*_CHANGE),
        guards=[require_role("facility")],
        status_code=200,
        sync_to_thread=True,
        summary="Report a fix",
        description="The facility describes how it fixed what the action requires, with"
        " photos uploaded first. Sending the same report (client_id) again changes nothing.",
    )
    def report_fix(
        self,
        request: AuthedRequest,
        db: Db,
        forms: Forms,
        action_id: ActionId,
        data: JSONBody[FixReport],
    ) -> ActionOut:
        changes.report_fix(db, request.user, action_id, data)
        return _one(db, request, forms, action_id)

    @post(
        "/{action_id:int}/verify",
        **api(*_CHANGE, ErrorCode.ACTION_STATE),
        guards=[require_role(*changes.DECIDERS)],
        status_code=200,
        sync_to_thread=True,
        summary="Verify a fix",
        description="An inspector or the department confirms that the action is done.",
    )
    def verify(
        self,
        request: AuthedRequest,
        db: Db,
        forms: Forms,
        action_id: ActionId,
        data: JSONBody[Verification],
    ) -> ActionOut:
        changes.verify(db, request.user, action_id, data)
        return _one(db, request, forms, action_id)

    @post(
        "/{action_id:int}/reopen",
        **api(*_CHANGE, ErrorCode.ACTION_STATE),
        guards=[require_role(*changes.DECIDERS)],
        status_code=200,
        sync_to_thread=True,
        summary="Reopen an action",
        description="A reported or verified fix was not enough: the action is open again,"
        " with the reason.",
    )
    def reopen(
        self,
        request: AuthedRequest,
        db: Db,
        forms: Forms,
        action_id: ActionId,
        data: JSONBody[Reopening],
    ) -> ActionOut:
        changes.reopen(db, request.user, action_id, data)
        return _one(db, request, forms, action_id)

    @post(
        "/{action_id:int}/due",
        **api(*_CHANGE, ErrorCode.ACTION_STATE, ErrorCode.ACTION_DUE_PAST),
        guards=[require_role(*changes.DECIDERS)],
        status_code=200,
        sync_to_thread=True,
        summary="Change the due date",
        description="A new due date for an unresolved action, with the reason.",
    )
    def change_due(
        self,
        request: AuthedRequest,
        db: Db,
        forms: Forms,
        action_id: ActionId,
        data: JSONBody[DueChange],
    ) -> ActionOut:
        changes.change_due(db, request.user, action_id, data)
        return _one(db, request, forms, action_id)


def _one(db: Db, request: AuthedRequest, forms: FormRegistry, action_id: int) -> ActionOut:
    row = store.get(db, request.user, action_id)
    history = [
        ActionEventOut(
            at=event["at"],
            event=event["event"],
            by=event["by_name"],
            note=event["note"],
            due=event["due_date"],
            inspection_id=event["inspection_id"],
            photos=_photos(event["photos"]),
        )
        for event in store.history(db, action_id)
    ]
    out = action_out(row, forms)
    out.history = history
    return out


def _photos(stored: str) -> list[str]:
    return _photo_list.decode(stored)


def action_out(row: dict[str, Any], forms: FormRegistry) -> ActionOut:
    item = forms.get(row["form_id"], row["form_version"]).item(row["item_id"])
    return ActionOut(
        id=row["id"],
        facility_code=row["facility_code"],
        facility_name=row["facility_name"],
        commune_name=row["commune_name"],
        form_id=row["form_id"],
        form_version=row["form_version"],
        item_id=row["item_id"],
        kind=row["kind"],
        mandatory=bool(row["mandatory"]),
        legal_ref=row["legal_ref"],
        title_vi=item.text.vi,
        title_en=item.text.en,
        requirement=row["requirement"],
        due=row["due_date"],
        state=row["state"],
        overdue=changes.is_overdue(row["state"], row["due_date"], today()),
        opened_by_inspection=row["opened_by_inspection"],
        last_inspection=row["last_inspection"],
        opened_at=row["opened_at"],
        updated_at=row["updated_at"],
    )
