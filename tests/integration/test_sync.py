"""Intake: every record of a batch ends in exactly one known state, nothing is lost."""

from __future__ import annotations

import copy
import random
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.db import connect_settings
from server.facilities.store import upsert_facilities
from server.forms.loader import load_file
from server.inspections import scoring, synthetic
from server.settings import REPO_ROOT, Settings
from tests.conftest import World, facility

Client = TestClient[Litestar]
PRESCHOOL = load_file(REPO_ROOT / "forms" / "preschool-safety.v1.yaml")


@pytest.fixture
def rng() -> random.Random:
    return random.Random(7)


def make(
    rng: random.Random,
    facility_code: str = "A1",
    completed: datetime | None = None,
    **changes: Any,
) -> dict[str, Any]:
    record = synthetic.record(PRESCHOOL, facility_code, rng, completed_at=completed)
    record.update(changes)
    return record


def sync(client: Client, world: World, who: str, records: list[Any]) -> list[dict[str, Any]]:
    response = client.post(
        "/api/sync/inspections", json={"records": records}, headers=world.auth(who)
    )
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    assert len(results) == len(records)
    return results


def member(name: str, role: str, agency: str = "Sở Giáo dục và Đào tạo") -> dict[str, str]:
    """A member of the inspection team as the phone sends one."""
    return {"name": name, "agency": agency, "role": role, "signature": f"{len(name):064x}"}


def db_rows(settings: Settings, sql: str, args: list[Any] | None = None) -> list[tuple[Any, ...]]:
    db = connect_settings(settings)
    try:
        return list(db.execute(sql, args or []).fetchall())
    finally:
        db.conn.close()


def test_same_batch_three_times_is_stored_once_with_the_same_receipts(
    client: Client, world: World, settings: Settings, rng: random.Random
) -> None:
    batch = [make(rng), make(rng, "A2"), make(rng)]
    first = sync(client, world, "insp_08", batch)
    assert [r["outcome"] for r in first] == ["created"] * 3
    second = sync(client, world, "insp_08", batch)
    third = sync(client, world, "insp_08", batch)
    assert [r["outcome"] for r in second] == [r["outcome"] for r in third] == ["duplicate"] * 3
    assert [r["receipt"] for r in second] == [r["receipt"] for r in third]
    assert [r["receipt"] for r in second] == [r["receipt"] for r in first]
    assert db_rows(settings, "SELECT count(*) FROM inspections") == [(3,)]
    assert db_rows(settings, "SELECT count(*) FROM kept_aside") == [(0,)]


def test_receipt_carries_the_official_score(
    client: Client, world: World, settings: Settings, rng: random.Random
) -> None:
    record = make(rng)
    record["answers"]["no_child_abused"] = "fail"  # a mandatory check
    (result,) = sync(client, world, "insp_08", [record])
    expected = scoring.score(PRESCHOOL, record["answers"])
    receipt = result["receipt"]
    assert receipt["result"] == expected.result == "failed"
    assert receipt["score_display"] == expected.score_display
    assert len(receipt["content_hash"]) == 64
    stored = client.get(f"/api/inspections/{record['id']}", headers=world.auth("insp_08")).json()
    assert stored["summary"]["failed_checks"][0]["item_id"] == "no_child_abused"
    assert stored["record"]["answers"] == record["answers"]


def test_photo_evidence_on_a_check_is_kept_with_the_record(
    client: Client, world: World, rng: random.Random
) -> None:
    evidence = {"gate_fence_secure": ["b" * 64, "c" * 64]}
    record = make(rng, photos=evidence)
    (result,) = sync(client, world, "insp_08", [record])
    assert result["outcome"] == "created"
    stored = client.get(f"/api/inspections/{record['id']}", headers=world.auth("insp_08")).json()
    assert stored["record"]["photos"] == evidence


def test_field_order_and_whitespace_do_not_make_a_conflict(
    client: Client, world: World, rng: random.Random
) -> None:
    record = make(rng)
    sync(client, world, "insp_08", [record])
    reordered = dict(reversed(list(record.items())))
    (again,) = sync(client, world, "insp_08", [reordered])
    assert again["outcome"] == "duplicate"


