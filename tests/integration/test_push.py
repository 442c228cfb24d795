"""Web push end to end: real pywebpush encryption to a push service on 127.0.0.1 that
decrypts like a phone; who receives what, in which words, muted types, scopes, gone
subscriptions, retries with backoff, and a scheduler that can run twice."""

from __future__ import annotations

import os
import stat
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.app import create_app
from server.clock import today as vietnam_today
from server.db import connect_settings
from server.push import schedule
from server.push.keys import KEY_FILE, b64url, b64url_decode, load_or_create
from server.push.sender import Answer, Counts, Delivery, Sender, WebPushTransport
from server.push.worker import PushWorker
from server.settings import Settings
from tests.conftest import World
from tests.integration.test_actions import MANDATORY, OTHER, VETO, act, by_item, visit
from tests.integration.test_sync import db_rows, sync
from tests.push_receiver import Receiver

Client = TestClient[Litestar]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    service = Receiver()
    yield service
    service.close()


class Clock:
    def __init__(self) -> None:
        self.at = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.at


def sender(settings: Settings, clock: Clock | None = None) -> Sender:
    transport = WebPushTransport(load_or_create(settings.data_dir), "mailto:t@example.org", 60)
    return Sender(transport, now=clock or (lambda: datetime.now(UTC)), max_attempts=5)


def deliver(settings: Settings, clock: Clock | None = None) -> Counts:
    db = connect_settings(settings)
    try:
        return sender(settings, clock).send_due(db)
    finally:
        db.conn.close()


def subscribe(client: Client, world: World, who: str, receiver: Receiver, lang: str = "vi") -> str:
    device = receiver.device(who)
    response = client.put(
        "/api/push/subscription",
        json={**device.subscription(), "lang": lang},
        headers=world.auth(who),
    )
    assert response.status_code == 204, response.text
    return device.endpoint


OFF_CURVE = b64url(b"\x04" + b"\x01" * 64)


def titles(receiver: Receiver, who: str) -> list[str]:
    return [p["title"] for p in receiver.delivered(who)]


def test_the_key_is_made_once_kept_private_and_served(
    client: Client, world: World, settings: Settings
) -> None:
    path = settings.data_dir / KEY_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert client.get("/api/push/key").status_code == 401
    key = client.get("/api/push/key", headers=world.auth("fac_a1")).json()["public_key"]
    point = b64url_decode(key)
    assert len(point) == 65 and point[0] == 4
    assert create_app(settings) is not None  # a second start reuses the key
    assert load_or_create(settings.data_dir).public_key == key


def test_subscriptions_must_be_secure_and_valid(
    client: Client, world: World, receiver: Receiver, settings: Settings
) -> None:
    good = receiver.device("x").subscription()
    cases = [
        ({**good, "endpoint": "http://push.example.org/abc"}, "push.endpoint_insecure"),
        ({**good, "endpoint": "ftp://127.0.0.1/abc"}, "push.endpoint_insecure"),
        ({**good, "keys": {"p256dh": "AAAA", "auth": "AAAA"}}, "push.subscription_invalid"),
        ({**good, "keys": {"p256dh": "!!", "auth": "**"}}, "push.subscription_invalid"),
        # 65 bytes that look like a point but are none of the curve's: nothing could be
        # encrypted to it
        ({**good, "keys": {**good["keys"], "p256dh": OFF_CURVE}}, "push.subscription_invalid"),
        # VAPID signs for a host name; an IPv6 literal, or no URL at all, could never be sent to
        ({**good, "endpoint": "http://[::1]:9/push/x"}, "push.subscription_invalid"),
        ({**good, "endpoint": "https://[::1/push/x"}, "push.subscription_invalid"),
    ]
    for body, code in cases:
        response = client.put("/api/push/subscription", json=body, headers=world.auth("fac_a1"))
        assert response.status_code == 400, body
        assert response.json()["error"]["code"] == code
    https = {**good, "endpoint": "https://fcm.googleapis.com/fcm/send/abc"}
    ok = client.put("/api/push/subscription", json=https, headers=world.auth("fac_a1"))
    assert ok.status_code == 204
    assert client.put("/api/push/subscription", json=good).status_code == 401
    gone = client.delete(
        "/api/push/subscription",
        params={"endpoint": https["endpoint"]},
        headers=world.auth("fac_a1"),
    )
    assert gone.status_code == 204
    assert db_rows(settings, "SELECT count(*) FROM push_subscriptions") == [(0,)]


