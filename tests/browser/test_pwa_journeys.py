"""The inspector's journeys on a phone-sized Chromium against a real server process:
offline work, restarts, app updates, a failing or unreachable server, lost responses,
expired sessions, conflicts and rejections. Nothing on the phone may be lost or sent twice."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser.conftest import (
    CHECK,
    INSPECTOR,
    PWA,
    Server,
    cli,
    draw_on,
    eventually,
    expect_text,
    fill_checklist,
    find_new_version,
    inspections,
    install_idb_helper,
    nth_item,
    open_pad,
    png_bytes,
    service_worker_registration,
    show_item,
    sign_in,
    start_inspection,
    wait_for_status,
)

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

PRESCHOOL = "TQ-PRE-001"  # preschool-safety: has a photo item
AFTER_HOURS = "TQ-AFT-001"  # the shortest checklist


def complete(page: Any) -> None:
    page.locator("#complete").click()
    page.get_by_role("dialog").get_by_role("button", name="Hoàn thành phiếu").click()
    page.wait_for_url("**/#/outbox")


def one_completed(page: Any, code: str = AFTER_HOURS, **fill: Any) -> str:
    iid = start_inspection(page, code)
    fill_checklist(page, **fill)
    complete(page)
    return iid


def test_whole_journey_offline(context: Any, page: Any, server: Server) -> None:
    install_idb_helper(context)
    sign_in(page)
    context.set_offline(True)
    page.reload()
    page.get_by_role("heading", name="Chọn cơ sở").wait_for()
    iid = start_inspection(page, PRESCHOOL)
    # One location control: the checklist's location item, which stamps the inspection too.
    assert page.get_by_role("button", name="Lấy vị trí hiện tại").count() == 1
    location = page.locator(".item.kind-location")
    location.get_by_role("button", name="Lấy vị trí hiện tại").click()
    expect_text(location.locator("output"), "21,82330")
    fill_checklist(page, fail=("hotline_111_materials",), photo=png_bytes(2400, 1800))
    preview = page.locator(".summary .score").inner_text()
    complete(page)
    card = page.locator(f"li.card[data-id='{iid}']")
    expect_text(card.locator("[data-state]"), "Chỉ có trên máy này")
    expect(page.locator("#badge")).to_have_text("1")
    # Completing starts a send; offline it fails and puts the record back in the queue.
    [record] = wait_for_status(page, "queued")
    assert record["id"] == iid
    # The poster photo and the signatures (the same drawing on two pads is one photo).
    rec = record["record"]
    signed = {rec["answers"].get(k) for k in ("representative_signature", "inspector_signature")}
    team = {m.get("signature") for m in rec.get("team") or []}
    expected = {*rec["answers"]["hotline_111_poster_photo"], *signed, *team} - {None}
    assert set(record["photo_hashes"]) == expected and len(expected) >= 2
    assert record["record"]["answers"]["hotline_111_poster_photo"]
    assert "photos" not in record["record"]  # no evidence: the record is as it always was
    assert record["record"]["location"] == {"lat": 21.8233, "lon": 105.2147, "accuracy": 12}
    [photo_hash] = record["record"]["answers"]["hotline_111_poster_photo"]
    reduced = page.evaluate(
        """async (hash) => {
          const photo = (await window.__idb('photos')).find(p => p.hash === hash);
          const bitmap = await createImageBitmap(photo.blob);
          return [photo.type, bitmap.width, bitmap.height, photo.size];
        }""",
        photo_hash,
    )
    assert reduced[:3] == ["image/jpeg", 1600, 1200] and reduced[3] < 3_000_000
    assert not page.errors

    assert server.has_sync(), "POST /api/sync/inspections must answer"
    context.set_offline(False)
    [received] = wait_for_status(page, "received")
    assert received["receipt"]["score_display"] == received["preview"]["score_display"]
    assert received["preview"]["score_display"].replace(".", ",") in preview  # "96,3"
    expect_text(card, "Máy chủ đã nhận lúc")
    eventually(page, "async () => (await window.__idb('photos')).every(p => p.uploaded)")
    assert server.stored_copies(iid) == 1
    token = server.token()
    for photo_hash in received["photo_hashes"]:
        r = httpx.head(
            f"{server.url}/api/photos/{photo_hash}", headers={"Authorization": f"Bearer {token}"}
        )
        assert r.status_code == 200
    eventually(
        page, "() => !document.querySelector('#badge') || document.querySelector('#badge').hidden"
    )


def reopen_draft(persistent: Any, iid: str) -> Any:
    """Start the browser again on its profile and open the draft from the drafts list, as
    the inspector would; the page."""
    ctx = persistent()
    install_idb_helper(ctx)
    page = ctx.pages[0] if ctx.pages else ctx.new_page()
    page.goto("/#/drafts")
    page.locator("ul.drafts a.card").first.click()
    page.wait_for_url(f"**/#/inspection/{iid}")
    return page


def test_browser_restart_mid_draft(persistent: Any, server: Server) -> None:
    ctx = persistent()
    install_idb_helper(ctx)
    page = ctx.pages[0] if ctx.pages else ctx.new_page()
    sign_in(page)
    iid = start_inspection(page, AFTER_HOURS)
    first_check = nth_item(page)
    first_check.locator(".opt-fail").click()
    first_id = first_check.get_attribute("data-item")
    text = nth_item(page, ".item.kind-text:not([hidden])").locator("textarea")
    text.fill("Cửa thoát hiểm bị khóa")
    text_id = text.locator("xpath=ancestor::*[@data-item]").get_attribute("data-item")
    second = nth_item(page, CHECK, 1)
    second_id = second.get_attribute("data-item")
    second.locator("button.tool-note").click()
    second.locator(".note textarea").fill("Thiếu biển báo")
    # Each answer and keystroke is one IndexedDB transaction, committed within moments.
    eventually(
        page,
        "async ([id, item]) => (await window.__idb('inspections')).find(i => i.id === id).notes[item]",  # noqa: E501
        arg=[iid, second_id],
    )
    ctx.close()

    page = reopen_draft(persistent, iid)
    assert page.locator(f"#item-{first_id} .opt-fail input").is_checked()
    [draft] = [i for i in inspections(page) if i["id"] == iid]
    assert draft["answers"][first_id] == "fail"
    assert draft["answers"][text_id] == "Cửa thoát hiểm bị khóa"
    assert draft["notes"][second_id] == "Thiếu biển báo"
    assert page.locator(f"#item-{text_id} textarea").input_value() == "Cửa thoát hiểm bị khóa"
    assert page.locator(f"#item-{second_id} .note textarea").input_value() == "Thiếu biển báo"


def kill_chromium(profile: Path) -> int:
    """SIGKILL every Chromium process of this profile, as a phone's OS kills an app; the
    number killed."""
    killed = 0
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:  # gone, or not a process
            continue
        if f"--user-data-dir={profile}".encode() in cmdline:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(proc.name), signal.SIGKILL)
                killed += 1
    return killed


def test_answers_committed_survive_the_browser_being_killed(
    persistent: Any, server: Server, tmp_path: Path
) -> None:
    """Answers are written with relaxed durability (handed to the OS, not flushed): a
    SIGKILL of the whole browser right after the commits must not lose one."""
    ctx = persistent()
    install_idb_helper(ctx)
    page = ctx.pages[0] if ctx.pages else ctx.new_page()
    sign_in(page)
    iid = start_inspection(page, AFTER_HOURS)
    checks = page.locator(CHECK)
    ids = [str(checks.nth(n).get_attribute("data-item")) for n in range(4)]
    for n in range(4):
        nth_item(page, CHECK, n).locator(".opt-fail" if n % 2 else ".opt-pass").click()
    # The moment the app counts an answer as committed (bench/pwa_perf.py reads it too).
    eventually(
        page, "() => performance.getEntriesByName('safeschool:answer-persisted').length >= 4"
    )
    assert kill_chromium(tmp_path / "profile") > 0
    with contextlib.suppress(Exception):  # its browser is gone
        ctx.close()

    page = reopen_draft(persistent, iid)
    [draft] = [i for i in inspections(page) if i["id"] == iid]
    assert [draft["answers"].get(i) for i in ids] == ["pass", "fail", "pass", "fail"]
    assert page.locator(f"#item-{ids[1]} .opt-fail input").is_checked()
    # Going to the background flushes them to disk with one strict transaction.
    page.evaluate(
        """() => {
          const hidden = { value: "hidden", configurable: true };
          Object.defineProperty(document, "visibilityState", hidden);
          document.dispatchEvent(new Event("visibilitychange"));
        }"""
    )
    eventually(page, "async () => (await window.__idb('meta')).some(m => m.key === 'flushed_at')")


def test_new_version_keeps_draft_and_outbox(browser: Any, data_dir: Path, tmp_path: Path) -> None:
    from tests.browser.conftest import CONTEXT_OPTIONS

    app = tmp_path / "pwa"
    shutil.copytree(PWA, app)
    server = Server(data_dir, pwa_dir=app)
    server.start()
    try:
        ctx = browser.new_context(base_url=server.url, **CONTEXT_OPTIONS)
        install_idb_helper(ctx)
        page = ctx.new_page()
        sign_in(page)
        ctx.set_offline(True)
        done_id = one_completed(page)
        draft_id = start_inspection(page, "TQ-AFT-002")
        nth_item(page).locator(".opt-pass").click()
        ctx.set_offline(False)

        # Deploy a new version: a visible change, restamped like a real release.
        import sys

        sys.path.insert(0, str(PWA / "tools"))
        import stamp

        css = app / "app.css"
        css.write_text(css.read_text() + "\n.brand { letter-spacing: 0.01em; }\n")
        stamp.stamp(app)
        new_version = stamp.version(app)
        find_new_version(page)
        page.locator("#update-banner").wait_for(timeout=20000)
        assert "Có phiên bản mới" in page.locator("#update-banner").inner_text()
        page.locator("#update-apply").click()
        eventually(
            page,
            "v => caches.keys().then(k => k.length === 1 && k[0] === 'shell-' + v)",
            arg=new_version,
        )
        page.wait_for_url(f"**/#/inspection/{draft_id}")
        page.locator("#complete").wait_for()
        by_id = {i["id"]: i for i in inspections(page)}
        assert by_id[draft_id]["status"] == "draft" and by_id[draft_id]["answers"]
        assert by_id[done_id]["status"] in ("queued", "sending", "received")

        # The new version works offline too, and the draft opens in it.
        ctx.set_offline(True)
        page.reload()
        page.locator("#complete").wait_for()
        assert (
            page.evaluate("getComputedStyle(document.querySelector('.brand')).letterSpacing")
            != "normal"
        )
        ctx.set_offline(False)
        wait_for_status(page, "received")
        ctx.close()
    finally:
        server.stop()


def test_update_waits_while_a_signature_is_unsaved(
    browser: Any, data_dir: Path, tmp_path: Path
) -> None:
    from tests.browser.conftest import CONTEXT_OPTIONS, sign_canvas

    app = tmp_path / "pwa"
    shutil.copytree(PWA, app)
    server = Server(data_dir, pwa_dir=app)
    server.start()
    try:
        ctx = browser.new_context(base_url=server.url, **CONTEXT_OPTIONS)
        install_idb_helper(ctx)
        page = ctx.new_page()
        sign_in(page)
        start_inspection(page, AFTER_HOURS)
        signature = nth_item(page, ".item.kind-signature:not([hidden])")
        sign_canvas(page, str(signature.get_attribute("data-item")))
        import sys

        sys.path.insert(0, str(PWA / "tools"))
        import stamp

        (app / "index.html").write_text(
            (app / "index.html").read_text().replace("Đang mở…", "Đang mở ứng dụng…")
        )
        stamp.stamp(app)
        find_new_version(page)
        page.locator("#update-apply").click(timeout=20000)
        page.locator("#update-banner .blocked").wait_for()
        page.wait_for_timeout(500)
        assert page.locator("#complete").is_visible()  # not reloaded
        signature.get_by_role("button", name="Lưu chữ ký").click()
        signature.locator("img.signature-img").wait_for()
        page.locator("#update-apply").click()
        eventually(page, "() => document.querySelector('#update-banner') === null")
        ctx.close()
    finally:
        server.stop()


def test_server_failing_then_records_sent_without_reload(
    context: Any, page: Any, server: Server, needs_sync: None
) -> None:
    install_idb_helper(context)
    sign_in(page)
    calls = {"n": 0}

    def fail(route: Any) -> None:
        calls["n"] += 1
        route.fulfill(status=500, content_type="application/json", body=json.dumps(
            {"error": {"code": "internal", "message": "boom", "details": []}}))  # fmt: skip

    page.route("**/api/sync/inspections", fail)
    iid = one_completed(page)
    eventually(page, "() => document.body.innerText.includes('Chưa gửi được')")
    page.wait_for_timeout(3500)  # retries with backoff: 1 s, 2 s, …
    assert calls["n"] >= 2
    # Waiting for the next retry, or in one (a retry marks it "sending" while it runs).
    assert [i["status"] for i in inspections(page)] in (["queued"], ["sending"])
    expect(page.locator("#badge")).to_have_text("1")
    page.unroute("**/api/sync/inspections")
    wait_for_status(page, "received", timeout=40)  # the retry timer, no reload, no tap
    assert server.stored_copies(iid) == 1

    # Unreachable: the server process is gone for a while.
    server.stop()
    second = one_completed(page, "TQ-AFT-002")
    page.wait_for_timeout(2500)
    assert {i["id"]: i["status"] for i in inspections(page)}[second] in ("queued", "sending")
    server.start()
    page.get_by_role("button", name="Đồng bộ ngay").click()
    wait_for_status(page, "received", count=2)
    assert server.stored_copies(second) == 1


def test_interrupted_photo_upload_resumes(
    context: Any, page: Any, server: Server, needs_sync: None
) -> None:
    install_idb_helper(context)
    sign_in(page)
    cut = {"n": 0}

    def cut_first_upload(route: Any) -> None:
        if route.request.method == "PUT" and cut["n"] == 0:
            cut["n"] += 1
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/photos/*", cut_first_upload)
    iid = one_completed(page, PRESCHOOL, photo=png_bytes(800, 600))
    [received] = wait_for_status(page, "received", timeout=40)
    # Photos go after the record is received: the cut upload is known once none is pending.
    eventually(
        page,
        "async (id) => (await window.__idb('inspections')).find(i => i.id === id).photos_pending.length === 0",  # noqa: E501
        timeout=40,
        arg=iid,
    )
    assert cut["n"] == 1
    token = server.token()
    for photo_hash in received["photo_hashes"]:
        r = httpx.head(
            f"{server.url}/api/photos/{photo_hash}", headers={"Authorization": f"Bearer {token}"}
        )
        assert r.status_code == 200


def test_lost_response_is_stored_once(
    context: Any, page: Any, server: Server, needs_sync: None
) -> None:
    install_idb_helper(context)
    sign_in(page)
    delivered = {"n": 0}

    def lose_response(route: Any) -> None:
        if delivered["n"] == 0:
            delivered["n"] += 1
            route.fetch()  # the server stores it…
            route.abort("connectionreset")  # …and the answer never reaches the phone
        else:
            route.continue_()

    # On the context, not the page: a page's route now and then misses a request of a page
    # its service worker controls (Chromium), and the lost answer would not be tested.
    context.route("**/api/sync/inspections", lose_response)
    iid = one_completed(page)
    [received] = wait_for_status(page, "received", timeout=40)
    assert delivered["n"] == 1
    assert received["id"] == iid
    assert server.stored_copies(iid) == 1


def test_session_revoked_while_records_wait(
    context: Any, page: Any, server: Server, needs_sync: None
) -> None:
    install_idb_helper(context)
    sign_in(page)
    context.set_offline(True)
    iid = one_completed(page)
    draft = start_inspection(page, "TQ-AFT-002")
    nth_item(page).locator(".opt-pass").click()
    assert cli(server.data_dir, "revoke-sessions", INSPECTOR[0]).returncode == 0
    context.set_offline(False)
    page.get_by_role("link", name="Hộp thư đi").click()
    page.get_by_role("button", name="Đồng bộ ngay").click()
    page.get_by_role("link", name="Đăng nhập lại").first.wait_for()
    statuses = {i["id"]: i["status"] for i in inspections(page)}
    assert statuses == {iid: "queued", draft: "draft"}
    page.get_by_role("link", name="Đăng nhập lại").first.click()
    page.get_by_label("Mật khẩu").fill(INSPECTOR[1])
    page.get_by_role("button", name="Đăng nhập").click()
    wait_for_status(page, "received")
    assert {i["id"]: i["status"] for i in inspections(page)}[draft] == "draft"
    assert server.stored_copies(iid) == 1


def test_conflict_and_rejection_are_shown_and_kept(
    context: Any, page: Any, server: Server, needs_sync: None
) -> None:
    install_idb_helper(context)
    sign_in(page)
    context.set_offline(True)
    conflict_id = one_completed(page)
    [record] = [i["record"] for i in inspections(page) if i["id"] == conflict_id]
    # Someone already sent other content under the same id.
    other = {**record, "answers": dict(record["answers"])}
    first_check = next(k for k, v in other["answers"].items() if v == "pass")
    other["answers"][first_check] = "fail"
    r = httpx.post(f"{server.url}/api/sync/inspections", json={"records": [other]},
                   headers={"Authorization": f"Bearer {server.token()}"})  # fmt: skip
    assert r.json()["results"][0]["outcome"] == "created", r.text

    rejected_id = one_completed(page, "TQ-AFT-002")

    def corrupt(route: Any) -> None:
        body = json.loads(route.request.post_data)
        for rec in body["records"]:
            if rec["id"] == rejected_id:
                rec["answers"]["not_an_item"] = "pass"  # the server names the bad item
        route.continue_(post_data=json.dumps(body))

    page.route("**/api/sync/inspections", corrupt)
    context.set_offline(False)
    page.get_by_role("button", name="Đồng bộ ngay").click()
    wait_for_status(page, "attention", count=2)
    cards = page.locator("li.card.status-attention")
    expect_text(page.locator(f"li.card[data-id='{conflict_id}']"), "Máy chủ đã có một phiếu khác")
    rejected = page.locator(f"li.card[data-id='{rejected_id}']")
    expect_text(rejected, "Máy chủ không nhận phiếu này")
    expect_text(rejected, "not_an_item")
    assert cards.count() == 2
    by_id = {i["id"]: i for i in inspections(page)}
    assert by_id[conflict_id]["error"]["code"] == "inspection.conflict"
    assert by_id[rejected_id]["error"]["code"] == "inspection.invalid"
    assert any(d["item"] == "not_an_item" for d in by_id[rejected_id]["error"]["details"])

    # Kept: more syncs and a reload do not remove or resend them on their own.
    page.unroute("**/api/sync/inspections")
    page.get_by_role("button", name="Đồng bộ ngay").click()
    page.reload()
    page.locator("li.card.status-attention").nth(1).wait_for()
    assert page.locator("li.card.status-attention").count() == 2
    expect(page.locator("#badge")).to_have_text("2")

    # The user acts: the conflict goes as a new inspection, the rejection is reopened.
    page.locator(f"li.card[data-id='{conflict_id}']").get_by_role(
        "button", name="Gửi thành phiếu mới"
    ).click()
    eventually(page, f"() => !document.querySelector(\"li.card[data-id='{conflict_id}']\")")
    wait_for_status(page, "received")
    page.locator(f"li.card[data-id='{rejected_id}']").get_by_role(
        "button", name="Mở lại để sửa"
    ).click()
    page.wait_for_url(f"**/#/inspection/{rejected_id}")
    assert {i["id"]: i["status"] for i in inspections(page)}[rejected_id] == "draft"


def test_complete_takes_the_user_to_the_first_missing_item(context: Any, page: Any) -> None:
    install_idb_helper(context)
    sign_in(page)
    start_inspection(page, AFTER_HOURS)
    nth_item(page).locator(".opt-pass").click()
    # The inspector is in the last section; the first missing item is in a closed one.
    page.locator("details.section").last.locator(":scope > summary").click()
    page.locator("#complete").click()
    expect(page.locator(".footer .error")).to_contain_text("mục chưa trả lời")
    first_missing = page.evaluate(
        "() => [...document.querySelectorAll('[data-item]')].find(el => !el.hidden && el.classList.contains('has-problem')).dataset.item"  # noqa: E501
    )
    focused = page.evaluate("() => document.activeElement.closest('[data-item]')?.dataset.item")
    assert focused == first_missing
    assert page.get_by_role("dialog").count() == 0
    assert [i["status"] for i in inspections(page)] == ["draft"]


def test_discarding_a_draft_asks_first(context: Any, page: Any) -> None:
    install_idb_helper(context)
    sign_in(page)
    start_inspection(page, AFTER_HOURS)
    nth_item(page).locator(".opt-pass").click()
    page.locator("#discard").click()
    page.get_by_role("dialog").get_by_role("button", name="Hủy").click()
    assert len(inspections(page)) == 1
    page.locator("#discard").click()
    page.get_by_role("dialog").get_by_role("button", name="Xóa phiếu nháp").click()
    page.wait_for_url("**/#/drafts")
    assert inspections(page) == []
    expect_text(page.locator("main"), "Không có phiếu nháp")


def test_facility_picker_search_and_filters(context: Any, page: Any) -> None:
    install_idb_helper(context)
    sign_in(page)
    # Type only into the screen that stays: a render still in flight (the one signing in
    # started, or the one this navigation starts) would replace it, and the text with it.
    drawn = "() => performance.getEntriesByName('safeschool:facilities-ready').length"
    before = page.evaluate(drawn)
    renders = page.url.split("#", 1)[-1] != "/facilities"
    page.goto("/#/facilities")
    eventually(page, f"() => ({drawn})() > {before if renders else 0}")
    search = page.get_by_label("Tìm theo tên hoặc mã")
    search.fill("hoa sen dong van")  # no accents, as people type on a phone
    cards = page.locator("ul.facilities a.card")
    # The unfiltered list holds that site too: wait for the search to narrow it.
    eventually(
        page,
        "() => { const cards = [...document.querySelectorAll('ul.facilities a.card')];"
        " return cards.length > 0 && cards.every(c => c.innerText.includes('Đồng Văn')); }",
    )
    expect_text(page.locator("ul.facilities"), "Hoa Sen Đồng Văn")
    search.fill("")
    page.get_by_label("Loại hình").select_option(label="Mầm non")
    page.get_by_label("Xã, phường").select_option(label="Xã Hàm Yên")
    eventually(
        page,
        "() => { const cards = [...document.querySelectorAll('ul.facilities a.card')];"
        " return cards.length > 0 && cards.every(c => c.innerText.includes('Xã Hàm Yên')); }",
    )
    texts = [c.inner_text() for c in cards.all()]
    assert texts and all("Mầm non" in t and "Xã Hàm Yên" in t for t in texts)
    assert all(c.locator(".pill").count() == 1 for c in cards.all())  # last known status


def test_conditions_show_and_hide_items(context: Any, page: Any) -> None:
    install_idb_helper(context)
    sign_in(page)
    start_inspection(page, PRESCHOOL)
    poster = show_item(page, "hotline_111_poster")
    photo = page.locator("#item-hotline_111_poster_photo")
    assert photo.is_hidden()
    # The screen follows the answer's commit (a few ms after the tap): wait for it.
    poster.locator(".opt-pass").click()
    photo.wait_for(state="visible", timeout=5000)
    poster.locator(".opt-fail").click()
    photo.wait_for(state="hidden", timeout=5000)


def test_export_holds_everything_not_yet_received(context: Any, page: Any) -> None:
    install_idb_helper(context)
    sign_in(page)
    context.set_offline(True)
    done_id = one_completed(page, PRESCHOOL, photo=png_bytes(320, 200))
    draft_id = start_inspection(page, "TQ-AFT-002")
    nth_item(page).locator(".opt-pass").click()
    page.get_by_role("link", name="Cài đặt").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Xuất phiếu chưa gửi ra tệp").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert {i["id"] for i in data["inspections"]} == {done_id, draft_id}
    [done] = [i for i in data["inspections"] if i["id"] == done_id]
    assert {p["hash"] for p in data["photos"]} == set(done["photo_hashes"])
    assert data["user"] == INSPECTOR[0]
    assert page.locator("#persist-state").get_attribute("data-persisted") in ("true", "false")


def test_background_sync_sends_with_no_page_open(
    context: Any, page: Any, server: Server, needs_sync: None
) -> None:
    """Completed offline, app closed; when the browser fires Background Sync the service
    worker sends the record by itself."""
    install_idb_helper(context)
    sign_in(page)
    context.set_offline(True)
    iid = one_completed(page)
    assert [i["id"] for i in wait_for_status(page, "queued")] == [iid]
    cdp = context.new_cdp_session(page)
    registration_id = service_worker_registration(page, cdp, server.url)
    page.goto("about:blank")  # the app is closed; only its service worker remains
    context.set_offline(False)
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {
            "origin": server.url,
            "registrationId": registration_id,
            "tag": "outbox",
            "lastChance": False,
        },
    )
    deadline = time.monotonic() + 30
    while server.stored_copies(iid) == 0:
        assert time.monotonic() < deadline, "the service worker did not send the record"
        time.sleep(0.2)
    page.goto(server.url + "/#/outbox")
    wait_for_status(page, "received")


def test_the_live_result_says_what_it_is_and_why(context: Any, page: Any, server: Server) -> None:
    """A count-graded checklist shows progress, not "Không đạt", while the minimum is not
    yet reached; a failed result lists its reasons, live and in the server's receipt."""
    install_idb_helper(context)
    sign_in(page)
    iid = start_inspection(page, PRESCHOOL)
    score = page.locator(".summary .score")
    nth_item(page, CHECK, 0).get_by_role("radio", name="Đạt", exact=True).check()
    nth_item(page, CHECK, 1).get_by_role("radio", name="Đạt", exact=True).check()
    expect_text(score, "2/40 tiêu chí đạt")
    assert "Không đạt" not in score.inner_text()
    assert "Không đạt" not in page.locator(".livebar").inner_text()
    assert page.locator(".summary ul.reasons").is_hidden()

    mandatory = page.locator(".item.kind-check:not([hidden]):has(.pill.mandatory)").last
    mandatory_id = str(mandatory.get_attribute("id")).removeprefix("item-")
    question = mandatory.locator("legend .q").text_content()
    fill_checklist(page, fail=(mandatory_id,))
    expect_text(score, "Không đạt")
    # Past the minimum the count no longer reads as a fraction of it ("48/40").
    expect_text(score, "tiêu chí đạt (đủ 40)")
    assert "/40" not in score.inner_text()
    reasons = page.get_by_role("list", name="Lý do không đạt")
    expect_text(reasons.first, f"Tiêu chí bắt buộc không đạt: {question}")
    assert "," in score.inner_text().split("·")[0]  # "98,2": the Vietnamese decimal comma

    complete(page)
    [received] = wait_for_status(page, "received")
    assert received["receipt"]["reasons"] == [{"code": "mandatory", "items": [mandatory_id]}]
    card = page.locator(f"li.card[data-id='{iid}']")
    expect_text(card, "Kết quả của máy chủ: ")
    expect_text(card.get_by_role("list", name="Lý do không đạt"), question)


