"""Schema-driven fuzzing: schemathesis generates requests from the OpenAPI document for
every operation, signed out and signed in as each demo role, against the app in-process
on a temporary database with the demo data; every answer must be what the document says
(status code, content type, body schema, headers) and none may be a server error other than
the documented 503.

Bounded (a few examples per operation and role, no deadline, derandomised so a run is
reproducible) to take seconds, not minutes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from litestar import Litestar
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.result import Ok
from schemathesis.errors import FailureGroup

from server.app import create_app
from server.auth.store import login
from server.db import connect_settings
from server.demo import DEMO_LOGINS, ensure_demo_data
from server.settings import Settings
from tests.conftest import make_settings

EXAMPLES = {GenerationMode.POSITIVE: 5, GenerationMode.NEGATIVE: 3}
"""Examples per operation and caller: valid requests, and requests the document says are
invalid (which must be refused as documented, not crash)."""
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


def _fuzz(
    operation: Any, mode: GenerationMode, headers: dict[str, str], problems: list[str]
) -> int:
    """Run up to EXAMPLES generated requests (valid ones, or ones the document says are
    invalid) against one operation; returns how many ran and appends what went wrong to
    ``problems``."""
    ran = 0

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES[mode],
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
        except FailureGroup as exc:
            problems.extend(
                f"{where}: {failure.title}: {failure.message[:400]}" for failure in exc.exceptions
            )

    try:
        run()
    except Unsatisfiable:  # nothing the document could call invalid: no parameters or body
        assert mode is GenerationMode.NEGATIVE, operation.label
    return ran


@pytest.mark.parametrize("caller", CALLERS)
def test_every_answer_is_what_the_document_says(
    demo: tuple[Settings, Litestar], caller: str
) -> None:
    demo_settings, app = demo
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app)
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operations.append(result.ok())
    assert len(operations) >= 25
    operations.sort(key=lambda op: op.label in LAST)
    headers = _token(demo_settings, caller)
    problems: list[str] = []
    ran = {
        mode: sum(_fuzz(operation, mode, headers, problems) for operation in operations)
        for mode in EXAMPLES
    }
    assert ran[GenerationMode.POSITIVE] >= len(operations), "an operation was not called"
    assert not problems, "\n".join(sorted(set(problems)))
