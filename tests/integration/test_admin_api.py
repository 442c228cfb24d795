"""What the app's administration screens need of the server: accounts listed by role and
search, problems named by field and code, one kept-aside payload, the "reviewed" mark
audited, and a facility file's bad lines with codes the app words itself."""

from __future__ import annotations

import random

from litestar import Litestar
from litestar.testing import TestClient

from server.settings import Settings
from tests.conftest import World
from tests.integration.test_facilities import GOOD
from tests.integration.test_sync import db_rows, make, sync

Client = TestClient[Litestar]


def test_users_are_listed_by_role_and_by_search_without_accents(
    client: Client, world: World
) -> None:
    headers = world.auth("admin")
    inspectors = client.get("/api/users", params={"role": "inspector"}, headers=headers)
    assert [u["username"] for u in inspectors.json()] == ["insp-08", "insp-08001"]
    by_agency = client.get("/api/users", params={"q": "so y te"}, headers=headers)
    assert [u["username"] for u in by_agency.json()] == ["dept-79"]  # "Sở Y tế"
    both = client.get("/api/users", params={"q": "08", "role": "department"}, headers=headers)
    assert [u["username"] for u in both.json()] == ["dept-08"]
    assert client.get("/api/users", params={"role": "boss"}, headers=headers).status_code == 400
    assert client.get("/api/users", headers=world.auth("dept_08")).status_code == 403
    one = client.get(f"/api/users/{world.user_ids['dept_79']}", headers=headers)
    assert one.json() == by_agency.json()[0]
    assert client.get("/api/users/9999", headers=headers).status_code == 404


def test_account_problems_name_their_field_and_code(client: Client, world: World) -> None:
    body = {"username": "Bad Name", "password": "short", "role": "inspector"}
    response = client.post("/api/users", json=body, headers=world.auth("admin"))
    assert response.status_code == 400
    details = response.json()["error"]["details"]
    assert [(d["field"], d["code"]) for d in details] == [
        ("username", "username_format"),
        ("password", "password_short"),
        ("province_code", "area_required"),
    ]
    assert all(d["message"] for d in details)
    taken = {"username": "insp-08", "password": "long enough pw", "role": "admin"}
    again = client.post("/api/users", json=taken, headers=world.auth("admin"))
    assert again.status_code == 409
    assert [(d["field"], d["code"]) for d in again.json()["error"]["details"]] == [
        ("username", "exists")
    ]
    url = f"/api/users/{world.user_ids['dept_08']}"
    wrong = client.patch(
        url, json={"province_code": "00", "display_name": " "}, headers=world.auth("admin")
    )
    assert [(d["field"], d["code"]) for d in wrong.json()["error"]["details"]] == [
        ("province_code", "province_unknown"),
        ("display_name", "display_name_required"),
    ]


def test_a_facility_account_moved_to_another_facility_takes_its_province(
    client: Client, world: World
) -> None:
    url = f"/api/users/{world.user_ids['fac_a1']}"
    moved = client.patch(url, json={"facility_code": "B1"}, headers=world.auth("admin"))
    assert moved.status_code == 200, moved.text
    assert (moved.json()["facility_code"], moved.json()["province_code"]) == ("B1", "79")


def test_one_kept_aside_payload_and_its_review_is_audited(
    client: Client, world: World, settings: Settings
) -> None:
    record = make(random.Random(11), "N9")  # a facility the server does not know
    assert sync(client, world, "insp_08", [record])[0]["outcome"] == "rejected"
    listed = client.get("/api/kept-aside", headers=world.auth("admin")).json()["items"]
    [entry] = listed
    one = client.get(f"/api/kept-aside/{entry['id']}", headers=world.auth("admin"))
    assert one.status_code == 200
    assert one.json() == entry
    assert one.json()["payload"]["facility_code"] == "N9"
    assert [p["code"] for p in one.json()["problems"]] == ["facility_unknown"]
    assert client.get("/api/kept-aside/999", headers=world.auth("admin")).status_code == 404
    assert (
        client.get(f"/api/kept-aside/{entry['id']}", headers=world.auth("insp_08")).status_code
        == 403
    )
    done = client.post(f"/api/kept-aside/{entry['id']}/resolve", headers=world.auth("admin"))
    assert done.status_code == 204
    assert db_rows(
        settings, "SELECT action FROM audit_log WHERE subject = ?", [f"kept_aside:{entry['id']}"]
    ) == [("kept_aside_reviewed",)]


def test_a_bad_import_line_carries_codes_and_nothing_is_imported(
    client: Client, world: World
) -> None:
    bad = GOOD + "B9,X,school,public,99,08101,P,,,\n"
    response = client.post(
        "/api/facilities/import",
        content=bad.encode(),
        headers={**world.auth("admin"), "Content-Type": "text/csv"},
    )
    assert response.status_code == 400
    [line] = response.json()["error"]["details"]
    assert line["line"] == 5
    assert [(p["code"], p["column"], p["value"]) for p in line["problems"]] == [
        ("kind_unknown", "kind", "school"),
        ("province_unknown", "province_code", "99"),
        ("commune_other_province", "commune_code", "08"),  # brought by line 2
    ]
    assert line["reasons"] == [p["message"] for p in line["problems"]]
    listing = client.get("/api/facilities?per_page=500", headers=world.auth("admin")).json()
    assert listing["total"] == 3
    latin1 = client.post(
        "/api/facilities/import",
        content="code,name\nX,Trường\n".encode("latin-1", "replace") + b"\xff",
        headers={**world.auth("admin"), "Content-Type": "text/csv"},
    )
    [encoding] = latin1.json()["error"]["details"]
    assert encoding["problems"][0]["code"] == "not_utf8"
