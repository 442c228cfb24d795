"""The access matrix: every endpoint, every role, in scope and out of scope."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import TestClient

from server.app import create_app
from server.auth.store import NewUser, create_user
from server.db import connect_settings
from tests.conftest import PASSWORD, USERS, VISIBLE, World, build_world, make_settings

ROLES = list(USERS)
ADMIN_ONLY = {"admin"}
EVERYONE = set(ROLES)
SYNCERS = {"admin", "insp_08", "insp_08001"}
NO_PHOTO = "0" * 64

NEW_USER = {
    "username": "new-inspector",
    "password": "a long enough pw",
    "role": "inspector",
    "province_code": "08",
}
CSV = (
    "code,name,kind,ownership,province_code,commune_code,commune_name\n"
    "Z1,Z,primary,public,08,08001,Xã Một\n"
)

# (method, path, body, roles allowed, status when allowed)
ENDPOINTS: list[tuple[str, str, object, set[str], int]] = [
    ("GET", "/api/auth/me", None, EVERYONE, 200),
    ("GET", "/api/users", None, ADMIN_ONLY, 200),
    ("POST", "/api/users", NEW_USER, ADMIN_ONLY, 201),
    ("POST", "/api/users/{victim}/revoke-sessions", None, ADMIN_ONLY, 200),
    ("GET", "/api/facilities", None, EVERYONE, 200),
    ("POST", "/api/facilities/import", CSV, ADMIN_ONLY, 200),
    ("GET", "/api/units/provinces", None, EVERYONE, 200),
    ("GET", "/api/units/communes?province=08", None, EVERYONE, 200),
    ("GET", "/api/forms", None, EVERYONE, 200),
    ("GET", "/api/forms/preschool-safety/1", None, EVERYONE, 200),
    ("POST", "/api/sync/inspections", {"records": []}, SYNCERS, 200),
    ("GET", "/api/kept-aside", None, ADMIN_ONLY, 200),
    ("GET", "/api/audit", None, ADMIN_ONLY, 200),
    ("HEAD", f"/api/photos/{NO_PHOTO}", None, EVERYONE, 404),
    ("GET", f"/api/photos/{NO_PHOTO}", None, EVERYONE, 404),
    ("GET", "/api/inspections/unknown", None, EVERYONE, 404),
    ("GET", "/api/inspections/unknown/minutes.pdf", None, EVERYONE, 404),
    ("GET", "/api/compliance/facilities", None, EVERYONE - {"fac_a1"}, 200),
    ("GET", "/api/compliance/facilities.csv", None, EVERYONE - {"fac_a1"}, 200),
]


@pytest.fixture(scope="module")
def matrix(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[TestClient[Litestar], World]]:
    settings = make_settings(Path(tmp_path_factory.mktemp("access")))
    app = create_app(settings)
    db = connect_settings(settings)
    world = build_world(db, settings)
    world.user_ids["victim"] = create_user(
        db,
        NewUser(username="victim", password=PASSWORD, role="inspector", province_code="08"),
        min_password_length=settings.password_min_length,
    )
    db.conn.close()
    with TestClient(app) as client:
        yield client, world


def _call(
    client: TestClient[Litestar],
    world: World,
    method: str,
    path: str,
    body: object,
    headers: dict[str, str],
) -> int:
    path = path.replace("{victim}", str(world.user_ids["victim"]))
    if isinstance(body, str):
        response = client.request(
            method, path, content=body.encode(), headers={**headers, "Content-Type": "text/csv"}
        )
    else:
        response = client.request(method, path, json=body, headers=headers)
    return response.status_code


@pytest.mark.parametrize(
    ("method", "path", "body", "allowed", "status"),
    ENDPOINTS,
    ids=[f"{m} {p}" for m, p, *_ in ENDPOINTS],
)
@pytest.mark.parametrize("who", ROLES)
def test_role_matrix(
    matrix: tuple[TestClient[Litestar], World],
    who: str,
    method: str,
    path: str,
    body: object,
    allowed: set[str],
    status: int,
) -> None:
    client, world = matrix
    got = _call(client, world, method, path, body, world.auth(who))
    assert got == (status if who in allowed else 403)


@pytest.mark.parametrize(
    ("method", "path", "body", "allowed", "status"),
    ENDPOINTS,
    ids=[f"{m} {p}" for m, p, *_ in ENDPOINTS],
)
def test_no_token_is_refused(
    matrix: tuple[TestClient[Litestar], World],
    method: str,
    path: str,
    body: object,
    allowed: set[str],
    status: int,
) -> None:
    client, world = matrix
    response = client.request(method, path.replace("{victim}", "1"))
    assert response.status_code == 401
    if method != "HEAD":
        assert response.json()["error"]["code"] == "auth.required"


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("code", ["A1", "A2", "B1"])
def test_facility_scope(matrix: tuple[TestClient[Litestar], World], who: str, code: str) -> None:
    client, world = matrix
    response = client.get(f"/api/facilities/{code}", headers=world.auth(who))
    if code in VISIBLE[who]:
        assert response.status_code == 200
        assert response.json()["code"] == code
    else:
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "access.scope"


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("code", ["A1", "A2", "B1"])
def test_compliance_view_scope(
    matrix: tuple[TestClient[Litestar], World], who: str, code: str
) -> None:
    client, world = matrix
    response = client.get(f"/api/compliance/facilities/{code}", headers=world.auth(who))
    assert response.status_code == (200 if code in VISIBLE[who] else 403)


@pytest.mark.parametrize("who", sorted(set(ROLES) - {"fac_a1"}))
def test_compliance_list_is_scoped(matrix: tuple[TestClient[Litestar], World], who: str) -> None:
    client, world = matrix
    response = client.get("/api/compliance/facilities?per_page=500", headers=world.auth(who))
    codes = {item["facility"]["code"] for item in response.json()["items"]} & {"A1", "A2", "B1"}
    assert codes == VISIBLE[who]


@pytest.mark.parametrize("who", ROLES)
def test_facility_list_is_scoped(matrix: tuple[TestClient[Litestar], World], who: str) -> None:
    client, world = matrix
    response = client.get("/api/facilities?per_page=500", headers=world.auth(who))
    assert response.status_code == 200
    codes = {item["code"] for item in response.json()["items"]} & {"A1", "A2", "B1"}
    assert codes == VISIBLE[who]


@pytest.mark.parametrize("who", ROLES)
def test_filter_cannot_widen_scope(matrix: tuple[TestClient[Litestar], World], who: str) -> None:
    """Asking for another province's facilities returns none of them, never an error leak."""
    client, world = matrix
    response = client.get("/api/facilities?province=79", headers=world.auth(who))
    codes = {item["code"] for item in response.json()["items"]}
    assert codes == VISIBLE[who] & {"B1"}


