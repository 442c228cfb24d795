"""Analysts' export: every inspection of one checklist version, one column per item, in the
caller's scope, as CSV and XLSX, the same rows in both."""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import openpyxl  # type: ignore[import-untyped]
from litestar import Litestar
from litestar.testing import TestClient

from server.forms.loader import load_file
from server.inspections import synthetic
from server.settings import REPO_ROOT
from tests.conftest import World
from tests.integration.test_sync import sync

Client = TestClient[Litestar]
PRESCHOOL = load_file(REPO_ROOT / "forms" / "preschool-safety.v2.yaml")
URL = "/api/exports/inspections"
QUERY = {"checklist": "preschool-safety", "version": "2"}


def record(facility: str, days_ago: int, **answers: Any) -> dict[str, Any]:
    rng = random.Random(days_ago * 100 + len(facility))
    completed = datetime.now(UTC) - timedelta(days=days_ago)
    rec = synthetic.record(PRESCHOOL, facility, rng, completed_at=completed, fail_rate=0.0)
    rec["answers"].update(answers)
    return rec


def read_csv(client: Client, world: World, who: str, **params: str) -> list[dict[str, str]]:
    response = client.get(f"{URL}.csv", params={**QUERY, **params}, headers=world.auth(who))
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_one_column_per_item_and_the_callers_scope(client: Client, world: World) -> None:
    a1 = record("A1", 3, gate_fence_secure="fail", enrolled_children=42)
    a2 = record("A2", 2)
    sync(client, world, "insp_08", [a1, a2])
    sync(client, world, "admin", [record("B1", 1)])
    rows = read_csv(client, world, "dept_08")
    assert [row["inspection_id"] for row in rows] == [a1["id"], a2["id"]]  # oldest first
    first = rows[0]
    item_ids = [item.id for item in PRESCHOOL.items()]
    assert list(first)[-len(item_ids) :] == item_ids
    assert first["gate_fence_secure"] == "fail" and first["enrolled_children"] == "42"
    assert first["result"] == "failed" and "gate_fence_secure" in first["reasons"]
    assert first["facility_name"] and first["province"] and first["commune"]
    assert [row["facility_code"] for row in read_csv(client, world, "dept_79")] == ["B1"]
    assert [row["facility_code"] for row in read_csv(client, world, "insp_08001")] == ["A1"]


def test_filters_by_time_and_unit(client: Client, world: World) -> None:
    sync(client, world, "insp_08", [record("A1", 30), record("A1", 3), record("A2", 2)])
    since = (datetime.now(UTC) - timedelta(days=10)).isoformat()
    assert len(read_csv(client, world, "admin", since=since)) == 2
    assert len(read_csv(client, world, "admin", until=since)) == 1
    assert len(read_csv(client, world, "admin", commune="08002")) == 1
    response = client.get(
        f"{URL}.csv", params={**QUERY, "since": "2026-01-01T00:00:00"}, headers=world.auth("admin")
    )
    assert response.status_code == 400  # a moment needs its offset


def test_xlsx_has_the_same_rows_typed(client: Client, world: World) -> None:
    sync(client, world, "insp_08", [record("A1", 3, enrolled_children=42), record("A2", 2)])
    response = client.get(f"{URL}.xlsx", params=QUERY, headers=world.auth("admin"))
    assert response.status_code == 200, response.text
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    as_csv = read_csv(client, world, "admin")
    assert header == list(as_csv[0])
    assert [row[0] for row in rows] == [row["inspection_id"] for row in as_csv]
    assert rows[0][header.index("enrolled_children")] == 42


def test_unknown_version_and_roles(client: Client, world: World) -> None:
    response = client.get(
        f"{URL}.csv", params={"checklist": "preschool-safety", "version": "99"},
        headers=world.auth("admin"),
    )  # fmt: skip
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "form.not_found"
    facility = client.get(f"{URL}.csv", params=QUERY, headers=world.auth("fac_a1"))
    assert facility.status_code == 403


def test_team_notes_and_reasons_read_from_the_record(client: Client, world: World) -> None:
    """The record's team and notes become their cells, a passed result has no reasons, and
    a team starting like a formula is quoted."""
    failed = record("A1", 3, gate_fence_secure="fail")
    failed["notes"] = {"gate_fence_secure": "=HYPERLINK(1)"}
    failed["team"] = [
        {"name": "=Lê Văn A", "agency": "Sở Y tế", "role": "lead", "signature": "a" * 64},
        {"name": "Trần Thị B", "agency": "UBND xã", "role": "member", "signature": "b" * 64},
    ]
    passed = record("A2", 2)
    sync(client, world, "insp_08", [failed, passed])
    first, second = read_csv(client, world, "admin")
    assert first["team"] == "'=Lê Văn A (Sở Y tế, lead); Trần Thị B (UBND xã, member)"
    assert first["notes"] == "gate_fence_secure: =HYPERLINK(1)"
    assert first["reasons"].startswith("mandatory: gate_fence_secure")
    assert second["result"] == "passed" and second["reasons"] == second["team"] == ""
