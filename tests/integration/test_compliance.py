"""Compliance API: the facility view, the department list and its CSV, and the SQL status
checked against the slow reference on randomized inspections made through the real sync
endpoint.

The forms directory here holds the real preschool checklist and two small test ones, so
that a kind (primary) has two checklists, a checklist has two versions whose texts differ
and whose second version dropped a kind, and an inspection can be ``not_assessed`` (every
check of the test checklists allows ``na``; on the preschool checklist most checks do not,
so it cannot be ``not_assessed``).
"""

from __future__ import annotations

import csv
import inspect
import io
import random
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, get_type_hints
from unittest.mock import ANY

import msgspec
import openpyxl  # type: ignore[import-untyped]
import pytest
from litestar import Litestar
from litestar.response import Stream
from litestar.testing import TestClient

from server.auth.principal import Principal
from server.clock import iso_utc, utcnow
from server.compliance import reference, routes, store
from server.db import connect_settings, transaction
from server.facilities.store import upsert_facilities
from server.forms.loader import load_file
from server.forms.registry import FormRegistry
from server.forms.schema import Checklist
from server.inspections import scoring, synthetic
from server.inspections import store as inspections
from server.migrations import migrate
from server.settings import REPO_ROOT, Settings
from server.spreadsheets import spreadsheet_safe
from tests.conftest import World

Client = TestClient[Litestar]
PRESCHOOL = load_file(REPO_ROOT / "forms" / "preschool-safety.v1.yaml")
LIST = "/api/compliance/facilities"
CSV = "/api/compliance/facilities.csv"


def _check(item_id: str, vi: str, en: str, *, mandatory: bool = False) -> str:
    return f"""
      - id: {item_id}
        kind: check
        allow_na: true
        mandatory: {str(mandatory).lower()}
        legal_ref: "Test ref {item_id}"
        text: {{vi: "{vi}", en: "{en}"}}"""


def _form(form_id: str, version: int, applies_to: str, validity: int, checks: str) -> str:
    return f"""id: {form_id}
version: {version}
title: {{vi: "Bảng {form_id} v{version}", en: "Checklist {form_id} v{version}"}}
applies_to: [{applies_to}]
validity_days: {validity}
sections:
  - id: main
    title: {{vi: "Chính", en: "Main"}}
    items:{checks}
"""


FIRE_CHECKS = _check("exits_clear", "Lối thoát thông thoáng", "Exits are clear") + _check(
    "drill_done", "Đã diễn tập", "A drill was held"
)
TEST_FORMS = {
    "fire-safety.v1.yaml": _form(
        "fire-safety",
        1,
        "primary, independent_childcare",
        180,
        _check("extinguishers", "Có bình chữa cháy (v1)", "Extinguishers (v1)", mandatory=True)
        + FIRE_CHECKS,
    ),
    # Version 2 renames the mandatory check and no longer applies to independent childcare.
    "fire-safety.v2.yaml": _form(
        "fire-safety",
        2,
        "primary",
        180,
        _check("extinguishers", "Bình chữa cháy còn hạn (v2)", "Extinguishers (v2)", mandatory=True)
        + FIRE_CHECKS,
    ),
    "first-aid.v1.yaml": _form(
        "first-aid",
        1,
        "primary",
        365,
        _check("kit_stocked", "Tủ thuốc đủ", "First-aid kit stocked", mandatory=True)
        + _check("staff_trained", "Nhân viên được tập huấn", "Staff trained"),
    ),
}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    forms_dir = tmp_path / "forms"
    forms_dir.mkdir()
    shutil.copy(REPO_ROOT / "forms" / "preschool-safety.v1.yaml", forms_dir)
    for name, text in TEST_FORMS.items():
        (forms_dir / name).write_text(text, encoding="utf-8")
    return Settings.from_env({}, data_dir=tmp_path / "data", forms_dir=forms_dir)


@pytest.fixture
def forms(settings: Settings, app: Litestar) -> FormRegistry:
    registry: FormRegistry = app.state.forms
    return registry


# Facilities beyond the world's A1, A2 (province 08) and B1 (79), all preschools.
EXTRA = [
    ("P1", "Trường Tiểu học Hòa Bình", "primary", "public", "08", "08001"),
    ("P2", "Trường Tiểu học Đoàn Kết", "primary", "private", "08", "08002"),
    ("C1", "Nhóm trẻ độc lập Hoa Sen", "independent_childcare", "private", "08", "08001"),
    ("U1", "Trường THPT Lê Lợi", "upper_secondary", "public", "08", "08002"),
]


def add_facilities(settings: Settings, rows: list[tuple[str, str, str, str, str, str]]) -> None:
    db = connect_settings(settings)
    try:
        upsert_facilities(
            db,
            [
                {
                    "code": code,
                    "name": name,
                    "kind": kind,
                    "ownership": ownership,
                    "province_code": province,
                    "commune_code": commune,
                }
                for code, name, kind, ownership, province, commune in rows
            ],
            [],
        )
    finally:
        db.conn.close()


def get(client: Client, world: World, who: str, path: str, **params: Any) -> Any:
    response = client.get(path, params=params, headers=world.auth(who))
    assert response.status_code == 200, response.text
    return response.json()


def sync(client: Client, world: World, who: str, records: list[dict[str, Any]]) -> None:
    for start in range(0, len(records), 50):
        batch = records[start : start + 50]
        response = client.post(
            "/api/sync/inspections", json={"records": batch}, headers=world.auth(who)
        )
        assert response.status_code == 200, response.text
        outcomes = [r["outcome"] for r in response.json()["results"]]
        assert outcomes == ["created"] * len(batch), response.text


def record(
    checklist: Checklist,
    facility: str,
    rng: random.Random,
    *,
    days_ago: float = 0.01,
    fail: tuple[str, ...] = (),
    all_na: bool = False,
    supersedes: str | None = None,
    completed: datetime | None = None,
) -> dict[str, Any]:
    """A record whose checks all pass except ``fail`` (or all ``na``)."""
    when = completed or datetime.now(UTC) - timedelta(days=days_ago)
    rec = synthetic.record(
        checklist, facility, rng, completed_at=when, fail_rate=0.0, supersedes=supersedes
    )
    for item in checklist.checks():
        rec["answers"][item.id] = "na" if all_na else "pass"
    for item_id in fail:
        rec["answers"][item_id] = "fail"
    return rec


