"""The province screen as a department officer uses it: counts per status that filter when
tapped, overdue preschools of one commune, a search without accents, a sort, a site opened
and the filters still there on the way back; the list downloaded as XLSX and CSV; the same
list offline; and no layout shift while it loads. Expectations come from the API."""

from __future__ import annotations

import csv
import io
import re
import time
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import openpyxl  # type: ignore[import-untyped]
import pytest

from tests.browser.conftest import LOGINS, Server, eventually, install_idb_helper, sign_in

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

OFFICER = LOGINS["department"]
LIST = "/api/compliance/facilities"
COUNTS = "Số cơ sở theo tình trạng; chạm để lọc"
SCREENS = Path(__file__).parent / "screens"
LOADED = ".view-province .province-list[aria-busy=false]"


def api(server: Server, **params: Any) -> dict[str, Any]:
    """Every row of the list with these filters, as the officer's API answers it."""
    headers = {"Authorization": f"Bearer {server.token(OFFICER)}"}
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        body = httpx.get(
            server.url + LIST, params={**params, "page": page, "per_page": 500}, headers=headers
        ).json()
        items += body["items"]
        if len(items) >= body["total"]:
            return {**body, "items": items}
        page += 1


def names(body: dict[str, Any]) -> list[str]:
    return [item["facility"]["name"] for item in body["items"]]


def fold(text: str) -> str:
    """Vietnamese without its accents, as someone types on a keyboard without them."""
    bare = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in bare if not unicodedata.combining(c)).lower()


def shown(page: Any) -> list[str]:
    return list(page.locator(".province-list > li > a.site-link").all_inner_texts())


def wait_for_list(page: Any, expected: list[str]) -> None:
    eventually(
        page,
        "(want) => JSON.stringify([...document.querySelectorAll("
        "'.province-list[aria-busy=false] > li > a.site-link')].map(a => a.textContent))"
        " === JSON.stringify(want)",
        timeout=30,
        arg=expected,
    )


def overdue_preschool_commune(server: Server) -> tuple[str, str]:
    """The commune with the most preschools that have an overdue corrective action."""
    body = api(server, kind="preschool", overdue_actions="true")
    communes = Counter(
        (i["facility"]["commune_code"], i["facility"]["commune_name"]) for i in body["items"]
    )
    assert communes, "the demo data has overdue preschools"
    (code, name), _ = max(communes.items(), key=lambda pair: (pair[1], pair[0][0]))
    return code, name


