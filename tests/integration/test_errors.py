"""Every error, whatever raised it, has the one envelope with a stable code."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.errors import ErrorCode
from tests.conftest import World

Client = TestClient[Litestar]


def _error(response: object) -> dict[str, object]:
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    return body["error"]  # type: ignore[no-any-return]


def test_oversized_body_gets_413_with_a_clear_message(client: Client, world: World) -> None:
    big = b"code,name\n" + b"x" * 2_100_000
    response = client.post(
        "/api/facilities/import",
        content=big,
        headers={**world.auth("admin"), "Content-Type": "text/csv"},
    )
    assert response.status_code == 413
    error = _error(response)
    assert error["code"] == "request.too_large"
    assert "larger than allowed" in str(error["message"])


def test_unknown_api_path_is_404_in_the_envelope(client: Client, world: World) -> None:
    response = client.get("/api/nothing-here", headers=world.auth("admin"))
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


def test_malformed_json_is_400_in_the_envelope(client: Client) -> None:
    response = client.post(
        "/api/auth/login", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert _error(response)["code"] == "request.invalid"


def test_unknown_fields_are_refused_with_the_field_named(client: Client) -> None:
    response = client.post(
        "/api/auth/login", json={"username": "a", "password": "b", "remember": True}
    )
    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == "request.invalid"
    assert "remember" in str(error["message"]) + str(error["details"])


def test_wrong_method_is_405_in_the_envelope(client: Client) -> None:
    response = client.delete("/healthz")
    assert response.status_code == 405
    assert _error(response)["code"] == "method_not_allowed"


def test_error_codes_are_unique() -> None:
    codes = [e.code for e in ErrorCode]
    assert len(codes) == len(set(codes))


def test_every_endpoint_is_described_in_openapi(client: Client) -> None:
    spec = client.get("/schema/openapi.json").json()
    operations = [
        (path, method, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert len(operations) >= 12
    for path, method, op in operations:
        assert op.get("summary"), f"{method.upper()} {path} has no summary"
        assert op.get("description"), f"{method.upper()} {path} has no description"


def test_healthz(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


HUGE = "9" * 20  # beyond SQLite's 64-bit integers


@pytest.mark.parametrize(
    "path", ["/api/facilities", "/api/kept-aside", "/api/audit", "/api/compliance/facilities"]
)
def test_a_page_beyond_any_integer_is_an_empty_page(
    client: Client, world: World, path: str
) -> None:
    response = client.get(f"{path}?page={HUGE}", headers=world.auth("admin"))
    assert response.status_code == 200, response.text
    assert response.json()["items"] == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/api/audit?user_id={HUGE}"),
        ("POST", f"/api/kept-aside/{HUGE}/resolve"),
        ("POST", f"/api/users/{HUGE}/revoke-sessions"),
    ],
)
def test_an_id_beyond_any_integer_is_a_bad_request(
    client: Client, world: World, method: str, path: str
) -> None:
    response = client.request(method, path, headers=world.auth("admin"))
    assert response.status_code == 400, response.text
    assert _error(response)["code"] == "request.invalid"