def statuses(page: dict[str, Any]) -> dict[str, str]:
    return {item["facility"]["code"]: item["status"] for item in page["items"]}


# --- the facility view -------------------------------------------------------------------------


def test_the_facility_reads_its_inspectors_name(
    client: Client, world: World, settings: Settings
) -> None:
    db = connect_settings(settings)
    with db.conn:
        db.execute("UPDATE users SET display_name = 'Nguyễn Văn Thanh' WHERE username = 'insp-08'")
    db.conn.close()
    sync(client, world, "insp_08", [record(PRESCHOOL, "A1", random.Random(2), days_ago=1)])
    current = get(client, world, "fac_a1", f"{LIST}/A1")["checklists"][0]["current"]
    assert (current["inspector"], current["inspector_name"]) == ("insp-08", "Nguyễn Văn Thanh")


def test_facility_status_moves_with_inspections_and_amendments(
    client: Client, world: World
) -> None:
    rng = random.Random(1)
    view = get(client, world, "fac_a1", f"{LIST}/A1")
    assert view["status"] == "not_inspected"
    assert view["facility"]["code"] == "A1"
    assert [(c["form_id"], c["current"]) for c in view["checklists"]] == [
        ("preschool-safety", None)
    ]
    assert view["history"] == []

    passing = record(PRESCHOOL, "A1", rng, days_ago=3)
    sync(client, world, "insp_08", [passing])
    view = get(client, world, "fac_a1", f"{LIST}/A1")
    assert view["status"] == "compliant"
    current = view["checklists"][0]["current"]
    assert (current["id"], current["result"], current["score_display"]) == (
        passing["id"],
        "passed",
        "100.0",
    )
    assert current["failed_checks"] == [] and not current["expired"]

    # A later inspection fails a mandatory check (and a non-mandatory one before it).
    failing = record(
        PRESCHOOL, "A1", rng, days_ago=2, fail=("guard_room_at_gate", "no_child_abused")
    )
    sync(client, world, "insp_08", [failing])
    view = get(client, world, "dept_08", f"{LIST}/A1")
    assert view["status"] == "non_compliant"
    current = view["checklists"][0]["current"]
    assert current["id"] == failing["id"] and current["result"] == "failed"
    assert [(f["item_id"], f["mandatory"]) for f in current["failed_checks"]] == [
        ("no_child_abused", True),
        ("guard_room_at_gate", False),
    ]
    abused = next(i for i in PRESCHOOL.items() if i.id == "no_child_abused")
    first = current["failed_checks"][0]
    assert first["text"] == {"vi": abused.text.vi, "en": abused.text.en}
    assert first["legal_ref"] == abused.legal_ref
    sections = {s["id"]: s for s in current["sections"]}
    assert sections["veto_events"]["result"] == "failed"
    assert sections["veto_events"]["title"]["en"] == "Veto events this school year"
    assert current["expires_at"] > current["completed_at"]

    # The inspector amends the failing inspection: the amendment passes.
    amendment = record(PRESCHOOL, "A1", rng, days_ago=1, supersedes=failing["id"])
    sync(client, world, "insp_08", [amendment])
    view = get(client, world, "fac_a1", f"{LIST}/A1")
    assert view["status"] == "compliant"
    assert view["checklists"][0]["current"]["id"] == amendment["id"]
    history = [
        (h["id"], h["supersedes"], h["superseded_by"], h["is_current"]) for h in view["history"]
    ]
    assert history == [
        (amendment["id"], failing["id"], None, True),
        (failing["id"], None, amendment["id"], False),
        (passing["id"], None, None, False),
    ]


def test_an_inspection_older_than_its_validity_makes_the_facility_overdue(
    client: Client, world: World
) -> None:
    rng = random.Random(2)
    old = record(PRESCHOOL, "A2", rng, days_ago=400)
    sync(client, world, "insp_08", [old])
    view = get(client, world, "dept_08", f"{LIST}/A2")
    assert view["status"] == "overdue"
    current = view["checklists"][0]["current"]
    assert current["id"] == old["id"] and current["expired"] is True
    assert current["expires_at"] < view["as_of"]
    page = get(client, world, "dept_08", LIST, status="overdue")
    assert statuses(page) == {"A2": "overdue"}


def test_failing_an_old_inspection_is_still_non_compliant(client: Client, world: World) -> None:
    rng = random.Random(3)
    sync(
        client,
        world,
        "insp_08",
        [record(PRESCHOOL, "A2", rng, days_ago=400, fail=("no_child_abused",))],
    )
    assert get(client, world, "dept_08", f"{LIST}/A2")["status"] == "non_compliant"


def test_failed_checks_use_the_texts_of_the_version_used_and_only_applicable_checklists_count(
    client: Client, world: World, settings: Settings, forms: FormRegistry
) -> None:
    add_facilities(settings, EXTRA)
    rng = random.Random(4)
    fire_v1, fire_v2 = forms.get("fire-safety", 1), forms.get("fire-safety", 2)
    first_aid = forms.get("first-aid", 1)
    sync(
        client,
        world,
        "insp_08",
        [
            record(fire_v1, "P1", rng, days_ago=5, fail=("drill_done", "extinguishers")),
            # Fire safety v1 applied to independent childcare; v2, the current one, does not.
            record(fire_v1, "C1", rng, days_ago=5, fail=("extinguishers",)),
            record(fire_v2, "P2", rng, days_ago=5),
        ],
    )
    view = get(client, world, "dept_08", f"{LIST}/P1")
    assert view["status"] == "non_compliant"
    by_form = {c["form_id"]: c for c in view["checklists"]}
    assert set(by_form) == {"fire-safety", "first-aid"}
    assert by_form["first-aid"]["current"] is None
    assert by_form["fire-safety"]["title"]["en"] == "Checklist fire-safety v2"
    failed = by_form["fire-safety"]["current"]["failed_checks"]
    assert [(f["item_id"], f["text"]["en"]) for f in failed] == [
        ("extinguishers", "Extinguishers (v1)"),
        ("drill_done", "A drill was held"),
    ]
    assert failed[0]["legal_ref"] == "Test ref extinguishers"

    # C1's only inspection is of a checklist that no longer applies to its kind.
    c1 = get(client, world, "dept_08", f"{LIST}/C1")
    assert c1["status"] == "not_inspected" and c1["checklists"] == []
    assert len(c1["history"]) == 1
    # P2 did fire safety but never first aid: overdue, not compliant.
    assert get(client, world, "dept_08", f"{LIST}/P2")["status"] == "overdue"

    sync(client, world, "insp_08", [record(first_aid, "P2", rng, days_ago=1)])
    assert get(client, world, "dept_08", f"{LIST}/P2")["status"] == "compliant"
    # An inspection with every check not applicable counts as not done.
    sync(client, world, "insp_08", [record(first_aid, "P2", rng, all_na=True)])
    view = get(client, world, "dept_08", f"{LIST}/P2")
    assert view["status"] == "compliant"
    assert view["history"][0]["result"] == "not_assessed"
    assert view["history"][0]["is_current"] is False