def test_a_failed_inspection_tells_the_facility_and_the_department(
    client: Client, world: World, receiver: Receiver, settings: Settings
) -> None:
    for who in ("fac_a1", "dept_79", "insp_08"):
        subscribe(client, world, who, receiver)
    subscribe(client, world, "dept_08", receiver, lang="en")
    record = visit(fail=(MANDATORY, OTHER), occurred=(VETO,))
    sync(client, world, "insp_08", [record])
    assert deliver(settings).sent == 3
    result, opened = receiver.delivered("fac_a1")
    assert result["type"] == "result"
    assert result["title"] == "Kết quả kiểm tra: Không đạt"
    assert result["body"].startswith("Trường Mầm non A1 (A1). ")
    assert "Lý do: có sự việc nghiêm trọng, tiêu chí bắt buộc không đạt" in result["body"]
    assert result["url"] == "/#/site/A1"
    assert opened["title"] == "3 yêu cầu khắc phục mới"
    assert opened["body"].startswith("Trường Mầm non A1 (A1): hạn sớm nhất 20")
    [site] = receiver.delivered("dept_08")
    assert site["type"] == "site_noncompliant"
    assert site["title"] == "Veto event at a site"
    assert "Because: a veto event occurred" in site["body"]
    assert site["url"] == "/#/site/A1"
    assert receiver.delivered("dept_79") == [] and receiver.delivered("insp_08") == []
    # Each push names its notice: Topic header, id and tag.
    for post in receiver.posts:
        assert post.payload is not None
        assert post.headers["topic"] == post.payload["tag"] == f"notice-{post.payload['id']}"
        assert post.headers["authorization"].startswith("vapid t=")
    # A passing amendment: an amended result, nothing for the department.
    amendment = visit(supersedes=record["id"])
    sync(client, world, "insp_08", [amendment])
    deliver(settings)
    assert titles(receiver, "fac_a1")[2:] == ["Kết quả kiểm tra đã sửa: Đạt"]
    assert len(receiver.delivered("dept_08")) == 1


def test_a_batch_notifies_each_facility_and_province_that_has_a_device(
    client: Client, world: World, receiver: Receiver, settings: Settings
) -> None:
    """Intake looks up recipients only for the audiences of a batch with a subscribed
    device (one query a batch): a site in a province whose department has one, a site whose
    account has one, and a site with neither, in one batch."""
    subscribe(client, world, "fac_a1", receiver)
    subscribe(client, world, "dept_08", receiver)
    batch = [
        visit("A2", fail=(MANDATORY,)),
        visit("A1", fail=(MANDATORY,)),
        visit("B1", fail=(MANDATORY,)),
        visit("A1", days_ago=1),
    ]
    results = sync(client, world, "admin", batch)
    assert [r["outcome"] for r in results] == ["created"] * 4
    rows = db_rows(
        settings,
        "SELECT u.username, o.type, o.dedupe_key FROM push_outbox o"
        " JOIN users u ON u.id = o.user_id ORDER BY o.id",
    )
    a2, a1, _, passed = (record["id"] for record in batch)
    assert [(who, kind, key.split("@")[0]) for who, kind, key in rows] == [
        ("dept-08", "site_noncompliant", f"site:{a2}"),
        ("fac-a1", "result", f"result:{a1}"),
        ("fac-a1", "actions_opened", f"opened:{a1}"),
        ("dept-08", "site_noncompliant", f"site:{a1}"),
        ("fac-a1", "result", f"result:{passed}"),
    ]


