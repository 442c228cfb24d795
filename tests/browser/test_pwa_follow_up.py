"""The inspector requires corrective actions on the phone, offline: each failed check gets
what must be done and a due date (pre-filled, editable), the completion dialog sums up the
result before confirming, and the server opens the actions exactly as the inspector set
them."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.clock import today
from tests.browser.conftest import (
    CONTEXT_OPTIONS,
    Server,
    eventually,
    fill_checklist,
    inspections,
    install_idb_helper,
    show_item,
    sign_in,
    start_inspection,
    wait_for_status,
)
from tests.browser.test_pwa_journeys import AFTER_HOURS, complete

pytestmark = pytest.mark.browser

SCREENS = Path(__file__).parent / "screens"
"""Screenshots at 360 px for a person to look at (not kept in git)."""


def failing_checks(page: Any, n: int) -> list[tuple[str, str]]:
    """The ids and questions of the first ``n`` visible graded checks."""
    rows = page.locator(".item.kind-check:not([hidden]):not(:has(.pill.advisory))")
    found = []
    for index in range(n):
        row = rows.nth(index)
        found.append(
            (
                str(row.get_attribute("id")).removeprefix("item-"),
                row.locator("legend .q").text_content(),
            )
        )
    return found


def test_failed_checks_become_actions_with_the_inspectors_words(
    context: Any, page: Any, server: Server
) -> None:
    install_idb_helper(context)
    sign_in(page)
    context.set_offline(True)
    start_inspection(page, AFTER_HOURS)
    section = page.get_by_role("region", name="Yêu cầu khắc phục")
    assert section.get_by_text("Không có yêu cầu khắc phục.").is_visible()
    (first_id, first), (second_id, second) = failing_checks(page, 2)
    fill_checklist(page, fail=(first_id, second_id))

    # One row per failure, pre-filled from the check; the inspector rewrites one.
    requirement = section.get_by_label(f"Yêu cầu khắc phục: {first}")
    assert requirement.input_value() == f"Khắc phục để đạt tiêu chí: {first}"
    requirement.fill("Lắp camera ở lối vào trong vòng 10 ngày")
    # Dates read and are typed dd/mm/yyyy whatever the browser's locale; kept as ISO.
    due_day = today() + timedelta(days=10)
    due = due_day.isoformat()
    first_due = section.get_by_label(f"Hạn khắc phục: {first}")
    first_due.fill(due_day.strftime("%d%m%Y"))
    assert first_due.input_value() == due_day.strftime("%d/%m/%Y")
    shown_default = section.get_by_label(f"Hạn khắc phục: {second}").input_value()
    default_due = datetime.strptime(shown_default, "%d/%m/%Y").date().isoformat()
    assert default_due > today().isoformat()

    SCREENS.mkdir(exist_ok=True)
    section.scroll_into_view_if_needed()
    page.screenshot(path=SCREENS / "follow-up-section.png")

    # Reload offline: the words typed are still there.
    page.reload()
    page.locator(".view-inspection[data-built]").wait_for(state="attached")
    section = page.get_by_role("region", name="Yêu cầu khắc phục")
    expected = "Lắp camera ở lối vào trong vòng 10 ngày"
    assert section.get_by_label(f"Yêu cầu khắc phục: {first}").input_value() == expected

    # The completion dialog says what the result is and that two actions go out; its
    # confirm button is not styled as a deletion.
    page.locator("#complete").click()
    dialog = page.get_by_role("dialog")
    assert "Kết quả: " in dialog.inner_text()
    assert "2 yêu cầu khắc phục sẽ được gửi cho cơ sở." in dialog.inner_text()
    page.screenshot(path=SCREENS / "follow-up-complete-dialog.png")
    confirm = dialog.get_by_role("button", name="Hoàn thành phiếu")
    assert "danger" not in str(confirm.get_attribute("class"))
    confirm.click()
    page.wait_for_url("**/#/outbox")

    context.set_offline(False)
    [received] = wait_for_status(page, "received")
    actions = httpx.get(
        f"{server.url}/api/actions",
        params={"facility": AFTER_HOURS},
        headers={"Authorization": f"Bearer {server.token()}"},
    ).json()["items"]
    by_item = {a["item_id"]: a for a in actions}
    assert set(by_item) == {first_id, second_id}
    assert by_item[first_id]["requirement"] == expected
    assert by_item[first_id]["due"] == due
    assert by_item[second_id]["due"] == default_due
    assert {a["opened_by_inspection"] for a in actions} == {received["id"]}


def test_a_received_inspection_is_corrected_from_the_phone_as_its_amendment(
    context: Any, page: Any, server: Server
) -> None:
    install_idb_helper(context)
    sign_in(page)
    start_inspection(page, AFTER_HOURS)
    (first_id, _), (second_id, _) = failing_checks(page, 2)
    fill_checklist(page, fail=(first_id, second_id))
    complete(page)
    [original] = wait_for_status(page, "received")

    # Offline, the inspector opens it from the outbox and corrects one answer.
    context.set_offline(True)
    card = page.locator(f"li.card[data-id='{original['id']}']")
    card.get_by_role("link", name="Xem phiếu").click()
    page.get_by_role("button", name="Sửa phiếu này").click()
    # The new draft's screen (the received one was built too: wait for the banner first).
    page.get_by_text("Bản sửa của một phiếu đã gửi").wait_for()
    page.locator(".view-inspection[data-built]").wait_for(state="attached")
    show_item(page, first_id).locator(".opt-pass").click()
    complete(page)
    context.set_offline(False)
    received = wait_for_status(page, "received", count=2)
    [amendment] = [i for i in received if i["id"] != original["id"]]
    assert amendment["record"]["supersedes"] == original["id"]

    headers = {"Authorization": f"Bearer {server.token()}"}
    stored = httpx.get(f"{server.url}/api/inspections/{original['id']}", headers=headers).json()
    assert stored["superseded_by"] == amendment["id"]
    actions = httpx.get(
        f"{server.url}/api/actions", params={"facility": AFTER_HOURS}, headers=headers
    ).json()["items"]
    states = {a["item_id"]: a["state"] for a in actions}
    assert states == {first_id: "withdrawn", second_id: "open"}


def test_due_dates_read_dd_mm_yyyy_in_an_english_browser(browser: Any, server: Server) -> None:
    """The browser's own date control would show mm/dd/yyyy in an en-US browser; the app's
    date field reads and takes dd/mm/yyyy there too, marks what is not a day, and keeps
    only real days."""
    context = browser.new_context(base_url=server.url, **{**CONTEXT_OPTIONS, "locale": "en-US"})
    context.set_default_timeout(15000)
    try:
        install_idb_helper(context)
        page = context.new_page()
        sign_in(page)
        context.set_offline(True)
        start_inspection(page, AFTER_HOURS)
        ((item_id, question),) = failing_checks(page, 1)
        show_item(page, item_id).locator(".opt-fail").click()
        due = page.get_by_role("region", name="Yêu cầu khắc phục").get_by_label(
            f"Hạn khắc phục: {question}"
        )
        shown = due.input_value()
        assert datetime.strptime(shown, "%d/%m/%Y").date() > today()

        target = today() + timedelta(days=40)
        due.fill("")
        due.press_sequentially(target.strftime("%d%m%Y"))  # slashes come by themselves
        assert due.input_value() == target.strftime("%d/%m/%Y")
        assert due.get_attribute("aria-invalid") == "false"
        eventually(
            page,
            "due => window.__idb('inspections').then(list => list.some(i =>"
            " Object.values(i.actions || {}).some(a => a.due === due)))",
            arg=target.isoformat(),
        )

        due.fill("31/02/2027")  # no such day: marked, and the kept due is unchanged
        assert due.get_attribute("aria-invalid") == "true"
        page.wait_for_timeout(300)
        dues = [a["due"] for i in inspections(page) for a in (i.get("actions") or {}).values()]
        assert target.isoformat() in dues and "2027-02-31" not in dues
    finally:
        context.close()
