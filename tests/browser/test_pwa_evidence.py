"""Photo evidence on any item (issue 4): taken offline on a check, kept in IndexedDB across
a reload, removable before completion, sent in the record's ``photos`` beside the answers,
uploaded after the record through the resumable photo queue, in the export of unsent data,
shown read-only once completed; drafts made before evidence existed keep working."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser.conftest import (
    AFTER_HOURS_DEFAULT,
    Server,
    add_evidence,
    eventually,
    fill_checklist,
    inspections,
    install_idb_helper,
    png_bytes,
    show_item,
    sign_in,
    start_inspection,
    wait_for_status,
)

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def complete(page: Any) -> None:
    page.locator("#complete").click()
    page.get_by_role("dialog").get_by_role("button", name="Hoàn thành phiếu").click()
    page.wait_for_url("**/#/outbox")


def draft_of(page: Any, iid: str) -> dict[str, Any]:
    [found] = [i for i in inspections(page) if i["id"] == iid]
    return found


def thumbs(page: Any, item_id: str) -> Any:
    return page.locator(f"#item-{item_id} .evidence .thumbs img")


def head(server: Server, token: str, photo_hash: str) -> int:
    r = httpx.head(
        f"{server.url}/api/photos/{photo_hash}", headers={"Authorization": f"Bearer {token}"}
    )
    return r.status_code


def test_evidence_on_checks_kept_offline_removed_and_sent(
    context: Any, page: Any, server: Server
) -> None:
    install_idb_helper(context)
    sign_in(page)
    context.set_offline(True)
    page.reload()
    page.get_by_role("heading", name="Chọn cơ sở").wait_for()
    iid = start_inspection(page, AFTER_HOURS_DEFAULT)
    checks = page.locator(".item.kind-check:not([hidden])")
    first = str(checks.nth(0).get_attribute("data-item"))
    second = str(checks.nth(1).get_attribute("data-item"))
    show_item(page, first).locator(".opt-fail").click()
    # "Không đạt" opens the note and photos by itself once the answer is stored.
    expect(page.locator(f"#item-{first} button.tool-note")).to_have_attribute(
        "aria-expanded", "true", timeout=30000
    )

    # Offline, on a check: the control is named after the item, the photo is reduced and
    # stored at once, the draft points to it.
    label = add_evidence(page, first, png_bytes(2400, 1800))
    question = page.locator(f"#item-{first} legend .q").text_content()
    assert label == f"Thêm ảnh minh chứng cho mục: {question}"
    add_evidence(page, second, png_bytes(640, 480))
    add_evidence(page, second, png_bytes(500, 400))
    assert "2 ảnh" in str(
        page.locator(f"#item-{second} button.tool-note").get_attribute("aria-label")
    )
    draft = eventually(
        page,
        """async ([id, second]) => {
          const d = (await window.__idb('inspections')).find(i => i.id === id);
          return d.photos && (d.photos[second] || []).length === 2 && d;
        }""",
        arg=[iid, second],
    )
    [kept] = draft["photos"][first]
    removed, still = draft["photos"][second]
    stored = page.evaluate(
        """async () => Object.fromEntries(await Promise.all((await window.__idb('photos')).map(
             async p => { const b = await createImageBitmap(p.blob);
                          return [p.hash, [p.type, b.width, b.height, p.uploaded]]; })))"""
    )
    assert stored[kept] == ["image/jpeg", 1600, 1200, False]  # reduced like photo items
    assert {removed, still} <= set(stored)

    # Removed before completion: gone from the draft (and so from the record).
    page.locator(f"#item-{second} .evidence").get_by_role("button", name="Xóa ảnh 1").click()
    eventually(
        page,
        "async ([id, second, still]) => JSON.stringify((await window.__idb('inspections'))"
        ".find(i => i.id === id).photos[second]) === JSON.stringify([still])",
        arg=[iid, second, still],
    )
    expect(thumbs(page, second)).to_have_count(1)

    # Still there after a reload (offline), shown as thumbnails with their alternative text.
    page.reload()
    page.locator(".view-inspection[data-built]").wait_for(state="attached")
    show_item(page, first)
    thumbs(page, first).first.wait_for()
    expect(thumbs(page, first)).to_have_count(1)
    expect(thumbs(page, second)).to_have_count(1)
    assert "Ảnh minh chứng 1 của mục" in str(thumbs(page, first).first.get_attribute("alt"))
    assert page.locator(f"#item-{first} .opt-fail input").is_checked()

    fill_checklist(page, fail=(first,))
    complete(page)
    # Completing starts a send; offline it fails and puts the record back in the queue.
    wait_for_status(page, "queued")
    done = draft_of(page, iid)
    assert done["record"]["photos"] == {first: [kept], second: [still]}
    assert {kept, still} <= set(done["photo_hashes"]) and removed not in done["photo_hashes"]
    expect(page.locator("#badge")).to_have_text("1")

    # Read only once completed: thumbnails, no control to add or remove.
    page.locator(f"li.card[data-id='{iid}']").get_by_role("link", name="Xem phiếu").click()
    page.locator(".view-inspection[data-built]").wait_for(state="attached")
    thumbs(page, first).first.wait_for()
    assert page.locator(".evidence label.file").count() == 0
    assert page.locator(".evidence button").count() == 0

    # In the export of unsent data.
    page.get_by_role("link", name="Cài đặt").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Xuất phiếu chưa gửi ra tệp").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    [exported] = [i for i in data["inspections"] if i["id"] == iid]
    assert exported["record"]["photos"] == {first: [kept], second: [still]}
    assert {kept, still} <= {p["hash"] for p in data["photos"]}
    assert removed not in {p["hash"] for p in data["photos"]}
    assert not page.errors

    assert server.has_sync(), "POST /api/sync/inspections must answer"
    # Online: the record first, then its photos; the first upload is cut and resumed.
    cut = {"n": 0}

    def cut_first_upload(route: Any) -> None:
        if route.request.method == "PUT" and cut["n"] == 0:
            cut["n"] += 1
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/photos/*", cut_first_upload)
    page.get_by_role("link", name="Hộp thư đi").click()
    context.set_offline(False)
    wait_for_status(page, "received", timeout=40)
    eventually(
        page,
        "async (id) => (await window.__idb('inspections')).find(i => i.id === id)"
        ".photos_pending.length === 0",
        timeout=40,
        arg=iid,
    )
    assert cut["n"] == 1
    token = server.token()
    assert head(server, token, kept) == 200 and head(server, token, still) == 200
    assert head(server, token, removed) == 404
    r = httpx.get(
        f"{server.url}/api/inspections/{iid}", headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["record"]["photos"] == {first: [kept], second: [still]}
    eventually(
        page, "() => !document.querySelector('#badge') || document.querySelector('#badge').hidden"
    )


def test_a_draft_from_before_evidence_still_opens_and_takes_photos(
    context: Any, page: Any, server: Server
) -> None:
    install_idb_helper(context)
    sign_in(page)
    iid = start_inspection(page, AFTER_HOURS_DEFAULT)
    check = str(page.locator(".item.kind-check:not([hidden])").first.get_attribute("data-item"))
    show_item(page, check).locator(".opt-pass").click()
    eventually(
        page,
        "async ([id, item]) => (await window.__idb('inspections')).find(i => i.id === id)"
        ".answers[item] === 'pass'",
        arg=[iid, check],
    )
    # What an older version of the app left: a draft with no `photos` field at all.
    page.evaluate(
        """(id) => new Promise((resolve, reject) => {
          const open = indexedDB.open('safeschool');
          open.onsuccess = () => {
            const t = open.result.transaction('inspections', 'readwrite');
            const s = t.objectStore('inspections');
            const get = s.get(id);
            get.onsuccess = () => { const d = get.result; delete d.photos; s.put(d); };
            t.oncomplete = () => { open.result.close(); resolve(true); };
            t.onerror = () => reject(t.error);
          };
        })""",
        iid,
    )
    assert "photos" not in draft_of(page, iid)
    page.reload()
    page.locator(".view-inspection[data-built]").wait_for(state="attached")
    assert page.locator(f"#item-{check} .opt-pass input").is_checked()
    assert page.locator(".panel-extra:not([hidden])").count() == 0
    page.get_by_role("link", name="Phiếu nháp").click()
    draft_card = page.locator("ul.drafts a.card").first
    expect(draft_card).to_contain_text("Đã trả lời")
    expect(draft_card).not_to_contain_text("ảnh")
    draft_card.click()
    page.locator(".view-inspection[data-built]").wait_for(state="attached")

    photo = add_evidence(page, check, png_bytes(320, 240))
    assert photo
    page.get_by_role("link", name="Phiếu nháp").click()
    expect(page.locator("ul.drafts a.card").first).to_contain_text("1 ảnh")
    page.locator("ul.drafts a.card").first.click()
    page.locator(".view-inspection[data-built]").wait_for(state="attached")
    fill_checklist(page)
    complete(page)
    done = draft_of(page, iid)
    [hash_] = done["record"]["photos"][check]
    assert list(done["record"]["photos"]) == [check] and hash_ in done["photo_hashes"]
    assert server.has_sync()
    wait_for_status(page, "received", timeout=40)
    eventually(
        page,
        "async (id) => (await window.__idb('inspections')).find(i => i.id === id)"
        ".photos_pending.length === 0",
        timeout=40,
        arg=iid,
    )
    assert head(server, server.token(), hash_) == 200
