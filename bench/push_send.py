"""Push sending: our sender (outbox, leases, one attempt marked and one outcome committed
per notice, SQLite synchronous FULL) against the raw cost of encrypting and posting the
same payload with pywebpush directly, no database, to the same local push service (a
receiver on 127.0.0.1 that decrypts every message, as a phone would), in the same run.
Prints notices per second for both, medians over rounds, and the ratio.

    python -m bench.push_send [--rounds 5] [--per-round 500]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from py_vapid import Vapid
from pywebpush import webpush

from server.app import prepare_database
from server.db import connect_settings
from server.push.keys import load_or_create
from server.push.notices import Audience, Notice, enqueue
from server.push.sender import Sender, WebPushTransport
from server.settings import REPO_ROOT, Settings
from tests.conftest import build_world
from tests.push_receiver import Receiver

CONTACT = "mailto:bench@example.org"


def _prepare(data_dir: Path, receiver: Receiver) -> tuple[Settings, int]:
    settings = Settings.from_env({}, data_dir=data_dir, forms_dir=REPO_ROOT / "forms")
    prepare_database(settings)
    db = connect_settings(settings)
    try:
        world = build_world(db, settings)
        device = receiver.device("phone").subscription()
        user_id = world.user_ids["fac_a1"]
        with db.conn:
            db.execute(
                "INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, created_at)"
                " VALUES (?, ?, ?, ?, '2026-01-01T00:00:00.000Z')",
                [user_id, device["endpoint"], device["keys"]["p256dh"], device["keys"]["auth"]],
            )
    finally:
        db.conn.close()
    return settings, user_id


def _enqueue(settings: Settings, user_id: int, start: int, count: int) -> None:
    db = connect_settings(settings)
    try:
        with db.conn:
            for n in range(start, start + count):
                notice = Notice(
                    "fix_verified", f"bench:{n}", "/#/site/A1", params={"site": "Trường A1 (A1)"}
                )
                enqueue(db, notice, Audience(user_id=user_id))
    finally:
        db.conn.close()


def ours(settings: Settings, count: int) -> float:
    """Notices per second through the sender."""
    db = connect_settings(settings)
    sender = Sender(WebPushTransport(load_or_create(settings.data_dir), CONTACT, 60))
    try:
        started = time.perf_counter()
        counts = sender.send_due(db)
        elapsed = time.perf_counter() - started
    finally:
        db.conn.close()
    assert counts.sent == count, counts
    return count / elapsed


def raw(settings: Settings, receiver: Receiver, count: int) -> float:
    """Notices per second with pywebpush's one call, signing VAPID each time, no database."""
    vapid = Vapid.from_pem((settings.data_dir / "vapid_private.pem").read_bytes())
    subscription = receiver.device("phone").subscription()
    data = '{"type":"fix_verified","title":"Khắc phục đã được xác nhận","body":"x","url":"/"}'
    started = time.perf_counter()
    for n in range(count):
        webpush(
            subscription,
            data,
            vapid_private_key=vapid,
            vapid_claims={"sub": CONTACT},
            headers={"Topic": f"notice-{n}"},
            ttl=60,
        )
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--per-round", type=int, default=500)
    args = parser.parse_args()
    receiver = Receiver()
    with tempfile.TemporaryDirectory() as tmp:
        settings, user_id = _prepare(Path(tmp) / "data", receiver)
        ours_rates, raw_rates = [], []
        for round_no in range(args.rounds):
            _enqueue(settings, user_id, round_no * args.per_round, args.per_round)
            ours_rates.append(ours(settings, args.per_round))
            raw_rates.append(raw(settings, receiver, args.per_round))
            print(f"round {round_no + 1}: ours {ours_rates[-1]:.0f}/s, raw {raw_rates[-1]:.0f}/s")
    receiver.close()
    mine, baseline = statistics.median(ours_rates), statistics.median(raw_rates)
    print(
        f"push_send: ours {mine:.0f} notices/s, pywebpush alone {baseline:.0f} notices/s,"
        f" ratio {mine / baseline:.2f} (medians of {args.rounds} rounds of {args.per_round})"
    )


if __name__ == "__main__":
    main()