# --- scope and roles ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "code", "status", "error"),
    [
        ("fac_a1", "A1", 200, None),
        ("fac_a1", "A2", 403, "access.scope"),
        ("dept_08", "A2", 200, None),
        ("dept_08", "B1", 403, "access.scope"),
        ("dept_79", "B1", 200, None),
        ("dept_79", "A1", 403, "access.scope"),
        ("insp_08001", "A1", 200, None),
        ("insp_08001", "A2", 403, "access.scope"),
        ("admin", "B1", 200, None),
        ("admin", "NOPE", 404, "facility.not_found"),
    ],
)
def test_facility_view_scope(
    client: Client, world: World, who: str, code: str, status: int, error: str | None
) -> None:
    response = client.get(f"{LIST}/{code}", headers=world.auth(who))
    assert response.status_code == status
    if error:
        assert response.json()["error"]["code"] == error


@pytest.mark.parametrize("path", [LIST, CSV])
def test_facility_users_get_no_list(client: Client, world: World, path: str) -> None:
    response = client.get(path, headers=world.auth("fac_a1"))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "access.role"
    assert client.get(path).status_code == 401


@pytest.mark.parametrize(
    ("who", "params", "codes"),
    [
        ("admin", {}, {"A1", "A2", "B1"}),
        ("admin", {"province": "79"}, {"B1"}),
        ("dept_08", {}, {"A1", "A2"}),
        ("dept_08", {"province": "79"}, set()),
        ("dept_79", {}, {"B1"}),
        ("insp_08", {}, {"A1", "A2"}),
        ("insp_08001", {}, {"A1"}),
    ],
)
def test_list_is_limited_to_the_callers_scope(
    client: Client, world: World, who: str, params: dict[str, str], codes: set[str]
) -> None:
    page = get(client, world, who, LIST, **params)
    assert set(statuses(page)) == codes
    assert page["total"] == len(codes)


# --- the list: filters, reasons, sorting, pages ------------------------------------------------


@pytest.fixture
def scene(
    client: Client, world: World, settings: Settings, forms: FormRegistry
) -> dict[str, dict[str, Any]]:
    """Records by facility (the last sent for each). A1 non-compliant, A2 compliant, B1
    not inspected, P1 overdue (first aid never done), P2 non-compliant on first aid, C1 not
    inspected (its checklist no longer applies), U1 not inspected (nothing applies)."""
    add_facilities(settings, EXTRA)
    rng = random.Random(5)
    fire, first_aid = forms.get("fire-safety", 2), forms.get("first-aid", 1)
    records = [
        record(PRESCHOOL, "A1", rng, days_ago=10),
        record(PRESCHOOL, "A1", rng, days_ago=2, fail=("guard_room_at_gate", "no_child_abused")),
        record(PRESCHOOL, "A2", rng, days_ago=20, fail=("guard_room_at_gate",)),
        record(fire, "P1", rng, days_ago=30),
        record(first_aid, "P2", rng, days_ago=3, fail=("kit_stocked",)),
        record(fire, "P2", rng, days_ago=1),
        record(forms.get("fire-safety", 1), "C1", rng, days_ago=3),
    ]
    sync(client, world, "insp_08", records)
    return {r["facility_code"]: r for r in records}


EXPECTED = {
    "A1": "non_compliant",
    "A2": "compliant",
    "P1": "overdue",
    "P2": "non_compliant",
    "C1": "not_inspected",
    "U1": "not_inspected",
}


def test_a_failed_result_explains_itself_everywhere(
    client: Client, world: World, settings: Settings
) -> None:
    """Receipt, the stored inspection, the facility view, the list and the CSV give the
    same reasons; results stored before reasons were kept get the same ones worked out."""
    failing = [i.id for i in PRESCHOOL.checks() if not i.mandatory][:15] + ["no_child_abused"]
    rec = record(PRESCHOOL, "A1", random.Random(5), fail=tuple(failing))
    response = client.post(
        "/api/sync/inspections", json={"records": [rec]}, headers=world.auth("insp_08")
    )
    receipt = response.json()["results"][0]["receipt"]
    abused = next(i for i in PRESCHOOL.items() if i.id == "no_child_abused")
    expected = [
        {"code": "mandatory", "items": ["no_child_abused"]},
        {"code": "threshold", "score_display": "70.9", "threshold": 80.0},
        {"code": "min_passed", "passed_count": 39, "min_passed": 40},
    ]
    assert receipt["result"] == "failed" and receipt["reasons"] == expected

    def everywhere() -> None:
        stored = get(client, world, "dept_08", f"/api/inspections/{rec['id']}")
        assert stored["summary"]["reasons"] == expected
        view = get(client, world, "fac_a1", f"{LIST}/A1")
        reasons = view["checklists"][0]["current"]["reasons"]
        named = [{**r, "items": [c["item_id"] for c in r.get("items", [])]} for r in reasons]
        assert [{k: v for k, v in r.items() if v != []} for r in named] == expected
        assert reasons[0]["items"][0]["text"] == {"vi": abused.text.vi, "en": abused.text.en}
        (row,) = get(client, world, "dept_08", LIST, status="non_compliant")["items"]
        assert row["reasons"][0]["reasons"] == expected
        text = client.get(CSV, headers=world.auth("dept_08")).content.decode("utf-8-sig")
        a1 = next(r for r in csv.DictReader(io.StringIO(text)) if r["code"] == "A1")
        assert a1["reasons"] == (
            f"{PRESCHOOL.title.vi}: Tiêu chí bắt buộc không đạt: {abused.text.vi};"
            " Điểm 70,9 thấp hơn ngưỡng đạt 80; Chỉ 39/40 tiêu chí đạt (cần ít nhất 40)"
        )

    everywhere()
    db = connect_settings(settings)
    try:  # as stored before reasons were kept
        db.execute("UPDATE inspections SET summary = json_remove(summary, '$.reasons')")
        db.conn.commit()
        assert "reasons" not in db.execute("SELECT summary FROM inspections").fetchone()[0]
    finally:
        db.conn.close()
    everywhere()
    again = client.post(
        "/api/sync/inspections", json={"records": [rec]}, headers=world.auth("insp_08")
    ).json()["results"][0]
    assert again["outcome"] == "duplicate" and again["receipt"]["reasons"] == expected


