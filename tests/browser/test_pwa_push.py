"""Web push on the phone, with the real server and its background sender.

What is real: the Settings switch and the permission flow in the page, the subscription
stored by the server, the server's sender encrypting with pywebpush and posting to a push
service (a receiver on 127.0.0.1 that decrypts like a phone), the service worker's
``push`` handler showing the notification, and its click logic opening the screen.

What is simulated, because headless Chromium has no push service and no notification
tray: ``PushManager.subscribe``/``getSubscription`` are replaced in the page by a
subscription whose endpoint and keys are the local receiver's; the push reaches the
service worker through DevTools (``ServiceWorker.deliverPushMessage``) carrying what the
receiver decrypted; and the tap is the service worker's own click logic run for the shown
notification (a message from the page), since nothing can click a notification here.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.browser.conftest import (
    INSPECTOR,
    Server,
    eventually,
    install_idb_helper,
    service_worker_registration,
    sign_in,
)
from tests.push_receiver import Receiver

STUB = """
(() => {
  const sub = %s;
  const key = "push-stub-subscribed";
  const make = () => ({
    endpoint: sub.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true },
    getKey: () => null,
    toJSON: () => ({ endpoint: sub.endpoint, expirationTime: null, keys: sub.keys }),
    unsubscribe: async () => { localStorage.removeItem(key); return true; },
  });
  PushManager.prototype.subscribe = async function (options) {
    window.__pushOptions = { key: String(options.applicationServerKey) };
    localStorage.setItem(key, "1");
    return make();
  };
  PushManager.prototype.getSubscription = async function () {
    return localStorage.getItem(key) ? make() : null;
  };
  window.__shown = [];
  navigator.serviceWorker?.addEventListener("message", (e) => {
    if (e.data && e.data.type === "notice-shown") window.__shown.push(e.data.notice);
  });
})();
"""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    service = Receiver()
    yield service
    service.close()


def _subscriptions(server: Server) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(server.data_dir / "safeschool.sqlite3")
    try:
        return db.execute(
            "SELECT s.endpoint, u.username, s.session_id, s.lang FROM push_subscriptions s"
            " JOIN users u ON u.id = s.user_id"
        ).fetchall()
    finally:
        db.close()


def test_the_switch_subscribes_and_a_push_is_shown_and_opens_its_screen(
    context: Any, server: Server, receiver: Receiver
) -> None:
    device = receiver.device("phone")
    install_idb_helper(context)
    context.add_init_script(STUB % json.dumps(device.subscription()))
    context.grant_permissions(["notifications"], origin=server.url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page)
    page.goto("/#/settings")
    switch = page.get_by_label("Nhận thông báo")
    assert not switch.is_checked()
    assert page.get_by_text("Phiếu của bạn bị giữ lại, cần xử lý").is_visible()
    switch.check()
    page.get_by_text("Đã bật thông báo trên máy này.").wait_for()
    token = server.token()
    auth = {"Authorization": f"Bearer {token}"}
    key = httpx.get(server.url + "/api/push/key", headers=auth).json()["public_key"]
    assert page.evaluate("window.__pushOptions.key") == key
    [(endpoint, username, session_id, lang)] = _subscriptions(server)
    assert (endpoint, username, lang) == (device.endpoint, INSPECTOR[0], "vi")
    assert session_id is not None

    # A record of this inspector is rejected: the server's sender pushes the notice.
    sent = httpx.post(
        server.url + "/api/sync/inspections",
        json={"records": [{"id": "not-a-record"}]},
        headers=auth,
    )
    assert sent.json()["results"][0]["outcome"] == "rejected"
    deadline = time.monotonic() + 20
    while not receiver.delivered("phone") and time.monotonic() < deadline:
        time.sleep(0.2)
    [notice] = receiver.delivered("phone")
    assert notice["url"] == "/#/outbox"

    # The push service's delivery to the phone, through DevTools.
    cdp = context.new_cdp_session(page)
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": server.url,
            "registrationId": service_worker_registration(page, cdp, server.url),
            "data": json.dumps(notice),
        },
    )
    shown = eventually(page, "() => window.__shown.length && window.__shown[0]")
    assert shown["title"] == "Phiếu cần bạn xử lý"
    assert shown["body"] == "Một phiếu bị từ chối; xem lý do trong Hộp thư đi."
    listed = eventually(
        page,
        "async () => (await (await navigator.serviceWorker.ready).getNotifications())"
        ".map(n => ({title: n.title, body: n.body, tag: n.tag, url: n.data.url}))",
    )
    assert listed == [
        {"title": shown["title"], "body": shown["body"], "tag": notice["tag"], "url": "/#/outbox"}
    ]
    assert notice["tag"] == f"notice-{notice['id']}"

    # The tap: the service worker's click logic for that notification.
    page.evaluate(
        "async (tag) => (await navigator.serviceWorker.ready).active"
        ".postMessage({type: 'open-shown-notice', tag})",
        notice["tag"],
    )
    eventually(page, "() => location.hash === '#/outbox'")
    eventually(
        page,
        "async () => (await (await navigator.serviceWorker.ready).getNotifications()).length === 0",
    )

    # Another language: later notices are written in it.
    page.goto("/#/settings")
    page.get_by_label("English").check()
    deadline = time.monotonic() + 10
    while _subscriptions(server)[0][3] != "en" and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert _subscriptions(server)[0][3] == "en"

    # Turning the switch off forgets the device.
    page.get_by_label("Receive notifications").uncheck()
    page.get_by_text("Notifications are off for this phone.").wait_for()
    assert _subscriptions(server) == []
    assert errors == []
