"""Period reports: the figures equal a recomputation from the inspections table alone, the
period before is the same length, and the workbook holds the same numbers."""

from __future__ import annotations

import io
import json
import random
import sqlite3
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
import openpyxl  # type: ignore[import-untyped]
from litestar import Litestar
from litestar.testing import TestClient

from server.clock import today
from server.forms.loader import load_file
from server.inspections import synthetic
from server.settings import REPO_ROOT, Settings
from tests.conftest import World
from tests.integration.test_minutes import pages
from tests.integration.test_sync import sync

Client = TestClient[Litestar]
PRESCHOOL = load_file(REPO_ROOT / "forms" / "preschool-safety.v2.yaml")


def visit(code: str, days_ago: int, fail: tuple[str, ...] = (), **fields: Any) -> dict[str, Any]:
    # Not hash(code): it changes with each process's string-hash salt, and two records of a
    # test then drew the same seed, hence the same id, now and then.
    rng = random.Random(days_ago * 31 + len(fail) + sum(map(ord, code)))
    completed = datetime.now(UTC) - timedelta(days=days_ago, hours=1)
    rec = synthetic.record(PRESCHOOL, code, rng, completed_at=completed, fail_rate=0.0)
    for item in PRESCHOOL.items():
        if item.kind == "check":
            rec["answers"][item.id] = "fail" if item.id in fail else "pass"
        if item.kind == "veto":
            rec["answers"][item.id] = "occurred" if item.id in fail else "none"
    rec.update(fields)
    return rec


def reference(
    database: Path, start: date, end: date, codes: Sequence[str] = ("A1", "A2")
) -> dict[str, Any]:
    """The figures, worked out from the inspections table alone (by default province 08's:
    A1, A2; the browser test passes the demo province's)."""
    since = datetime.combine(start, datetime.min.time(), UTC) - timedelta(hours=7)
    until = datetime.combine(end + timedelta(days=1), datetime.min.time(), UTC) - timedelta(hours=7)
    db = sqlite3.connect(database)
    rows = db.execute(
        "SELECT facility_code, form_id, completed_at, result, summary FROM inspections"
        f" WHERE superseded_by IS NULL AND facility_code IN ({', '.join('?' * len(codes))})"
        " ORDER BY completed_at, seq",
        list(codes),
    ).fetchall()
    db.close()
    latest: dict[tuple[str, str], str] = {}
    themes: Counter[str] = Counter()
    vetoes: Counter[str] = Counter()
    count = 0
    for code, form_id, completed_at, result, summary in rows:
        moment = datetime.fromisoformat(completed_at)
        if not since <= moment < until:
            continue
        count += 1
        latest[(code, form_id)] = result
        outcome = json.loads(summary)
        themes.update(check["section_id"] for check in outcome["failed_checks"])
        for reason in outcome.get("reasons", []):
            if reason["code"] == "veto":
                vetoes.update(reason["items"])
    failed = {code for (code, _), result in latest.items() if result == "failed"}
    inspected = {code for code, _ in latest}
    return {
        "inspections": count,
        "facilities_inspected": len(inspected),
        "facilities_failed": len(failed),
        "facilities_passed": len(inspected - failed),
        "themes": dict(themes),
        "vetoes": dict(vetoes),
    }


def test_the_report_equals_a_recomputation_from_the_inspections_table(
    client: Client, world: World, settings: Settings
) -> None:
    wrong = visit("A1", 20, fail=("gate_fence_secure",))
    records = [
        visit("A1", 120, fail=("grounds_safe",)),  # the period before
        wrong,
        visit("A1", 19, supersedes=wrong["id"]),  # amends the failed one: A1 passes
        visit("A2", 10, fail=("gate_fence_secure", "no_child_violence")),
        visit("A2", 5, fail=("grounds_safe",)),  # A2's latest: still failed
    ]
    sync(client, world, "insp_08", records)
    start, end = today() - timedelta(days=90), today()
    response = client.get(
        "/api/reports/period", params={"start": str(start), "end": str(end)},
        headers=world.auth("dept_08"),
    )  # fmt: skip
    assert response.status_code == 200, response.text
    report = response.json()
    current = report["current"]
    expected = reference(settings.database_path, start, end)
    for key in ("inspections", "facilities_inspected", "facilities_failed", "facilities_passed"):
        assert current[key] == expected[key], key
    assert (current["inspections"], current["facilities_failed"]) == (3, 1)
    assert {t["section_id"]: t["failed_checks"] for t in current["themes"]} == expected["themes"]
    assert (
        {v["key"]: v["count"] for v in current["vetoes"]}
        == expected["vetoes"]
        == {"no_child_violence": 1}
    )
    assert current["facilities"] == 2 and current["facilities_not_inspected"] == 0
    assert current["actions_opened"] >= 3 and current["actions_verified"] >= 1

    previous = report["previous"]
    assert previous["period"] == {
        "start": str(start - timedelta(days=91)),
        "end": str(start - timedelta(days=1)),
    }
    assert (
        previous["inspections"]
        == reference(settings.database_path, start - timedelta(days=91), start - timedelta(days=1))[
            "inspections"
        ]
        == 1
    )
    assert report["scope"] != "Toàn quốc"