def test_officer_filters_searches_sorts_and_comes_back(page: Any, server: Server) -> None:
    sign_in(page, OFFICER)
    page.locator(LOADED).wait_for(timeout=30000)
    whole = api(server)
    counts = page.get_by_role("group", name=COUNTS)
    labels = {
        "non_compliant": "Không đạt",
        "overdue": "Quá hạn kiểm tra",
        "not_inspected": "Chưa kiểm tra",
        "compliant": "Đạt",
    }
    for status, label in labels.items():
        button = counts.get_by_role("button", name=f"{whole['counts'][status]} {label}")
        assert button.is_visible(), (status, whole["counts"])
    assert sum(whole["counts"].values()) == whole["total"] == 300
    # Every site, 50 at a time.
    assert len(shown(page)) == 50
    page.get_by_role("button", name="Xem thêm").click()
    wait_for_list(page, names(whole)[:100])

    # A count filters by its status, and a second tap undoes it.
    never = counts.get_by_role("button", name=re.compile("Chưa kiểm tra"))
    never.click()
    wait_for_list(page, names(api(server, status="not_inspected"))[:50])
    assert never.get_attribute("aria-pressed") == "true"
    assert "status=not_inspected" in page.url
    never.click()
    wait_for_list(page, names(whole)[:50])

    # Overdue preschools in one commune.
    commune, commune_name = overdue_preschool_commune(server)
    page.get_by_label("Xã, phường", exact=True).select_option(label=commune_name)
    page.get_by_label("Loại hình", exact=True).select_option(label="Mầm non")
    page.get_by_label("Có yêu cầu khắc phục quá hạn", exact=True).check()
    filters = {"commune": commune, "kind": "preschool", "overdue_actions": "true"}
    wanted = api(server, **filters)
    assert wanted["total"] >= 1
    wait_for_list(page, names(wanted))
    assert page.get_by_role("button", name="Xem thêm").is_hidden()
    assert page.get_by_text(f"{wanted['total']} / {wanted['total']} cơ sở").is_visible()
    for name, value in filters.items():
        assert f"{name}={value}" in page.url

    # A name typed without accents finds the site.
    target = wanted["items"][-1]["facility"]["name"]
    typed = fold(target)
    assert typed != target.lower()
    page.get_by_label("Tìm theo tên hoặc mã", exact=True).fill(typed)
    wait_for_list(page, names(api(server, **filters, q=typed)))
    assert target in shown(page)
    page.get_by_label("Tìm theo tên hoặc mã", exact=True).fill("")
    wait_for_list(page, names(wanted))

    # Soonest due corrective action first.
    page.get_by_label("Sắp xếp", exact=True).select_option(label="Hạn khắc phục gần nhất")
    by_due = api(server, **filters, sort="due")
    wait_for_list(page, names(by_due))
    dues = [item["next_due"] for item in by_due["items"]]
    assert dues == sorted(dues)

    # A site opens its screen; back returns to the same filtered, sorted list.
    first = by_due["items"][0]["facility"]
    page.get_by_role("link", name=first["name"]).click()
    page.wait_for_url(f"**/#/site/{first['code']}")
    page.locator(".view-site").get_by_role("heading", level=1).wait_for()
    page.go_back()
    wait_for_list(page, names(by_due))
    # The communes are fetched apart from the list: the choice shows once they are there.
    expect(page.get_by_label("Xã, phường", exact=True)).to_have_value(commune, timeout=30000)
    assert page.get_by_label("Loại hình", exact=True).input_value() == "preschool"
    assert page.get_by_label("Có yêu cầu khắc phục quá hạn", exact=True).is_checked()
    assert page.get_by_label("Sắp xếp", exact=True).input_value() == "due"
    # The site's own "back" link, and a reload, keep them too.
    page.get_by_role("link", name=first["name"]).click()
    page.locator(".view-site").get_by_role("link", name="Quay lại").click()
    wait_for_list(page, names(by_due))
    page.reload()
    wait_for_list(page, names(by_due))
    assert "sort=due" in page.url
    # The tab, from another screen, comes back to them as well.
    page.get_by_role("link", name="Cài đặt").click()
    page.locator(".view-settings").wait_for()
    page.get_by_role("link", name="Danh sách").click()
    wait_for_list(page, names(by_due))

    # "Bỏ lọc": every site again, still in the order chosen.
    page.get_by_role("button", name="Bỏ lọc").click()
    wait_for_list(page, names(api(server, sort="due"))[:50])
    assert page.get_by_label("Xã, phường", exact=True).input_value() == ""
    assert not page.get_by_label("Có yêu cầu khắc phục quá hạn", exact=True).is_checked()
    assert "commune=" not in page.url and "sort=due" in page.url
    assert page.get_by_role("button", name="Bỏ lọc").is_hidden()
    assert page.errors == []