def test_conflict_keeps_the_original_and_the_new_payload(
    client: Client, world: World, settings: Settings, rng: random.Random
) -> None:
    original = make(rng)
    (created,) = sync(client, world, "insp_08", [original])
    changed = copy.deepcopy(original)
    changed["notes"] = {"gate_fence_secure": "Cổng bị hỏng khóa"}
    (conflict,) = sync(client, world, "insp_08", [changed])
    assert conflict["outcome"] == "conflict"
    assert conflict["error"]["code"] == "inspection.conflict"
    assert conflict["receipt"] is None
    stored = client.get(f"/api/inspections/{original['id']}", headers=world.auth("admin")).json()
    assert stored["content_hash"] == created["receipt"]["content_hash"]
    assert stored["record"]["notes"] == {}
    kept = client.get("/api/kept-aside?reason=conflict", headers=world.auth("admin")).json()
    assert kept["total"] == 1
    assert kept["items"][0]["record_id"] == original["id"]
    assert kept["items"][0]["payload"]["notes"] == {"gate_fence_secure": "Cổng bị hỏng khóa"}
    # Sent again, the same conflicting payload is not stored twice.
    (again,) = sync(client, world, "insp_08", [changed])
    assert again["outcome"] == "conflict"
    assert db_rows(settings, "SELECT count(*) FROM kept_aside") == [(1,)]


def test_rejection_names_every_problem_and_keeps_the_payload(
    client: Client, world: World, settings: Settings, rng: random.Random
) -> None:
    record = make(rng)
    record["answers"]["gate_fence_secure"] = "maybe"
    record["answers"]["not_an_item"] = "pass"
    del record["answers"]["no_child_abused"]
    record["answers"]["enrolled_children"] = 12.5
    (result,) = sync(client, world, "insp_08", [record])
    assert result["outcome"] == "rejected"
    error = result["error"]
    assert error["code"] == "inspection.invalid"
    found = {(d["item"], d["code"]) for d in error["details"]}
    assert found == {
        ("gate_fence_secure", "invalid_value"),
        ("not_an_item", "unknown_item"),
        ("no_child_abused", "required_missing"),
        ("enrolled_children", "not_integer"),
    }
    kept = db_rows(settings, "SELECT record_id, reason, payload FROM kept_aside")
    assert len(kept) == 1 and kept[0][:2] == (record["id"], "rejected")
    assert '"not_an_item":"pass"' in kept[0][2]
    assert db_rows(settings, "SELECT count(*) FROM inspections") == [(0,)]


def _future(rng: random.Random) -> dict[str, Any]:
    return make(rng, completed=datetime.now(UTC) + timedelta(hours=2))


@pytest.mark.parametrize(
    ("who", "change", "code"),
    [
        ("insp_08", lambda rng: make(rng, "NOPE"), "facility_unknown"),
        ("insp_08001", lambda rng: make(rng, "A2"), "facility_out_of_scope"),
        ("insp_08", lambda rng: make(rng, "B1"), "facility_out_of_scope"),
        ("insp_08", lambda rng: make(rng, form_version=9), "form_unknown"),
        ("insp_08", lambda rng: make(rng, form_id="nothing"), "form_unknown"),
        ("insp_08", lambda rng: make(rng, "P1"), "form_not_applicable"),
        ("insp_08", _future, "completed_in_future"),
        ("insp_08", lambda rng: make(rng, completed_at="2026-01-01T10:00:00"), "invalid_time"),
        (
            "insp_08",
            lambda rng: make(
                rng,
                started_at="2026-01-02T10:00:00+07:00",
                completed_at="2026-01-01T10:00:00+07:00",
            ),
            "invalid_time",
        ),
        ("insp_08", lambda rng: make(rng, notes={"ghost": "x"}), "unknown_item"),
        ("insp_08", lambda rng: make(rng, photos={"ghost": ["a" * 64]}), "unknown_item"),
        (
            "insp_08",
            lambda rng: make(rng, photos={"gate_fence_secure": ["a" * 64] * 2}),
            "invalid_value",
        ),
        (
            "insp_08",
            lambda rng: make(rng, photos={"gate_fence_secure": ["not-a-hash"]}),
            "malformed",
        ),
        ("insp_08", lambda rng: make(rng, supersedes=make(rng)["id"]), "supersedes_unknown"),
        ("insp_08", lambda rng: make(rng, facility_code=7), "malformed"),  # type: ignore[arg-type]
        ("insp_08", lambda rng: make(rng, id="not-a-uuid"), "malformed"),
        ("insp_08", lambda rng: make(rng, extra_field=1), "malformed"),
        (
            "insp_08",
            lambda rng: {k: v for k, v in make(rng).items() if k != "answers"},
            "malformed",
        ),
        ("insp_08", lambda rng: "just a string", "malformed"),
        ("insp_08", lambda rng: make(rng, team=[member("B", "member")]), "team_lead"),
        (
            "insp_08",
            lambda rng: make(rng, team=[member("A", "lead"), member("B", "lead")]),
            "team_lead",
        ),
        (
            "insp_08",
            lambda rng: make(rng, team=[member("A", "lead"), member(" a ", "member")]),
            "team_duplicate",
        ),
        (
            "insp_08",
            lambda rng: make(rng, team=[{**member("A", "lead"), "signature": ""}]),
            "malformed",
        ),  # fmt: skip
        (
            "insp_08",
            lambda rng: make(rng, team=[{**member("A", "lead"), "role": "x"}]),
            "malformed",
        ),
    ],
)
def test_each_kind_of_invalid_record_is_rejected_with_its_reason(
    client: Client, world: World, settings: Settings, rng: random.Random,
    who: str, change: Any, code: str,
) -> None:  # fmt: skip
    db = connect_settings(settings)
    upsert_facilities(db, [facility("P1", "08", "08001", kind="primary")], [])
    db.conn.close()
    record = change(rng)
    (result,) = sync(client, world, who, [record])
    assert result["outcome"] == "rejected"
    assert code in {d["code"] for d in result["error"]["details"]}
    assert db_rows(settings, "SELECT count(*) FROM kept_aside WHERE reason = 'rejected'") == [(1,)]
    assert db_rows(settings, "SELECT count(*) FROM inspections") == [(0,)]


