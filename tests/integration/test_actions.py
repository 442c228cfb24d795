"""Corrective actions: opened by failed checks and veto events, fixed by the facility,
verified by an inspector, the department or a later inspection; never lost."""

from __future__ import annotations

import csv
import hashlib
import io
import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.actions.follow_up import DUE_DAYS
from server.clock import local_date
from server.clock import today as vietnam_today
from server.forms.loader import load_file
from server.inspections import synthetic
from server.settings import REPO_ROOT, Settings
from tests.conftest import World
from tests.integration.test_photos import png, put
from tests.integration.test_sync import db_rows, sync

Client = TestClient[Litestar]
PRESCHOOL = load_file(REPO_ROOT / "forms" / "preschool-safety.v2.yaml")
MANDATORY = "gate_fence_secure"
OTHER = "guard_room_at_gate"
VETO = "no_child_violence"


def visit(
    facility: str = "A1",
    *,
    fail: tuple[str, ...] = (),
    occurred: tuple[str, ...] = (),
    days_ago: int = 0,
    **fields: Any,
) -> dict[str, Any]:
    """An inspection where every check passes and no event occurred, but those named."""
    completed = datetime.now(UTC) - timedelta(days=days_ago, minutes=5)
    record = synthetic.record(PRESCHOOL, facility, random.Random(3), completed_at=completed)
    for item in PRESCHOOL.items():
        if item.kind == "check":
            record["answers"][item.id] = "fail" if item.id in fail else "pass"
        if item.kind == "veto":
            record["answers"][item.id] = "occurred" if item.id in occurred else "none"
    record["id"] = str(uuid.uuid4())
    record.update(fields)
    return record


def actions(client: Client, world: World, who: str, **query: Any) -> list[dict[str, Any]]:
    response = client.get("/api/actions", params=query, headers=world.auth(who))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def by_item(client: Client, world: World, who: str = "insp_08") -> dict[str, dict[str, Any]]:
    return {a["item_id"]: a for a in actions(client, world, who, facility="A1")}


def act(client: Client, world: World, who: str, action_id: int, verb: str, body: Any) -> Any:
    return client.post(f"/api/actions/{action_id}/{verb}", json=body, headers=world.auth(who))


def test_failures_open_actions_with_the_inspectors_words_or_defaults(
    client: Client, world: World
) -> None:
    due = (vietnam_today() + timedelta(days=10)).isoformat()
    record = visit(
        fail=(MANDATORY, OTHER),
        occurred=(VETO,),
        actions=[{"item": MANDATORY, "requirement": "Sửa chỗ rào bị sập", "due": due}],
    )
    [result] = sync(client, world, "insp_08", [record])
    assert result["outcome"] == "created", result
    found = by_item(client, world)
    assert set(found) == {MANDATORY, OTHER, VETO}
    assert found[MANDATORY]["requirement"] == "Sửa chỗ rào bị sập"
    assert found[MANDATORY]["due"] == due
    assert found[MANDATORY]["mandatory"] is True
    assert found[MANDATORY]["legal_ref"].startswith("NĐ 80/2017")
    inspected = local_date(datetime.fromisoformat(record["completed_at"]))
    assert found[OTHER]["due"] == (inspected + timedelta(days=DUE_DAYS["other"])).isoformat()
    assert found[OTHER]["requirement"].startswith("Khắc phục để đạt tiêu chí: Có phòng bảo vệ")
    assert found[VETO]["due"] == (inspected + timedelta(days=DUE_DAYS["veto"])).isoformat()
    assert found[VETO]["kind"] == "veto"
    assert {a["state"] for a in found.values()} == {"open"}
    assert {a["opened_by_inspection"] for a in found.values()} == {record["id"]}


def test_actions_are_validated_with_the_record(client: Client, world: World) -> None:
    today = vietnam_today().isoformat()
    record = visit(
        fail=(MANDATORY,),
        actions=[
            {"item": OTHER, "requirement": "x", "due": today},
            {"item": MANDATORY, "requirement": "x", "due": "2001-01-01"},
            {"item": MANDATORY, "requirement": "y", "due": today},
        ],
    )
    [result] = sync(client, world, "insp_08", [record])
    assert result["outcome"] == "rejected"
    problems = {(d["item"], d["code"]) for d in result["error"]["details"]}
    assert problems == {
        (OTHER, "action_not_failed"),
        (MANDATORY, "action_due_invalid"),
        (MANDATORY, "action_duplicate"),
    }
    assert actions(client, world, "insp_08") == []