def test_officer_downloads_the_list_shown(page: Any, server: Server, tmp_path: Path) -> None:
    sign_in(page, OFFICER)
    page.locator(LOADED).wait_for(timeout=30000)
    page.goto("/#/province?overdue_actions=true&sort=name")
    wait_for_list(page, names(api(server, overdue_actions="true", sort="name"))[:50])
    # The checklist and ownership filters, one tap further.
    forms = httpx.get(
        server.url + "/api/forms", headers={"Authorization": f"Bearer {server.token(OFFICER)}"}
    ).json()
    title = next(f["title"]["vi"] for f in forms if f["id"] == "preschool-safety" and f["latest"])
    page.get_by_text("Lọc thêm").click()
    page.get_by_label("Bảng kiểm", exact=True).select_option(label=title)
    page.get_by_label("Loại sở hữu", exact=True).select_option(label="Công lập")
    filters = {
        "checklist": "preschool-safety",
        "ownership": "public",
        "overdue_actions": "true",
        "sort": "name",
    }
    wanted = api(server, **filters)
    assert 0 < wanted["total"] < api(server, overdue_actions="true")["total"]
    wait_for_list(page, names(wanted)[:50])

    with page.expect_download() as got:
        page.get_by_role("button", name="Tải XLSX").click()
    path = tmp_path / "list.xlsx"
    got.value.save_as(path)
    assert got.value.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(path).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1]) for r in rows] == [
        (i["facility"]["code"], i["facility"]["name"]) for i in wanted["items"]
    ]
    page.get_by_text("Đã tải tệp danh sách đang xem.").wait_for()

    with page.expect_download() as got:
        page.get_by_role("button", name="Tải CSV").click()
    text = Path(got.value.path()).read_bytes().decode("utf-8-sig")
    codes = [row["code"] for row in csv.DictReader(io.StringIO(text))]
    assert codes == [i["facility"]["code"] for i in wanted["items"]]


def test_the_list_stays_readable_offline(context: Any, page: Any, server: Server) -> None:
    install_idb_helper(context)
    sign_in(page, OFFICER)
    page.locator(LOADED).wait_for(timeout=30000)
    page.goto("/#/province?kind=preschool&sort=score")
    wanted = names(api(server, kind="preschool", sort="score"))[:50]
    wait_for_list(page, wanted)
    # The officer looked at the pictures online: the phone keeps them once they are drawn
    # (they are fetched after the list, so going offline sooner would leave none kept).
    page.locator("details.charts > summary").click()
    page.get_by_role("figure", name="Kết quả kiểm tra theo tháng").wait_for()
    context.set_offline(True)
    page.reload()
    wait_for_list(page, wanted)
    assert page.get_by_text(re.compile("Đang ngoại tuyến: dữ liệu lúc")).is_visible()
    page.locator("details.charts > summary").click()
    # The pictures are drawn from the phone's copy as it is read, a moment after the list.
    page.get_by_role("figure", name="Kết quả kiểm tra theo tháng").wait_for()
    assert page.get_by_role("img", name=re.compile("^Kết quả kiểm tra theo tháng")).is_visible()


def test_the_charts_follow_the_place_and_kind_chosen(
    context: Any, page: Any, server: Server
) -> None:
    headers = {"Authorization": f"Bearer {server.token(OFFICER)}"}
    whole = httpx.get(f"{server.url}/api/reports/trends", headers=headers).json()
    busiest = max(
        whole["by_commune"], key=lambda s: sum(m["passed"] + m["failed"] for m in s["months"])
    )
    narrowed = httpx.get(
        f"{server.url}/api/reports/trends",
        params={"commune": busiest["key"], "kind": "preschool"},
        headers=headers,
    ).json()
    install_idb_helper(context)
    sign_in(page, OFFICER)
    page.locator(LOADED).wait_for(timeout=30000)
    page.locator("details.charts > summary").click()
    by_commune = page.get_by_role("figure", name="Tỷ lệ đạt theo xã, phường")
    # The pictures are asked for after the list: wait for them as a person would.
    expect(by_commune.locator("tbody tr")).to_have_count(len(whole["by_commune"]), timeout=30000)

    page.get_by_label("Xã, phường", exact=True).select_option(busiest["key"])
    page.get_by_label("Loại hình", exact=True).select_option("preschool")
    rows = by_commune.locator("tbody tr")
    expect(rows).to_have_count(1, timeout=30000)
    assert busiest["label"] in str(rows.first.text_content())  # the table is folded
    monthly = page.get_by_role("figure", name="Kết quả kiểm tra theo tháng").locator("tbody tr")
    wanted = {m["month"]: (m["passed"], m["failed"]) for m in narrowed["overall"]}
    # Each of the two choices redraws the pictures: read the table once the second has.
    deadline = time.monotonic() + 30
    while True:
        rows_text = [r.locator("th, td").all_text_contents() for r in monthly.all()]
        shown = {c[0]: (int(c[1]), int(c[2])) for c in rows_text if len(c) == 3}
        if sum(map(sum, shown.values())) == sum(map(sum, wanted.values())):
            break
        assert time.monotonic() < deadline, (shown, wanted)
        page.wait_for_timeout(200)
    assert shown.items() <= wanted.items()
    overdue = f"Hiện có {narrowed['overdue_now']} yêu cầu khắc phục quá hạn."
    assert page.get_by_text(overdue).is_visible()

    context.set_offline(True)  # the same charts, kept on the phone
    page.reload()
    page.locator("details.charts > summary").click()
    expect(by_commune.locator("tbody tr")).to_have_count(1, timeout=30000)
    assert page.get_by_text(overdue).is_visible()
    assert page.errors == []