def test_a_mixed_batch_answers_each_record(
    client: Client, world: World, settings: Settings, rng: random.Random
) -> None:
    earlier = make(rng)
    sync(client, world, "insp_08", [earlier])
    conflicting = copy.deepcopy(earlier)
    conflicting["answers"]["gate_fence_secure"] = "fail"
    invalid = make(rng)
    invalid["answers"]["gate_fence_secure"] = 3
    good = make(rng, "A2")
    batch = [good, earlier, conflicting, invalid, {"id": "x"}, make(rng)]
    results = sync(client, world, "insp_08", batch)
    assert [r["outcome"] for r in results] == [
        "created", "duplicate", "conflict", "rejected", "rejected", "created",
    ]  # fmt: skip
    assert [r["id"] for r in results] == [r["id"] if isinstance(r, dict) else None for r in batch]
    assert db_rows(settings, "SELECT count(*) FROM inspections") == [(3,)]
    assert db_rows(settings, "SELECT reason, count(*) FROM kept_aside GROUP BY reason") == [
        ("conflict", 1),
        ("rejected", 2),
    ]


def test_only_inspectors_and_admins_sync(client: Client, world: World, rng: random.Random) -> None:
    for who in ("dept_08", "fac_a1"):
        response = client.post(
            "/api/sync/inspections", json={"records": [make(rng)]}, headers=world.auth(who)
        )
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "access.role"
    (result,) = sync(client, world, "admin", [make(rng, "B1")])
    assert result["outcome"] == "created"


