"""The OpenAPI document says what each operation does: who may call it, and every error it
can answer (derived here from what its middleware, guards, parameters and dependencies
really do), each in the one error envelope; request bodies refuse unknown fields and say
so."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute
from litestar.testing import TestClient

from server.openapi import BEARER, api

Client = TestClient[Litestar]
ENVELOPE = "#/components/schemas/ErrorEnvelope"


def _operations(app: Litestar) -> list[tuple[str, str, HTTPRouteHandler]]:
    """(path, method, handler) of every documented operation."""
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if not handler.resolve_include_in_schema():
                continue
            for method in handler.http_methods:
                if method != "OPTIONS":
                    found.append((route.path_format, method.lower(), handler))
    return found


@pytest.fixture
def spec(client: Client) -> dict[str, Any]:
    response = client.get("/schema/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def _statuses(op: dict[str, Any]) -> set[int]:
    return {int(status) for status in op["responses"]}


def test_the_bearer_scheme_is_declared(spec: dict[str, Any]) -> None:
    assert spec["components"]["securitySchemes"][BEARER] == {
        "type": "http",
        "scheme": "bearer",
        "description": spec["components"]["securitySchemes"][BEARER]["description"],
    }


def test_protected_operations_and_only_they_require_the_token(
    app: Litestar, spec: dict[str, Any]
) -> None:
    operations = _operations(app)
    assert len(operations) >= 25
    public = set()
    for path, method, handler in operations:
        op = spec["paths"][path][method]
        if handler.opt.get("exclude_from_auth"):
            public.add(f"{method.upper()} {path}")
            assert "security" not in op, f"{method} {path} is public"
        else:
            assert op.get("security") == [{BEARER: []}], f"{method} {path}"
            # the middleware: no or bad token, disabled account, database busy
            assert {401, 403, 503} <= _statuses(op), f"{method} {path}"
    assert public == {"GET /healthz", "POST /api/auth/login", "GET /api/forms/schema.json"}


def test_each_operation_lists_the_errors_its_parts_can_answer(
    app: Litestar, spec: dict[str, Any]
) -> None:
    for path, method, handler in _operations(app):
        op = spec["paths"][path][method]
        statuses = _statuses(op)
        where = f"{method.upper()} {path}"
        if handler.resolve_guards():
            assert 403 in statuses, where
            assert "`access.role`" in op["responses"]["403"]["description"], where
        parameters = handler.parsed_fn_signature.parameters
        if "data" in parameters or "body" in parameters:
            assert {400, 413} <= statuses, where
        if op.get("parameters") or "requestBody" in op:
            assert 400 in statuses, where
        if "db" in parameters:
            assert 503 in statuses, where
    login = spec["paths"]["/api/auth/login"]["post"]
    assert {400, 401, 403, 413, 429, 503} <= _statuses(login)
    assert {200, 201, 415} <= _statuses(spec["paths"]["/api/photos/{sha256}"]["put"])
    assert 409 in _statuses(spec["paths"]["/api/users"]["post"])


def test_every_error_is_documented_in_the_one_envelope(spec: dict[str, Any]) -> None:
    errors = 0
    for path, item in spec["paths"].items():
        for method, op in item.items():
            for status, response in op["responses"].items():
                if int(status) < 400:
                    continue
                errors += 1
                where = f"{method.upper()} {path} {status}"
                assert response["content"] == {"application/json": {"schema": {"$ref": ENVELOPE}}}
                assert "`" in response["description"], f"{where}: no error code named"
                if status in {"429", "503"}:
                    assert response["headers"]["Retry-After"]["required"] is True, where
    assert errors > 100
    envelope = spec["components"]["schemas"]["ErrorEnvelope"]
    body = spec["components"]["schemas"]["ErrorBody"]
    assert envelope["required"] == ["error"]
    assert set(body["properties"]) == {"code", "message", "details"}


def test_request_bodies_refuse_unknown_fields_and_say_so(spec: dict[str, Any]) -> None:
    bodies, raw = [], []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            content = op.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                bodies.append(content["application/json"]["schema"]["$ref"].rsplit("/", 1)[1])
            elif content:
                raw.append((method, path, sorted(content)))
    assert sorted(bodies) == [
        "CreateUserRequest",
        "Dismissal",
        "DueChange",
        "FixReport",
        "LoginRequest",
        "PlanChange",
        "PlanIn",
        "PreferencesIn",
        "Reopening",
        "SubscriptionIn",
        "SyncRequest",
        "UpdateUserRequest",
        "Verification",
    ]
    # bodies read as bytes are declared too
    assert sorted(raw) == [
        ("post", "/api/facilities/import", ["text/csv"]),
        ("put", "/api/photos/{sha256}", ["image/jpeg", "image/png", "image/webp"]),
    ]
    for name in bodies:
        assert spec["components"]["schemas"][name]["additionalProperties"] is False, name
    # a response is not closed: clients must accept fields added later
    assert "additionalProperties" not in spec["components"]["schemas"]["UserOut"]


def test_api_groups_codes_by_status_and_adds_the_middlewares_own() -> None:
    from server.errors import ErrorCode

    public = api(ErrorCode.BAD_REQUEST, ErrorCode.PHOTO_HASH_MISMATCH, public=True)
    assert public["opt"] == {"exclude_from_auth": True} and public["security"] == []
    assert set(public["responses"]) == {400}
    assert "`photo.hash_mismatch`" in public["responses"][400].description
    protected = api(also={201: "Created."})
    assert protected["opt"] == {} and protected["security"] == [{BEARER: []}]
    assert set(protected["responses"]) == {201, 401, 403, 503}
    assert protected["responses"][201].data_container is None
