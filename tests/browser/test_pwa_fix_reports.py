"""The facility's report of a fix, by role: a double tap sends one report; the description
stops at the server's limit; a report the server refuses for good is corrected and sent, or
discarded, from the action's screen; a fix waits for the sign-in of the account that made it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.browser.conftest import LOGINS, Server, eventually, install_idb_helper, sign_in
from tests.browser.test_pwa_site import (
    FIX,
    MANDATORY,
    OTHER,
    _auth,
    action_card,
    action_id_of,
    fixes_on_server,
    open_site,
    seed,
    shoot,
)

pytestmark = pytest.mark.browser

LIMIT = 2000  # the server's longest description of a fix (FixReport.description)
REFUSAL = {
    "error": {
        "code": "request.invalid",
        "message": "Expected `str` of length <= 2000 - at `$.description`",
        "details": [],
    }
}
FIXES = "async () => await window.__idb('fixes')"
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
    action_id = action_id_of(seeded, MANDATORY)
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


def test_the_description_stops_at_the_servers_limit(
    context: Any, page: Any, server: Server
) -> None:
    seeded = seed(server)
    install_idb_helper(context)
    view = open_site(page)
    action_id = action_id_of(seeded, MANDATORY)
    action_card(view, seeded, MANDATORY).get_by_role("link", name="Báo đã khắc phục").click()
    text = page.get_by_label("Đã khắc phục những gì")
    text.fill("Nhà trường đã xây lại hàng rào và lắp cổng mới. " * 50)
    assert len(text.input_value()) == LIMIT
    page.get_by_role("button", name="Gửi báo cáo").click()
    eventually(page, ALL_SENT)
    [event] = reported(server, action_id)
    assert 0 < len(event["note"]) <= LIMIT
    assert page.errors == []


def refuse_a_report(page: Any, view: Any, seeded: dict[str, Any], item_id: str) -> Any:
    """The facility reports a fix that the server refuses for good (400 request.invalid);
    returns the action's screen showing the refusal."""
    page.route("**/api/actions/*/fix", lambda route: route.fulfill(status=400, json=REFUSAL))
    action_card(view, seeded, item_id).get_by_role("link", name="Báo đã khắc phục").click()
    page.get_by_label("Đã khắc phục những gì").fill(FIX)
    page.get_by_role("button", name="Gửi báo cáo").click()
    screen = page.locator(".action-body")
    screen.get_by_text("Chưa gửi được: Expected `str`").first.wait_for()
    page.unroute("**/api/actions/*/fix")
    assert screen.get_by_role("link", name="Báo đã khắc phục").count() == 0
    return screen


def test_a_refused_report_is_edited_and_sent(context: Any, page: Any, server: Server) -> None:
    seeded = seed(server)
    install_idb_helper(context)
    view = open_site(page)
    action_id = action_id_of(seeded, MANDATORY)
    screen = refuse_a_report(page, view, seeded, MANDATORY)
    shoot(page, "fix-refused")

    screen.get_by_role("link", name="Sửa báo cáo").click()
    text = page.get_by_label("Đã khắc phục những gì")
    assert text.input_value() == FIX  # what was typed is kept
    text.fill(FIX + " Có ảnh kèm theo.")
    page.get_by_role("button", name="Gửi báo cáo").click()
    eventually(page, ALL_SENT)
    assert len(page.evaluate(FIXES)) == 1
    [event] = reported(server, action_id)
    assert event["note"] == FIX + " Có ảnh kèm theo."
    assert page.errors == []


def test_a_refused_report_is_discarded_after_a_confirmation(
    context: Any, page: Any, server: Server
) -> None:
    seeded = seed(server)
    install_idb_helper(context)
    view = open_site(page)
    action_id = action_id_of(seeded, OTHER)
    screen = refuse_a_report(page, view, seeded, OTHER)

    screen.get_by_role("button", name="Bỏ báo cáo").click()
    page.get_by_role("dialog").get_by_role("button", name="Hủy").click()
    assert len(page.evaluate(FIXES)) == 1  # cancelled: still kept
    screen.get_by_role("button", name="Bỏ báo cáo").click()
    page.get_by_role("dialog").get_by_role("button", name="Bỏ báo cáo").click()
    screen.get_by_role("link", name="Báo đã khắc phục").wait_for()
    assert "Chưa gửi được" not in screen.inner_text()
    assert page.evaluate(FIXES) == []
    assert page.locator("#badge").is_hidden()
    assert fixes_on_server(server, action_id) == 0
    assert page.errors == []


def sign_out(page: Any) -> None:
    page.get_by_role("link", name="Cài đặt").click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_role("dialog").get_by_role("button", name="Đăng xuất").click()
    page.get_by_label("Mật khẩu").wait_for()


# When a sync round last reached the server with a usable session.
LAST_OK = (
    "async () => ((await window.__idb('meta')).find(m => m.key === 'sync') || {})"
    ".value?.last_ok_at || ''"
)


def test_a_fix_waits_for_its_accounts_sign_in(context: Any, page: Any, server: Server) -> None:
    seeded = seed(server)
    install_idb_helper(context)
    view = open_site(page)
    action_id = action_id_of(seeded, MANDATORY)
    context.set_offline(True)
    action_card(view, seeded, MANDATORY).get_by_role("link", name="Báo đã khắc phục").click()
    page.get_by_label("Đã khắc phục những gì").fill(FIX)
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.locator(".action-body").get_by_text("Đang chờ gửi").first.wait_for()
    sign_out(page)

    # The department signs in online on the same phone: the facility's fix stays put.
    context.set_offline(False)
    before = page.evaluate(LAST_OK)
    sign_in(page, LOGINS["department"])
    eventually(page, f"async () => (await ({LAST_OK})()) > {before!r}")
    [kept] = page.evaluate(FIXES)
    assert kept["status"] == "queued" and not kept.get("error")
    assert fixes_on_server(server, action_id) == 0
    page.goto("/#/outbox")  # no tab for the department: the outbox is reached by address
    card = page.get_by_role("listitem").filter(has_text=f"Khắc phục: {FIX}")
    card.get_by_text(f"Sẽ được gửi khi {LOGINS['facility'][0]} đăng nhập.").wait_for()
    shoot(page, "outbox-fix-of-another-account")
    sign_out(page)

    # The facility signs in again: its fix is sent, once.
    sign_in(page, LOGINS["facility"])
    eventually(page, ALL_SENT)
    assert fixes_on_server(server, action_id) == 1
    assert len(reported(server, action_id)) == 1
    assert page.errors == []
