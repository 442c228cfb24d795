from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.app import create_app
from server.auth.store import PASSWORD_MAX_LENGTH
from server.db import connect_settings
from server.settings import Settings
from tests.conftest import PASSWORD, World, build_world, make_settings
from tests.integration.test_sync import db_rows

Client = TestClient[Litestar]


def _login(client: Client, username: str, password: str = PASSWORD) -> tuple[int, dict[str, Any]]:
    response = client.post("/api/auth/login", json={"username": username, "password": password})
    return response.status_code, response.json()


def test_login_returns_a_token_that_works(client: Client, world: World) -> None:
    status, body = _login(client, "insp-08001")
    assert status == 201
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.json()["role"] == "inspector"
    assert me.json()["commune_codes"] == ["08001"]
    assert me.json()["province_code"] == "08"


def test_session_lasts_the_configured_days(
    client: Client, world: World, settings: Settings
) -> None:
    _, body = _login(client, "admin")
    from datetime import UTC, datetime, timedelta

    expires = datetime.fromisoformat(str(body["expires_at"]).replace("Z", "+00:00"))
    expected = datetime.now(UTC) + timedelta(days=settings.session_days)
    assert abs((expires - expected).total_seconds()) < 60


@pytest.mark.parametrize(
    ("username", "password"),
    [("admin", "wrong password"), ("nobody-here", PASSWORD), ("admin", "")],
)
def test_bad_credentials_are_refused(
    client: Client, world: World, username: str, password: str
) -> None:
    status, body = _login(client, username, password)
    assert status in (400, 401)
    if status == 401:
        assert body["error"]["code"] == "auth.bad_credentials"
        assert "token" not in body


def test_the_token_is_not_stored_in_clear(client: Client, world: World, settings: Settings) -> None:
    _, body = _login(client, "admin")
    db = connect_settings(settings)
    stored = [r[0] for r in db.execute("SELECT token_hash FROM sessions")]
    assert body["token"] not in stored
    assert all(len(h) == 64 for h in stored)


def test_logout_revokes_only_this_session(client: Client, world: World) -> None:
    _, first = _login(client, "admin")
    _, second = _login(client, "admin")
    headers = {"Authorization": f"Bearer {first['token']}"}
    assert client.post("/api/auth/logout", headers=headers).status_code == 204
    refused = client.get("/api/auth/me", headers=headers)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "auth.revoked"
    other = client.get("/api/auth/me", headers={"Authorization": f"Bearer {second['token']}"})
    assert other.status_code == 200


def test_admin_revokes_a_lost_phone(client: Client, world: World) -> None:
    victim = world.auth("insp_08")
    assert client.get("/api/auth/me", headers=victim).status_code == 200
    response = client.post(
        f"/api/users/{world.user_ids['insp_08']}/revoke-sessions", headers=world.auth("admin")
    )
    assert response.status_code == 200
    assert response.json()["revoked"] >= 1
    refused = client.get("/api/facilities", headers=victim)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "auth.revoked"
    # Signing in again works: the account itself is untouched.
    status, _ = _login(client, "insp-08")
    assert status == 201


def test_expired_token_is_refused(client: Client, world: World, settings: Settings) -> None:
    db = connect_settings(settings)
    with db.conn:
        db.execute(
            "UPDATE sessions SET expires_at = '2020-01-01T00:00:00.000Z' WHERE user_id = ?",
            [world.user_ids["fac_a1"]],
        )
    refused = client.get("/api/auth/me", headers=world.auth("fac_a1"))
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "auth.expired"


def test_disabled_user_is_refused(client: Client, world: World, settings: Settings) -> None:
    db = connect_settings(settings)
    with db.conn:
        db.execute("UPDATE users SET disabled = 1 WHERE id = ?", [world.user_ids["dept_08"]])
    assert client.get("/api/auth/me", headers=world.auth("dept_08")).status_code == 403
    status, body = _login(client, "dept-08")
    assert status == 403
    assert body["error"]["code"] == "auth.user_disabled"


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({"role": "department", "province_code": "08"}, "agency"),
        ({"role": "department", "agency": "Sở Y tế"}, "province"),
        ({"role": "inspector"}, "province or a list of communes"),
        (
            {"role": "inspector", "province_code": "79", "commune_codes": ["08001"]},
            "not in province",
        ),
        ({"role": "inspector", "commune_codes": ["99999"]}, "unknown commune"),
        ({"role": "facility"}, "facility code"),
        ({"role": "facility", "facility_code": "NOPE"}, "unknown facility"),
        ({"role": "admin", "province_code": "00"}, "unknown province"),
        ({"role": "admin", "password": "short"}, "at least"),
        ({"role": "admin", "username": "Bad Name"}, "username"),
    ],
)
def test_user_creation_checks_role_and_scope(
    client: Client, world: World, payload: dict[str, object], fragment: str
) -> None:
    body = {"username": "someone", "password": "long enough pw", **payload}
    response = client.post("/api/users", json=body, headers=world.auth("admin"))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "user.invalid"
    assert fragment in error["message"]


