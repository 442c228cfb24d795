"""A joint inspection plan, by role and label: the education department picks sites by a
filter (non-compliant or overdue preschools in one commune) and makes a plan whose team
includes the inspector; the inspector's schedule keeps the visit on the phone, opens it
offline with the team on the minutes, completes the checklist, and it syncs once online;
the department's plan then shows the visit done. Screens are taken at 360 px."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.clock import today as vietnam_today
from tests.browser.conftest import (
    CONTEXT_OPTIONS,
    INSPECTOR,
    LOGINS,
    Server,
    eventually,
    fill_checklist,
    install_idb_helper,
    sign_in,
    wait_for_status,
)
from tests.browser.test_pwa_journeys import complete
from tests.browser.test_pwa_quality import _axe, _fits, _small_targets

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect
WAIT = 30_000  # ms: the machine is shared

SCREENS = Path(__file__).parent / "screens"
OFFICER = ("so-giaoduc", "so-giaoduc-demo-2025")
STATUSES = ("non_compliant", "overdue")


def small_commune(server: Server) -> tuple[str, set[str]]:
    """A commune with one to three non-compliant or overdue preschools, and their codes."""
    auth = {"Authorization": f"Bearer {server.token(OFFICER)}"}
    found: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for status in STATUSES:
        page = httpx.get(
            f"{server.url}/api/compliance/facilities",
            params={"status": status, "kind": "preschool", "per_page": 500},
            headers=auth,
        ).json()
        for row in page["items"]:
            f = row["facility"]
            found.setdefault(f["commune_code"], set()).add(f["code"])
            names[f["commune_code"]] = f["commune_name"]
    commune = min((c for c in found if len(found[c]) <= 3), key=lambda c: len(found[c]))
    return names[commune], found[commune]


def shot(page: Any, name: str) -> None:
    SCREENS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENS / f"plans-{name}.png"), full_page=True)


def make_plan(page: Any, commune: str) -> int:
    """The officer fills the form as a person would and makes the plan; returns its id."""
    page.get_by_role("link", name="Kế hoạch", exact=True).click()
    page.get_by_role("link", name="Lập kế hoạch mới").click()
    page.get_by_label("Tên kế hoạch").fill("Kiểm tra liên ngành mầm non học kỳ I")
    # Saving without an agency is refused next to the field; what was typed stays.
    page.get_by_role("button", name="Lập kế hoạch").click()
    agencies = page.get_by_role("group", name="Cơ quan tham gia")
    agencies.get_by_text("Chọn ít nhất một cơ quan.").wait_for()
    shot(page, "form-refused")
    assert page.get_by_label("Tên kế hoạch").input_value() == "Kiểm tra liên ngành mầm non học kỳ I"
    page.get_by_label("Sở Giáo dục và Đào tạo", exact=True).check()
    page.get_by_label("Sở Y tế", exact=True).check()
    page.get_by_label("Tên đoàn").fill("Đoàn liên ngành số 1")
    lead = page.locator(".plan-team .member").nth(0)
    lead.get_by_label("Họ và tên", exact=True).fill("Phạm Thu Hà")
    lead.get_by_label("Cơ quan", exact=True).fill("Sở Giáo dục và Đào tạo")
    page.get_by_role("button", name="Thêm thành viên").click()
    member = page.locator(".plan-team .member").nth(1)
    member.get_by_label("Họ và tên", exact=True).fill("Nguyễn Văn Thanh")
    member.get_by_label("Cơ quan", exact=True).fill("Sở Y tế")
    member.get_by_label("Tài khoản (nếu có)").fill(INSPECTOR[0])
    picker = page.get_by_role("group", name="Chọn theo bộ lọc")
    picker.get_by_label("Loại hình").select_option(label="Mầm non")
    picker.get_by_label(commune, exact=True).check()
    picker.get_by_role("button", name="Thêm các cơ sở phù hợp").click()
    picker.get_by_text("Đã thêm").wait_for()
    shot(page, "form")
    page.get_by_role("button", name="Lập kế hoạch").click()
    page.wait_for_url("**/#/plan/*")
    return int(page.url.rsplit("/", 1)[1])


def test_a_planned_visit_from_the_department_to_the_inspectors_phone_and_back(
    browser: Any, server: Server
) -> None:
    commune, codes = small_commune(server)

    # 1. The officer makes the plan.
    office = browser.new_context(base_url=server.url, **CONTEXT_OPTIONS)
    install_idb_helper(office)
    opage = office.new_page()
    sign_in(opage, OFFICER)
    plan_id = make_plan(opage, commune)
    opage.get_by_role("heading", name="Kiểm tra liên ngành mầm non học kỳ I").wait_for()
    visits = opage.locator(".view-plan li.card.visit")
    assert visits.count() == len(codes)
    assert opage.get_by_text("Đã kiểm tra: 0").is_visible()
    shot(opage, "plan-before")

    # 2. The inspector loads the schedule, goes offline and still has it.
    phone = browser.new_context(base_url=server.url, **CONTEXT_OPTIONS)
    install_idb_helper(phone)
    ipage = phone.new_page()
    sign_in(ipage)
    eventually(
        ipage, "async () => (await window.__idb('meta')).some(m => m.key === 'schedule')", 30
    )
    ipage.get_by_role("link", name="Lịch", exact=True).click()
    ipage.get_by_role("heading", name="Lịch kiểm tra").wait_for()
    phone.set_offline(True)
    ipage.reload()
    first = ipage.locator(".view-schedule a.card.visit").first
    first.wait_for()
    down = "() => fetch('/api/plans/visits/mine', {cache: 'no-store'}).then(() => 0, () => 1)"
    assert ipage.evaluate(down) == 1  # the schedule came from the phone
    assert ipage.locator(".view-schedule a.card.visit").count() == len(codes)
    shot(ipage, "schedule-offline")
    first.click()
    code = ipage.locator(".view-visit .meta").first.inner_text().split(" · ")[0]
    assert code in codes
    ipage.get_by_text("Nguyễn Văn Thanh · Sở Y tế").wait_for()
    shot(ipage, "visit")
    ipage.get_by_role("button", name="Bắt đầu kiểm tra").click()
    ipage.wait_for_url("**/#/inspection/*")
    ipage.locator(".view-inspection[data-built]").wait_for(state="attached")
    team = ipage.locator("ol.team li.member")
    assert team.nth(0).get_by_label("Họ và tên", exact=True).input_value() == "Phạm Thu Hà"
    assert team.nth(1).get_by_label("Họ và tên", exact=True).input_value() == "Nguyễn Văn Thanh"
    fill_checklist(ipage)
    complete(ipage)
    ipage.get_by_role("link", name="Lịch", exact=True).click()
    ipage.get_by_text("Chờ gửi").wait_for()

    # 3. Online again: it syncs, and the visit shows done on both sides.
    phone.set_offline(False)
    ipage.evaluate("() => window.dispatchEvent(new Event('online'))")
    [sent] = wait_for_status(ipage, "received", timeout=60)
    assert sent["facility_code"] == code
    ipage.locator(".view-schedule a.card.visit.state-done", has_text=code).wait_for(timeout=30000)
    shot(ipage, "schedule-done")
    opage.reload()
    done = opage.locator(".view-plan li.card.visit", has_text=code)
    done.get_by_text("Đã kiểm tra", exact=True).wait_for()
    assert opage.get_by_text("Đã kiểm tra: 1").is_visible()
    shot(opage, "plan-after")

    # 4. The plan is changed: a done visit can no longer be removed; the name can.
    opage.get_by_role("link", name="Sửa kế hoạch").click()
    opage.get_by_role("heading", name="Sửa kế hoạch kiểm tra").wait_for()
    site = opage.locator(".plan-site", has_text=code)
    site.get_by_text("Đã kiểm tra").wait_for()
    assert site.get_by_role("button", name="Bỏ", exact=False).count() == 0
    opage.get_by_label("Tên kế hoạch").fill("Kiểm tra liên ngành mầm non (điều chỉnh)")
    opage.get_by_role("button", name="Lưu thay đổi").click()
    opage.get_by_role("heading", name="Kiểm tra liên ngành mầm non (điều chỉnh)").wait_for()
    plan = httpx.get(
        f"{server.url}/api/plans/{plan_id}",
        headers={"Authorization": f"Bearer {server.token(OFFICER)}"},
    ).json()
    assert plan["progress"]["done"] == 1
    assert [v["facility_code"] for v in plan["visits"] if v["state"] == "done"] == [code]
    office.close()
    phone.close()


def api_plan(server: Server, codes: set[str]) -> dict[str, Any]:
    """A plan made through the API, with the inspector in its team and a late visit."""
    today = vietnam_today()
    member = {"name": "Nguyễn Văn Thanh", "agency": "Sở Y tế", "role": "member",
              "username": INSPECTOR[0]}  # fmt: skip
    lead = {"name": "Phạm Thu Hà", "agency": "Sở Giáo dục và Đào tạo", "role": "lead"}
    first, *rest = sorted(codes)
    late = {"start": str(today - timedelta(days=9)), "end": str(today - timedelta(days=2))}
    soon = {"start": str(today), "end": str(today + timedelta(days=9))}
    body = {
        "name": "Kế hoạch kiểm tra quý IV", "start": late["start"], "end": soon["end"],
        "agencies": ["Sở Giáo dục và Đào tạo", "Sở Y tế"],
        "teams": [{"name": "Đoàn 1", "members": [lead, member]}],
        "visits": [{"facility_code": first, "team": 0, **late},
                   *[{"facility_code": c, "team": 0, **soon} for c in rest]],
    }  # fmt: skip
    made = httpx.post(
        f"{server.url}/api/plans",
        json=body,
        headers={"Authorization": f"Bearer {server.token(OFFICER)}"},
    )
    assert made.status_code == 201, made.text
    return dict(made.json())


def test_plan_screens_are_accessible_and_fit_a_phone(browser: Any, server: Server) -> None:
    pytest.importorskip("axe_playwright_python")
    _, codes = small_commune(server)
    plan = api_plan(server, codes)
    visit = plan["visits"][0]
    screens = {
        OFFICER: {"plans": "#/plans", "plan": f"#/plan/{plan['id']}",
                  "plan-form": f"#/plan-form/{plan['id']}"},
        INSPECTOR: {"schedule": "#/schedule", "visit": f"#/visit/{visit['id']}"},
    }  # fmt: skip
    problems: dict[str, list[str]] = {}
    for login, hashes in screens.items():
        ctx = browser.new_context(base_url=server.url, **CONTEXT_OPTIONS)
        install_idb_helper(ctx)
        page = ctx.new_page()
        sign_in(page, login)
        for name, hash_ in hashes.items():
            page.goto("/" + hash_)
            page.locator(f".view-{name} h1").wait_for()
            page.wait_for_timeout(300)
            problems[name] = (
                _axe(page) + _small_targets(page) + ([] if _fits(page) else ["wider than 360 px"])
            )
            shot(page, f"quality-{name}")
            if name in ("plan", "schedule"):  # the late visit comes first and stands out
                card = page.locator(f".view-{name} .card.visit").first
                assert "state-late" in str(card.get_attribute("class"))
                assert card.get_by_text("Trễ hạn", exact=True).is_visible()
        ctx.close()
    assert problems == {name: [] for name in problems}


def test_an_admin_chooses_the_plans_province_first(page: Any, server: Server) -> None:
    install_idb_helper(page.context)
    sign_in(page, LOGINS["admin"])
    page.get_by_role("link", name="Kế hoạch", exact=True).click()
    page.get_by_role("link", name="Lập kế hoạch mới").wait_for()
    shot(page, "admin-plans")
    assert _fits(page)  # five tabs at 360 px
    page.get_by_role("link", name="Lập kế hoạch mới").click()
    page.get_by_label("Tỉnh, thành phố của kế hoạch").select_option(label="Tỉnh Tuyên Quang")
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_label("Tên kế hoạch").fill("Kế hoạch của quản trị")
    picker = page.get_by_role("group", name="Chọn theo bộ lọc")
    picker.get_by_label("Xã Hàm Yên", exact=True).wait_for()  # the province's communes
    page.reload()  # what was typed is kept on the phone until the plan is made
    assert page.get_by_label("Tên kế hoạch").input_value() == "Kế hoạch của quản trị"


def test_a_new_plan_starts_on_the_day_it_is_in_viet_nam(page: Any, server: Server) -> None:
    install_idb_helper(page.context)
    sign_in(page, OFFICER)
    # 18:30 UTC is 01:30 the next morning in Viet Nam: the plan starts that next day.
    utc_day = datetime.now(UTC).date()
    page.clock.set_fixed_time(datetime.combine(utc_day, time(18, 30), UTC))
    page.get_by_role("link", name="Kế hoạch", exact=True).click()
    page.get_by_role("link", name="Lập kế hoạch mới").click()
    start, end = utc_day + timedelta(days=1), utc_day + timedelta(days=31)
    expect(page.get_by_label("Từ ngày", exact=True)).to_have_value(f"{start:%d/%m/%Y}")
    expect(page.get_by_label("Đến ngày", exact=True)).to_have_value(f"{end:%d/%m/%Y}")


def test_a_filter_adds_every_matching_site_however_many_pages_they_take(
    page: Any, server: Server
) -> None:
    auth = {"Authorization": f"Bearer {server.token(OFFICER)}"}
    listed = httpx.get(
        f"{server.url}/api/compliance/facilities", params={"per_page": 2000}, headers=auth
    ).json()["items"]
    # The filter's statuses at first: non-compliant and overdue.
    by_commune: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for row in listed:
        f = row["facility"]
        names[f["commune_code"]] = f["commune_name"]
        if row["status"] in STATUSES:
            by_commune.setdefault(f["commune_code"], []).append(f["code"])
    commune = max(by_commune, key=lambda c: len(by_commune[c]))
    sites = len(by_commune[commune])
    assert sites >= 3

    # The server's pages cut to 2 rows: the commune's sites then take several pages, as a
    # province's do at the real page size, and each one must be asked for.
    def small_pages(route: Any) -> None:
        route.continue_(url=re.sub(r"per_page=\d+", "per_page=2", route.request.url))

    install_idb_helper(page.context)
    sign_in(page, OFFICER)
    page.context.route("**/api/compliance/facilities?*", small_pages)
    page.get_by_role("link", name="Kế hoạch", exact=True).click()
    page.get_by_role("link", name="Lập kế hoạch mới").click()
    picker = page.get_by_role("group", name="Chọn theo bộ lọc")
    picker.get_by_label(names[commune], exact=True).check()
    picker.get_by_role("button", name="Thêm các cơ sở phù hợp").click()
    expect(picker.get_by_text(f"Đã thêm {sites} cơ sở (tìm thấy {sites}).")).to_be_visible(
        timeout=WAIT
    )


def test_the_inspectors_assigned_sites_come_first_in_the_facility_list(
    page: Any, server: Server
) -> None:
    listed = httpx.get(
        f"{server.url}/api/compliance/facilities",
        params={"status": "non_compliant", "kind": "preschool", "per_page": 3},
        headers={"Authorization": f"Bearer {server.token(OFFICER)}"},
    ).json()["items"]
    codes = {row["facility"]["code"] for row in listed}
    assert len(codes) == 3
    plan = api_plan(server, codes)
    late, *soon = sorted(plan["visits"], key=lambda v: v["end"])
    install_idb_helper(page.context)
    sign_in(page)
    page.get_by_role("heading", name="Chọn cơ sở").wait_for()
    cards = page.locator(".view-facilities li a.card")
    expect(cards.first).to_contain_text(late["facility_code"], timeout=WAIT)
    end = date.fromisoformat(late["end"]).strftime("%d/%m/%Y")
    expect(cards.first.get_by_text(f"Lịch kiểm tra trễ hạn ({end})")).to_be_visible()
    for i, visit in enumerate(soon, start=1):  # the same window: overdue, then by name
        due = date.fromisoformat(visit["end"]).strftime("%d/%m/%Y")
        expect(cards.nth(i).get_by_text(f"Lịch kiểm tra: hạn {due}")).to_be_visible()
    firsts = {cards.nth(i).inner_text().split("\n")[1].split(" · ")[0] for i in range(len(codes))}
    assert firsts == codes
    assert "Lịch kiểm tra" not in cards.nth(len(codes)).inner_text()
    page.screenshot(path=str(SCREENS / "plans-facilities-assigned.png"))  # the first screen