def test_the_workbook_holds_the_same_numbers(client: Client, world: World) -> None:
    sync(client, world, "insp_08", [visit("A2", 3, fail=("gate_fence_secure",))])
    params = {"start": str(today() - timedelta(days=30)), "end": str(today())}
    report = client.get("/api/reports/period", params=params, headers=world.auth("admin")).json()
    response = client.get("/api/reports/period.xlsx", params=params, headers=world.auth("admin"))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Tổng hợp", "Loại hình", "Theo chủ đề", "Sự việc loại trừ"]
    summary = {row[0].value: row[1].value for row in workbook["Tổng hợp"].iter_rows(min_row=2)}
    assert summary["Số lượt kiểm tra"] == report["current"]["inspections"] == 1
    assert summary["Số cơ sở không đạt"] == report["current"]["facilities_failed"] == 1
    themes = [[c.value for c in row] for row in workbook["Theo chủ đề"].iter_rows(min_row=2)]
    assert themes == [
        [t["title"], t["failed_checks"], t["facilities"]] for t in report["current"]["themes"]
    ]

    english = client.get(
        "/api/reports/period.xlsx", params={**params, "lang": "en"}, headers=world.auth("admin")
    )
    workbook = openpyxl.load_workbook(io.BytesIO(english.content))
    assert workbook.sheetnames == ["Summary", "Kind", "By theme", "Veto events"]
    summary = {row[0].value: row[1].value for row in workbook["Summary"].iter_rows(min_row=2)}
    assert summary["Inspections"] == 1
    assert summary["Facilities failed"] == 1
    themes = [[c.value for c in row] for row in workbook["By theme"].iter_rows(min_row=2)]
    assert themes == [
        [t["text"]["en"], t["failed_checks"], t["facilities"]] for t in report["current"]["themes"]
    ]


def test_bad_periods_and_roles(client: Client, world: World) -> None:
    headers = world.auth("admin")
    backwards = {"start": str(today()), "end": str(today() - timedelta(days=1))}
    assert client.get("/api/reports/period", params=backwards, headers=headers).status_code == 400
    # Days whose moments (or whose period before) fall outside the calendar.
    for start, end, name in (
        ("0001-01-01", "0001-01-31", "start"),
        ("0001-01-10", "0001-01-31", "start"),  # the period before would start in year 0
        ("9999-12-01", "9999-12-31", "end"),
    ):
        for path in ("/api/reports/period", "/api/reports/period.xlsx"):
            response = client.get(path, params={"start": start, "end": end}, headers=headers)
            assert response.status_code == 400, (path, start, response.text)
            assert [d["key"] for d in response.json()["error"]["details"]] == [name]
    ok = {"start": str(today()), "end": str(today())}
    assert (
        client.get("/api/reports/period", params=ok, headers=world.auth("fac_a1")).status_code
        == 403
    )