def test_a_fix_goes_to_the_department_and_its_verdict_to_the_facility(
    client: Client, world: World, receiver: Receiver, settings: Settings
) -> None:
    sync(client, world, "insp_08", [visit(fail=(MANDATORY,))])
    for who in ("fac_a1", "dept_08", "dept_79"):
        subscribe(client, world, who, receiver)
    action = by_item(client, world)[MANDATORY]
    report = {"client_id": str(uuid.uuid4()), "description": "Đã xây lại rào của bé Lan"}
    assert act(client, world, "fac_a1", action["id"], "fix", report).status_code == 200
    assert act(client, world, "fac_a1", action["id"], "fix", report).status_code == 200  # again
    act(client, world, "dept_08", action["id"], "verify", {"note": "ok"})
    act(client, world, "insp_08", action["id"], "reopen", {"reason": "Rào vẫn hở"})
    deliver(settings)
    [waiting] = receiver.delivered("dept_08")
    assert waiting["title"] == "Khắc phục chờ xác nhận"
    assert waiting["body"] == "Trường Mầm non A1 (A1) đã báo cáo khắc phục, chờ xác nhận."
    assert "Lan" not in str(receiver.delivered())  # no notes, no names
    assert titles(receiver, "fac_a1") == [
        "Khắc phục đã được xác nhận",
        "Yêu cầu khắc phục được mở lại",
    ]
    assert receiver.delivered("dept_79") == []
    # A later inspection that passes verifies a reported fix by itself.
    report2 = {"client_id": str(uuid.uuid4()), "description": "Làm lại"}
    act(client, world, "fac_a1", action["id"], "fix", report2)
    sync(client, world, "insp_08", [visit()])
    deliver(settings)
    assert sorted(titles(receiver, "fac_a1")[-2:]) == [
        "Khắc phục đã được xác nhận",
        "Kết quả kiểm tra: Đạt",
    ]


def test_a_record_kept_aside_tells_its_inspector(
    client: Client, world: World, receiver: Receiver, settings: Settings
) -> None:
    subscribe(client, world, "insp_08", receiver)
    subscribe(client, world, "insp_08001", receiver)
    record = visit()
    sync(client, world, "insp_08", [record])
    conflicting = {**record, "answers": {**record["answers"], MANDATORY: "fail"}}
    sync(client, world, "insp_08", [conflicting])
    sync(client, world, "insp_08", [conflicting])  # the same again: kept once, told once
    sync(client, world, "insp_08", [visit(facility="B1")])  # out of scope: rejected
    deliver(settings)
    conflict, rejected = receiver.delivered("insp_08")
    assert conflict["body"] == "Một phiếu bị giữ lại vì khác bản đã gửi trước."
    assert rejected["body"] == "Một phiếu bị từ chối; xem lý do trong Hộp thư đi."
    assert conflict["url"] == rejected["url"] == "/#/outbox"
    assert receiver.delivered("insp_08001") == []


def test_muted_types_are_not_sent(
    client: Client, world: World, receiver: Receiver, settings: Settings
) -> None:
    subscribe(client, world, "fac_a1", receiver)
    prefs = client.get("/api/push/preferences", headers=world.auth("fac_a1")).json()
    assert [t["type"] for t in prefs["types"]][:2] == ["result", "actions_opened"]
    assert not any(t["muted"] for t in prefs["types"])
    muted = client.put(
        "/api/push/preferences", json={"muted": ["result"]}, headers=world.auth("fac_a1")
    )
    assert muted.status_code == 200
    assert {t["type"] for t in muted.json()["types"] if t["muted"]} == {"result"}
    wrong = client.put(
        "/api/push/preferences", json={"muted": ["kept_aside"]}, headers=world.auth("fac_a1")
    )
    assert wrong.status_code == 400
    sync(client, world, "insp_08", [visit(fail=(MANDATORY,))])
    deliver(settings)
    assert [p["type"] for p in receiver.delivered("fac_a1")] == ["actions_opened"]


def test_the_scheduler_writes_each_notice_once_however_often_it_runs(
    client: Client, world: World, receiver: Receiver, settings: Settings
) -> None:
    sync(client, world, "insp_08", [visit(fail=(MANDATORY, OTHER))])
    sync(client, world, "insp_08", [visit("A2", fail=(MANDATORY,))])
    for who in ("fac_a1", "dept_08", "dept_79"):
        subscribe(client, world, who, receiver)
    today = vietnam_today()
    soon, late = (today + timedelta(days=2)).isoformat(), (today - timedelta(days=1)).isoformat()
    db = connect_settings(settings)
    try:
        with db.conn:
            db.execute("UPDATE actions SET due_date = ? WHERE item_id = ?", [soon, OTHER])
            db.execute("UPDATE actions SET due_date = ? WHERE item_id = ?", [late, MANDATORY])
        first = schedule.run(db, today)
        second = schedule.run(db, today)
    finally:
        db.conn.close()
    assert (first.due_soon, first.overdue, first.digests) == (1, 1, 1)
    assert (second.due_soon, second.overdue, second.digests) == (0, 0, 0)
    deliver(settings)
    due, overdue = receiver.delivered("fac_a1")
    assert due["title"] == "Sắp đến hạn khắc phục" and soon in due["body"]
    assert overdue["title"] == "Yêu cầu khắc phục quá hạn" and late in overdue["body"]
    [digest] = receiver.delivered("dept_08")  # one for two overdue actions at two sites
    assert digest["title"] == "2 yêu cầu khắc phục quá hạn"
    assert digest["body"] == f"Tại 2 cơ sở trong tỉnh, ngày {today.isoformat()}."
    assert digest["url"] == "/#/province?overdue_actions=true&sort=due"  # those sites
    assert receiver.delivered("dept_79") == []


