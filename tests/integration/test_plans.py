"""Joint inspection plans: a department plans visits (listed or picked by a filter) for its
teams; members see them; an inspection of the site does the visit; the plan shows progress."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from server.clock import today
from server.settings import Settings
from tests.conftest import World
from tests.integration.test_actions import MANDATORY, visit
from tests.integration.test_sync import db_rows, sync

Client = TestClient[Litestar]
TODAY = today()


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


def test_an_amendment_keeps_the_visit_of_the_inspection_it_corrects(
    client: Client, world: World
) -> None:
    """A correction is no second visit: the follow-up visit planned after it stays pending."""
    first = make(client, world, "dept_08", plan_body()).json()
    follow = {"facility_code": "A1", "team": 0, "start": str(TODAY - timedelta(days=1)),
              "end": str(TODAY + timedelta(days=40))}  # fmt: skip
    second = make(client, world, "dept_08", plan_body(name="Tái kiểm tra", visits=[follow]))
    assert second.status_code == 201, second.text
    [done] = sync(client, world, "insp_08", [visit("A1", days_ago=0)])
    [amended] = sync(client, world, "insp_08", [visit("A1", supersedes=done["id"])])
    assert amended["outcome"] == "created", amended

    def a1(plan_id: int) -> tuple[str, str | None]:
        shown = client.get(f"/api/plans/{plan_id}", headers=world.auth("dept_08")).json()
        [v] = [v for v in shown["visits"] if v["facility_code"] == "A1"]
        return v["state"], v["inspection_id"]

    assert a1(first["id"]) == ("done", amended["id"])
    assert a1(second.json()["id"]) == ("pending", None)


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
    # Only an inspector sees their visits and is told of them: a facility's or a
    # department's account in a team would be told of other sites' inspections.
    for who in ("fac-a1", "dept-08"):
        refused = make(client, world, "dept_08", plan_body(teams=[team(who)])).json()["error"]
        assert refused["code"] == "plan.invalid"
        assert refused["details"][0]["field"] == "$.teams[0].members[1].username"
    admin = make(client, world, "admin", plan_body())
    assert admin.json()["error"]["code"] == "plan.invalid"  # an admin names the province
    created = make(client, world, "admin", plan_body(province="08")).json()
    assert (
        client.get(f"/api/plans/{created['id']}", headers=world.auth("dept_79")).status_code == 403
    )
    assert client.get("/api/plans", headers=world.auth("dept_79")).json() == []


def change(client: Client, world: World, who: str, plan_id: int, body: dict[str, Any]) -> Any:
    return client.patch(f"/api/plans/{plan_id}", json=body, headers=world.auth(who))


def window(days: int, length: int = 5) -> dict[str, str]:
    return {"start": str(TODAY + timedelta(days=days)),
            "end": str(TODAY + timedelta(days=days + length))}  # fmt: skip


def test_a_plan_is_changed_in_one_audited_write_and_a_done_visit_stays(
    client: Client, world: World, settings: Settings
) -> None:
    plan = make(client, world, "dept_08", plan_body()).json()
    [done] = sync(client, world, "insp_08", [visit("A1")])
    teams = [team("insp-08"), {**team("insp-08001"), "name": "Đoàn 2"}]
    response = change(client, world, "dept_08", plan["id"], {
        "name": "Kiểm tra liên ngành (sửa)", "teams": teams,
        "add": [{"facility_code": "A2", "team": 1, **window(5)}],
    })  # fmt: skip
    assert response.status_code == 200, response.text
    changed = response.json()
    assert changed["name"] == "Kiểm tra liên ngành (sửa)"
    assert [t["name"] for t in changed["teams"]] == ["Đoàn 1", "Đoàn 2"]
    by_site = {v["facility_code"]: v for v in changed["visits"]}
    assert (by_site["A1"]["state"], by_site["A1"]["inspection_id"]) == ("done", done["id"])
    assert (by_site["A2"]["team"], by_site["A2"]["team_index"]) == ("Đoàn 2", 1)
    assert by_site["A2"]["start"] == window(5)["start"]
    mine = client.get("/api/plans/visits/mine", headers=world.auth("insp_08001")).json()
    assert [v["facility_code"] for v in mine] == ["A2"]

    a1, a2 = by_site["A1"]["id"], by_site["A2"]["id"]
    for body in ({"remove": [a1]}, {"change": [{"id": a1, **window(9)}]}):
        refused = change(client, world, "dept_08", plan["id"], {"name": "X", **body})
        assert (refused.status_code, refused.json()["error"]["code"]) == (409, "plan.visit_done")
    moved = change(client, world, "dept_08", plan["id"], {"change": [{"id": a2, "team": 0,
                                                                      **window(9)}]})  # fmt: skip
    assert moved.json()["name"] == "Kiểm tra liên ngành (sửa)"  # the refused ones changed nothing
    a2_now = next(v for v in moved.json()["visits"] if v["id"] == a2)
    assert (a2_now["team"], a2_now["team_index"], a2_now["end"]) == ("Đoàn 1", 0, window(9)["end"])
    dropped = change(client, world, "dept_08", plan["id"], {"teams": teams[:1]})
    assert [t["name"] for t in dropped.json()["teams"]] == ["Đoàn 1"]  # team 2 had no visit
    removed = change(client, world, "dept_08", plan["id"], {"remove": [a2]}).json()
    assert [v["facility_code"] for v in removed["visits"]] == ["A1"]
    assert db_rows(
        settings,
        "SELECT action FROM audit_log WHERE subject = ? ORDER BY id",
        [f"plan:{plan['id']}"],
    ) == [("plan_created",), *[("plan_changed",)] * 4]


def test_what_a_change_refuses_names_its_field(client: Client, world: World) -> None:
    plan = make(client, world, "dept_08", plan_body()).json()
    a1 = plan["visits"][0]["id"]
    for who, status in (("insp_08", 403), ("fac_a1", 403), ("dept_79", 403)):
        assert change(client, world, who, plan["id"], {"name": "X"}).status_code == status
    assert change(client, world, "dept_08", 999999, {"name": "X"}).status_code == 404
    cases: list[tuple[dict[str, Any], str]] = [
        ({"end": str(TODAY - timedelta(days=30))}, "$.end"),
        ({"add": [{"facility_code": "A2", "team": 0, "start": str(TODAY),
                   "end": str(TODAY - timedelta(days=1))}]}, "$.add[0].end"),
        ({"add": [{"facility_code": "A1", "team": 0, **window(1)}]}, "$.add[0].facility_code"),
        ({"add": [{"facility_code": "B1", "team": 0, **window(1)}]}, "$.add[0].facility_code"),
        ({"change": [{"id": a1, "team": 4}]}, "$.change[0].team"),
        ({"change": [{"id": a1, "start": str(TODAY + timedelta(days=5)),
                      "end": str(TODAY + timedelta(days=4))}]}, "$.change[0].end"),
        ({"remove": [a1 + 1000]}, "$.remove[0]"),
        ({"teams": [team("no-such-user")]}, "$.teams[0].members[1].username"),
    ]  # fmt: skip
    for body, field in cases:
        refused = change(client, world, "dept_08", plan["id"], body).json()["error"]
        assert refused["code"] in ("plan.invalid", "user.not_found"), body
        assert refused["details"][0]["field"] == field, body
    unknown = change(client, world, "dept_08", plan["id"], {"nmae": "typo"})
    assert unknown.status_code == 400
    admin = change(client, world, "admin", plan["id"], {"pick": {
        "team": 0, "status": [], **window(2)}}).json()  # fmt: skip
    assert sorted(v["facility_code"] for v in admin["visits"]) == ["A1", "A2"]