def test_the_team_is_written_signed_and_sent(context: Any, page: Any, server: Server) -> None:
    """The minutes name the team: the inspector is pre-filled as lead; a member from
    another agency is added; nobody can complete until every member has signed."""
    install_idb_helper(context)
    sign_in(page)
    iid = start_inspection(page, AFTER_HOURS)
    team = page.get_by_role("region", name="Đoàn kiểm tra")
    lead = team.locator("li.member").first
    # The pre-filled lead shows as one line with the signature; the rest is behind "Sửa".
    assert "· Trưởng đoàn" in lead.locator(".member-head").inner_text()
    assert lead.get_by_role("radio", name="Trưởng đoàn").count() == 0
    lead.get_by_text("Sửa thông tin").click()
    assert lead.get_by_role("radio", name="Trưởng đoàn").is_checked()
    team.get_by_role("button", name="Thêm thành viên").click()
    member = team.locator("li.member").nth(1)
    member.get_by_label("Họ và tên", exact=True).fill("Trần Thị Bình")
    member.get_by_label("Cơ quan", exact=True).fill("Sở Y tế")
    assert member.get_by_role("radio", name="Thành viên").is_checked()
    # The card's line and its remove button follow the name as it is typed.
    assert member.locator(".member-head").inner_text().startswith("Trần Thị Bình · Thành viên")
    assert member.get_by_role("button", name="Bỏ Trần Thị Bình khỏi đoàn").is_visible()
    # Every item answered and the lead signed, but not the new member.
    open_pad(lead)
    draw_on(page, lead.locator("canvas"))
    lead.get_by_role("button", name="Lưu chữ ký").click()
    lead.locator("img.signature-img").wait_for()
    lead.get_by_label("Cơ quan", exact=True).fill("Sở Giáo dục và Đào tạo")
    fill_checklist(page, team=False)
    page.locator("#complete").click()
    expect_text(page.locator(".footer .error"), "Hãy hoàn thiện thông tin đoàn kiểm tra")
    expect_text(team.get_by_role("alert"), "Mỗi thành viên cần ký tên.")
    assert page.get_by_role("dialog").count() == 0

    page.reload()  # what was written is on the phone, not in the page
    team = page.get_by_role("region", name="Đoàn kiểm tra")
    member = team.locator("li.member").nth(1)
    assert member.get_by_label("Họ và tên", exact=True).input_value() == "Trần Thị Bình"
    open_pad(member)
    draw_on(page, member.locator("canvas"))
    member.get_by_role("button", name="Lưu chữ ký").click()
    member.locator("img.signature-img").wait_for()
    complete(page)
    [received] = wait_for_status(page, "received")
    sent = received["record"]["team"]
    assert [(m["agency"], m["role"]) for m in sent] == [
        ("Sở Giáo dục và Đào tạo", "lead"),
        ("Sở Y tế", "member"),
    ]
    assert sent[1]["name"] == "Trần Thị Bình"
    assert {m["signature"] for m in sent} <= set(received["photo_hashes"])
    eventually(page, "async () => (await window.__idb('photos')).every(p => p.uploaded)")
    assert server.stored_copies(iid) == 1