def test_an_action_counts_by_its_state_at_the_periods_end(
    client: Client, world: World, settings: Settings
) -> None:
    # A failed mandatory check 20 days ago: due 15 days after, so overdue now.
    sync(client, world, "insp_08", [visit("A1", 20, fail=("gate_fence_secure",))])
    listed = client.get("/api/actions", params={"facility": "A1"}, headers=world.auth("dept_08"))
    [action] = listed.json()["items"]
    params = {"start": str(today() - timedelta(days=30)), "end": str(today())}

    def overdue_at_end() -> int:
        response = client.get("/api/reports/period", params=params, headers=world.auth("dept_08"))
        assert response.status_code == 200, response.text
        count: int = response.json()["current"]["actions_overdue_at_end"]
        return count

    assert overdue_at_end() == 1
    for verb, body in (("verify", {}), ("reopen", {"reason": "Chưa sửa xong"})):
        answer = client.post(
            f"/api/actions/{action['id']}/{verb}", json=body, headers=world.auth("dept_08")
        )
        assert answer.status_code == 200, answer.text
    assert overdue_at_end() == 1  # verified, then reopened before the end: open at the end
    # Reopened only after the period's end: it was closed at the end.
    later = (datetime.now(UTC) + timedelta(days=3)).isoformat(timespec="milliseconds")
    db = sqlite3.connect(settings.database_path)
    with db:
        db.execute(
            "UPDATE action_events SET at = ? WHERE action_id = ? AND event = 'reopened'",
            [later.replace("+00:00", "Z"), action["id"]],
        )
    db.close()
    assert overdue_at_end() == 0


def test_trends_count_each_month_kind_commune_and_the_most_failed_checks(
    client: Client, world: World
) -> None:
    wrong = visit("A1", 0, fail=("gate_fence_secure",))
    sync(
        client,
        world,
        "insp_08",
        [
            wrong,
            visit("A1", 0, supersedes=wrong["id"]),  # amended: A1 passed this month
            visit("A2", 0, fail=("gate_fence_secure", "grounds_safe")),
            visit("A2", 40, fail=("gate_fence_secure",)),
        ],
    )
    trends = client.get("/api/reports/trends", params={"months": 3}, headers=world.auth("dept_08"))
    assert trends.status_code == 200, trends.text
    body = trends.json()
    this_month = (datetime.now(UTC) + timedelta(hours=7)).strftime("%Y-%m")
    assert body["months"][-1] == this_month and len(body["months"]) == 3
    assert body["overall"][-1] == {"month": this_month, "passed": 1, "failed": 1}
    assert sum(m["failed"] for m in body["overall"]) == 2
    communes = {s["key"]: s["months"][-1] for s in body["by_commune"]}
    assert communes["08001"]["passed"] == 1 and communes["08002"]["failed"] == 1
    assert [s["key"] for s in body["by_kind"]] == ["preschool"]
    top = body["most_failed"][0]
    assert (top["item_id"], top["failed"], top["facilities"]) == ("gate_fence_secure", 2, 1)
    assert top["text"].startswith("Trường có tường rào")
    assert sum(m["opened"] for m in body["actions"]) >= 3
    other = client.get("/api/reports/trends", headers=world.auth("dept_79")).json()
    assert sum(m["failed"] + m["passed"] for m in other["overall"]) == 0

    # The charts follow the screen's filters: one commune, then a kind with no inspections.
    def narrowed(**filters: str) -> dict[str, Any]:
        got = client.get(
            "/api/reports/trends", params={"months": 3, **filters}, headers=world.auth("dept_08")
        )
        assert got.status_code == 200, got.text
        return dict(got.json())

    one = narrowed(commune="08002")
    assert one["overall"][-1] == {"month": this_month, "passed": 0, "failed": 1}
    assert [s["key"] for s in one["by_commune"]] == ["08002"]
    assert 0 < sum(m["opened"] for m in one["actions"]) < sum(m["opened"] for m in body["actions"])
    assert narrowed(checklist=wrong["form_id"])["overall"] == body["overall"]
    overdue = client.get(
        "/api/actions",
        params={"overdue": "true", "commune": "08002"},
        headers=world.auth("dept_08"),
    ).json()["total"]
    assert one["overdue_now"] == overdue
    for empty in (narrowed(kind="primary"), narrowed(checklist="no-such-checklist")):
        assert sum(m["failed"] + m["passed"] for m in empty["overall"]) == 0
        assert sum(m["opened"] for m in empty["actions"]) == empty["overdue_now"] == 0
    assert (
        client.get(
            "/api/reports/trends", params={"kind": "castle"}, headers=world.auth("dept_08")
        ).status_code
        == 400
    )


def report_pdf(client: Client, world: World, who: str, params: dict[str, str]) -> list[str]:
    response = client.get("/api/reports/period.pdf", params=params, headers=world.auth(who))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "no-store" in response.headers["cache-control"]
    return pages(response.content)


