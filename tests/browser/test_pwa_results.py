"""Each version-2 checklist, end to end and by role: an inspector's failed inspection is
explained on the phone, in the server's receipt, on the facility's own screen and in the
department's list, in Vietnamese, with the same reasons everywhere."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.browser.conftest import (
    CONTEXT_OPTIONS,
    LOGINS,
    Server,
    eventually,
    expect_text,
    fill_checklist,
    install_idb_helper,
    sign_in,
    start_inspection,
    wait_for_status,
)
from tests.browser.test_pwa_journeys import complete

pytestmark = pytest.mark.browser

REASONS = "Lý do không đạt"


def _facility_login(server: Server, code: str) -> tuple[str, str]:
    """A facility account for ``code``, made by the admin through the API."""
    login = (f"coso-{code.lower()}", "mat-khau-co-so-2025")
    r = httpx.post(
        f"{server.url}/api/users",
        json={"username": login[0], "password": login[1], "role": "facility",
              "facility_code": code, "display_name": "Hiệu trưởng"},
        headers={"Authorization": f"Bearer {server.token(LOGINS['admin'])}"},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    return login


@pytest.mark.parametrize(
    ("code", "veto"),
    [
        ("TQ-PRE-001", True),  # preschool-safety v2: TT 45, vetoes
        ("TQ-IND-001", True),  # independent-childcare-safety v2: TT 45 for groups
        ("TQ-PRI-001", False),  # general-school-safety v2: TT 18
        ("TQ-AFT-001", False),  # after-hours-care-safety v2
    ],
)
def test_a_failed_inspection_is_explained_to_every_role(
    browser: Any, context: Any, page: Any, server: Server, code: str, veto: bool
) -> None:
    install_idb_helper(context)
    sign_in(page)
    start_inspection(page, code)
    assert "phiên bản 2" in page.locator(".meta").first.inner_text()
    mandatory = page.locator(".item.kind-check:not([hidden]):has(.pill.mandatory)").last
    check_id = str(mandatory.get_attribute("id")).removeprefix("item-")
    check = mandatory.locator("legend .q").text_content()
    fail = [check_id]
    event = ""
    if veto:
        item = page.locator(".item.kind-veto:not([hidden])").first
        fail.append(str(item.get_attribute("id")).removeprefix("item-"))
        event = item.locator("legend .q").text_content()
    fill_checklist(page, fail=tuple(fail))

    # On the phone, live: the result and why, in words.
    expect_text(page.locator(".summary .score"), "Không đạt")
    live = page.locator(".summary").get_by_role("list", name=REASONS).inner_text()
    assert f"Tiêu chí bắt buộc không đạt: {check}" in live
    assert not veto or f"Có sự việc loại trừ: {event}" in live

    # The server's receipt carries the same reasons, shown on the outbox card.
    complete(page)
    [received] = wait_for_status(page, "received")
    codes = [r["code"] for r in received["receipt"]["reasons"]]
    expected = ["veto", "mandatory"] if veto else ["mandatory"]
    # A short checklist may also fall under its threshold: a further reason, after these.
    assert codes[: len(expected)] == expected and set(codes[len(expected) :]) <= {"threshold"}
    card = page.locator(f"li.card[data-id='{received['id']}']")
    expect_text(card.get_by_role("list", name=REASONS), check)

    # The facility's own screen.
    facility = browser.new_context(base_url=server.url, **CONTEXT_OPTIONS)
    try:
        fpage = facility.new_page()
        install_idb_helper(facility)
        sign_in(fpage, _facility_login(server, code))
        fpage.get_by_role("heading", name="Tình trạng an toàn của cơ sở").wait_for()
        reasons = fpage.get_by_role("list", name=REASONS)
        reasons.first.wait_for()
        assert f"Tiêu chí bắt buộc không đạt: {check}" in reasons.first.inner_text()
        assert not veto or f"Có sự việc loại trừ: {event}" in reasons.first.inner_text()
        assert "Không đạt" in fpage.locator(".view-site").inner_text()
    finally:
        facility.close()

    # The department's list of non-compliant sites.
    department = browser.new_context(base_url=server.url, **CONTEXT_OPTIONS)
    try:
        dpage = department.new_page()
        install_idb_helper(department)
        sign_in(dpage, LOGINS["department"])
        dpage.locator(".view-province").wait_for()
        eventually(dpage, "() => document.querySelectorAll('.view-province li.card').length > 0")
        site = dpage.locator(".view-province li.card", has_text=code)
        while site.count() == 0 and dpage.get_by_role("button", name="Xem thêm").is_visible():
            dpage.get_by_role("button", name="Xem thêm").click()
            dpage.wait_for_timeout(300)
        expect_text(site.get_by_role("list", name=REASONS).first, check)
    finally:
        department.close()
