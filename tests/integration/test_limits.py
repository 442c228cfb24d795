"""GET /api/limits: the limits the app respects, from the server's settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.settings import Settings
from tests.conftest import World, make_settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(
        tmp_path, sync_max_records=7, photo_max_bytes=123456, password_min_length=14
    )


def test_limits_come_from_the_settings_for_anyone_signed_in(
    client: TestClient[Litestar], world: World
) -> None:
    assert client.get("/api/limits").status_code == 401
    for who in ("insp_08", "fac_a1"):
        response = client.get("/api/limits", headers=world.auth(who))
        assert response.status_code == 200
        assert response.json() == {
            "sync_max_records": 7,
            "sync_max_bytes": 2_000_000,
            "photo_max_bytes": 123456,
            "photo_max_side": 1600,
            "evidence_max_photos": 20,
            "action_due_veto_days": 7,
            "action_due_mandatory_days": 15,
            "action_due_other_days": 30,
            "password_min_length": 14,
        }
