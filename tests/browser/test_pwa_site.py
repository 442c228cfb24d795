"""The facility's screen, by role: a failed inspection with its notes, photos and corrective
actions as the principal sees it; a fix reported offline that survives a reload and reaches
the server once; the department verifying it; and the screen offline after a restart."""

from __future__ import annotations

import hashlib
import random
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.clock import today
from server.forms.loader import load_file
from server.inspections import synthetic
from server.settings import REPO_ROOT
from tests.browser.conftest import (
    LOGINS,
    Server,
    eventually,
    install_idb_helper,
    png_bytes,
    sign_in,
)

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

PRESCHOOL = load_file(REPO_ROOT / "forms" / "preschool-safety.v2.yaml")
MANDATORY = "gate_fence_secure"
OTHER = "guard_room_at_gate"
NOTE = "Hàng rào phía sau bị sập một đoạn khoảng 3 mét."
FIX = "Đã xây lại đoạn rào bị sập, cao 1,8 m."
SCREENS = Path(__file__).parent / "screens"
REASONS = "Lý do không đạt"


def _auth(server: Server, login: tuple[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.token(login)}"}


def _facility_code(server: Server) -> str:
    r = httpx.post(
        f"{server.url}/api/auth/login",
        json={"username": LOGINS["facility"][0], "password": LOGINS["facility"][1]},
    )
    r.raise_for_status()
    return str(r.json()["user"]["facility_code"])


def seed(server: Server) -> dict[str, Any]:
    """The demo inspector syncs a failed inspection of the demo principal's preschool: two
    failed checks (one mandatory), a note and a photo on the mandatory one."""
    code = _facility_code(server)
    inspector = _auth(server, LOGINS["inspector"])
    photo = png_bytes(320, 240)
    sha = hashlib.sha256(photo).hexdigest()
    put = httpx.put(
        f"{server.url}/api/photos/{sha}",
        content=photo,
        headers={**inspector, "Content-Type": "image/png"},
    )
    assert put.status_code in (200, 201), put.text
    completed = datetime.now(UTC) - timedelta(minutes=30)
    record = synthetic.record(PRESCHOOL, code, random.Random(7), completed_at=completed)
    for item in PRESCHOOL.items():
        if item.kind == "check":
            record["answers"][item.id] = "fail" if item.id in (MANDATORY, OTHER) else "pass"
        if item.kind == "veto":
            record["answers"][item.id] = "none"
    record["id"] = str(uuid.uuid4())
    record["notes"] = {MANDATORY: NOTE}
    record["photos"] = {MANDATORY: [sha]}
    r = httpx.post(
        f"{server.url}/api/sync/inspections", json={"records": [record]}, headers=inspector
    )
    assert r.status_code == 200 and r.json()["results"][0]["outcome"] == "created", r.text
    actions = httpx.get(
        f"{server.url}/api/actions", params={"facility": code}, headers=inspector
    ).json()["items"]
    assert {a["item_id"] for a in actions} == {MANDATORY, OTHER}
    items = {i.id: i for i in PRESCHOOL.items()}
    return {"code": code, "record": record, "actions": actions, "items": items, "sha": sha}


def shoot(page: Any, name: str) -> None:
    SCREENS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def open_site(page: Any) -> Any:
    """The principal signs in and lands on its site's screen."""
    sign_in(page, LOGINS["facility"])
    page.wait_for_url("**/#/site/*")
    view = page.locator(".view-site")
    view.get_by_role("heading", name="Tình trạng an toàn của cơ sở").wait_for()
    return view


def action_id_of(seeded: dict[str, Any], item_id: str) -> int:
    """The id of the action the seeded inspection opened for a check."""
    return int(next(a["id"] for a in seeded["actions"] if a["item_id"] == item_id))


def action_card(view: Any, seeded: dict[str, Any], item_id: str) -> Any:
    return view.locator(f"li.card.action[data-action='{action_id_of(seeded, item_id)}']")


def fixes_on_server(server: Server, action_id: int) -> int:
    db = server.db()
    try:
        return int(
            db.execute(
                "SELECT count(*) FROM action_events WHERE action_id = ? AND event = 'fix_reported'",
                (action_id,),
            ).fetchone()[0]
        )
    finally:
        db.close()


def test_the_principal_sees_what_failed_why_and_what_to_fix(
    context: Any, page: Any, server: Server
) -> None:
    seeded = seed(server)
    install_idb_helper(context)
    view = open_site(page)
    items = seeded["items"]
    failed = view.locator(f"li.failed-check[data-item='{MANDATORY}']")
    failed.wait_for()
    text = view.inner_text()
    for item_id in (MANDATORY, OTHER):
        item = items[item_id]
        assert item.text.vi in text
        assert f"Căn cứ: {item.legal_ref}" in text
    # Mandatory first.
    order = view.locator("li.failed-check").evaluate_all("els => els.map(e => e.dataset.item)")
    assert order.index(MANDATORY) < order.index(OTHER)
    assert f"Ghi chú của thanh tra: {NOTE}" in failed.inner_text()
    photo = failed.get_by_role("img", name=f"Ảnh 1: {items[MANDATORY].text.vi}")
    photo.wait_for()
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0")
    reasons = view.get_by_role("list", name=REASONS).first.inner_text()
    assert f"Tiêu chí bắt buộc không đạt: {items[MANDATORY].text.vi}" in reasons
    assert "Không đạt" in view.locator(".site-status").inner_text()
    for item_id in (MANDATORY, OTHER):
        card = action_card(view, seeded, item_id)
        due = next(a["due"] for a in seeded["actions"] if a["item_id"] == item_id)
        y, m, d = due.split("-")
        assert f"Hạn khắc phục: {d}/{m}/{y}" in card.inner_text()
        assert "Chưa khắc phục" in card.inner_text()
        assert card.get_by_role("link", name="Báo đã khắc phục").count() == 1
    assert "Hạn kiểm tra tiếp theo:" in view.inner_text()
    assert view.get_by_role("button", name="Tải biên bản (PDF)").count() >= 1
    chart = view.get_by_role("img", name=re.compile("^Biểu đồ điểm theo thời gian"))
    assert chart.count() == 1
    assert "Cập nhật lúc" in page.locator(".view-site .age").inner_text()
    shoot(page, "site-facility")
    _axe_clean(page)
    assert page.errors == []


def _axe_clean(page: Any) -> None:
    pytest.importorskip("axe_playwright_python")
    from tests.browser.test_pwa_quality import _axe, _fits, _small_targets

    problems = _axe(page) + _small_targets(page) + ([] if _fits(page) else ["wider than 360 px"])
    assert problems == []


def test_a_fix_reported_offline_reaches_the_server_once(
    context: Any, page: Any, server: Server
) -> None:
    seeded = seed(server)
    install_idb_helper(context)
    view = open_site(page)
    card = action_card(view, seeded, MANDATORY)
    card.wait_for()
    action_id = action_id_of(seeded, MANDATORY)
    card.locator("a.action-link").click()
    page.locator(".view-site .facts").wait_for()
    shoot(page, "action-detail-facility")

    context.set_offline(True)
    page.get_by_role("link", name="Báo đã khắc phục").click()
    page.get_by_label("Đã khắc phục những gì").fill(FIX)
    page.get_by_label("Chụp hoặc chọn ảnh").set_input_files(
        {"name": "rao.png", "mimeType": "image/png", "buffer": png_bytes(400, 300)}
    )
    page.get_by_role("img", name="Ảnh khắc phục 1").wait_for()
    shoot(page, "fix-form")
    _axe_clean(page)
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.get_by_text("Đang chờ gửi").first.wait_for()
    stored = eventually(page, "async () => (await window.__idb('fixes'))")
    assert len(stored) == 1 and stored[0]["status"] in ("queued", "sending")
    assert stored[0]["description"] == FIX and len(stored[0]["photos"]) == 1

    # Reloaded offline: the report is still waiting, the screen renders from the phone.
    page.goto(f"/#/site/{seeded['code']}")
    page.reload()
    view = page.locator(".view-site")
    view.locator(".age").wait_for()
    assert "Cập nhật lúc" in view.locator(".age").inner_text()
    view.get_by_text("Đang ngoại tuyến: hiển thị dữ liệu đã tải lần trước.").wait_for()
    card = action_card(view, seeded, MANDATORY)
    assert "Đang chờ gửi" in card.inner_text()
    assert fixes_on_server(server, action_id) == 0

    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    eventually(page, "async () => (await window.__idb('fixes'))[0].status === 'sent'")
    card = action_card(page.locator(".view-site"), seeded, MANDATORY)
    eventually(
        page,
        f"() => /Đã báo khắc phục/.test(document.querySelector("
        f"\"li.card.action[data-action='{action_id}']\")?.innerText || '')",
    )
    assert "Đang chờ gửi" not in card.inner_text()
    # Send again (as after a lost answer): still one report on the server.
    page.evaluate(
        """async () => { const s = await import('/js/store.js');
        const [f] = await s.all('fixes'); f.status = 'queued'; await s.putFix(f);
        const o = await import('/js/outbox.js'); await o.syncOnce(); }"""
    )
    eventually(page, "async () => (await window.__idb('fixes'))[0].status === 'sent'")
    assert fixes_on_server(server, action_id) == 1
    history = httpx.get(
        f"{server.url}/api/actions/{action_id}", headers=_auth(server, LOGINS["inspector"])
    ).json()["history"]
    reported = [e for e in history if e["event"] == "fix_reported"]
    assert len(reported) == 1 and reported[0]["note"] == FIX and len(reported[0]["photos"]) == 1
    assert page.errors == []


def test_a_fix_sent_from_its_screen_shows_on_the_site_offline(
    context: Any, page: Any, server: Server
) -> None:
    """Reported online from the action's own screen, then offline: the site's list, whose
    copy is older than the report, says the fix was reported and offers no second report."""
    seeded = seed(server)
    install_idb_helper(context)
    view = open_site(page)
    action_card(view, seeded, MANDATORY).locator("a.action-link").click()
    page.locator(".view-site .facts").wait_for()
    page.get_by_role("link", name="Báo đã khắc phục").click()
    page.get_by_label("Đã khắc phục những gì").fill(FIX)
    page.get_by_role("button", name="Gửi báo cáo").click()
    eventually(page, "async () => (await window.__idb('fixes'))[0]?.status === 'sent'")

    context.set_offline(True)
    for _ in ("back to the list", "the app opened again"):
        page.goto(f"/#/site/{seeded['code']}")
        page.reload()
        view = page.locator(".view-site")
        view.get_by_text("Đang ngoại tuyến: hiển thị dữ liệu đã tải lần trước.").wait_for()
        card = action_card(view, seeded, MANDATORY)
        expect(card.locator(".pills")).to_contain_text("Đã báo khắc phục")
        expect(card.get_by_role("link", name=re.compile("^Báo đã khắc phục"))).to_have_count(0)
    assert fixes_on_server(server, action_id_of(seeded, MANDATORY)) == 1


def test_a_fix_sent_while_another_screen_is_open_shows_on_the_site_offline(
    context: Any, page: Any, server: Server
) -> None:
    """Reported offline, sent by the outbox while the settings are open (neither the site's
    nor the action's screen downloads anything), then offline again: the list says the fix
    was reported, from the server's answer to the report."""
    seeded = seed(server)
    install_idb_helper(context)
    view = open_site(page)
    context.set_offline(True)
    action_card(view, seeded, MANDATORY).get_by_role("link", name="Báo đã khắc phục").click()
    page.get_by_label("Đã khắc phục những gì").fill(FIX)
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.get_by_role("link", name="Cài đặt").click()
    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    eventually(page, "async () => (await window.__idb('fixes'))[0]?.status === 'sent'")

    context.set_offline(True)
    page.goto(f"/#/site/{seeded['code']}")
    page.reload()
    card = action_card(page.locator(".view-site"), seeded, MANDATORY)
    expect(card.locator(".pills")).to_contain_text("Đã báo khắc phục")
    expect(card.get_by_role("link", name=re.compile("^Báo đã khắc phục"))).to_have_count(0)


def test_the_department_verifies_and_the_principal_sees_it(
    browser: Any, context: Any, page: Any, server: Server
) -> None:
    from tests.browser.conftest import CONTEXT_OPTIONS

    seeded = seed(server)
    action_id = action_id_of(seeded, MANDATORY)
    r = httpx.post(
        f"{server.url}/api/actions/{action_id}/fix",
        json={"client_id": str(uuid.uuid4()), "description": FIX, "photos": []},
        headers=_auth(server, LOGINS["facility"]),
    )
    assert r.status_code == 200, r.text

    install_idb_helper(context)
    sign_in(page, LOGINS["department"])
    page.locator(".view-province").wait_for()
    name = httpx.get(
        f"{server.url}/api/compliance/facilities/{seeded['code']}",
        headers=_auth(server, LOGINS["department"]),
    ).json()["facility"]["name"]
    site = page.get_by_role("link", name=name)
    while site.count() == 0 and page.get_by_role("button", name="Xem thêm").is_visible():
        page.get_by_role("button", name="Xem thêm").click()
        page.wait_for_timeout(300)
    site.first.click()
    view = page.locator(".view-site")
    card = action_card(view, seeded, MANDATORY)
    card.wait_for()
    assert "Đã báo khắc phục" in card.inner_text()
    assert card.get_by_role("link", name="Báo đã khắc phục").count() == 0
    card.locator("a.action-link").click()
    page.get_by_role("button", name="Xác nhận đã khắc phục").wait_for()
    page.locator(".view-site ol.events").get_by_text(FIX).wait_for()
    shoot(page, "action-detail-department")
    _axe_clean(page)

    # Offline, a decision waits and what was typed stays.
    context.set_offline(True)
    page.get_by_label("Ghi chú (không bắt buộc)").fill("Đã kiểm tra tại chỗ.")
    page.get_by_role("button", name="Xác nhận đã khắc phục").click()
    page.get_by_text("Cần kết nối mạng để gửi quyết định này").wait_for()
    assert page.get_by_label("Ghi chú (không bắt buộc)").input_value() == "Đã kiểm tra tại chỗ."
    context.set_offline(False)
    page.get_by_role("button", name="Xác nhận đã khắc phục").click()
    page.locator(".view-site .facts").get_by_text("Đã xác nhận").wait_for()
    state = httpx.get(
        f"{server.url}/api/actions/{action_id}", headers=_auth(server, LOGINS["department"])
    ).json()["state"]
    assert state == "verified"

    facility = browser.new_context(base_url=server.url, **CONTEXT_OPTIONS)
    try:
        fpage = facility.new_page()
        install_idb_helper(facility)
        fview = open_site(fpage)
        fcard = action_card(fview, seeded, MANDATORY)
        fcard.wait_for()
        eventually(
            fpage,
            f"() => /Đã xác nhận/.test(document.querySelector("
            f"\"li.card.action[data-action='{action_id}']\")?.innerText || '')",
        )
    finally:
        facility.close()
    assert page.errors == []


def test_the_screen_renders_offline_after_a_restart(persistent: Any, server: Server) -> None:
    seeded = seed(server)
    ctx = persistent()
    install_idb_helper(ctx)
    page = ctx.pages[0] if ctx.pages else ctx.new_page()
    view = open_site(page)
    view.locator(f"li.failed-check[data-item='{MANDATORY}'] img").wait_for()
    ctx.close()

    ctx = persistent()
    install_idb_helper(ctx)
    ctx.set_offline(True)
    page = ctx.pages[0] if ctx.pages else ctx.new_page()
    page.goto("/")
    page.wait_for_url("**/#/site/*")
    view = page.locator(".view-site")
    failed = view.locator(f"li.failed-check[data-item='{MANDATORY}']")
    failed.wait_for()
    assert f"Ghi chú của thanh tra: {NOTE}" in failed.inner_text()
    failed.get_by_role("img").first.wait_for()
    assert "Cập nhật lúc" in view.locator(".age").inner_text()
    assert action_card(view, seeded, OTHER).count() == 1


def test_a_refused_report_is_kept_with_the_servers_words(
    context: Any, page: Any, server: Server
) -> None:
    seeded = seed(server)
    install_idb_helper(context)
    view = open_site(page)
    action_id = action_id_of(seeded, OTHER)
    refusal = {"error": {"code": "action.closed", "message": "Yêu cầu đã đóng", "details": []}}
    page.route(
        "**/api/actions/*/fix",
        lambda route: route.fulfill(status=409, json=refusal),
    )
    action_card(view, seeded, OTHER).get_by_role("link", name="Báo đã khắc phục").click()
    page.get_by_label("Đã khắc phục những gì").fill(FIX)
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.get_by_text("Chưa gửi được: Yêu cầu đã đóng").first.wait_for()
    [kept] = eventually(page, "async () => (await window.__idb('fixes'))")
    assert kept["status"] == "attention" and kept["error"]["code"] == "action.closed"
    page.goto("/#/outbox")
    card = page.locator(f"li.card.fix[data-fix='{kept['id']}']")
    assert "Cần xử lý" in card.inner_text() and "Yêu cầu đã đóng" in card.inner_text()
    assert fixes_on_server(server, action_id) == 0

    page.unroute("**/api/actions/*/fix")
    card.get_by_role("link", name="Xem yêu cầu").click()
    page.get_by_role("button", name="Gửi lại").click()
    eventually(page, "async () => (await window.__idb('fixes'))[0].status === 'sent'")
    assert fixes_on_server(server, action_id) == 1


def test_an_inspector_opens_the_site_from_the_facility_page(
    context: Any, page: Any, server: Server
) -> None:
    seeded = seed(server)
    install_idb_helper(context)
    sign_in(page)
    page.goto(f"/#/facility/{seeded['code']}")
    page.get_by_role("link", name="Xem kết quả và yêu cầu khắc phục").click()
    page.wait_for_url(f"**/#/site/{seeded['code']}")
    view = page.locator(".view-site")
    view.locator(f"li.failed-check[data-item='{MANDATORY}']").wait_for()
    card = action_card(view, seeded, OTHER)
    assert card.get_by_role("link", name="Báo đã khắc phục").count() == 0  # not the facility
    card.locator("a.action-link").click()
    # An open action: verify or move the due date; reopening is for a reported fix.
    page.get_by_role("button", name="Xác nhận đã khắc phục").wait_for()
    page.locator(".decisions summary", has_text="Đổi hạn").click()
    yesterday = today() - timedelta(days=1)
    page.get_by_label("Hạn mới").fill(yesterday.strftime("%d/%m/%Y"))
    page.get_by_label("Lý do đổi hạn").fill("Nhập nhầm ngày")
    page.get_by_role("button", name="Đổi hạn").click()
    page.get_by_text("Hạn mới đã qua; hãy chọn từ hôm nay trở đi.").wait_for()
    page.get_by_label("Lý do đổi hạn").fill("")
    page.get_by_label("Hạn mới").fill("15/01/2027")
    page.get_by_role("button", name="Đổi hạn").click()
    page.get_by_text("Hãy ghi lý do.").wait_for()
    page.get_by_label("Lý do đổi hạn").fill("Chờ kinh phí sửa chữa")
    page.get_by_role("button", name="Đổi hạn").click()
    page.locator(".view-site .facts").get_by_text("15/01/2027").wait_for()
    assert page.get_by_role("button", name="Mở lại").is_hidden()
    assert page.errors == []


def test_every_action_shows_however_many_pages_they_take(
    context: Any, page: Any, server: Server
) -> None:
    seeded = seed(server)

    # The server's pages cut to 1 row: the site's two actions take two pages, as a site's
    # would past the real page size, and both must be asked for.
    def small_pages(route: Any) -> None:
        route.continue_(url=re.sub(r"per_page=\d+", "per_page=1", route.request.url))

    install_idb_helper(context)
    context.route("**/api/actions?*", small_pages)
    view = open_site(page)
    for item_id in (MANDATORY, OTHER):
        action_card(view, seeded, item_id).wait_for()