def test_a_gone_subscription_is_removed(
    client: Client, world: World, receiver: Receiver, settings: Settings
) -> None:
    subscribe(client, world, "fac_a1", receiver)
    receiver.answer("fac_a1", 410)
    sync(client, world, "insp_08", [visit(fail=(MANDATORY,))])
    counts = deliver(settings)
    assert counts.gone == 1 and counts.sent == 0
    assert db_rows(settings, "SELECT count(*) FROM push_subscriptions") == [(0,)]
    assert db_rows(settings, "SELECT count(*) FROM push_outbox") == [(0,)]


def test_busy_services_are_retried_with_backoff_and_deliver_once(
    client: Client, world: World, receiver: Receiver, settings: Settings
) -> None:
    subscribe(client, world, "fac_a1", receiver)
    receiver.answer("fac_a1", 429, retry_after="120")
    receiver.answer("fac_a1", 500, 503)
    sync(client, world, "insp_08", [visit()])  # one notice: the result
    clock = Clock()
    assert deliver(settings, clock).retried == 1  # 429, Retry-After 120
    [(due,)] = db_rows(settings, "SELECT next_attempt_at FROM push_outbox")
    assert datetime.fromisoformat(due) - clock.at >= timedelta(seconds=119)
    clock.at += timedelta(seconds=60)
    assert deliver(settings, clock).total() == 0  # not yet
    waits = []
    for _ in range(3):
        clock.at = datetime.fromisoformat(
            db_rows(settings, "SELECT next_attempt_at FROM push_outbox")[0][0]
        )
        before = clock.at
        counts = deliver(settings, clock)
        if counts.sent:
            break
        waits.append(
            datetime.fromisoformat(
                db_rows(settings, "SELECT next_attempt_at FROM push_outbox")[0][0]
            )
            - before
        )
    assert waits == [timedelta(seconds=20), timedelta(seconds=40)]  # 10 s doubling
    assert [p.status for p in receiver.posts] == [429, 500, 503, 201]
    assert len(receiver.delivered("fac_a1")) == 1
    attempts = db_rows(settings, "SELECT status FROM push_attempts ORDER BY id")
    assert attempts == [(429,), (500,), (503,), (201,)]
    assert db_rows(settings, "SELECT state, attempts FROM push_outbox") == [("sent", 4)]
    deliver(settings, clock)
    assert len(receiver.posts) == 4  # sent is never sent again


def test_a_notice_that_cannot_be_encrypted_fails_alone(
    client: Client, world: World, receiver: Receiver, settings: Settings
) -> None:
    """A device kept before keys were checked on the curve: its notices fail at once (no
    retries), the other devices' still go, and the sender goes on."""
    subscribe(client, world, "fac_a1", receiver)
    subscribe(client, world, "dept_08", receiver)
    db = connect_settings(settings)
    with db.conn:
        db.execute(
            "UPDATE push_subscriptions SET p256dh = ? WHERE user_id = ?",
            [OFF_CURVE, world.user_ids["fac_a1"]],
        )
    db.conn.close()
    sync(client, world, "insp_08", [visit(fail=(MANDATORY,))])
    counts = deliver(settings)
    assert (counts.failed, counts.sent, counts.retried) == (2, 1, 0)
    assert [p["type"] for p in receiver.delivered("dept_08")] == ["site_noncompliant"]
    assert db_rows(
        settings, "SELECT state, count(*) FROM push_outbox GROUP BY state ORDER BY state"
    ) == [("failed", 2), ("sent", 1)]


