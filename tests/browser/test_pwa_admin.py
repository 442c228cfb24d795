"""Administration in the app, by role and Vietnamese label: the admin makes an inspector's
account (the server's problems beside their fields first), the inspector signs in, is
signed out everywhere, then disabled and can no longer sign in; a facility file with one
bad line imports nothing and names the line; one record kept aside is dismissed with a
reason and another accepted; anyone else sees no tab and is refused."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.forms.loader import load_file
from server.inspections import synthetic
from server.settings import REPO_ROOT
from tests.browser.conftest import (
    CONTEXT_OPTIONS,
    LOGINS,
    PHONE,
    Server,
    install_idb_helper,
    sign_in,
)

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

PRESCHOOL = load_file(REPO_ROOT / "forms" / "preschool-safety.v2.yaml")
SCREENS = Path(__file__).parent / "screens"
DESKTOP = {"width": 1280, "height": 800}
WAIT = 30_000  # ms: the machine is shared, the server may be slow to answer
NEW_USER = "thanhtra-moi"
HEADER = "code,name,kind,ownership,province_code,commune_code,commune_name\n"


def shoot(page: Any, name: str) -> None:
    SCREENS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def auth(server: Server, login: tuple[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.token(login)}"}


def open_admin(page: Any, entry: str) -> None:
    """The admin signs in and opens one of the administration screens from the tab."""
    sign_in(page, LOGINS["admin"])
    page.get_by_role("navigation").get_by_role("link", name="Quản trị").click()
    page.get_by_role("heading", name="Quản trị").wait_for(timeout=WAIT)
    page.get_by_role("link", name=entry).click()
    page.get_by_role("heading", name=entry).wait_for(timeout=WAIT)


def login_status(server: Server, username: str, password: str) -> int:
    r = httpx.post(
        f"{server.url}/api/auth/login", json={"username": username, "password": password}
    )
    return r.status_code


def test_admin_makes_an_inspector_who_signs_in_until_disabled(
    page: Any, browser: Any, server: Server
) -> None:
    open_admin(page, "Tài khoản")
    expect(page.get_by_text("thanhtra", exact=False).first).to_be_visible(timeout=WAIT)
    page.get_by_label("Vai trò").select_option("department")
    expect(page.get_by_role("link", name="Phạm Thu Hà")).to_be_visible(timeout=WAIT)
    expect(page.get_by_role("link", name="Nguyễn Văn Thanh")).to_have_count(0)
    page.get_by_label("Tìm theo tên, tỉnh, cơ quan").fill("so y te")
    expect(page.get_by_role("link", name="Phạm Thu Hà")).to_have_count(0, timeout=WAIT)
    expect(page.get_by_role("link", name="Hoàng Minh Đức")).to_be_visible()
    shoot(page, "admin-users")
    page.set_viewport_size(DESKTOP)
    shoot(page, "admin-users-desktop")
    page.set_viewport_size(PHONE)

    page.get_by_role("link", name="Tạo tài khoản").click()
    page.get_by_label("Tên đăng nhập").fill(NEW_USER)
    page.get_by_label("Họ tên hiển thị").fill("Trần Văn Mới")
    page.get_by_label("Vai trò").select_option("inspector")
    password = page.get_by_label("Mật khẩu ban đầu")
    generated = password.input_value()
    assert len(generated) >= 10
    password.fill("ngan")  # too short, and no province yet: both named beside their field
    page.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.get_by_text("Mật khẩu quá ngắn.")).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("Thanh tra cần được giao một tỉnh/thành.")).to_be_visible()
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Tỉnh/thành")).to_have_attribute("aria-invalid", "true")
    shoot(page, "admin-user-problems")
    assert login_status(server, NEW_USER, "ngan") == 401  # nothing was made

    page.get_by_role("button", name="Tạo mật khẩu khác").click()
    chosen = password.input_value()
    assert len(chosen) >= 10 and chosen != "ngan"
    page.get_by_label("Tỉnh/thành").select_option("08")
    page.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.get_by_text(f"Đã tạo tài khoản {NEW_USER}.")).to_be_visible(timeout=WAIT)
    assert page.get_by_label("Mật khẩu ban đầu").input_value() == chosen
    shoot(page, "admin-user-created")

    other = browser.new_context(base_url=server.url, **CONTEXT_OPTIONS)
    try:
        phone = other.new_page()
        sign_in(phone, (NEW_USER, chosen))
        expect(phone.get_by_role("heading", name="Chọn cơ sở")).to_be_visible(timeout=WAIT)

        # Narrowed to two communes, found by typing without marks: the inspector's list
        # holds their sites only.
        page.get_by_role("link", name=f"Tài khoản {NEW_USER}").click()
        communes = page.get_by_role("group", name="Xã, phường phụ trách")
        expect(communes.get_by_text("Cả tỉnh/thành", exact=True)).to_be_visible(timeout=WAIT)
        communes.get_by_label("Tìm xã, phường").fill("nong tien")
        expect(communes.get_by_label("Xã Hàm Yên")).to_be_hidden()
        communes.get_by_label("Phường Nông Tiến").check()
        communes.get_by_label("Tìm xã, phường").fill("")
        communes.get_by_label("Xã Hàm Yên").check()
        expect(communes.get_by_text("Đã chọn 2 xã, phường")).to_be_visible()
        shoot(page, "admin-user-communes")
        page.get_by_role("button", name="Lưu thay đổi").click()
        expect(page.get_by_text("Đã lưu.")).to_be_visible(timeout=WAIT)
        headers = auth(server, LOGINS["admin"])
        users = httpx.get(f"{server.url}/api/users", params={"q": NEW_USER}, headers=headers)
        assert [sorted(u["commune_codes"]) for u in users.json()] == [["08002", "08008"]]
        mine = httpx.get(
            f"{server.url}/api/facilities",
            params={"per_page": 500},
            headers=auth(server, (NEW_USER, chosen)),
        ).json()["items"]
        assert len(mine) == 38 and {f["commune_code"] for f in mine} == {"08002", "08008"}
        page.reload()
        expect(communes.get_by_label("Xã Hàm Yên")).to_be_checked(timeout=WAIT)

        # Another province: its own communes, none ticked, so the whole of it.
        page.get_by_label("Tỉnh/thành").select_option("79")
        expect(communes.get_by_text("Cả tỉnh/thành", exact=True)).to_be_visible(timeout=WAIT)
        page.get_by_role("button", name="Lưu thay đổi").click()
        expect(page.get_by_text("Đã lưu.")).to_be_visible(timeout=WAIT)
        users = httpx.get(f"{server.url}/api/users", params={"q": NEW_USER}, headers=headers)
        assert [(u["province_code"], u["commune_codes"]) for u in users.json()] == [("79", [])]
        page.get_by_role("button", name="Đăng xuất khỏi mọi máy").click()
        page.get_by_role("dialog").get_by_role("button", name="Đăng xuất khỏi mọi máy").click()
        # The phone and the API check above.
        expect(page.get_by_text("Đã đăng xuất 2 phiên.")).to_be_visible(timeout=WAIT)

        page.get_by_role("button", name="Khóa tài khoản").click()
        page.get_by_role("dialog").get_by_role("button", name="Khóa tài khoản").click()
        expect(page.get_by_text("Đã khóa tài khoản.")).to_be_visible(timeout=WAIT)
        expect(page.get_by_role("button", name="Mở khóa tài khoản")).to_be_visible()
        shoot(page, "admin-user-disabled")

        fresh = other.new_page()
        fresh.goto("/#/signin")
        fresh.get_by_label("Tên đăng nhập").fill(NEW_USER)
        fresh.get_by_label("Mật khẩu").fill(chosen)
        fresh.get_by_role("button", name="Đăng nhập").click()
        expect(fresh.get_by_text("Tài khoản này đã bị khóa.")).to_be_visible(timeout=WAIT)
    finally:
        other.close()
    assert login_status(server, NEW_USER, chosen) == 403
    db = server.db()
    try:
        actions = [
            r[0] for r in db.execute("SELECT action FROM audit_log WHERE subject = ?", (NEW_USER,))
        ]
    finally:
        db.close()
    assert {"user_created", "sessions_revoked", "user_updated"} <= set(actions)
    assert page.errors == []


def test_a_file_with_one_bad_line_imports_nothing_and_names_the_line(
    page: Any, server: Server, tmp_path: Path
) -> None:
    good = "TQ-MN-900,Trường Mầm non Thử,preschool,công lập,08,08001,Phường Minh Xuân\n"
    bad = "TQ-MN-901,Trường Mầm non Lỗi,kindergarten,public,08,08001,Phường Minh Xuân\n"
    path = tmp_path / "co-so.csv"
    path.write_text(HEADER + good + bad, encoding="utf-8")
    open_admin(page, "Nhập danh sách cơ sở")
    page.get_by_label("Tệp CSV danh sách cơ sở").set_input_files(str(path))
    page.get_by_role("button", name="Tải lên và nhập").click()
    expect(page.get_by_text("Không nhập gì cả: 1 dòng có lỗi.")).to_be_visible(timeout=WAIT)
    line = page.get_by_role("listitem").filter(has_text="Dòng 3")
    expect(line).to_contain_text("Loại hình “kindergarten” không có trong danh sách")
    shoot(page, "admin-import-rejected")
    headers = auth(server, LOGINS["admin"])
    assert httpx.get(f"{server.url}/api/facilities/TQ-MN-900", headers=headers).status_code == 404

    path.write_text(HEADER + good + bad.replace("kindergarten", "preschool"), encoding="utf-8")
    page.get_by_label("Tệp CSV danh sách cơ sở").set_input_files(str(path))
    page.get_by_role("button", name="Tải lên và nhập").click()
    expect(page.get_by_text("Đã nhập: 2 cơ sở mới, 0 cơ sở cập nhật")).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("Dòng 3")).to_have_count(0)
    assert httpx.get(f"{server.url}/api/facilities/TQ-MN-901", headers=headers).status_code == 200
    page.get_by_role("link", name="Quay lại").click()
    expect(page.get_by_role("link", name="Phiếu bị giữ lại")).to_be_visible(timeout=WAIT)
    shoot(page, "admin-menu")
    page.context.set_offline(True)
    page.get_by_role("link", name="Nhập danh sách cơ sở").click()
    expect(page.get_by_text("Cần có mạng để quản trị.")).to_be_visible(timeout=WAIT)
    expect(page.get_by_label("Tệp CSV danh sách cơ sở")).to_have_count(0)
    page.context.set_offline(False)
    assert page.errors == []


def keep_two_aside(server: Server) -> tuple[str, str]:
    """The inspector sends a record for a facility the server does not know (rejected) and
    one whose id clashes with a stored record (conflict); both are kept aside."""
    inspector = auth(server, LOGINS["inspector"])
    code = httpx.post(
        f"{server.url}/api/auth/login",
        json={"username": LOGINS["facility"][0], "password": LOGINS["facility"][1]},
    ).json()["user"]["facility_code"]
    when = datetime.now(UTC) - timedelta(hours=1)
    rng = random.Random(3)
    unknown = synthetic.record(PRESCHOOL, "TQ-KHONG-CO", rng, completed_at=when)
    stored = synthetic.record(PRESCHOOL, code, rng, completed_at=when)
    clash = {**synthetic.record(PRESCHOOL, code, rng, completed_at=when), "id": stored["id"]}
    unknown["id"] = str(uuid.uuid4())
    outcomes = []
    for record in (unknown, stored, clash):
        r = httpx.post(
            f"{server.url}/api/sync/inspections", json={"records": [record]}, headers=inspector
        )
        outcomes.append(r.json()["results"][0]["outcome"])
    assert outcomes == ["rejected", "created", "conflict"]
    return str(unknown["facility_code"]), str(code)


def test_one_kept_aside_record_is_dismissed_and_another_accepted(page: Any, server: Server) -> None:
    unknown, known = keep_two_aside(server)
    open_admin(page, "Phiếu bị giữ lại")
    expect(page.get_by_text("2 phiếu chờ xử lý")).to_be_visible(timeout=WAIT)
    shoot(page, "admin-kept")

    page.get_by_role("link", name=unknown, exact=False).click()
    expect(page.get_by_text("Máy chủ không nhận", exact=True)).to_be_visible(timeout=WAIT)
    expect(page.get_by_text(f"Cơ sở: {unknown}")).to_be_visible()
    problems = page.get_by_role("list", name="Vấn đề máy chủ tìm thấy")
    expect(problems).to_contain_text("Máy chủ không có cơ sở này")
    page.get_by_role("button", name="Nhận thành phiếu mới").click()
    still = page.get_by_role("list", name="Phiếu vẫn chưa hợp lệ, máy chủ không nhận:")
    expect(still).to_contain_text("Máy chủ không có cơ sở này", timeout=WAIT)
    page.get_by_role("button", name="Bỏ qua phiếu này").click()
    expect(page.get_by_text("Hãy ghi lý do bỏ qua.")).to_be_visible()
    page.get_by_label("Lý do bỏ qua").fill("Gửi nhầm mã cơ sở")
    shoot(page, "admin-kept-item")
    page.get_by_role("button", name="Bỏ qua phiếu này").click()
    expect(page.get_by_text("Đã bỏ qua phiếu.")).to_be_visible(timeout=WAIT)

    page.get_by_role("link", name="Phiếu bị giữ lại").click()
    expect(page.get_by_text("1 phiếu chờ xử lý")).to_be_visible(timeout=WAIT)
    page.get_by_role("link", name=known, exact=False).click()
    expect(page.get_by_text("Trùng mã, khác nội dung", exact=True)).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("Cơ sở: ", exact=False).filter(has_text=known)).to_be_visible()
    page.get_by_role("button", name="Nhận thành phiếu mới").click()
    expect(page.get_by_text("Đã nhận thành phiếu")).to_be_visible(timeout=WAIT)

    db = server.db()
    try:
        resolutions = dict(db.execute("SELECT reason, resolution FROM kept_aside").fetchall())
        actions = {r[0] for r in db.execute("SELECT action FROM audit_log")}
    finally:
        db.close()
    assert resolutions == {"rejected": "dismissed: Gửi nhầm mã cơ sở", "conflict": "accepted"}
    assert {"kept_aside_dismissed", "kept_aside_accepted"} <= actions

    # Resolved records leave the list, and come back with the box ticked, saying how.
    page.get_by_role("link", name="Phiếu bị giữ lại").click()
    expect(page.get_by_text("Không có phiếu nào bị giữ lại.")).to_be_visible(timeout=WAIT)
    page.get_by_label("Hiện cả phiếu đã xử lý").check()
    expect(page.get_by_text("2 phiếu bị giữ lại")).to_be_visible(timeout=WAIT)
    cards = page.get_by_role("listitem")
    expect(cards.filter(has_text=unknown)).to_contain_text("Đã bỏ qua")
    expect(cards.filter(has_text=known)).to_contain_text("Đã nhận")
    shoot(page, "admin-kept-all")
    page.reload()
    expect(page.get_by_label("Hiện cả phiếu đã xử lý")).to_be_checked(timeout=WAIT)
    expect(page.get_by_text("2 phiếu bị giữ lại")).to_be_visible(timeout=WAIT)
    expect(page.get_by_role("button", name="Xem thêm")).to_be_hidden()
    assert page.errors == []


def test_many_kept_aside_records_come_a_page_at_a_time(page: Any, server: Server) -> None:
    inspector = auth(server, LOGINS["inspector"])
    when = datetime.now(UTC) - timedelta(hours=1)
    rng = random.Random(5)
    for _ in range(2):
        records = [
            {**synthetic.record(PRESCHOOL, "TQ-KHONG-CO", rng, completed_at=when),
             "id": str(uuid.uuid4())}
            for _ in range(26)
        ]  # fmt: skip
        r = httpx.post(
            f"{server.url}/api/sync/inspections", json={"records": records}, headers=inspector
        )
        assert {x["outcome"] for x in r.json()["results"]} == {"rejected"}
    open_admin(page, "Phiếu bị giữ lại")
    expect(page.get_by_text("52 phiếu chờ xử lý")).to_be_visible(timeout=WAIT)
    cards = page.get_by_role("listitem").filter(has_text="Máy chủ không nhận")
    expect(cards).to_have_count(50)
    page.get_by_role("button", name="Xem thêm").click()
    expect(cards).to_have_count(52, timeout=WAIT)
    expect(page.get_by_role("button", name="Xem thêm")).to_be_hidden()
    assert page.errors == []


def test_anyone_else_sees_no_tab_and_is_refused(context: Any, page: Any, server: Server) -> None:
    install_idb_helper(context)
    sign_in(page, LOGINS["inspector"])
    nav = page.get_by_role("navigation")
    expect(nav.get_by_role("link", name="Cơ sở")).to_be_visible(timeout=WAIT)
    expect(nav.get_by_role("link", name="Quản trị")).to_have_count(0)
    page.goto("/#/admin/users")
    expect(page.get_by_text("Chỉ quản trị viên dùng được màn hình này.")).to_be_visible(
        timeout=WAIT
    )
    expect(page.get_by_role("link", name="Tạo tài khoản")).to_have_count(0)
    for login in (LOGINS["inspector"], LOGINS["department"], LOGINS["facility"]):
        r = httpx.get(f"{server.url}/api/users", headers=auth(server, login))
        assert r.status_code == 403


def test_the_admin_screens_are_accessible_and_fit_a_phone(page: Any, server: Server) -> None:
    pytest.importorskip("axe_playwright_python")
    from tests.browser.test_pwa_quality import _axe, _fits, _small_targets

    keep_two_aside(server)
    sign_in(page, LOGINS["admin"])
    screens = {
        "menu": ("#/admin", "Quản trị"),
        "users": ("#/admin/users", "Tài khoản"),
        "new-user": ("#/admin/user/new", "Tạo tài khoản"),
        "import": ("#/admin/import", "Nhập danh sách cơ sở"),
        "kept": ("#/admin/kept", "Phiếu bị giữ lại"),
        "kept-item": ("#/admin/kept/1", "Phiếu bị giữ lại #1"),
    }
    problems: dict[str, list[str]] = {}
    for name, (hash_, heading) in screens.items():
        page.goto("/" + hash_)
        page.get_by_role("heading", name=heading, exact=True).wait_for(timeout=WAIT)
        page.wait_for_timeout(300)  # lists filled after the heading
        problems[name] = (
            _axe(page) + _small_targets(page) + ([] if _fits(page) else ["wider than 360 px"])
        )
    page.get_by_role("button", name="Bỏ qua phiếu này").click()
    problems["kept-item-problem"] = _axe(page)
    assert problems == {name: [] for name in problems}