def test_too_many_records_are_refused_clearly(
    client: Client, world: World, settings: Settings, rng: random.Random
) -> None:
    records = [make(rng) for _ in range(settings.sync_max_records + 1)]
    response = client.post(
        "/api/sync/inspections", json={"records": records}, headers=world.auth("insp_08")
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "sync.too_many_records"
    assert str(settings.sync_max_records) in response.json()["error"]["message"]


def test_a_locked_database_makes_records_retryable_not_rejected(
    tmp_path: Any, world: World, rng: random.Random
) -> None:
    from server.app import create_app
    from tests.conftest import make_settings

    settings = make_settings(tmp_path / "locked", db_busy_timeout_ms=200)
    app = create_app(settings)
    db = connect_settings(settings)
    from tests.conftest import build_world

    local = build_world(db, settings)
    db.conn.close()
    blocker = sqlite3.connect(settings.database_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    record = make(rng)
    with TestClient(app) as client:
        results = sync(client, local, "insp_08", [record, make(rng)])
        assert [r["outcome"] for r in results] == ["retry", "retry"]
        assert results[0]["error"]["code"] == "unavailable"
        blocker.execute("ROLLBACK")
        blocker.close()
        (later,) = sync(client, local, "insp_08", [record])
        assert later["outcome"] == "created"


def test_amendment_replaces_the_earlier_inspection(
    client: Client, world: World, settings: Settings, rng: random.Random
) -> None:
    original = make(rng)
    original["answers"]["no_child_abused"] = "fail"
    sync(client, world, "insp_08", [original])
    amendment = make(rng, supersedes=original["id"])
    (result,) = sync(client, world, "insp_08", [amendment])
    assert result["outcome"] == "created"
    earlier = client.get(f"/api/inspections/{original['id']}", headers=world.auth("admin")).json()
    assert earlier["superseded_by"] == amendment["id"]
    current = db_rows(settings, "SELECT inspection_id FROM current_inspections")
    assert current == [(amendment["id"],)]
    actions = db_rows(settings, "SELECT action, subject FROM audit_log WHERE action LIKE 'insp%'")
    assert ("inspection_amended", original["id"]) in actions


def test_amendment_rules(client: Client, world: World, rng: random.Random) -> None:
    original = make(rng)
    sync(client, world, "insp_08001", [original])
    (other,) = sync(client, world, "insp_08", [make(rng, supersedes=original["id"])])
    assert other["outcome"] == "rejected"
    assert other["error"]["details"][0]["code"] == "supersedes_forbidden"
    (mismatch,) = sync(client, world, "admin", [make(rng, "A2", supersedes=original["id"])])
    assert mismatch["error"]["details"][0]["code"] == "supersedes_mismatch"
    (by_admin,) = sync(client, world, "admin", [make(rng, supersedes=original["id"])])
    assert by_admin["outcome"] == "created"
    (twice,) = sync(client, world, "insp_08001", [make(rng, supersedes=original["id"])])
    assert twice["error"]["details"][0]["code"] == "supersedes_already_superseded"


def test_amendment_before_its_original_in_one_batch(
    client: Client, world: World, rng: random.Random
) -> None:
    original = make(rng)
    amendment = make(rng, supersedes=original["id"])
    results = sync(client, world, "insp_08", [amendment, original])
    assert [r["outcome"] for r in results] == ["created", "created"]


def test_current_inspection_is_the_latest_completed_not_the_latest_received(
    client: Client, world: World, settings: Settings, rng: random.Random
) -> None:
    now = datetime.now(UTC)
    newer = make(rng, completed=now - timedelta(days=1))
    older = make(rng, completed=now - timedelta(days=30))
    assert sync(client, world, "insp_08", [newer])[0]["outcome"] == "created"
    assert sync(client, world, "insp_08", [older])[0]["outcome"] == "created"
    assert db_rows(settings, "SELECT inspection_id FROM current_inspections") == [(newer["id"],)]


def test_inspections_are_read_within_scope(
    client: Client, world: World, rng: random.Random
) -> None:
    record = make(rng, "A2")
    sync(client, world, "insp_08", [record])
    path = f"/api/inspections/{record['id']}"
    assert client.get(path, headers=world.auth("dept_08")).status_code == 200
    assert client.get(path, headers=world.auth("insp_08001")).status_code == 403
    assert client.get(path, headers=world.auth("fac_a1")).status_code == 403
    assert client.get(path, headers=world.auth("dept_79")).status_code == 403
    missing = client.get("/api/inspections/nope", headers=world.auth("admin"))
    assert missing.json()["error"]["code"] == "inspection.not_found"


def test_audit_trail_records_intake_and_sign_ins(
    client: Client, world: World, rng: random.Random
) -> None:
    good = make(rng)
    bad = make(rng, "NOPE")
    sync(client, world, "insp_08", [good, bad])
    conflicting = copy.deepcopy(good)
    conflicting["notes"] = {"gate_fence_secure": "x"}
    sync(client, world, "insp_08", [conflicting])
    client.post("/api/auth/login", json={"username": "admin", "password": "wrong password"})
    audit = client.get("/api/audit?per_page=500", headers=world.auth("admin")).json()
    actions = {(e["action"], e["subject"]) for e in audit["items"]}
    assert ("inspection_created", good["id"]) in actions
    assert ("inspection_rejected", bad["id"]) in actions
    assert ("inspection_conflict", good["id"]) in actions
    assert ("login", "insp-08") in actions
    assert ("login_failed", "admin") in actions
    only = client.get("/api/audit?action=inspection_rejected", headers=world.auth("admin")).json()
    assert {e["action"] for e in only["items"]} == {"inspection_rejected"}
    assert client.get("/api/audit", headers=world.auth("dept_08")).status_code == 403


def _raw_sync(client: Client, world: World, body: bytes) -> Any:
    return client.post(
        "/api/sync/inspections",
        content=body,
        headers={**world.auth("insp_08"), "Content-Type": "application/json"},
    )


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"completed_at": "9999-12-31T23:59:59-01:00"}, "invalid_time"),
        ({"started_at": "0001-01-01T00:00:00+05:00"}, "invalid_time"),
    ],
)
def test_a_time_beyond_the_calendar_in_utc_is_rejected_alone(
    client: Client, world: World, settings: Settings, rng: random.Random,
    changes: dict[str, Any], code: str,
) -> None:  # fmt: skip
    good, bad = make(rng), make(rng, **changes)
    results = sync(client, world, "insp_08", [good, bad])
    assert [r["outcome"] for r in results] == ["created", "rejected"]
    assert code in {d["code"] for d in results[1]["error"]["details"]}
    assert db_rows(settings, "SELECT id FROM inspections") == [(good["id"],)]


