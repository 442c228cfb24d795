"""An admin deals with what intake kept aside: accept it as a new inspection where it is
valid now, or dismiss it with a reason; the payload stays and the audit says who did what."""

from __future__ import annotations

import random
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from server.db import connect_settings
from server.facilities.store import upsert_facilities
from server.settings import Settings
from tests.conftest import World, facility
from tests.integration.test_sync import db_rows, make, sync

Client = TestClient[Litestar]


def kept(client: Client, world: World, **params: str) -> list[dict[str, Any]]:
    response = client.get("/api/kept-aside", params=params, headers=world.auth("admin"))
    assert response.status_code == 200
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_a_conflict_is_accepted_under_a_new_id_once(
    client: Client, world: World, settings: Settings
) -> None:
    rng = random.Random(5)
    original = make(rng)
    sync(client, world, "insp_08", [original])
    other = {**make(rng), "id": original["id"]}
    assert sync(client, world, "insp_08", [other])[0]["outcome"] == "conflict"
    [entry] = kept(client, world)
    url = f"/api/kept-aside/{entry['id']}/accept"
    response = client.post(url, headers=world.auth("admin"))
    assert response.status_code == 200, response.text
    accepted = response.json()
    assert accepted["outcome"] == "created" and accepted["id"] != original["id"]
    assert kept(client, world) == []
    [done] = kept(client, world, include_resolved="true")
    assert (done["resolution"], done["accepted_as"]) == ("accepted", accepted["id"])
    again = client.post(url, headers=world.auth("admin"))
    assert again.status_code == 400  # resolved already: nothing stored twice
    assert db_rows(settings, "SELECT count(*) FROM inspections") == [(2,)]
    assert db_rows(
        settings, "SELECT action FROM audit_log WHERE subject = ?", [f"kept_aside:{entry['id']}"]
    ) == [("kept_aside_accepted",)]


def test_a_rejected_payload_is_accepted_once_it_is_valid(
    client: Client, world: World, settings: Settings
) -> None:
    record = make(random.Random(6), "N1")  # a facility the server does not know yet
    assert sync(client, world, "insp_08", [record])[0]["outcome"] == "rejected"
    [entry] = kept(client, world)
    url = f"/api/kept-aside/{entry['id']}/accept"
    still = client.post(url, headers=world.auth("admin"))
    assert still.status_code == 422
    assert still.json()["error"]["details"][0]["code"] == "facility_unknown"
    db = connect_settings(settings)
    try:
        upsert_facilities(db, [facility("N1", "08", "08001")], [])
    finally:
        db.conn.close()
    response = client.post(url, headers=world.auth("admin"))
    assert response.status_code == 200, response.text
    assert response.json()["id"] == record["id"] and response.json()["outcome"] == "created"


def test_dismissed_with_a_reason_and_only_by_an_admin(client: Client, world: World) -> None:
    record = make(random.Random(7), "N2")
    sync(client, world, "insp_08", [record])
    [entry] = kept(client, world)
    url = f"/api/kept-aside/{entry['id']}/dismiss"
    assert client.post(url, json={"reason": "x"}, headers=world.auth("dept_08")).status_code == 403
    assert client.post(url, json={}, headers=world.auth("admin")).status_code == 400
    response = client.post(url, json={"reason": "Gửi nhầm cơ sở"}, headers=world.auth("admin"))
    assert response.status_code == 204
    [done] = kept(client, world, include_resolved="true")
    assert done["resolution"] == "dismissed: Gửi nhầm cơ sở"