def test_the_pdf_prints_the_reports_numbers_in_vietnamese_and_english(
    client: Client, world: World, settings: Settings
) -> None:
    sync(
        client,
        world,
        "insp_08",
        [
            visit("A1", 100, fail=("grounds_safe",)),  # the period before
            visit("A1", 20, fail=("gate_fence_secure",)),
            visit("A2", 10, fail=("gate_fence_secure", "no_child_violence")),
        ],
    )
    start, end = today() - timedelta(days=90), today()
    params = {"start": str(start), "end": str(end)}
    report = client.get("/api/reports/period", params=params, headers=world.auth("dept_08"))
    current, previous = report.json()["current"], report.json()["previous"]
    assert (
        current["inspections"] == reference(settings.database_path, start, end)["inspections"] == 2
    )
    text = " ".join(report_pdf(client, world, "dept_08", params))
    assert "BÁO CÁO ĐỊNH KỲ" in text and f"{start:%d/%m/%Y} – {end:%d/%m/%Y}" in text
    for key, label in (
        ("inspections", "Số lượt kiểm tra"),
        ("facilities_failed", "Số cơ sở không đạt"),
        ("actions_opened", "Yêu cầu khắc phục đã đưa ra"),
    ):
        now, before = current[key], previous[key]
        change = f"+{now - before}" if now > before else f"−{before - now}" if now < before else "0"
        assert f"{label} {now} {before} {change}" in text, label
    assert "Tỷ lệ cơ sở đạt 0 % 0 %" in text  # both failed now; the one before too
    # The charts are drawn into the page: their legends and bars' values are text in it
    failed, before = current["facilities_failed"], previous["facilities_failed"]
    assert f"Kỳ này Kỳ trước Số cơ sở đạt 0 0 Số cơ sở không đạt {failed} {before}" in text
    opened = f"{current['actions_opened']} {previous['actions_opened']}"
    assert f"Kỳ này Kỳ trước Yêu cầu khắc phục đã đưa ra {opened} Yêu cầu cơ sở" in text
    for theme in current["themes"]:
        assert f"{theme['title']} {theme['failed_checks']} {theme['facilities']}" in text
    assert f"{current['vetoes'][0]['label']} 1" in text
    assert "Mầm non Công lập 2" in text

    english = " ".join(report_pdf(client, world, "dept_08", {**params, "lang": "en"}))
    assert "PERIOD REPORT" in english and "Số lượt kiểm tra" not in english
    assert f"Inspections {current['inspections']} {previous['inspections']} +1" in english
    assert f"Facilities failed {current['facilities_failed']}" in english
    veto = PRESCHOOL.item("no_child_violence").text.en
    assert f"{veto} 1" in english
    sections = {s.id: s.title for s in PRESCHOOL.sections}
    for theme in current["themes"]:  # the screen's English names come with the figures
        assert theme["text"] == msgspec.to_builtins(sections[theme["section_id"]])
        assert f"{theme['text']['en']} {theme['failed_checks']}" in english
    assert current["vetoes"][0]["text"]["en"] == veto
    assert "Preschool Public 2" in english


def test_the_pdf_keeps_the_scope_and_the_rules_of_the_other_reports(
    client: Client, world: World
) -> None:
    sync(client, world, "insp_08", [visit("A2", 3, fail=("gate_fence_secure",))])
    params = {"start": str(today() - timedelta(days=30)), "end": str(today())}
    other = " ".join(report_pdf(client, world, "dept_79", params))
    assert "Số lượt kiểm tra 0 0 0" in other and "Số cơ sở 1 1 0" in other
    everywhere = " ".join(report_pdf(client, world, "admin", params))
    assert "Toàn quốc" in everywhere and "Số lượt kiểm tra 1 0 +1" in everywhere
    assert "Whole country" in " ".join(report_pdf(client, world, "admin", {**params, "lang": "en"}))
    path = "/api/reports/period.pdf"
    refused = client.get(path, params=params, headers=world.auth("fac_a1"))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "access.role"
    backwards = {"start": str(today()), "end": str(today() - timedelta(days=1))}
    assert client.get(path, params=backwards, headers=world.auth("admin")).status_code == 400
    french = client.get(path, params={**params, "lang": "fr"}, headers=world.auth("admin"))
    assert french.status_code == 400 and french.json()["error"]["code"] == "request.invalid"