def test_a_number_too_large_for_a_float_is_rejected_alone(
    client: Client, world: World, settings: Settings, rng: random.Random
) -> None:
    good, bad = make(rng), make(rng)
    bad["answers"]["enrolled_children"] = "HUGE"
    body = msgspec.json.encode({"records": [good, bad]}).replace(b'"HUGE"', b"1" * 401)
    response = _raw_sync(client, world, body)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["outcome"] for r in results] == ["created", "rejected"]
    details = results[1]["error"]["details"]
    assert ("enrolled_children", "invalid_value") in {(d["item"], d["code"]) for d in details}
    assert db_rows(settings, "SELECT id FROM inspections") == [(good["id"],)]


def test_answers_nested_too_deeply_are_a_bad_request(
    client: Client, world: World, rng: random.Random
) -> None:
    bad = make(rng)
    bad["answers"]["caregiver_notes"] = "DEEP"
    deep = b"[" * 2000 + b"]" * 2000
    body = msgspec.json.encode({"records": [make(rng), bad]}).replace(b'"DEEP"', deep)
    response = _raw_sync(client, world, body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "request.invalid"


def test_scope_is_checked_before_duplicate_and_conflict(
    client: Client, world: World, settings: Settings, rng: random.Random
) -> None:
    theirs = make(rng, "A2")
    (created,) = sync(client, world, "insp_08", [theirs])
    assert created["outcome"] == "created"
    changed = copy.deepcopy(theirs)
    changed["answers"]["gate_fence_secure"] = "fail"
    for record in (theirs, changed):
        (result,) = sync(client, world, "insp_08001", [record])
        assert result["outcome"] == "rejected"
        assert result["receipt"] is None
        assert [d["code"] for d in result["error"]["details"]] == ["facility_out_of_scope"]
    assert db_rows(settings, "SELECT reason FROM kept_aside") == [("rejected",), ("rejected",)]


def test_the_team_travels_in_the_record_and_its_signatures_are_attached(
    client: Client, world: World, settings: Settings, rng: random.Random
) -> None:
    team = [
        member("Nguyễn Văn An", "lead"),
        member("Trần Thị Bình", "member", "Sở Y tế"),
        member("Lê Văn Cường", "member", "UBND xã Một"),
    ]
    record = make(rng, team=team)
    assert sync(client, world, "insp_08", [record])[0]["outcome"] == "created"
    stored = client.get(f"/api/inspections/{record['id']}", headers=world.auth("dept_08")).json()
    assert stored["record"]["team"] == team
    linked = {row[0] for row in db_rows(settings, "SELECT sha256 FROM inspection_photos")}
    assert {m["signature"] for m in team} <= linked
    # A record made before the team was asked for has none, and stays the same record.
    older = make(rng)
    assert "team" not in older
    assert sync(client, world, "insp_08", [older])[0]["outcome"] == "created"
    assert sync(client, world, "insp_08", [older])[0]["outcome"] == "duplicate"


def test_a_record_completed_a_fraction_of_a_millisecond_later_is_later(
    client: Client, world: World, settings: Settings, rng: random.Random
) -> None:
    base = datetime.now(UTC).replace(microsecond=50) - timedelta(hours=1)
    later = make(rng, completed=base + timedelta(microseconds=900))
    earlier = make(rng, completed=base)
    # The later one arrives first: only the completion time may decide.
    assert sync(client, world, "insp_08", [later])[0]["outcome"] == "created"
    assert sync(client, world, "insp_08", [earlier])[0]["outcome"] == "created"
    assert db_rows(settings, "SELECT inspection_id FROM current_inspections") == [(later["id"],)]
    (stored,) = db_rows(
        settings, "SELECT completed_at FROM inspections WHERE id = ?", [later["id"]]
    )
    assert stored[0].endswith(".000950Z")  # the same millisecond as the earlier one
