"""Checklist definitions for the phone (downloaded once, used offline) and the JSON Schema
for authors' editors. Everything is served from the in-memory registry built at start-up,
so handlers do no I/O and run on the event loop."""

from __future__ import annotations

from functools import cache
from typing import Any

import msgspec
from litestar import Controller, get
from litestar.params import FromPath

from server.deps import Forms
from server.errors import ErrorCode
from server.forms.schema import Checklist, FacilityKind, Text, json_schema
from server.openapi import api

# The brief's marker is "public"; the auth middleware (Litestar's authentication middleware)
# reads "exclude_from_auth". Both are set so the schema stays reachable whichever is used.


class FormSummary(msgspec.Struct):
    id: str
    version: int
    title: Text
    applies_to: list[FacilityKind]
    latest: bool
    """True for the highest version of this checklist: the one new inspections use."""
    fingerprint: str
    """sha256 of the version's canonical JSON; the phone sends it back with an inspection."""


class FormDetail(msgspec.Struct):
    id: str
    version: int
    latest: bool
    fingerprint: str
    definition: Checklist


@cache
def _schema() -> dict[str, Any]:
    return json_schema()


class FormsController(Controller):
    path = "/api/forms"
    tags = ["forms"]

    @get(
        "/",
        **api(),
        sync_to_thread=False,
        summary="List checklist versions",
        description=(
            "Every published version of every checklist, oldest versions included, since "
            "an inspection is always scored by the version it used. `latest` marks the "
            "version new inspections should use."
        ),
    )
    def list_forms(self, forms: Forms) -> list[FormSummary]:
        return [
            FormSummary(
                id=checklist.id,
                version=checklist.version,
                title=checklist.title,
                applies_to=list(checklist.applies_to),
                latest=forms.is_latest(checklist),
                fingerprint=forms.fingerprint(checklist.id, checklist.version),
            )
            for checklist in forms.all()
        ]

    @get(
        "/schema.json",
        **api(public=True),
        sync_to_thread=False,
        summary="JSON Schema of checklist files",
        description=(
            "The JSON Schema generated from the server's checklist types, so an editor can "
            "check a `forms/*.yaml` file while it is written. Rules a schema cannot express "
            "are checked by `python -m server check-forms`. No sign-in needed."
        ),
    )
    def schema(self) -> dict[str, Any]:
        return _schema()

    @get(
        "/{form_id:str}/{version:int}",
        **api(ErrorCode.BAD_REQUEST, ErrorCode.FORM_NOT_FOUND),
        sync_to_thread=False,
        summary="Get one checklist version",
        description=(
            "The full definition of one checklist version with its fingerprint. A version "
            "never changes once published, so clients may cache it forever. Error "
            "`form.not_found` when the checklist or the version does not exist."
        ),
    )
    def get_form(self, forms: Forms, form_id: FromPath[str], version: FromPath[int]) -> FormDetail:
        checklist = forms.get(form_id, version)
        return FormDetail(
            id=checklist.id,
            version=checklist.version,
            latest=forms.is_latest(checklist),
            fingerprint=forms.fingerprint(form_id, version),
            definition=checklist,
        )