class Meanwhile:
    """A transport that lets something else happen (another user, another sender) while
    it posts: ``during(n)`` before the n-th post."""

    def __init__(self, inner: WebPushTransport, during: Callable[[int], object]) -> None:
        self.inner, self.during, self.posted = inner, during, 0

    def post(self, delivery: Delivery) -> Answer:
        self.posted += 1
        self.during(self.posted)
        return self.inner.post(delivery)


def test_a_device_signed_out_during_a_send_does_not_undo_what_was_sent(
    client: Client, world: World, receiver: Receiver, settings: Settings
) -> None:
    subscribe(client, world, "fac_a1", receiver)
    subscribe(client, world, "dept_08", receiver)
    sync(client, world, "insp_08", [visit(fail=(MANDATORY,))])  # 2 for fac_a1, 1 for dept_08
    inner = sender(settings).transport
    assert isinstance(inner, WebPushTransport)

    def leave(posted: int) -> None:
        if posted == 1:
            client.post("/api/auth/logout", headers=world.auth("dept_08"))

    db = connect_settings(settings)
    try:
        counts = Sender(Meanwhile(inner, leave), max_attempts=5).send_due(db)
    finally:
        db.conn.close()
    assert counts.sent == 2
    assert db_rows(settings, "SELECT state FROM push_outbox") == [("sent",), ("sent",)]
    deliver(settings)
    assert len(receiver.delivered("fac_a1")) == 2  # each once
    assert receiver.delivered("dept_08") == []


def test_a_second_sender_after_the_lease_ran_out_does_not_send_twice(
    client: Client, world: World, receiver: Receiver, settings: Settings
) -> None:
    """The push service is slow (35 s a post): the lease on the batch runs out before its
    third notice and another sender (a second worker, a cron ``push-send``) takes it."""
    subscribe(client, world, "fac_a1", receiver)
    subscribe(client, world, "dept_08", receiver)
    sync(client, world, "insp_08", [visit(fail=(MANDATORY,))])
    clock = Clock()
    second = sender(settings, clock)

    def slow_and_another_sender(posted: int) -> None:
        clock.at += timedelta(seconds=35)
        if posted == 2:  # 70 s after the batch was leased for 60
            other = connect_settings(settings)
            try:
                assert second.send_due(other).sent == 1
            finally:
                other.conn.close()

    inner = sender(settings).transport
    assert isinstance(inner, WebPushTransport)
    first = Sender(Meanwhile(inner, slow_and_another_sender), now=clock, max_attempts=5)
    db = connect_settings(settings)
    try:
        assert first.send_due(db).sent == 2
    finally:
        db.conn.close()
    assert len(receiver.posts) == 3
    assert sorted(p["id"] for p in receiver.delivered()) == [1, 2, 3]
    assert db_rows(settings, "SELECT state, attempts FROM push_outbox") == [("sent", 1)] * 3