@pytest.mark.usefixtures("scene")
@pytest.mark.parametrize(
    ("params", "codes"),
    [
        ({}, set(EXPECTED)),
        ({"status": "non_compliant"}, {"A1", "P2"}),
        ({"status": "overdue"}, {"P1"}),
        ({"status": "not_inspected"}, {"C1", "U1"}),
        ({"status": "compliant"}, {"A2"}),
        ({"commune": "08001"}, {"A1", "P1", "C1"}),
        ({"kind": "primary"}, {"P1", "P2"}),
        ({"ownership": "private"}, {"P2", "C1"}),
        ({"q": "tieu hoc"}, {"P1", "P2"}),
        ({"q": "Đoàn kết"}, {"P2"}),
        ({"q": "a1"}, {"A1"}),
        ({"q": "100%_"}, set()),
        ({"checklist": "first-aid"}, {"P1", "P2"}),
        ({"checklist": "first-aid", "status": "not_inspected"}, {"P1"}),
        ({"checklist": "fire-safety", "status": "compliant"}, {"P1", "P2"}),
        ({"checklist": "preschool-safety"}, {"A1", "A2"}),
        ({"kind": "primary", "status": "non_compliant", "commune": "08002"}, {"P2"}),
    ],
)
def test_list_filters(
    client: Client, world: World, params: dict[str, str], codes: set[str]
) -> None:
    page = get(client, world, "dept_08", LIST, **params)
    assert set(statuses(page)) == codes
    assert page["total"] == len(codes)
    if "checklist" not in params:
        assert all(EXPECTED[code] == status for code, status in statuses(page).items())


def test_non_compliant_rows_carry_their_reasons(
    client: Client, world: World, scene: dict[str, dict[str, Any]]
) -> None:
    page = get(client, world, "dept_08", LIST, status="non_compliant")
    # Newest failing inspection first: A1 (2 days ago) before P2 (3 days ago), although
    # P2's newest inspection (a day ago, passed) is newer.
    assert [item["facility"]["code"] for item in page["items"]] == ["A1", "P2"]
    a1, p2 = page["items"]
    (reason,) = a1["reasons"]
    assert reason["form_id"] == "preschool-safety" and reason["form_version"] == 1
    assert "title" not in reason  # texts are in the checklist version, not in every row
    expected = scoring.score(PRESCHOOL, scene["A1"]["answers"]).score_display
    assert reason["score_display"] == a1["worst_score_display"] == expected
    assert reason["inspection_id"] == scene["A1"]["id"]
    assert reason["failed_mandatory"] == ["no_child_abused"]
    assert a1["facility"]["commune_name"] == "Xã Một"
    (reason,) = p2["reasons"]
    assert reason["form_id"] == "first-aid"
    assert reason["failed_mandatory"] == ["kit_stocked"]
    assert p2["worst_score"] == 50.0
    others = get(client, world, "dept_08", LIST, status="compliant")["items"]
    expected = scoring.score(PRESCHOOL, scene["A2"]["answers"]).score_display
    assert others[0]["reasons"] == [] and others[0]["worst_score_display"] == expected


@pytest.mark.usefixtures("scene")
@pytest.mark.parametrize(
    ("params", "codes"),
    [
        # Default: most severe first; within a status the newest (failing) inspection
        # first, then name.
        ({}, ["A1", "P2", "P1", "C1", "U1", "A2"]),
        ({"sort": "status", "order": "asc"}, ["A2", "C1", "U1", "P1", "A1", "P2"]),
        # By name as stored (binary order, as /api/facilities sorts: "Đ" after "H").
        ({"sort": "name"}, ["C1", "A1", "A2", "U1", "P1", "P2"]),
        ({"sort": "name", "order": "desc"}, ["P2", "P1", "U1", "A2", "A1", "C1"]),
        # Worst current score first; no score last. C1's inspection does not count.
        ({"sort": "score"}, ["P2", "A1", "A2", "P1", "C1", "U1"]),
        ({"sort": "score", "order": "desc"}, ["P1", "A2", "A1", "P2", "C1", "U1"]),
        ({"sort": "date"}, ["P2", "A1", "A2", "P1", "C1", "U1"]),
        ({"sort": "date", "order": "asc"}, ["P1", "A2", "A1", "P2", "C1", "U1"]),
    ],
)
def test_list_sorting(
    client: Client, world: World, params: dict[str, str], codes: list[str]
) -> None:
    page = get(client, world, "dept_08", LIST, **params)
    assert [item["facility"]["code"] for item in page["items"]] == codes


@pytest.mark.usefixtures("scene")
def test_pages_cover_the_list_once(client: Client, world: World) -> None:
    whole = [i["facility"]["code"] for i in get(client, world, "dept_08", LIST)["items"]]
    seen: list[str] = []
    for number in (1, 2, 3, 4):
        page = get(client, world, "dept_08", LIST, page=number, per_page=2)
        assert (page["total"], page["page"], page["per_page"]) == (6, number, 2)
        seen += [item["facility"]["code"] for item in page["items"]]
    assert seen == whole