LAYOUT_SHIFT = """
window.__cls = 0;
window.__moved = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.hadRecentInput) continue;
    window.__cls += entry.value;
    for (const s of entry.sources || []) window.__moved.push(s.node && s.node.className);
  }
}).observe({ type: 'layout-shift', buffered: true });
"""


@pytest.mark.parametrize("width", [360, 1280])
def test_nothing_jumps_while_it_loads(context: Any, page: Any, width: int) -> None:
    sign_in(page, OFFICER)
    page.locator(LOADED).wait_for(timeout=30000)
    page.set_viewport_size({"width": width, "height": 740 if width == 360 else 900})
    context.add_init_script(LAYOUT_SHIFT)
    # A slow mobile network, so that the screen is painted before its data arrives.
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 400,
            "downloadThroughput": 400_000,
            "uploadThroughput": 100_000,
        },
    )
    page.reload()
    page.locator(LOADED).wait_for(timeout=30000)
    page.locator(".pictures figure").first.wait_for(state="attached", timeout=30000)
    page.wait_for_timeout(1000)
    shift = page.evaluate("window.__cls")
    assert shift < 0.1, (shift, page.evaluate("window.__moved"))
    SCREENS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENS / f"province-{width}.png"))
    page.locator("details.charts > summary").click()
    page.locator("details.charts").screenshot(path=str(SCREENS / f"province-charts-{width}.png"))


def test_a_failing_site_says_why_in_its_checklists_words(page: Any, server: Server) -> None:
    """The list names failed checks by id only; the card shows the checklist's title and the
    checks' words from the versions on the phone, as they read on the facility screen."""
    failing = api(server, status="non_compliant")["items"]
    row = next(i for i in failing if any(r["failed_mandatory"] for r in i["reasons"]))
    reason = next(r for r in row["reasons"] if r["failed_mandatory"])
    assert "title" not in reason and isinstance(reason["failed_mandatory"][0], str)
    form = httpx.get(
        f"{server.url}/api/forms/{reason['form_id']}/{reason['form_version']}",
        headers={"Authorization": f"Bearer {server.token(OFFICER)}"},
    ).json()["definition"]
    words = {i["id"]: i["text"]["vi"] for s in form["sections"] for i in s["items"]}
    sign_in(page, OFFICER)
    page.locator(LOADED).wait_for(timeout=30000)
    page.get_by_label("Tìm theo tên hoặc mã", exact=True).fill(row["facility"]["code"])
    card = page.locator(".province-list > li", has_text=row["facility"]["name"])
    expect(card).to_contain_text(form["title"]["vi"], timeout=30000)
    why = card.get_by_role("list", name="Lý do không đạt").first
    expect(why).to_contain_text(
        f"Tiêu chí bắt buộc không đạt: {words[reason['failed_mandatory'][0]]}"
    )
