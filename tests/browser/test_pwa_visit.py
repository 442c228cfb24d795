"""A site visit on a 360 px phone with the compact checklist: the section index, "next
unanswered", failed items opening their note and photos, the summary before completing, the
page's height; the active tab; the facility list's status as the phone learns it; and
carrying on offline after signing out, without another account seeing the work.

Screenshots of each main screen go to tests/browser/screens/ (gitignored)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import (
    CHECK,
    INSPECTOR,
    LOGINS,
    Server,
    add_evidence,
    eventually,
    expect_text,
    fill_checklist,
    install_idb_helper,
    nth_item,
    open_section,
    png_bytes,
    show_item,
    sign_in,
    start_inspection,
    wait_for_status,
)

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

PRESCHOOL = "TQ-PRE-001"  # preschool-safety v2: the longest checklist
SCREENS = Path(__file__).parent / "screens"
# On a 360 × 740 phone, the preschool checklist with every section open at once was 29
# screens tall with two disclosure rows under every question, 11.8 with compact questions
# (58 checks and vetoes, 6 fields); a draft now shows one section at a time (the aim is
# under 10 with any one of them open).
MAX_SCREENS = 10.0


def shot(page: Any, name: str) -> None:
    SCREENS.mkdir(exist_ok=True)
    page.wait_for_timeout(150)
    page.screenshot(path=str(SCREENS / f"{name}.png"))


def text_of(locator: Any, timeout: float = 15) -> str:
    return str(locator.inner_text(timeout=timeout * 1000))


def current_tab(page: Any) -> str:
    """The marked tab's label (the outbox tab's count of unsent records aside: it follows
    the store a moment after a change)."""
    return str(page.locator("nav a[aria-current='page'] .label").inner_text()).strip()


def in_view(page: Any, selector: str) -> bool:
    return bool(
        page.evaluate(
            """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
                          return r.top >= 0 && r.top < window.innerHeight; }""",
            selector,
        )
    )


def test_a_whole_visit_on_the_compact_checklist(context: Any, page: Any) -> None:
    install_idb_helper(context)
    sign_in(page)
    shot(page, "facilities")
    iid = start_inspection(page, PRESCHOOL)
    shot(page, "checklist-top")
    # Three answers on one row, a radio group named by its question (legend).
    first = nth_item(page)
    question = text_of(first.locator("legend .q"))
    group = page.get_by_role("group", name=question)
    assert group.get_by_role("radio").count() >= 2
    boxes = [
        group.get_by_role("radio", name=n, exact=True).bounding_box() for n in ("Đạt", "Không đạt")
    ]
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 2  # side by side
    # Guidance and the note/photos are closed behind one small control each.
    assert first.locator(".panel-info:not([hidden]), .panel-extra:not([hidden])").count() == 0
    first.get_by_role("button", name="Căn cứ và hướng dẫn").click()
    assert "Căn cứ:" in text_of(first.locator(".panel-info"))

    # The section index: every section with its progress; a tap jumps there.
    page.get_by_role("button", name="Mục lục").click()
    index = page.get_by_role("navigation", name="Mục lục")
    entries = index.get_by_role("button")
    assert entries.count() == 10
    shot(page, "section-index")
    target = entries.nth(3)
    assert "0/" in text_of(target)
    target.click()
    assert index.is_hidden()
    page.wait_for_timeout(300)
    assert in_view(page, "#section-child_protection")
    expect(page.locator("details.section[open]")).to_have_id("section-child_protection")

    # "Không đạt" opens the item's note and photos at once.
    check = page.locator("#section-child_protection .item.kind-check:not([hidden])").first
    check_id = str(check.get_attribute("data-item"))
    check.get_by_role("radio", name="Không đạt", exact=True).check()
    check.locator(".note textarea").fill("Chưa có quy trình tiếp nhận thông tin.")
    add_evidence(page, check_id, png_bytes(640, 480))
    check.evaluate("el => el.scrollIntoView({block: 'start'})")
    page.evaluate("window.scrollBy(0, -130)")
    shot(page, "failed-item-evidence")
    page.get_by_role("button", name="Mục lục").click()
    expect_text(page.get_by_role("navigation", name="Mục lục"), "1 không đạt")
    page.get_by_role("button", name="Mục lục").click()

    # "Next unanswered" goes to the first required question after the last answer.
    page.get_by_role("button", name="Câu chưa trả lời tiếp theo").click()
    page.wait_for_timeout(300)
    focused = page.evaluate("document.activeElement.closest('[data-item]').dataset.item")
    ids = page.evaluate("[...document.querySelectorAll('[data-item]')].map(e => e.dataset.item)")
    assert ids.index(focused) > ids.index(check_id)

    fill_checklist(page, fail=(check_id,), photo=png_bytes(800, 600))
    summary = page.get_by_role("region", name="Tóm tắt phiếu")
    summary.scroll_into_view_if_needed()
    counts = text_of(summary.locator("dl"))
    assert "Không đạt\n1" in counts and "Chưa trả lời\n0" in counts, counts
    shot(page, "summary")
    page.locator("#complete").click()
    page.get_by_role("dialog").get_by_role("button", name="Hoàn thành phiếu").click()
    page.wait_for_url("**/#/outbox")
    [done] = [i for i in wait_for_status(page, "received") if i["id"] == iid]
    assert done["record"]["photos"][check_id]
    assert done["record"]["notes"][check_id].startswith("Chưa có quy trình")
    shot(page, "outbox")
    page.get_by_role("link", name="Phiếu nháp").click()
    page.locator(".view-drafts").wait_for()
    shot(page, "drafts")
    page.get_by_role("link", name="Cài đặt").click()
    page.locator(".view-settings").wait_for()
    shot(page, "settings")
    assert not page.errors


def test_the_preschool_checklist_fits_in_few_screens(context: Any, page: Any) -> None:
    install_idb_helper(context)
    sign_in(page)
    start_inspection(page, PRESCHOOL)
    # Off-screen questions hold an estimated place until drawn (content-visibility): lay
    # every one out to measure the real height.
    page.locator(".view-inspection[data-built]").wait_for(state="attached")
    page.evaluate(
        "document.querySelectorAll('.view-inspection .item')"
        ".forEach(e => { e.style.contentVisibility = 'visible'; })"
    )
    # Each section opened in turn by its heading, as an inspector does: one open at a time.
    sections = page.locator("details.section")
    heights: dict[str, int] = {}
    for n in range(sections.count()):
        section = sections.nth(n)
        open_section(section)
        expect(section).to_have_attribute("open", "")
        expect(page.locator("details.section[open]")).to_have_count(1)
        page.wait_for_timeout(100)
        title = text_of(section.locator(":scope > summary .title"))
        heights[title] = page.evaluate("document.documentElement.scrollHeight")
    title, height = max(heights.items(), key=lambda kv: kv[1])
    print(f"preschool checklist, {title!r} open: {height} px = {height / 740:.1f} screens")
    assert len(heights) == 10 and height / 740 < MAX_SCREENS, heights
    # A check with "Không áp dụng": its three answers share one row, each a 44 px target.
    item = nth_item(page, f"{CHECK}:has(.opt-na)")
    group = page.get_by_role("group", name=text_of(item.locator("legend .q")))
    boxes = [group.locator("label.opt").nth(n).bounding_box() for n in range(3)]
    assert [group.locator("label.opt").nth(n).inner_text() for n in range(3)] == [
        "Đạt",
        "Không đạt",
        "Không áp dụng",
    ]
    assert max(b["y"] for b in boxes) - min(b["y"] for b in boxes) < 1, boxes
    assert all(b["height"] >= 44 and b["width"] >= 44 for b in boxes), boxes
    # Short choices ("Có" / "Không") side by side too.
    choice = nth_item(page, ".item.kind-choice:has(.options.short)")
    tops = [b["y"] for b in (o.bounding_box() for o in choice.locator("label.opt").all())]
    assert len(tops) >= 2 and max(tops) - min(tops) < 1, tops


def test_one_section_at_a_time_each_leading_to_the_next(context: Any, page: Any) -> None:
    install_idb_helper(context)
    sign_in(page)
    start_inspection(page, PRESCHOOL)
    opened = page.locator("details.section[open]")
    expect(opened).to_have_count(1)
    expect(opened).to_have_id("section-general_info")
    # The headings of the closed sections say what each holds and how far it is.
    premises = page.locator("#section-premises")
    expect(premises.locator(":scope > summary")).to_contain_text("0/12 mục")
    # Answered, the section leads on to the next, which takes its place.
    fill_checklist(page, team=False, section="general_info")
    page.locator("#section-general_info").get_by_role(
        "button", name="Mục tiếp theo: Khuôn viên, cơ sở vật chất và an toàn thể chất"
    ).click()
    expect(opened).to_have_count(1)
    expect(opened).to_have_id("section-premises")
    expect(premises.locator(":scope > summary")).to_be_focused()
    page.wait_for_timeout(300)
    assert in_view(page, "#section-premises")
    shot(page, "checklist-next-section")
    fill_checklist(page, team=False, section="premises")
    expect(premises.locator(":scope > summary")).to_contain_text("12/12 mục")
    # Reopened, the draft is where the inspector left it: the first section with a
    # required question unanswered.
    page.reload()
    page.locator(".view-inspection[data-built]").wait_for(state="attached")
    expect(opened).to_have_count(1)
    expect(opened).to_have_id("section-hygiene_food_health")
    # Back to an answer of the first section: "next unanswered" goes on in the page's
    # order, to the section just left, not past it.
    show_item(page, "enrolled_children").locator("input").fill("31")
    eventually(
        page,
        "async () => (await window.__idb('inspections'))[0].answers.enrolled_children === 31",
    )
    page.get_by_role("button", name="Câu chưa trả lời tiếp theo").click()
    expect(opened).to_have_id("section-hygiene_food_health")
    expect(page.locator("#section-hygiene_food_health .item :focus")).to_have_count(1)
    # A tap on the heading below the open section keeps that heading under the finger
    # while the section above closes (or as near as the page's top allows).
    below = page.locator("#section-child_protection > summary")
    below.evaluate("el => el.scrollIntoView({block: 'end'})")
    page.evaluate("window.scrollBy(0, 200)")  # the heading near the screen's middle
    before = below.bounding_box()["y"]
    below.click()
    expect(opened).to_have_id("section-child_protection")
    page.wait_for_timeout(300)
    after = below.bounding_box()
    assert abs(after["y"] - before) < 2 or page.evaluate("scrollY") == 0, (before, after)
    assert after["y"] >= 0 and after["y"] + after["height"] <= 740, after
    # A heading opens from the keyboard too; the last section leads on to what must be
    # fixed and the signatures.
    page.locator("#section-sign_off > summary").focus()
    page.keyboard.press("Enter")
    expect(opened).to_have_id("section-sign_off")
    page.locator("#section-sign_off").get_by_role(
        "button", name="Mục tiếp theo: Yêu cầu khắc phục"
    ).click()
    follow_up = page.get_by_role("heading", name="Yêu cầu khắc phục")
    expect(follow_up).to_be_focused()
    page.wait_for_timeout(300)
    assert in_view(page, ".follow-up-section")
    assert not page.errors


def test_the_active_tab_is_always_marked(context: Any, page: Any, server: Server) -> None:
    install_idb_helper(context)
    sign_in(page)  # lands on "#/", the facility list
    page.locator(".view-facilities").wait_for()
    assert current_tab(page) == "Cơ sở"
    labels = page.locator("nav a .label")
    assert all(box["height"] < 24 for box in (labels.nth(i).bounding_box() for i in range(5)))
    assert page.locator("nav svg").count() == 5
    page.get_by_role("link", name="Hộp thư đi").click()
    page.locator(".view-outbox").wait_for()
    assert current_tab(page) == "Hộp thư đi"
    iid = start_inspection(page, "TQ-AFT-001")
    assert current_tab(page) == "Phiếu nháp"
    fill_checklist(page)
    page.locator("#complete").click()
    page.get_by_role("dialog").get_by_role("button", name="Hoàn thành phiếu").click()
    wait_for_status(page, "received")
    page.goto(f"/#/inspection/{iid}")
    page.locator(".view-inspection[data-built]").wait_for(state="attached")
    assert current_tab(page) == "Hộp thư đi"
    expect(page.locator("#badge")).to_be_hidden()  # nothing left to send
    assert "Điểm tạm tính" not in text_of(page.locator(".view-inspection"))
    assert "Kết quả đã gửi" in text_of(page.locator(".livebar"))


def test_show_more_only_when_there_is_more(context: Any, page: Any) -> None:
    install_idb_helper(context)
    sign_in(page)
    page.locator(".view-facilities").wait_for()
    more = page.get_by_role("button", name="Xem thêm")
    more.wait_for()  # 300 facilities, 50 a page (shown with the list, a moment after the screen)
    page.get_by_label("Tìm theo tên hoặc mã").fill(PRESCHOOL)
    expect_text(page.locator(".view-facilities .count"), "1 / 1")
    assert more.count() == 0 or more.is_hidden()


def test_the_list_shows_waiting_then_the_servers_result(context: Any, page: Any) -> None:
    install_idb_helper(context)
    sign_in(page)
    context.set_offline(True)
    start_inspection(page, "TQ-AFT-001")
    fill_checklist(page)
    page.locator("#complete").click()
    page.get_by_role("dialog").get_by_role("button", name="Hoàn thành phiếu").click()
    page.wait_for_url("**/#/outbox")
    page.get_by_role("link", name="Cơ sở", exact=True).click()
    page.get_by_label("Tìm theo tên hoặc mã").fill("TQ-AFT-001")
    card = page.locator("ul.facilities a.card", has_text="TQ-AFT-001")
    expect_text(card, "Chờ gửi")
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect_text(card, "Đạt", timeout=30)  # the server's result, no reload
    assert "Chờ gửi" not in text_of(card)
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1


def test_signed_out_offline_keeps_the_accounts_work_and_only_its(
    context: Any, page: Any, server: Server
) -> None:
    install_idb_helper(context)
    sign_in(page)
    iid = start_inspection(page, "TQ-AFT-001")
    nth_item(page).locator(".opt-pass").click()
    page.get_by_role("link", name="Cài đặt").click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_role("dialog").get_by_role("button", name="Đăng xuất").click()
    page.get_by_label("Mật khẩu").wait_for()

    context.set_offline(True)
    page.reload()
    page.get_by_label("Mật khẩu").wait_for()
    page.get_by_role("button", name="Tiếp tục làm việc ngoại tuyến").wait_for()
    assert "lần đầu" not in text_of(page.locator(".view-signin"))
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Tiếp tục làm việc ngoại tuyến").click()
    expect_text(page.get_by_role("alert").first, "Sai mật khẩu")
    page.get_by_label("Mật khẩu").fill(INSPECTOR[1])
    page.get_by_role("button", name="Tiếp tục làm việc ngoại tuyến").click()
    page.locator(".view-drafts").wait_for()
    page.locator(f"a.card[href='#/inspection/{iid}']").click()
    page.locator(".view-inspection[data-built]").wait_for(state="attached")
    second = nth_item(page, CHECK, 1)
    second.locator(".opt-fail").click()
    second_id = str(second.get_attribute("data-item"))
    eventually(
        page,
        "async ([id, item]) => (await window.__idb('inspections')).find(i => i.id === id)"
        ".answers[item] === 'fail'",
        arg=[iid, second_id],
    )

    # Another account on the same phone (online) sees none of it.
    context.set_offline(False)
    page.get_by_role("link", name="Cài đặt").click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_role("dialog").get_by_role("button", name="Đăng xuất").click()
    other = LOGINS["admin"]
    page.get_by_label("Tên đăng nhập").fill(other[0])
    page.get_by_label("Mật khẩu").fill(other[1])
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.locator("nav").get_by_role("link", name="Quản trị").click()
    page.get_by_role("link", name="Phiếu nháp").click()
    page.locator(".view-drafts").wait_for()
    assert page.locator("ul.drafts a.card").count() == 0
    page.goto(f"/#/inspection/{iid}")
    page.get_by_text("Không có phiếu này trên máy.").wait_for()
