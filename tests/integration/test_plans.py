"""Joint inspection plans: a department plans visits (listed or picked by a filter) for its
teams; members see them; an inspection of the site does the visit; the plan shows progress."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from server.settings import Settings
from tests.conftest import World
from tests.integration.test_actions import MANDATORY, visit
from tests.integration.test_sync import db_rows, sync

Client = TestClient[Litestar]
TODAY = date.today()


def team(*usernames: str) -> dict[str, Any]:
    members = [
        {"name": "Nguyễn Văn An", "agency": "Sở Giáo dục và Đào tạo", "role": "lead"},
        *[
            {"name": f"Thanh tra {u}", "agency": "Sở Y tế", "role": "member", "username": u}
            for u in usernames
        ],
    ]
    return {"name": "Đoàn 1", "members": members}


def plan_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Kiểm tra liên ngành học kỳ I",
        "start": str(TODAY - timedelta(days=3)),
        "end": str(TODAY + timedelta(days=60)),
        "agencies": ["Sở Giáo dục và Đào tạo", "Sở Y tế"],
        "teams": [team("insp-08")],
        "visits": [
            {"facility_code": "A1", "team": 0, "start": str(TODAY - timedelta(days=3)),
             "end": str(TODAY + timedelta(days=10))},
        ],
    }  # fmt: skip
    body.update(changes)
    return body


def make(client: Client, world: World, who: str, body: dict[str, Any]) -> Any:
    return client.post("/api/plans", json=body, headers=world.auth(who))


def test_a_plan_picks_sites_members_see_them_and_inspections_do_them(
    client: Client, world: World, settings: Settings
) -> None:
    sync(client, world, "insp_08", [visit("A2", fail=(MANDATORY,), days_ago=2)])
    pick = {"team": 0, "start": str(TODAY - timedelta(days=10)),
            "end": str(TODAY - timedelta(days=1)), "status": ["non_compliant"]}  # fmt: skip
    response = make(client, world, "dept_08", plan_body(pick=pick))
    assert response.status_code == 201, response.text
    plan = response.json()
    assert {v["facility_code"]: v["state"] for v in plan["visits"]} == {
        "A1": "pending",
        "A2": "late",  # its window is over and nobody went
    }
    assert plan["progress"] == {"done": 0, "pending": 1, "late": 1}

    mine = client.get("/api/plans/visits/mine", headers=world.auth("insp_08")).json()
    assert [v["facility_code"] for v in mine] == ["A2", "A1"]
    assert mine[0]["members"][1]["username"] == "insp-08"
    other = client.get("/api/plans/visits/mine", headers=world.auth("insp_08001")).json()
    assert other == []

    [done] = sync(client, world, "insp_08", [visit("A1")])
    again = client.get(f"/api/plans/{plan['id']}", headers=world.auth("dept_08")).json()
    a1 = next(v for v in again["visits"] if v["facility_code"] == "A1")
    assert (a1["state"], a1["inspection_id"]) == ("done", done["id"])
    assert again["progress"] == {"done": 1, "pending": 0, "late": 1}
    listed = client.get("/api/plans", headers=world.auth("insp_08")).json()
    assert [p["progress"] for p in listed] == [again["progress"]]
    assert db_rows(
        settings, "SELECT action FROM audit_log WHERE subject = ?", [f"plan:{plan['id']}"]
    ) == [("plan_created",)]


def test_who_may_plan_and_what_is_refused(client: Client, world: World) -> None:
    assert make(client, world, "insp_08", plan_body()).status_code == 403
    assert make(client, world, "fac_a1", plan_body()).status_code == 403
    elsewhere = plan_body(visits=[{"facility_code": "B1", "team": 0, "start": str(TODAY),
                                   "end": str(TODAY)}])  # fmt: skip
    refused = make(client, world, "dept_08", elsewhere)
    assert (refused.status_code, refused.json()["error"]["code"]) == (400, "plan.invalid")
    no_team = plan_body(visits=[{"facility_code": "A1", "team": 3, "start": str(TODAY),
                                 "end": str(TODAY)}])  # fmt: skip
    assert make(client, world, "dept_08", no_team).json()["error"]["code"] == "plan.invalid"
    nobody = make(client, world, "dept_08", plan_body(teams=[team("no-such-user")]))
    assert nobody.json()["error"]["code"] == "user.not_found"
    admin = make(client, world, "admin", plan_body())
    assert admin.json()["error"]["code"] == "plan.invalid"  # an admin names the province
    created = make(client, world, "admin", plan_body(province="08")).json()
    assert (
        client.get(f"/api/plans/{created['id']}", headers=world.auth("dept_79")).status_code == 403
    )
    assert client.get("/api/plans", headers=world.auth("dept_79")).json() == []
