"""Shared fixtures: ``settings`` (a fresh data dir), ``db`` (migrated in-memory database),
``client`` (test client of create_app) and ``world`` (two provinces, facilities and one
user of every role and scope, with session tokens)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlite_utils
from litestar import Litestar
from litestar.testing import TestClient

from server.app import create_app
from server.auth.store import NewUser, create_user, login
from server.db import connect, connect_settings
from server.facilities.store import upsert_facilities
from server.migrations import migrate
from server.settings import REPO_ROOT, Settings

PASSWORD = "correct horse battery"


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    """Settings from an empty environment, so the developer's own SAFESCHOOL_* variables
    never leak into a test."""
    return Settings.from_env({}, data_dir=data_dir, forms_dir=REPO_ROOT / "forms", **overrides)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def db() -> Iterator[sqlite_utils.Database]:
    database = connect(":memory:")
    migrate(database)
    yield database
    database.conn.close()


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return create_app(settings)


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app) as test_client:
        yield test_client


def facility(code: str, province: str, commune: str, kind: str = "preschool") -> dict[str, object]:
    return {
        "code": code,
        "name": f"Trường Mầm non {code}",
        "kind": kind,
        "ownership": "public",
        "province_code": province,
        "commune_code": commune,
    }


@dataclass
class World:
    """Province 08 has communes 08001 and 08002; province 79 has commune 79001."""

    tokens: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)
    facilities: dict[str, str] = field(default_factory=dict)  # code -> commune

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


# name -> (role, scope); the scopes the access matrix walks through
USERS: dict[str, tuple[str, dict[str, object]]] = {
    "admin": ("admin", {}),
    "dept_08": ("department", {"province_code": "08", "agency": "Sở Giáo dục và Đào tạo"}),
    "dept_79": ("department", {"province_code": "79", "agency": "Sở Y tế"}),
    "insp_08": ("inspector", {"province_code": "08"}),
    "insp_08001": ("inspector", {"commune_codes": ("08001",)}),
    "fac_a1": ("facility", {"facility_code": "A1"}),
}
# who sees which facility
VISIBLE: dict[str, set[str]] = {
    "admin": {"A1", "A2", "B1"},
    "dept_08": {"A1", "A2"},
    "dept_79": {"B1"},
    "insp_08": {"A1", "A2"},
    "insp_08001": {"A1"},
    "fac_a1": {"A1"},
}


def build_world(database: sqlite_utils.Database, settings: Settings) -> World:
    world = World()
    rows = [
        facility("A1", "08", "08001"),
        facility("A2", "08", "08002"),
        facility("B1", "79", "79001"),
    ]
    upsert_facilities(
        database,
        rows,
        [("08001", "08", "Xã Một"), ("08002", "08", "Xã Hai"), ("79001", "79", "Phường Ba")],
    )
    world.facilities = {str(r["code"]): str(r["commune_code"]) for r in rows}
    for name, (role, scope) in USERS.items():
        username = name.replace("_", "-")
        world.user_ids[name] = create_user(
            database,
            NewUser(username=username, password=PASSWORD, role=role, **scope),  # type: ignore[arg-type]
            min_password_length=settings.password_min_length,
        )
        world.tokens[name] = login(
            database, username, PASSWORD, session_days=settings.session_days
        ).token
    return world


@pytest.fixture
def world(app: Litestar, settings: Settings) -> World:
    database = connect_settings(settings)
    try:
        return build_world(database, settings)
    finally:
        database.conn.close()
