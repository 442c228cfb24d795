"""The whole follow-up loop, by role and label: an inspector fails two checks offline and sets
a due date, the phone restarts before it syncs; the principal sees both actions, reports one
fix with a photo offline, loses its session on the way and signs in again; the inspector
verifies it; the department sees one open and one verified; a re-inspection that passes the
other check closes it. Nothing is lost on the way."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from server.clock import today
from tests.browser.conftest import (
    CONTEXT_OPTIONS,
    LOGINS,
    Server,
    eventually,
    fill_checklist,
    install_idb_helper,
    png_bytes,
    sign_in,
    start_inspection,
    wait_for_status,
)
from tests.browser.test_pwa_follow_up import failing_checks
from tests.browser.test_pwa_journeys import complete
from tests.browser.test_pwa_site import FIX, _auth, _facility_code, fixes_on_server

pytestmark = pytest.mark.browser


def actions(server: Server, code: str) -> dict[str, dict[str, Any]]:
    found = httpx.get(
        f"{server.url}/api/actions",
        params={"facility": code},
        headers=_auth(server, LOGINS["department"]),
    ).json()["items"]
    return {a["item_id"]: a for a in found}


def card(page: Any, action_id: int) -> Any:
    return page.locator(f".view-site li.card.action[data-action='{action_id}']")


def shows(page: Any, action_id: int, text: str) -> None:
    eventually(
        page,
        f"() => document.querySelector(\"li.card.action[data-action='{action_id}']\")"
        f"?.innerText.includes({text!r})",
    )


def test_failed_check_to_verified_fix(browser: Any, server: Server, persistent: Any) -> None:
    code = _facility_code(server)

    # 1. The inspector, offline: two failed checks, a due date; the phone restarts.
    inspector = persistent()
    install_idb_helper(inspector)
    ipage = inspector.pages[0] if inspector.pages else inspector.new_page()
    sign_in(ipage)
    inspector.set_offline(True)
    start_inspection(ipage, code)
    (first, first_text), (second, _) = failing_checks(ipage, 2)
    fill_checklist(ipage, fail=(first, second))
    due_day = today() + timedelta(days=12)
    due = due_day.isoformat()
    section = ipage.get_by_role("region", name="Yêu cầu khắc phục")
    section.get_by_label(f"Hạn khắc phục: {first_text}").fill(due_day.strftime("%d/%m/%Y"))
    complete(ipage)
    inspector.close()
    inspector = persistent()
    install_idb_helper(inspector)
    ipage = inspector.pages[0] if inspector.pages else inspector.new_page()
    ipage.goto("/#/outbox")
    wait_for_status(ipage, "received")
    opened = actions(server, code)
    assert opened[first]["due"] == due and opened[second]["state"] == "open"

    # 2. The principal sees both, reports one fix offline; its session is revoked meanwhile.
    facility = browser.new_context(base_url=server.url, **CONTEXT_OPTIONS)
    install_idb_helper(facility)
    fpage = facility.new_page()
    sign_in(fpage, LOGINS["facility"])
    fpage.wait_for_url("**/#/site/*")
    for item in (first, second):
        card(fpage, opened[item]["id"]).wait_for()
    facility.set_offline(True)
    card(fpage, opened[first]["id"]).get_by_role("link", name="Báo đã khắc phục").click()
    fpage.get_by_label("Đã khắc phục những gì").fill(FIX)
    fpage.get_by_label("Chụp hoặc chọn ảnh").set_input_files(
        {"name": "sua.png", "mimeType": "image/png", "buffer": png_bytes(400, 300)}
    )
    fpage.get_by_role("img", name="Ảnh khắc phục 1").wait_for()
    fpage.get_by_role("button", name="Gửi báo cáo").click()
    fpage.get_by_text("Đang chờ gửi").first.wait_for()
    fpage.reload()
    fpage.get_by_text("Đang chờ gửi").first.wait_for()
    admin = _auth(server, LOGINS["admin"])
    users = httpx.get(f"{server.url}/api/users", headers=admin).json()
    principal = next(u for u in users if u["username"] == LOGINS["facility"][0])
    revoked = httpx.post(f"{server.url}/api/users/{principal['id']}/revoke-sessions", headers=admin)
    assert revoked.status_code == 200
    facility.set_offline(False)
    fpage.evaluate("() => window.dispatchEvent(new Event('online'))")
    again = fpage.get_by_role("link", name="Đăng nhập lại")  # asked to sign in again
    again.wait_for(timeout=30000)
    assert fixes_on_server(server, opened[first]["id"]) == 0
    again.click()
    fpage.get_by_label("Mật khẩu").fill(LOGINS["facility"][1])
    if fpage.get_by_label("Tên đăng nhập").input_value() == "":
        fpage.get_by_label("Tên đăng nhập").fill(LOGINS["facility"][0])
    fpage.get_by_role("button", name="Đăng nhập").click()
    deadline_ok = eventually(
        fpage,
        "async () => (await window.__idb('fixes')).every(f => f.status === 'sent')",
        timeout=40,
    )
    assert deadline_ok
    assert fixes_on_server(server, opened[first]["id"]) == 1

    # 3. The inspector verifies the reported fix.
    ipage.goto(f"/#/site/{code}")
    card(ipage, opened[first]["id"]).locator("a.action-link").click()
    ipage.get_by_role("button", name="Xác nhận đã khắc phục").click()
    ipage.locator(".view-site .facts").get_by_text("Đã xác nhận").wait_for()

    # 4. The department: one verified, one open.
    states = {item: a["state"] for item, a in actions(server, code).items()}
    assert states == {first: "verified", second: "open"}

    # 5. A re-inspection that passes the other check closes it, by itself.
    start_inspection(ipage, code)
    fill_checklist(ipage)
    complete(ipage)
    wait_for_status(ipage, "received", count=2)
    after = actions(server, code)
    assert after[second]["state"] == "verified"
    events = httpx.get(
        f"{server.url}/api/actions/{after[second]['id']}",
        headers=_auth(server, LOGINS["department"]),
    ).json()["history"]
    assert [e["event"] for e in events] == ["opened", "verified_by_inspection"]
    fpage.goto(f"/#/site/{code}")
    fpage.reload()
    for item in (first, second):
        shows(fpage, after[item]["id"], "Đã xác nhận")
    facility.close()
