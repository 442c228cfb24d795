"""What the OpenAPI document (``/schema/openapi.json``) says about each operation beyond its
success: who may call it (the bearer token) and every error it can answer, each in the one
envelope of ``server/errors.py``.

Every route handler takes its ``opt``, ``security``, ``responses`` and ``operation_class``
from ``api(...)``, so whether a route is public is decided in one place for both the
authentication middleware (``opt``) and the document (``security``)::

    @get("/api/things/{id:int}", **api(ErrorCode.BAD_REQUEST, ErrorCode.THING_NOT_FOUND))

``tests/integration/test_openapi.py`` checks each operation's errors against what its
middleware, guards and parameters can really answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, TypedDict

import msgspec
from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin
from litestar._openapi.schema_generation.schema import SchemaCreator
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    Components,
    OpenAPIFormat,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    RequestBody,
    Schema,
    SecurityRequirement,
    SecurityScheme,
)
from litestar.typing import FieldDefinition

from server.auth.middleware import PUBLIC
from server.errors import RETRY_AFTER_SECONDS, ErrorCode, ErrorEnvelope

BEARER = "BearerToken"
"""The one security scheme: the session token from ``POST /api/auth/login``."""

COMPONENTS = Components(
    security_schemes={
        BEARER: SecurityScheme(
            type="http",
            scheme="bearer",
            description="The session token from POST /api/auth/login, as"
            " `Authorization: Bearer <token>`.",
        )
    }
)

SIGNED_IN: tuple[ErrorCode, ...] = (
    ErrorCode.AUTH_REQUIRED,
    ErrorCode.AUTH_INVALID_TOKEN,
    ErrorCode.AUTH_EXPIRED,
    ErrorCode.AUTH_REVOKED,
    ErrorCode.AUTH_USER_DISABLED,
    ErrorCode.UNAVAILABLE,
)
"""What the bearer-token middleware can answer on every protected route before its handler
runs: no, a malformed, expired or revoked token, a disabled account, or a database too
busy to check the token (503)."""

BODY: tuple[ErrorCode, ...] = (ErrorCode.BAD_REQUEST, ErrorCode.BODY_TOO_LARGE)
"""What reading a request body can answer: malformed or unknown fields (400), too large
(413)."""

RETRY_AFTER_STATUSES = frozenset({"429", "503"})
"""Statuses whose answers always carry Retry-After (seconds)."""


class Documented(TypedDict):
    """Keyword arguments for a route decorator; see ``api``."""

    opt: dict[str, Any]
    security: list[SecurityRequirement]
    responses: dict[int, ResponseSpec]
    operation_class: type[Operation]


@dataclass
class ApiOperation(Operation):
    """An operation whose 429 and 503 answers declare their Retry-After header, which
    Litestar's ``ResponseSpec`` cannot express."""

    def __post_init__(self) -> None:
        for status, response in (self.responses or {}).items():
            if status in RETRY_AFTER_STATUSES and isinstance(response, OpenAPIResponse):
                response.headers = {
                    "Retry-After": OpenAPIHeader(
                        schema=Schema(type=OpenAPIType.INTEGER, minimum=1),
                        description="Seconds to wait before trying again (the database"
                        f" lock: {RETRY_AFTER_SECONDS}).",
                        required=True,
                    )
                }


def _raw_body(media_types: tuple[str, ...], description: str) -> type[Operation]:
    """An operation class declaring a request body read as raw bytes (``RawBody``), which
    Litestar leaves out of the document."""

    @dataclass
    class RawBodyOperation(ApiOperation):
        def __post_init__(self) -> None:
            super().__post_init__()
            self.request_body = RequestBody(
                content={
                    media_type: OpenAPIMediaType(
                        schema=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
                    )
                    for media_type in media_types
                },
                description=description,
                required=True,
            )

    return RawBodyOperation


def _description(status: int, errors: Iterable[ErrorCode]) -> str:
    codes = "".join(f"\n- `{e.code}`: {e.default_message}" for e in errors)
    return f"{HTTPStatus(status).phrase}, in the error envelope, with one of these codes:{codes}"


def api(
    *errors: ErrorCode,
    public: bool = False,
    also: Mapping[int, str] | None = None,
    raw_body: tuple[tuple[str, ...], str] | None = None,
) -> Documented:
    """The route's documentation: ``errors`` are the error codes its handler and guards can
    answer (the middleware's are added unless ``public``); ``also`` are success statuses
    without a body beside the handler's own, with what they mean; ``raw_body`` the media
    types and description of a body the handler reads as bytes."""
    every = list(errors) if public else [*SIGNED_IN, *errors]
    by_status: dict[int, list[ErrorCode]] = {}
    for error in every:
        codes = by_status.setdefault(error.status, [])
        if error not in codes:
            codes.append(error)
    responses = {
        status: ResponseSpec(
            ErrorEnvelope, description=_description(status, codes), generate_examples=False
        )
        for status, codes in sorted(by_status.items())
    }
    for status, description in (also or {}).items():
        responses[status] = ResponseSpec(None, description=description)
    return Documented(
        opt=dict(PUBLIC) if public else {},
        security=[] if public else [{BEARER: []}],
        responses=responses,
        operation_class=_raw_body(*raw_body) if raw_body else ApiOperation,
    )


class ClosedStructSchemaPlugin(StructSchemaPlugin):
    """Litestar's schema for msgspec Structs, plus ``additionalProperties: false`` for the
    ones that refuse unknown fields (``forbid_unknown_fields=True``): the request bodies.
    Passed in the app's ``plugins``, it comes before Litestar's own."""

    def to_openapi_schema(
        self, field_definition: FieldDefinition, schema_creator: SchemaCreator
    ) -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        info = msgspec.inspect.type_info(field_definition.type_)
        if isinstance(info, msgspec.inspect.StructType) and info.forbid_unknown_fields:
            schema.additional_properties = False
        return schema
