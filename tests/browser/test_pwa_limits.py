"""The app takes its limits from the server (GET /api/limits), not from copies of its own:
a server with other settings than the defaults is obeyed once the phone has heard it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser.conftest import Server, eventually, install_idb_helper, sign_in

pytestmark = pytest.mark.browser

SETTINGS = {"SAFESCHOOL_SYNC_MAX_RECORDS": "7", "SAFESCHOOL_PHOTO_MAX_BYTES": "123456"}


@pytest.fixture
def server(data_dir: Path) -> Iterator[Server]:
    s = Server(data_dir, env=SETTINGS)
    s.start()
    yield s
    s.stop()


def test_the_app_uses_the_limits_the_server_sends(context: Any, server: Server) -> None:
    install_idb_helper(context)
    page = context.new_page()
    served = httpx.get(
        server.url + "/api/limits", headers={"Authorization": f"Bearer {server.token()}"}
    ).json()
    assert served["sync_max_records"] == 7 and served["photo_max_bytes"] == 123456

    page.goto("/")
    before = page.evaluate("async () => (await import('/js/limits.js')).limits()")
    assert before["sync_max_records"] == 50  # the built-in default, before any answer

    sign_in(page)
    eventually(page, "async () => (await window.__idb('meta')).some(m => m.key === 'limits')")
    used = page.evaluate("async () => (await import('/js/limits.js')).limits()")
    assert used == served
