"""The facility's report of a fix, by role: a double tap sends one report."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.browser.conftest import LOGINS, Server, eventually, install_idb_helper
from tests.browser.test_pwa_site import (
    FIX,
    MANDATORY,
    _auth,
    action_card,
    fixes_on_server,
    open_site,
    seed,
)

pytestmark = pytest.mark.browser

ALL_SENT = (
    "async () => { const f = await window.__idb('fixes');"
    " return f.length > 0 && f.every(x => x.status === 'sent'); }"
)


def reported(server: Server, action_id: int) -> list[dict[str, Any]]:
    """The action's fix_reported events, as the server's history shows them."""
    history = httpx.get(
        f"{server.url}/api/actions/{action_id}", headers=_auth(server, LOGINS["inspector"])
    ).json()["history"]
    return [e for e in history if e["event"] == "fix_reported"]


def test_a_double_tap_on_send_reports_the_fix_once(context: Any, page: Any, server: Server) -> None:
    seeded = seed(server)
    install_idb_helper(context)
    view = open_site(page)
    action_id = next(a["id"] for a in seeded["actions"] if a["item_id"] == MANDATORY)
    action_card(view, seeded, MANDATORY).get_by_role("link", name="Báo đã khắc phục").click()
    page.get_by_label("Đã khắc phục những gì").fill(FIX)
    page.get_by_role("button", name="Gửi báo cáo").dblclick()
    eventually(page, ALL_SENT)
    page.wait_for_timeout(1000)  # a second report would be stored and sent by now
    eventually(page, ALL_SENT)
    assert len(page.evaluate("async () => await window.__idb('fixes')")) == 1
    assert fixes_on_server(server, action_id) == 1
    assert len(reported(server, action_id)) == 1
    assert page.errors == []
