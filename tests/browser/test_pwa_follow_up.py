"""The inspector requires corrective actions on the phone, offline: each failed check gets
what must be done and a due date (pre-filled, editable), the completion dialog sums up the
result before confirming, and the server opens the actions exactly as the inspector set
them."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser.conftest import (
    Server,
    fill_checklist,
    install_idb_helper,
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
                row.locator("legend .q").inner_text(),
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
    due = (date.today() + timedelta(days=10)).isoformat()
    section.get_by_label(f"Hạn khắc phục: {first}").fill(due)
    default_due = section.get_by_label(f"Hạn khắc phục: {second}").input_value()
    assert default_due > date.today().isoformat()

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
    page.locator(f"#item-{first_id} .opt-pass").click()
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
