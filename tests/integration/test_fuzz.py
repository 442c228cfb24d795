"""Schema-driven fuzzing: schemathesis generates requests from the OpenAPI document for
every operation, signed out and signed in as each demo role, against the app in-process
on a temporary database with the demo data; every answer must be what the document says
(status code, content type, body schema, headers) and none may be a server error other than
the documented 503.

Bounded (a few examples per operation and role, no deadline, derandomised so a run is
reproducible) to take seconds, not minutes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from litestar import Litestar
from schemathesis.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from server.app import create_app
from server.auth.store import login
from server.db import connect_settings
from server.demo import DEMO_LOGINS, ensure_demo_data
from server.settings import Settings
from tests.conftest import make_settings

EXAMPLES = 8
"""Examples per operation and caller; 28 operations x 6 callers x 8 takes about 20 s."""
CHECKS = [
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
LAST = {"POST /api/auth/logout", "POST /api/users/{user_id}/revoke-sessions"}
"""Operations that sign callers out: fuzzed after the others, with the caller's token."""
CALLERS = ["signed out", "admin", "inspector", "facility", "department"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Litestar]]:
    data_dir: Path = tmp_path_factory.mktemp("fuzz")
    demo_settings = make_settings(data_dir)
    ensure_demo_data(demo_settings)
    yield demo_settings, create_app(demo_settings)


def _token(demo_settings: Settings, role: str) -> dict[str, str]:
    """A fresh session of the demo user of this role (the first one, for departments)."""
    if role == "signed out":
        return {}
    username, password = next((u, p) for r, u, p in DEMO_LOGINS if r == role)
    db = connect_settings(demo_settings)
    try:
        issued = login(db, username, password, session_days=demo_settings.session_days)
    finally:
        db.conn.close()
    return {"Authorization": f"Bearer {issued.token}"}


def _fuzz(operation: Any, headers: dict[str, str], problems: list[str]) -> int:
    """Run EXAMPLES generated requests against one operation; returns how many ran and
    appends what went wrong to ``problems``."""
    ran = 0

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        nonlocal ran
        ran += 1
        response = case.call(headers=headers)
        where = f"{operation.label} -> {response.status_code}"
        if response.status_code >= 500 and response.status_code != 503:
            problems.append(f"{where}: server error {response.text[:300]}")
            return
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except AssertionError as exc:  # schemathesis' failures are AssertionErrors
            problems.append(f"{where}: {str(exc)[:600]}")

    run()
    return ran


@pytest.mark.parametrize("caller", CALLERS)
def test_every_answer_is_what_the_document_says(
    demo: tuple[Settings, Litestar], caller: str
) -> None:
    demo_settings, app = demo
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    operations.sort(key=lambda op: op.label in LAST)
    headers = _token(demo_settings, caller)
    problems: list[str] = []
    started = time.monotonic()
    ran = sum(_fuzz(operation, headers, problems) for operation in operations)
    assert ran >= len(operations), "some operation generated no request"
    assert not problems, "\n".join(sorted(set(problems)))
    assert time.monotonic() - started < 30