def test_duplicate_username_is_a_conflict(client: Client, world: World) -> None:
    body = {"username": "admin", "password": "long enough pw", "role": "admin"}
    response = client.post("/api/users", json=body, headers=world.auth("admin"))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "user.exists"


def test_created_inspector_can_sign_in_and_is_scoped(client: Client, world: World) -> None:
    body = {
        "username": "new-insp",
        "password": "long enough pw",
        "role": "inspector",
        "commune_codes": ["08002"],
        "display_name": "Nguyễn Thị Lan",
    }
    created = client.post("/api/users", json=body, headers=world.auth("admin"))
    assert created.status_code == 201
    assert created.json()["province_code"] == "08"
    status, login = _login(client, "new-insp", "long enough pw")
    assert status == 201
    listing = client.get("/api/facilities", headers={"Authorization": f"Bearer {login['token']}"})
    assert [f["code"] for f in listing.json()["items"]] == ["A2"]


def test_login_while_another_process_holds_the_write_lock_is_503_with_retry_after(
    tmp_path: Path,
) -> None:
    settings = make_settings(tmp_path, db_busy_timeout_ms=200)
    app = create_app(settings)
    db = connect_settings(settings)
    build_world(db, settings)
    db.conn.close()
    blocker = sqlite3.connect(settings.database_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with TestClient(app) as client:
            response = client.post(
                "/api/auth/login", json={"username": "admin", "password": PASSWORD}
            )
            assert response.status_code == 503, response.text
            assert response.json()["error"]["code"] == "unavailable"
            assert int(response.headers["retry-after"]) >= 1
            blocker.execute("ROLLBACK")
            status, _ = _login(client, "admin")
            assert status == 201
    finally:
        blocker.close()


def test_a_password_longer_than_sign_in_accepts_is_refused_at_creation(
    client: Client, world: World
) -> None:
    too_long = "x" * (PASSWORD_MAX_LENGTH + 1)
    body = {"username": "long-pw", "password": too_long, "role": "admin"}
    response = client.post("/api/users", json=body, headers=world.auth("admin"))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "user.invalid"
    assert f"at most {PASSWORD_MAX_LENGTH} characters" in error["message"]
    longest = {**body, "password": too_long[:-1]}
    assert client.post("/api/users", json=longest, headers=world.auth("admin")).status_code == 201
    assert _login(client, "long-pw", too_long[:-1])[0] == 201


def test_guessing_is_throttled_audited_and_the_owner_gets_back_in_soon(
    app: Litestar, client: Client, world: World
) -> None:
    clock = [1000.0]
    app.state.login_throttle.clock = lambda: clock[0]
    answered = [_login(client, "insp-08", f"guess {n}")[0] for n in range(5)]
    assert answered == [401] * 5
    for password in ("guess 6", PASSWORD):  # while throttled, even the right one waits
        response = client.post(
            "/api/auth/login", json={"username": "insp-08", "password": password}
        )
        assert response.status_code == 429
        assert response.json()["error"]["code"] == "rate_limited"
        assert 1 <= int(response.headers["retry-after"]) <= 60
    assert _login(client, "admin")[0] == 201  # other accounts are not affected
    audit = client.get("/api/audit?action=login_throttled", headers=world.auth("admin")).json()
    assert [(e["subject"], e["details"]["limits"]) for e in audit["items"]] == [
        ("insp-08", ["account_address"])
    ]  # once per window, not once per guess
    clock[0] += 61
    assert _login(client, "insp-08")[0] == 201


def test_an_admin_changes_scope_and_disables_an_account(
    client: Client, world: World, settings: Settings
) -> None:
    url = f"/api/users/{world.user_ids['insp_08']}"
    narrowed = client.patch(url, json={"commune_codes": ["08002"]}, headers=world.auth("admin"))
    assert narrowed.status_code == 200, narrowed.text
    assert narrowed.json()["commune_codes"] == ["08002"]
    seen = client.get("/api/facilities", headers=world.auth("insp_08")).json()["items"]
    assert [f["code"] for f in seen] == ["A2"]  # the new scope applies at once

    wrong = client.patch(url, json={"commune_codes": ["79001"]}, headers=world.auth("admin"))
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (400, "user.invalid")
    assert client.patch(url, json={"role": "admin"}, headers=world.auth("admin")).status_code == 400
    assert (
        client.patch(url, json={"disabled": True}, headers=world.auth("dept_08")).status_code == 403
    )

    off = client.patch(url, json={"disabled": True}, headers=world.auth("admin"))
    assert off.status_code == 200
    assert client.get("/api/auth/me", headers=world.auth("insp_08")).status_code == 401
    rows = db_rows(settings, "SELECT action FROM audit_log WHERE action = 'user_updated'")
    assert len(rows) == 2