def test_public_endpoints_need_no_token(matrix: tuple[TestClient[Litestar], World]) -> None:
    client, _ = matrix
    assert client.get("/healthz").status_code == 200
    assert client.get("/schema/openapi.json").status_code == 200
    assert client.get("/api/forms/schema.json").status_code == 200
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    "header",
    ["Bearer not-a-token", "Basic YWRtaW46eA==", "Bearer ", "bearer"],
)
def test_bad_tokens_are_refused(matrix: tuple[TestClient[Litestar], World], header: str) -> None:
    client, _ = matrix
    response = client.get("/api/auth/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["error"]["code"] in {"auth.invalid_token", "auth.required"}


def _role_guarded_paths(app: Litestar) -> list[str]:
    """Every path with a role guard, from the app's own route table, with its path
    parameters filled in."""
    paths: set[str] = set()
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            names = [getattr(g, "func", g).__name__ for g in handler.resolve_guards()]
            if any(name.startswith("require_role(") for name in names):
                paths.add(re.sub(r"\{[^}]+:int\}", "1", re.sub(r"\{[^}]+:str\}", "x", route.path)))
    return sorted(paths)


def test_options_on_every_role_guarded_route_is_never_a_server_error(
    app: Litestar, client: TestClient[Litestar], world: World
) -> None:
    paths = _role_guarded_paths(app)
    assert "/api/kept-aside" in paths and "/api/users/1/revoke-sessions" in paths
    for path in paths:
        anonymous = client.options(path)
        assert anonymous.status_code == 401, (path, anonymous.text)
        assert anonymous.json()["error"]["code"] == "auth.required"
        signed_in = client.options(path, headers=world.auth("admin"))
        assert signed_in.status_code == 204, (path, signed_in.text)
        assert signed_in.headers["allow"]