def test_the_worker_lives_through_an_unexpected_error(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    worker = PushWorker(settings)

    def broken(_db: object) -> Counts:
        raise RuntimeError("a bug in one pass")

    monkeypatch.setattr(worker._sender, "send_due", broken)
    db = connect_settings(settings)
    try:
        worker._tick(db)  # logged; the thread's loop goes on to the next pass
    finally:
        db.conn.close()
    assert "push worker: will try again" in caplog.text


def test_signing_out_removes_that_devices_subscription(
    client: Client, world: World, receiver: Receiver, settings: Settings
) -> None:
    subscribe(client, world, "fac_a1", receiver)
    subscribe(client, world, "dept_08", receiver)
    client.post("/api/auth/logout", headers=world.auth("fac_a1"))
    assert db_rows(settings, "SELECT count(*) FROM push_subscriptions") == [(1,)]
    revoked = client.post(
        f"/api/users/{world.user_ids['dept_08']}/revoke-sessions", headers=world.auth("admin")
    )
    assert revoked.status_code == 200
    assert db_rows(settings, "SELECT count(*) FROM push_subscriptions") == [(0,)]


def test_a_disabled_user_receives_nothing_more(
    client: Client, world: World, receiver: Receiver, settings: Settings
) -> None:
    subscribe(client, world, "fac_a1", receiver)
    receiver.answer("fac_a1", 503)  # the result waits for a retry
    sync(client, world, "insp_08", [visit()])
    clock = Clock()
    assert deliver(settings, clock).retried == 1
    off = client.patch(
        f"/api/users/{world.user_ids['fac_a1']}",
        json={"disabled": True},
        headers=world.auth("admin"),
    )
    assert off.status_code == 200, off.text
    assert db_rows(settings, "SELECT count(*) FROM push_subscriptions") == [(0,)]
    clock.at += timedelta(hours=1)
    assert deliver(settings, clock).total() == 0
    assert receiver.delivered("fac_a1") == []


def test_a_device_whose_session_expired_receives_nothing(
    client: Client, world: World, receiver: Receiver, settings: Settings
) -> None:
    subscribe(client, world, "fac_a1", receiver)
    db = connect_settings(settings)
    try:
        with db.conn:
            db.execute(
                "UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z' WHERE user_id = ?",
                [world.user_ids["fac_a1"]],
            )
    finally:
        db.conn.close()
    sync(client, world, "insp_08", [visit()])
    assert deliver(settings).total() == 0
    assert receiver.delivered("fac_a1") == []


def test_inspectors_are_told_of_their_visits_and_departments_of_late_ones(
    client: Client, world: World, receiver: Receiver, settings: Settings
) -> None:
    for who in ("insp_08", "insp_08001", "dept_08", "dept_79"):
        subscribe(client, world, who, receiver)
    today = vietnam_today()
    span = {"start": str(today - timedelta(days=9)), "end": str(today - timedelta(days=1))}
    member = {"name": "Thanh tra", "agency": "Sở Y tế", "role": "lead", "username": "insp-08"}
    body = {
        "name": "Liên ngành", "start": span["start"], "end": str(today + timedelta(days=30)),
        "agencies": ["Sở Y tế"], "teams": [{"name": "Đoàn 1", "members": [member]}],
        "visits": [{"facility_code": "A1", "team": 0, **span}],
    }  # fmt: skip
    plan = client.post("/api/plans", json=body, headers=world.auth("dept_08")).json()
    [a1] = plan["visits"]
    later = {"start": str(today), "end": str(today + timedelta(days=7))}
    changed = client.patch(
        f"/api/plans/{plan['id']}",
        json={"add": [{"facility_code": "A2", "team": 0, **later}]},
        headers=world.auth("dept_08"),
    )
    assert changed.status_code == 200, changed.text
    deliver(settings)
    assigned, added = receiver.delivered("insp_08")
    assert assigned["title"] == "Lịch kiểm tra mới"
    assert assigned["body"] == f"Trường Mầm non A1 (A1), từ {span['start']} đến {span['end']}."
    assert assigned["url"] == f"/#/visit/{a1['id']}"
    assert added["body"].startswith("Trường Mầm non A2 (A2)")
    assert receiver.delivered("insp_08001") == []  # not in the team

    db = connect_settings(settings)
    try:
        first = schedule.run(db, today)
        second = schedule.run(db, today)
    finally:
        db.conn.close()
    assert (first.late_visits, second.late_visits) == (1, 0)  # A1's window is over
    deliver(settings)
    [late] = receiver.delivered("dept_08")
    assert late["title"] == "Lượt kiểm tra trễ hạn"
    assert late["body"] == f"Trường Mầm non A1 (A1): chưa được kiểm tra, hạn {span['end']} đã qua."
    assert late["url"] == f"/#/plan/{plan['id']}"
    assert receiver.delivered("dept_79") == []

    # The window moved: the inspector is told; late again, a department that muted the
    # type is not.
    client.put("/api/push/preferences", json={"muted": ["visit_late"]},
               headers=world.auth("dept_08"))  # fmt: skip
    moved = {"id": a1["id"], "end": str(today - timedelta(days=2))}
    client.patch(f"/api/plans/{plan['id']}", json={"change": [moved]},
                 headers=world.auth("dept_08"))  # fmt: skip
    db = connect_settings(settings)
    try:
        assert schedule.run(db, today).late_visits == 0  # muted
    finally:
        db.conn.close()
    deliver(settings)
    assert titles(receiver, "insp_08")[-1] == "Lịch kiểm tra thay đổi"
    assert len(receiver.delivered("dept_08")) == 1