def test_a_later_inspection_verifies_what_passes_and_keeps_what_fails_again(
    client: Client, world: World
) -> None:
    first = visit(fail=(MANDATORY, OTHER), days_ago=3)
    sync(client, world, "insp_08", [first])
    second = visit(fail=(OTHER,))
    sync(client, world, "insp_08", [second])
    found = by_item(client, world)
    assert set(found) == {MANDATORY, OTHER}  # no second action for the same check
    assert found[MANDATORY]["state"] == "verified"
    assert found[OTHER]["state"] == "open"
    assert found[OTHER]["last_inspection"] == second["id"]
    detail = client.get(f"/api/actions/{found[MANDATORY]['id']}", headers=world.auth("fac_a1"))
    events = [(e["event"], e["inspection_id"]) for e in detail.json()["history"]]
    assert events == [("opened", first["id"]), ("verified_by_inspection", second["id"])]
    again = client.get(f"/api/actions/{found[OTHER]['id']}", headers=world.auth("dept_08"))
    assert [e["event"] for e in again.json()["history"]] == ["opened", "failed_again"]


def test_an_inspection_that_arrives_after_a_later_one_leaves_its_follow_up_alone(
    client: Client, world: World
) -> None:
    """Two phones of a joint team sync out of order: the visit done two days ago arrives
    before the one done ten days ago. Follow-up goes by the day the visits were done."""
    recent = visit(fail=(MANDATORY,), days_ago=2)
    sync(client, world, "insp_08", [recent])
    older = visit(fail=(OTHER,), occurred=(VETO,), days_ago=10)
    [result] = sync(client, world, "insp_08", [older])
    assert result["outcome"] == "created", result
    found = by_item(client, world)
    # The later visit failed MANDATORY: the older one, passing it, does not verify it.
    assert found[MANDATORY]["state"] == "open"
    assert found[MANDATORY]["last_inspection"] == recent["id"]
    # The later visit passed OTHER and saw no violence: nothing to open for them now.
    assert set(found) == {MANDATORY}
    detail = client.get(f"/api/actions/{found[MANDATORY]['id']}", headers=world.auth("fac_a1"))
    assert [e["event"] for e in detail.json()["history"]] == ["opened"]
    # A visit done after both follows up as ever.
    latest = visit(days_ago=0)
    sync(client, world, "insp_08", [latest])
    assert by_item(client, world)[MANDATORY]["state"] == "verified"


def test_an_older_inspection_still_opens_what_no_later_one_answered(
    client: Client, world: World
) -> None:
    recent = visit(days_ago=2)
    recent["answers"].pop(OTHER)
    sync(client, world, "insp_08", [recent])
    older = visit(fail=(OTHER,), days_ago=10)
    sync(client, world, "insp_08", [older])
    found = by_item(client, world)
    assert set(found) == {OTHER} and found[OTHER]["state"] == "open"
    assert found[OTHER]["last_inspection"] == older["id"]


def test_the_loop_report_verify_reopen_and_due_date(
    client: Client, world: World, settings: Settings
) -> None:
    sync(client, world, "insp_08", [visit(fail=(MANDATORY,))])
    action = by_item(client, world)[MANDATORY]
    photo = png(seed=41)
    assert put(client, world, "fac_a1", photo) == 201
    sha = hashlib.sha256(photo).hexdigest()
    report = {"client_id": str(uuid.uuid4()), "description": "Đã xây lại rào", "photos": [sha]}
    first = act(client, world, "fac_a1", action["id"], "fix", report)
    assert first.status_code == 200, first.text
    assert first.json()["state"] == "fix_reported"
    again = act(client, world, "fac_a1", action["id"], "fix", report)  # a lost response
    assert again.json() == first.json()
    assert db_rows(settings, "SELECT count(*) FROM action_events WHERE event = 'fix_reported'") == [
        (1,)
    ]
    # The department of the province sees the fix's photo, and verifies.
    assert client.get(f"/api/photos/{sha}", headers=world.auth("dept_08")).status_code == 200
    assert client.get(f"/api/photos/{sha}", headers=world.auth("dept_79")).status_code == 403
    verified = act(client, world, "dept_08", action["id"], "verify", {"note": "Đã xem ảnh"})
    assert verified.json()["state"] == "verified"
    reopened = act(client, world, "insp_08", action["id"], "reopen", {"reason": "Rào vẫn hở"})
    assert reopened.json()["state"] == "open"
    new_due = (vietnam_today() + timedelta(days=5)).isoformat()
    moved = act(client, world, "insp_08", action["id"], "due", {"due": new_due, "reason": "Mưa"})
    assert moved.json()["due"] == new_due
    history = moved.json()["history"]
    assert [e["event"] for e in history] == [
        "opened",
        "fix_reported",
        "verified",
        "reopened",
        "due_changed",
    ]
    assert history[1]["photos"] == [sha] and history[1]["note"] == "Đã xây lại rào"
    assert history[3]["note"] == "Rào vẫn hở" and history[3]["by"]
    audited = db_rows(
        settings,
        "SELECT action FROM audit_log WHERE subject = ? ORDER BY id",
        [f"action:{action['id']}"],
    )
    assert [a for (a,) in audited] == [
        "action_fix_reported",
        "action_verified",
        "action_reopened",
        "action_due_changed",
    ]