@pytest.mark.usefixtures("scene")
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"status": "overdue"},
        {"commune": "08001"},
        {"kind": "primary", "status": "compliant"},
        # A page past the end still counts (its rows cannot carry the counts).
        {"page": "50"},
        {"status": "compliant", "page": "50"},
    ],
)
def test_list_counts_each_status_under_the_other_filters(
    client: Client, world: World, params: dict[str, str]
) -> None:
    page = get(client, world, "dept_08", LIST, **params)
    others = {k: v for k, v in params.items() if k not in ("status", "page")}
    whole = statuses(get(client, world, "dept_08", LIST, **others))
    expected = {s: sum(1 for v in whole.values() if v == s) for s in STATUS_NAMES}
    assert page["counts"] == expected
    assert page["total"] == (expected[params["status"]] if "status" in params else len(whole))


STATUS_NAMES = ("non_compliant", "overdue", "not_inspected", "compliant")


def test_list_sorts_by_the_next_due_corrective_action(
    client: Client, world: World, settings: Settings, scene: dict[str, dict[str, Any]]
) -> None:
    """Soonest due unresolved action first; sites without one last, by name; a verified or
    withdrawn action does not count."""
    db = connect_settings(settings)
    try:
        with_actions = [
            code for (code,) in db.execute("SELECT DISTINCT facility_code FROM actions")
        ]
        assert {"A1", "P2"} <= set(with_actions)
        # Later due dates for sites earlier by name, so the sort cannot pass by chance.
        dues = {code: f"2027-0{9 - n}-15" for n, code in enumerate(sorted(with_actions))}
        for code, due in dues.items():
            db.execute("UPDATE actions SET due_date = ? WHERE facility_code = ?", [due, code])
        # An earlier, already verified action of A1 changes nothing.
        db.execute(
            "UPDATE actions SET due_date = '2026-01-01', state = 'verified'"
            " WHERE id = (SELECT min(id) FROM actions WHERE facility_code = 'A1')"
        )
        db.conn.commit()
    finally:
        db.conn.close()
    page = get(client, world, "dept_08", LIST, sort="due")
    order = [item["facility"]["code"] for item in page["items"]]
    by_name = [
        i["facility"]["code"] for i in get(client, world, "dept_08", LIST, sort="name")["items"]
    ]
    soonest = sorted(dues, key=lambda code: dues[code])
    assert order == soonest + [code for code in by_name if code not in dues]
    assert {i["facility"]["code"]: i["next_due"] for i in page["items"]} == {
        code: dues.get(code) for code in order
    }
    last = get(client, world, "dept_08", LIST, sort="due", order="desc")["items"]
    assert [i["facility"]["code"] for i in last][: len(dues)] == soonest[::-1]
    # The exports carry the same date: text in the CSV, a typed date in the workbook.
    text = client.get(CSV, headers=world.auth("dept_08")).content.decode("utf-8-sig")
    in_csv = {r["code"]: r["next_due"] for r in csv.DictReader(io.StringIO(text))}
    assert in_csv == {code: dues.get(code, "") for code in order}
    response = client.get(f"{LIST}.xlsx", headers=world.auth("dept_08"))
    header, *rows = openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows()
    assert header[-1].value == "Hạn khắc phục gần nhất"
    in_xlsx = {row[0].value: row[-1].value for row in rows}
    assert in_xlsx == {
        code: datetime.fromisoformat(dues[code]) if code in dues else None for code in order
    }


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"checklist": "no-such-checklist"}, 404, "form.not_found"),
        ({"status": "bad"}, 400, "request.invalid"),
        ({"sort": "colour"}, 400, "request.invalid"),
        ({"per_page": 2001}, 400, "request.invalid"),
        ({"page": 0}, 400, "request.invalid"),
    ],
)
def test_bad_list_parameters(
    client: Client, world: World, params: dict[str, Any], status: int, code: str
) -> None:
    for path in (LIST, CSV):
        response = client.get(path, params=params, headers=world.auth("admin"))
        assert response.status_code == status, response.text
        assert response.json()["error"]["code"] == code


# --- CSV ---------------------------------------------------------------------------------------


