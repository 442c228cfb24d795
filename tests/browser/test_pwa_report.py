"""The period report as a department officer uses it on a 360 px phone: the year's figures
on screen equal the server's report and a recomputation from the inspections table; the
XLSX and the PDF downloaded from the screen hold the same numbers; a custom period in
dd/mm/yyyy, with a wrong day refused in words."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import openpyxl  # type: ignore[import-untyped]
import pytest

from server.clock import today
from server.demo import DEMO_LOGINS
from tests.browser.conftest import Server, install_idb_helper, sign_in
from tests.browser.test_pwa_site import _axe_clean
from tests.integration.test_minutes import pages
from tests.integration.test_reports import reference

pytestmark = pytest.mark.browser

OFFICER = next((u, p) for _, u, p in DEMO_LOGINS if u == "so-giaoduc")
SCREENS = Path(__file__).parent / "screens"
# The demo's inspections are of the last months: a day a month ago is in the year and the
# school year the tests look at, whatever day they run.
RECENT = today() - timedelta(days=30)
YEAR = RECENT.year
SCHOOL_YEAR_ENDS = YEAR + 1 if RECENT.month >= 9 else YEAR
SUMMARY_ROWS = {
    "facilities": "Số cơ sở",
    "inspections": "Số lượt kiểm tra",
    "facilities_inspected": "Số cơ sở được kiểm tra",
    "facilities_passed": "Số cơ sở đạt",
    "facilities_failed": "Số cơ sở không đạt",
    "facilities_not_inspected": "Số cơ sở chưa được kiểm tra",
    "actions_opened": "Yêu cầu khắc phục đã đưa ra",
    "fixes_reported": "Yêu cầu cơ sở báo đã khắc phục",
    "actions_verified": "Yêu cầu đã xác nhận khắc phục",
    "actions_overdue_at_end": "Yêu cầu quá hạn cuối kỳ",
}
ROWS = "rows => rows.map(r => [...r.cells].map(c => c.textContent.trim()))"


def vi(n: int) -> str:
    """A count as the screen writes it in Vietnamese: thousands grouped with dots."""
    return f"{n:,}".replace(",", ".")


def signed(n: int) -> str:
    return f"+{vi(n)}" if n > 0 else f"−{vi(-n)}" if n < 0 else "0"


def server_report(server: Server, start: str, end: str) -> dict[str, Any]:
    answer = httpx.get(
        f"{server.url}/api/reports/period",
        params={"start": start, "end": end},
        headers={"Authorization": f"Bearer {server.token(OFFICER)}"},
        timeout=60,
    )
    answer.raise_for_status()
    report: dict[str, Any] = answer.json()
    return report


def province_codes(server: Server) -> list[str]:
    db = server.db()
    try:
        return [
            code
            for (code,) in db.execute(
                "SELECT f.code FROM facilities f JOIN users u ON u.province_code = f.province_code"
                " WHERE u.username = ?",
                [OFFICER[0]],
            )
        ]
    finally:
        db.close()


def shoot(page: Any, name: str) -> None:
    SCREENS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def open_year(page: Any) -> Any:
    page.get_by_role("link", name="Báo cáo").click()
    page.get_by_role("heading", name="Báo cáo định kỳ").wait_for()
    page.get_by_label("Kỳ báo cáo").select_option(label="Cả năm")
    page.get_by_label("Năm", exact=True).select_option(str(YEAR))
    page.get_by_role("button", name="Xem báo cáo").click()
    summary = page.get_by_role("table", name="Tổng hợp")
    summary.wait_for(timeout=60000)
    return summary


def test_the_officer_sees_downloads_and_checks_the_years_report(
    context: Any, page: Any, server: Server
) -> None:
    install_idb_helper(context)
    sign_in(page, OFFICER)
    summary = open_year(page)
    start, end = f"{YEAR}-01-01", f"{YEAR}-12-31"
    report = server_report(server, start, end)
    cur, prev = report["current"], report["previous"]
    expected = reference(
        server.data_dir / "safeschool.sqlite3",
        date(YEAR, 1, 1),
        date(YEAR, 12, 31),
        province_codes(server),
    )
    for key in ("inspections", "facilities_inspected", "facilities_passed", "facilities_failed"):
        assert cur[key] == expected[key], key
    assert cur["inspections"] > 0 and cur["facilities_failed"] > 0  # the demo's year

    heading = page.get_by_role("heading", level=2).inner_text()
    assert heading == f"{report['scope']}, 01/01/{YEAR} – 31/12/{YEAR}"
    rows = summary.locator("tbody tr").evaluate_all(ROWS)
    assert rows[: len(SUMMARY_ROWS)] == [
        [label, vi(cur[key]), vi(prev[key]), signed(cur[key] - prev[key])]
        for key, label in SUMMARY_ROWS.items()
    ]
    rate = round(1000 * cur["facilities_passed"] / cur["facilities_inspected"]) / 10
    assert rows[-1][:2] == ["Tỷ lệ cơ sở đạt", f"{rate:g} %".replace(".", ",")]
    card = page.locator(".figures li").filter(has_text="Số cơ sở không đạt")
    assert card.locator(".value").inner_text() == vi(cur["facilities_failed"])

    themes = page.get_by_role("table", name="Lý do không đạt theo chủ đề")
    assert themes.locator("tbody tr").evaluate_all(ROWS) == [
        [t["title"], vi(t["failed_checks"]), vi(t["facilities"])] for t in cur["themes"]
    ]
    assert {t["section_id"]: t["failed_checks"] for t in cur["themes"]} == expected["themes"]
    vetoes = page.get_by_role("table", name="Sự việc loại trừ")
    assert vetoes.locator("tbody tr").evaluate_all(ROWS) == [
        [v["label"], vi(v["count"])] for v in cur["vetoes"]
    ]
    chart = page.get_by_role("img", name=re.compile(r"^Kết quả kiểm tra cơ sở\. Số cơ sở đạt: "))
    assert chart.get_attribute("aria-label").startswith(  # the chart's numbers in words
        f"Kết quả kiểm tra cơ sở. Số cơ sở đạt: {vi(cur['facilities_passed'])} / "
    )
    shoot(page, "report-year")
    _axe_clean(page)

    with page.expect_download(timeout=60000) as got:
        page.get_by_role("button", name="Tải XLSX").click()
    assert got.value.suggested_filename == f"bao-cao-{start}-{end}.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(Path(got.value.path()).read_bytes()))
    sheet = {
        r[0].value: (r[1].value, r[2].value) for r in workbook["Tổng hợp"].iter_rows(min_row=2)
    }
    assert sheet == {label: (cur[key], prev[key]) for key, label in SUMMARY_ROWS.items()}
    page.get_by_text(f"Đã tải bao-cao-{start}-{end}.xlsx.").wait_for()

    with page.expect_download(timeout=120000) as got:
        page.get_by_role("button", name="Tải PDF").click()
    assert got.value.suggested_filename == f"bao-cao-{start}-{end}.pdf"
    pdf = Path(got.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    text = " ".join(pages(pdf))
    for key in ("inspections", "facilities_failed", "actions_overdue_at_end"):
        now, before = cur[key], prev[key]
        assert f"{SUMMARY_ROWS[key]} {vi(now)} {vi(before)} {signed(now - before)}" in text
    assert page.errors == []


def test_a_custom_period_in_dd_mm_yyyy(context: Any, page: Any, server: Server) -> None:
    install_idb_helper(context)
    sign_in(page, OFFICER)
    page.get_by_role("link", name="Báo cáo").click()
    page.get_by_label("Kỳ báo cáo").select_option(label="Chọn từ ngày đến ngày")
    page.get_by_label("Từ ngày").fill("31/02/2026")
    page.get_by_label("Đến ngày").fill("30/06/2026")
    page.get_by_role("button", name="Xem báo cáo").click()
    assert page.get_by_role("alert").inner_text() == (
        "Ngày không hợp lệ: 31/02/2026. Hãy nhập dạng dd/mm/yyyy."
    )
    page.get_by_label("Từ ngày").fill("01/07/2026")
    page.get_by_role("button", name="Xem báo cáo").click()
    assert page.get_by_role("alert").inner_text() == "Ngày kết thúc không được trước ngày bắt đầu."
    page.get_by_label("Từ ngày").fill("01/01/2020")
    page.get_by_role("button", name="Xem báo cáo").click()
    assert page.get_by_role("alert").inner_text() == "Một báo cáo chỉ gồm tối đa ba năm."
    assert page.get_by_role("table").count() == 0  # nothing was asked of the server
    first, last = today() - timedelta(days=100), today() - timedelta(days=10)
    page.get_by_label("Từ ngày").fill(f"{first.day}/{first.month}/{first.year}")  # no zeros
    page.get_by_label("Đến ngày").fill(f"{last:%d/%m/%Y}")
    page.get_by_role("button", name="Xem báo cáo").click()
    summary = page.get_by_role("table", name="Tổng hợp")
    summary.wait_for(timeout=60000)
    report = server_report(server, first.isoformat(), last.isoformat())
    assert report["current"]["inspections"] > 0
    heading = page.get_by_role("heading", level=2).inner_text()
    assert heading.endswith(f"{first:%d/%m/%Y} – {last:%d/%m/%Y}")
    row = summary.locator("tbody tr").filter(has_text="Số lượt kiểm tra").evaluate_all(ROWS)[0]
    assert row[1:3] == [vi(report["current"]["inspections"]), vi(report["previous"]["inspections"])]
    shoot(page, "report-custom-days")
    page.get_by_label("Kỳ báo cáo").select_option(label="Sơ kết 6 tháng đầu năm")
    page.get_by_role("button", name="Xem báo cáo").click()
    page.get_by_role("heading", name=f"01/01/{YEAR} – 30/06/{YEAR}").wait_for()
    shoot(page, "report-mid-term")
    assert page.errors == []


def test_in_english_the_report_and_its_pdf_are_english(
    context: Any, page: Any, server: Server
) -> None:
    install_idb_helper(context)
    sign_in(page, OFFICER)
    page.get_by_role("link", name="Cài đặt").click()
    page.get_by_text("English", exact=True).click()
    page.get_by_role("link", name="Reports").click()
    page.get_by_label("Period").select_option(label="Final (school year)")
    ends = SCHOOL_YEAR_ENDS
    page.get_by_label("Year").select_option(label=f"School year {ends - 1}–{ends}")
    page.get_by_role("button", name="Show the report").click()
    page.get_by_role("table", name="Summary").wait_for(timeout=60000)
    heading = page.get_by_role("heading", level=2).inner_text()
    assert heading.endswith(f"01/09/{ends - 1} – 31/08/{ends}")
    cur = server_report(server, f"{ends - 1}-09-01", f"{ends}-08-31")["current"]
    assert cur["themes"]  # the demo's recent months have failures to name
    themes = page.get_by_role("table", name="Reasons for failure by theme")
    assert themes.locator("tbody tr").evaluate_all(ROWS) == [
        [t["text"]["en"], f"{t['failed_checks']:,}", f"{t['facilities']:,}"] for t in cur["themes"]
    ]
    with page.expect_download(timeout=120000) as got:
        page.get_by_role("button", name="Download PDF").click()
    text = " ".join(pages(Path(got.value.path()).read_bytes()))
    assert "PERIOD REPORT" in text and f"Inspections {cur['inspections']:,}" in text
    assert "Số lượt kiểm tra" not in text
    assert page.errors == []