def test_a_due_date_already_past_is_refused_with_its_code_and_field(
    client: Client, world: World
) -> None:
    sync(client, world, "insp_08", [visit(fail=(MANDATORY,))])
    action = by_item(client, world)[MANDATORY]
    yesterday = (vietnam_today() - timedelta(days=1)).isoformat()
    refused = act(
        client, world, "insp_08", action["id"], "due", {"due": yesterday, "reason": "Mưa"}
    )
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == "action.due_past"
    assert [d["field"] for d in error["details"]] == ["$.due"]
    assert by_item(client, world)[MANDATORY]["due"] == action["due"]


def test_a_report_that_arrives_after_the_action_closed_is_kept(
    client: Client, world: World
) -> None:
    sync(client, world, "insp_08", [visit(fail=(MANDATORY,))])
    action = by_item(client, world)[MANDATORY]
    act(client, world, "insp_08", action["id"], "verify", {})
    late = {"client_id": str(uuid.uuid4()), "description": "Đã sửa từ tuần trước"}
    response = act(client, world, "fac_a1", action["id"], "fix", late)
    assert response.status_code == 200
    assert response.json()["state"] == "verified"
    assert response.json()["history"][-1]["note"] == "Đã sửa từ tuần trước"


@pytest.mark.parametrize(
    ("who", "verb", "body", "status", "code"),
    [
        ("insp_08", "fix", {"client_id": str(uuid.uuid4()), "description": "x"}, 403, None),
        ("fac_a1", "verify", {}, 403, None),
        ("dept_79", "verify", {}, 403, "access.scope"),
        ("insp_08", "reopen", {"reason": "x"}, 409, "action.state"),
        ("insp_08", "due", {"due": "2001-01-01", "reason": "x"}, 400, None),
        ("insp_08", "reopen", {"reason": ""}, 400, None),
        ("insp_08", "verify", {"extra": 1}, 400, None),
    ],
)
def test_who_may_do_what(
    client: Client, world: World, who: str, verb: str, body: Any, status: int, code: str | None
) -> None:
    sync(client, world, "insp_08", [visit(fail=(MANDATORY,))])
    action = by_item(client, world)[MANDATORY]
    response = act(client, world, who, action["id"], verb, body)
    assert response.status_code == status, response.text
    if code:
        assert response.json()["error"]["code"] == code
    assert by_item(client, world)[MANDATORY]["state"] == "open"


def test_the_facility_sees_only_its_own_actions(client: Client, world: World) -> None:
    sync(client, world, "insp_08", [visit(fail=(MANDATORY,)), visit("A2", fail=(OTHER,))])
    assert {a["facility_code"] for a in actions(client, world, "fac_a1")} == {"A1"}
    assert {a["facility_code"] for a in actions(client, world, "dept_08")} == {"A1", "A2"}
    assert actions(client, world, "dept_79") == []
    other = actions(client, world, "dept_08", facility="A2")[0]
    response = client.get(f"/api/actions/{other['id']}", headers=world.auth("fac_a1"))
    assert response.status_code == 403


def test_overdue_and_other_filters(client: Client, world: World) -> None:
    sync(client, world, "insp_08", [visit(fail=(MANDATORY, OTHER), days_ago=20)])
    overdue = actions(client, world, "dept_08", overdue="true")
    assert [a["item_id"] for a in overdue] == [MANDATORY]  # 15 days for a mandatory check
    assert overdue[0]["overdue"] is True
    assert [a["item_id"] for a in actions(client, world, "dept_08", overdue="false")] == [OTHER]
    assert [a["item_id"] for a in actions(client, world, "dept_08", item=OTHER)] == [OTHER]
    assert actions(client, world, "dept_08", state="verified") == []
    assert len(actions(client, world, "dept_08", commune="08001", kind="preschool")) == 2


def test_an_amendment_withdraws_what_it_no_longer_fails(client: Client, world: World) -> None:
    original = visit(fail=(MANDATORY, OTHER), days_ago=1)
    sync(client, world, "insp_08", [original])
    amendment = visit(fail=(OTHER,), supersedes=original["id"])
    [result] = sync(client, world, "insp_08", [amendment])
    assert result["outcome"] == "created", result
    found = by_item(client, world)
    assert found[MANDATORY]["state"] == "withdrawn"
    assert found[OTHER]["state"] == "open"
    assert found[OTHER]["last_inspection"] == amendment["id"]


def test_the_department_list_and_its_csv_count_actions(client: Client, world: World) -> None:
    sync(client, world, "insp_08", [visit(fail=(MANDATORY, OTHER), days_ago=20)])
    page = client.get("/api/compliance/facilities", headers=world.auth("dept_08")).json()
    counts = {
        r["facility"]["code"]: (r["open_actions"], r["overdue_actions"]) for r in page["items"]
    }
    assert counts == {"A1": (2, 1), "A2": (0, 0)}
    text = client.get("/api/compliance/facilities.csv", headers=world.auth("dept_08")).text
    a1 = next(r for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))) if r["code"] == "A1")
    assert (a1["open_actions"], a1["overdue_actions"]) == ("2", "1")