@pytest.mark.usefixtures("scene")
@pytest.mark.parametrize("params", [{}, {"status": "non_compliant"}, {"sort": "name"}])
def test_csv_has_the_rows_of_the_json_list(
    client: Client, world: World, params: dict[str, str]
) -> None:
    response = client.get(CSV, params=params, headers=world.auth("dept_08"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "content-length" not in response.headers  # streamed, length unknown up front
    assert response.content.startswith("\ufeff".encode())
    header, *lines = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    assert tuple(header) == routes.CSV_COLUMNS
    rows = [dict(zip(header, line, strict=True)) for line in lines]
    page = get(client, world, "dept_08", LIST, per_page=500, **params)
    assert [(r["code"], r["status"], r["worst_score"]) for r in rows] == [
        (i["facility"]["code"], i["status"], i["worst_score_display"] or "") for i in page["items"]
    ]
    by_code = {row["code"]: row for row in rows}
    if "A1" in by_code:
        a1 = by_code["A1"]
        assert a1["name"] == "Trường Mầm non A1" and a1["commune"] == "Xã Một"
        assert "no_child_abused" in a1["failed_mandatory_checks"]
        assert PRESCHOOL.title.vi in a1["failing_checklists"]


def test_csv_names_a_failing_checklist_with_its_day_in_viet_nam(
    client: Client, world: World
) -> None:
    # 18:30 UTC is 01:30 the next morning in Viet Nam: the day the inspector wrote it.
    done = (datetime.now(UTC) - timedelta(days=3)).replace(hour=18, minute=30)
    rec = record(PRESCHOOL, "A1", random.Random(8), fail=("no_child_abused",), completed=done)
    sync(client, world, "insp_08", [rec])
    response = client.get(CSV, params={"status": "non_compliant"}, headers=world.auth("dept_08"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    [a1] = [row for row in rows if row["code"] == "A1"]
    day = (done + timedelta(hours=7)).strftime("%d/%m/%Y")
    score = get(client, world, "dept_08", f"/api/inspections/{rec['id']}")["score_display"]
    assert a1["failing_checklists"].endswith(f"({score.replace('.', ',')}, {day})"), a1


def test_csv_header_only_when_nothing_matches(client: Client, world: World) -> None:
    response = client.get(CSV, params={"province": "79"}, headers=world.auth("dept_08"))
    assert response.content.decode("utf-8") == "\ufeff" + ",".join(routes.CSV_COLUMNS) + "\r\n"


def test_csv_is_a_stream_over_a_generator(
    world: World, settings: Settings, forms: FormRegistry
) -> None:
    handler = routes.ComplianceController.export_csv
    assert get_type_hints(handler.fn)["return"] is Stream
    admin = Principal(1, "admin", "admin", "admin")
    chunks = routes.csv_stream(settings, admin, forms, store.ListQuery(), utcnow())
    assert inspect.isgeneratorfunction(routes.csv_stream)
    assert next(chunks) == "\ufeff" + ",".join(routes.CSV_COLUMNS) + "\r\n"
    assert [line.split(",")[0] for line in next(chunks).splitlines()] == ["A1", "A2", "B1"]
    assert list(chunks) == []


def test_csv_reads_in_chunks(
    client: Client, world: World, settings: Settings, forms: FormRegistry
) -> None:
    """More rows than a chunk: every row once, in the list's order."""
    add_facilities(
        settings,
        [
            (f"Z{n:03d}", f"Trường Z{n:03d}", "preschool", "public", "08", "08001")
            for n in range(30)
        ],
    )
    db = connect_settings(settings)
    try:
        who = Principal(1, "admin", "admin", "admin")
        query = store.ListQuery(sort="name")
        now = utcnow()
        chunks = list(store.iter_facilities(db, who, forms, query, now, chunk=7))
        page = store.list_facilities(
            db, who, forms, store.ListQuery(sort="name", per_page=500), now
        )
    finally:
        db.conn.close()
    assert [len(chunk) for chunk in chunks] == [7, 7, 7, 7, 5]
    assert [i.facility["code"] for c in chunks for i in c] == [
        i.facility["code"] for i in page.items
    ]


# --- the SQL against the slow reference, on randomized data -------------------------------------


def random_inspections(
    rng: random.Random, forms: FormRegistry, facilities: dict[str, str], count: int
) -> list[dict[str, Any]]:
    """Records in send order: applicable and no-longer-applicable checklists, old ones past
    their validity, ties on completion time, amendments (earlier or later than what they
    amend), not_assessed ones; some facilities get none."""
    versions = {
        "preschool": [PRESCHOOL],
        "primary": [
            forms.get("fire-safety", 1),
            forms.get("fire-safety", 2),
            forms.get("first-aid", 1),
        ],
        "independent_childcare": [forms.get("fire-safety", 1)],
    }
    now = datetime.now(UTC)
    made: list[dict[str, Any]] = []
    amended: set[str] = set()
    times: list[datetime] = []
    inspected = [code for code in facilities if rng.random() < 0.8]
    for _ in range(count):
        roll = rng.random()
        if roll < 0.15 and made:
            target = rng.choice(made)
            if target["id"] in amended:
                continue
            amended.add(target["id"])
            code = target["facility_code"]
            checklist = forms.get(target["form_id"], target["form_version"])
        else:
            code = rng.choice(inspected)
            options = versions.get(facilities[code])
            if not options:
                continue
            checklist = rng.choice(options)
            target = None
        if times and rng.random() < 0.15:
            completed = rng.choice(times)  # a tie with another inspection
        else:
            completed = now - timedelta(days=rng.uniform(0, 500), seconds=rng.randint(0, 86400))
        times.append(completed)
        checks = [item.id for item in checklist.checks()]
        fail: tuple[str, ...] = ()
        outcome = rng.random()
        if outcome < 0.25:
            fail = tuple(rng.sample(checks, k=1))
        elif outcome < 0.35:
            fail = tuple(rng.sample(checks, k=min(len(checks), 12)))
        all_na = checklist.id != "preschool-safety" and rng.random() < 0.1
        made.append(
            record(
                checklist,
                code,
                rng,
                completed=completed,
                fail=fail,
                all_na=all_na,
                supersedes=target["id"] if target else None,
            )
        )
    return made


@pytest.mark.parametrize("seed", [11, 12, 14])
def test_sql_status_equals_the_reference_on_random_inspections(
    client: Client, world: World, settings: Settings, forms: FormRegistry, seed: int
) -> None:
    rng = random.Random(seed)
    kinds = ["preschool", "primary", "independent_childcare", "upper_secondary"]
    extra = [
        (
            f"R{n:02d}",
            f"Cơ sở {n}",
            rng.choice(kinds),
            "public",
            "08",
            rng.choice(["08001", "08002"]),
        )
        for n in range(30)
    ]
    add_facilities(settings, extra)
    facilities = {"A1": "preschool", "A2": "preschool", "B1": "preschool"}
    facilities.update({code: kind for code, _, kind, *_ in extra})
    records = random_inspections(rng, forms, facilities, 160)
    sync(client, world, "admin", records)

    db = connect_settings(settings)
    admin = Principal(1, "admin", "admin", "admin")
    try:
        now = utcnow()
        expected = reference.reference_statuses(db, forms, now)
        assert set(expected.values()) >= {"non_compliant", "overdue", "compliant"}
        got = store.list_facilities(db, admin, forms, store.ListQuery(per_page=500), now)
        assert {i.facility["code"]: i.status for i in got.items} == expected
        # Other moments: a year on, and the exact instant some inspection expires.
        expiries = [row[0] for row in db.execute("SELECT expires_at FROM current_inspections")]
        later = iso_utc(datetime.now(UTC) + timedelta(days=200))
        for moment in [later, *rng.sample(expiries, k=min(5, len(expiries)))]:
            for checklist in (None, "fire-safety", "first-aid", "preschool-safety"):
                query = store.ListQuery(checklist=checklist, per_page=500)
                got = store.list_facilities(db, admin, forms, query, moment)
                want = reference.reference_statuses(db, forms, moment, checklist=checklist)
                assert {i.facility["code"]: i.status for i in got.items} == want
        assert reference.reference_statuses(db, forms, now, province="79") == {"B1": expected["B1"]}
    finally:
        db.conn.close()

    # The facility view (status.py over current_inspections) agrees too.
    for code in facilities:
        view = get(client, world, "admin", f"{LIST}/{code}")
        assert view["status"] == expected[code], code


def test_reference_ignores_superseded_and_not_assessed_and_breaks_ties_by_arrival(
    client: Client, world: World, settings: Settings, forms: FormRegistry
) -> None:
    add_facilities(settings, EXTRA)
    rng = random.Random(8)
    first_aid = forms.get("first-aid", 1)
    fire = forms.get("fire-safety", 2)
    moment = datetime.now(UTC) - timedelta(days=3)
    good = record(first_aid, "P1", rng, completed=moment)
    bad = record(first_aid, "P1", rng, completed=moment, fail=("kit_stocked",))
    newer_na = record(first_aid, "P1", rng, days_ago=1, all_na=True)
    fire_bad = record(fire, "P1", rng, days_ago=5, fail=("extinguishers",))
    fire_fix = record(fire, "P1", rng, days_ago=6, supersedes=fire_bad["id"])
    sync(client, world, "insp_08", [good, bad, newer_na, fire_bad, fire_fix])
    db = connect_settings(settings)
    try:
        now = utcnow()
        # The tie goes to `bad`, received last; the amended fire inspection is replaced.
        assert reference.reference_statuses(db, forms, now, checklist="first-aid")["P1"] == (
            "non_compliant"
        )
        assert reference.reference_statuses(db, forms, now, checklist="fire-safety")["P1"] == (
            "compliant"
        )
        current = dict(
            db.execute(
                "SELECT form_id, inspection_id FROM current_inspections WHERE facility_code = 'P1'"
            ).fetchall()
        )
    finally:
        db.conn.close()
    assert current == {"first-aid": bad["id"], "fire-safety": fire_fix["id"]}


def test_intake_keeps_the_current_inspection_a_full_recomputation_would_find(
    client: Client, world: World, settings: Settings, forms: FormRegistry
) -> None:
    """Intake makes a new inspection current by comparing it with the current one only
    (``current_if_latest``), and looks through the history for an amendment: in any order
    of arrival, with ties, not-assessed ones and amendments, that agrees with
    ``refresh_current`` on the whole history."""
    add_facilities(settings, EXTRA)
    first_aid = forms.get("first-aid", 1)
    rng = random.Random(12)
    now = datetime.now(UTC)
    moments = [now - timedelta(days=days) for days in (1, 2, 5, 9)]  # ties are likely
    sent: list[dict[str, Any]] = []
    for _ in range(6):
        batch = []
        for _ in range(8):
            amendable = [r for r in sent if not r.get("amended")]
            target = rng.choice(amendable) if amendable and rng.random() < 0.2 else None
            code = target["facility_code"] if target else rng.choice(["P1", "P2"])
            rec = record(
                first_aid,
                code,
                rng,
                completed=rng.choice(moments),
                all_na=rng.random() < 0.15,
                fail=("kit_stocked",) if rng.random() < 0.4 else (),
                supersedes=target["id"] if target else None,
            )
            if target:
                target["amended"] = True
            batch.append(rec)
        sync(client, world, "insp_08", batch)
        sent += batch
    # The latest of all, but not assessed: never current.
    sync(
        client,
        world,
        "insp_08",
        [record(first_aid, c, rng, completed=now, all_na=True) for c in ("P1", "P2")],
    )
    query = "SELECT * FROM current_inspections ORDER BY facility_code, form_id"
    db = connect_settings(settings)
    try:
        kept = db.execute(query).fetchall()
        with transaction(db):
            for code in ("P1", "P2"):
                inspections.refresh_current(db, forms, code, first_aid.id)
        assert db.execute(query).fetchall() == kept
    finally:
        db.conn.close()
    assert len(kept) == 2


def test_list_reasons_follow_amendments_and_the_migration_gives_the_same(
    client: Client, world: World, settings: Settings, forms: FormRegistry
) -> None:
    """The reasons the list shows are kept with the current inspection (written when it
    becomes current): an amendment that makes an older failing inspection current again
    brings back that one's reasons; the migration that filled them in for stored data
    gives the same as intake."""
    add_facilities(settings, EXTRA)
    rng = random.Random(11)
    mandatory = [i.id for i in PRESCHOOL.checks() if i.mandatory and i.id != "no_child_abused"]

    def row(code: str) -> dict[str, Any]:
        page = get(client, world, "dept_08", LIST, per_page=2000)
        (found,) = [i for i in page["items"] if i["facility"]["code"] == code]
        return dict(found)

    def reason(rec: dict[str, Any], failed: list[str]) -> dict[str, Any]:
        scored = scoring.score(PRESCHOOL, rec["answers"])
        return {
            "inspection_id": rec["id"],
            "form_id": "preschool-safety",
            "form_version": 1,
            "score": scored.score,
            "score_display": scored.score_display,
            "completed_at": iso_utc(datetime.fromisoformat(rec["completed_at"]), "microseconds"),
            "failed_mandatory": failed,
            "reasons": [{k: v for k, v in msgspec.to_builtins(r).items()} for r in scored.reasons],
        }

    older = record(PRESCHOOL, "A1", rng, days_ago=3, fail=("no_child_abused",))
    newer = record(PRESCHOOL, "A1", rng, days_ago=2, fail=(mandatory[0],))
    sync(client, world, "insp_08", [older, newer])
    a1 = row("A1")
    assert a1["status"] == "non_compliant"
    assert a1["reasons"] == [reason(newer, [mandatory[0]])]

    # The newer one is amended by one done before the older: the older is current again.
    fix = record(PRESCHOOL, "A1", rng, days_ago=4, supersedes=newer["id"])
    sync(client, world, "insp_08", [fix])
    a1 = row("A1")
    assert a1["reasons"] == [reason(older, ["no_child_abused"])]
    assert a1["worst_score_display"] == reason(older, [])["score_display"]

    # The older one amended by a failing one with other failed checks, then by a pass.
    refail = record(
        PRESCHOOL, "A1", rng, days_ago=3, fail=tuple(mandatory[:2]), supersedes=older["id"]
    )
    sync(client, world, "insp_08", [refail])
    assert row("A1")["reasons"] == [reason(refail, mandatory[:2])]
    passing = record(PRESCHOOL, "A1", rng, days_ago=1, supersedes=refail["id"])
    sync(client, world, "insp_08", [passing])
    a1 = row("A1")
    assert (a1["status"], a1["reasons"]) == ("compliant", [])
    assert a1["worst_score_display"] == "100.0"

    # Others in the list, failing on other checklists, then the kept columns worked out
    # again by the migration, as for a database stored before they existed.
    add = [
        record(PRESCHOOL, "A2", rng, days_ago=5, fail=("guard_room_at_gate", "no_child_abused")),
        record(forms.get("first-aid", 1), "P2", rng, days_ago=3, fail=("kit_stocked",)),
        record(forms.get("fire-safety", 2), "P2", rng, days_ago=2, fail=("extinguishers",)),
    ]
    sync(client, world, "insp_08", add)
    listed = get(client, world, "dept_08", LIST, per_page=2000)
    assert [len(i["reasons"]) for i in listed["items"] if i["status"] == "non_compliant"] == [
        2,
        1,
    ]
    # A site failing two checklists: the newest failing inspection first, and the worse
    # of the two scores shown.
    (p2,) = [i for i in listed["items"] if i["facility"]["code"] == "P2"]
    assert [r["form_id"] for r in p2["reasons"]] == ["fire-safety", "first-aid"]
    worst = min(p2["reasons"], key=lambda r: r["score"])
    assert (p2["worst_score"], p2["worst_score_display"]) == (
        worst["score"],
        worst["score_display"],
    )
    db = connect_settings(settings)
    try:
        kept = db.execute("SELECT * FROM current_inspections ORDER BY 1, 2").fetchall()
        db.execute("ALTER TABLE current_inspections DROP COLUMN failing")
        db.execute("ALTER TABLE current_inspections DROP COLUMN score_display")
        db.execute("ALTER TABLE current_inspections DROP COLUMN seq")
        db.execute("DELETE FROM schema_migrations WHERE version = 14")
        db.conn.commit()
        assert migrate(db) == [14]
        assert db.execute("SELECT * FROM current_inspections ORDER BY 1, 2").fetchall() == kept
    finally:
        db.conn.close()
    assert get(client, world, "dept_08", LIST, per_page=2000) == {
        **listed,
        "as_of": ANY,
    }


def test_csv_cells_never_start_a_formula(client: Client, world: World, settings: Settings) -> None:
    names = ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tTab", "\rCR", "Trường 1", "'quoted"]
    add_facilities(
        settings,
        [(f"F{n}", name, "preschool", "public", "08", "08001") for n, name in enumerate(names)],
    )
    response = client.get(CSV, params={"sort": "name"}, headers=world.auth("admin"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    got = {row[0]: row[1] for row in rows[1:] if row[0].startswith("F")}
    assert got == {
        "F0": "'=1+1",
        "F1": "'+cmd",
        "F2": "'-2+3",
        "F3": "'@SUM(A1)",
        "F4": "'\tTab",
        "F5": "'\rCR",
        "F6": "Trường 1",
        "F7": "'quoted",
    }
    assert spreadsheet_safe("") == ""


def test_xlsx_has_the_csvs_rows_typed_and_never_a_formula(
    client: Client, world: World, settings: Settings
) -> None:
    names = ["=1+1", "+cmd", "@SUM(A1)", "Trường 1"]
    add_facilities(
        settings,
        [(f"F{n}", name, "preschool", "public", "08", "08001") for n, name in enumerate(names)],
    )
    sync(client, world, "admin", [record(PRESCHOOL, "F3", random.Random(3))])
    response = client.get(f"{LIST}.xlsx", params={"sort": "name"}, headers=world.auth("admin"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    header, *rows = list(sheet.iter_rows())
    assert header[0].value == "Mã cơ sở" and header[0].font.bold
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:O")
    by_code = {row[0].value: row for row in rows}
    for n, name in enumerate(names):
        cell = by_code[f"F{n}"][1]
        assert (cell.value, cell.data_type) == (name, "s")  # text, never a formula
    inspected = by_code["F3"]
    assert inspected[7].data_type == "n" and isinstance(inspected[8].value, datetime)
    assert inspected[12].value is None or isinstance(inspected[12].value, int)
    csv_text = client.get(CSV, params={"sort": "name"}, headers=world.auth("admin")).text
    assert len(rows) == len(list(csv.reader(io.StringIO(csv_text.lstrip("\ufeff"))))) - 1


def test_xlsx_names_kind_ownership_and_status_in_vietnamese_and_the_csv_keeps_codes(
    client: Client, world: World, settings: Settings
) -> None:
    add_facilities(settings, [("S1", "Trường THCS 1", "lower_secondary", "private", "08", "08001")])
    sync(
        client,
        world,
        "insp_08",
        [record(PRESCHOOL, "A1", random.Random(5), fail=("no_child_abused",))],
    )
    response = client.get(f"{LIST}.xlsx", headers=world.auth("dept_08"))
    assert response.status_code == 200, response.text
    header, *rows = openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows()
    assert [c.value for c in header[2:4]] + [header[6].value] == [
        "Loại hình",
        "Loại sở hữu",
        "Tình trạng",
    ]
    by_code = {row[0].value: [row[n].value for n in (2, 3, 6)] for row in rows}
    assert by_code["A1"] == ["Mầm non", "Công lập", "Không đạt"]
    assert by_code["S1"] == ["Trung học cơ sở", "Tư thục", "Chưa kiểm tra"]
    csv_text = client.get(CSV, headers=world.auth("dept_08")).content.decode("utf-8-sig")
    in_csv = {r["code"]: r for r in csv.DictReader(io.StringIO(csv_text))}
    assert [in_csv["S1"][k] for k in ("kind", "ownership", "status")] == [
        "lower_secondary",
        "private",
        "not_inspected",
    ]


def test_the_list_filters_sites_with_overdue_actions(
    client: Client, world: World, settings: Settings
) -> None:
    rng = random.Random(4)
    failing = record(PRESCHOOL, "A1", rng, days_ago=40, fail=(PRESCHOOL.checks()[0].id,))
    sync(client, world, "insp_08", [failing, record(PRESCHOOL, "A2", rng)])
    page = client.get(LIST, params={"overdue_actions": "true"}, headers=world.auth("dept_08"))
    assert [row["facility"]["code"] for row in page.json()["items"]] == ["A1"]
    assert page.json()["items"][0]["overdue_actions"] > 0
