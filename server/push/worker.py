"""Running the sender and the scheduler: once (the command line) or as a background
thread of ``serve`` (sends every few seconds, schedules once an hour from 07:00 in
Viet Nam, so nobody is woken at night)."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

import sqlite_utils

from server.clock import VIETNAM
from server.db import connect_settings
from server.push import schedule
from server.push.keys import load_or_create
from server.push.sender import Counts, Sender, WebPushTransport
from server.settings import Settings

log = logging.getLogger(__name__)

POLL_SECONDS = 2.0
SCHEDULE_EVERY_SECONDS = 3600.0
FIRST_HOUR = 7
"""Calendar notices wait for the morning in Viet Nam."""


def make_sender(settings: Settings) -> Sender:
    keys = load_or_create(settings.data_dir)
    transport = WebPushTransport(keys, settings.push_contact, settings.push_ttl_seconds)
    return Sender(
        transport,
        lease_seconds=settings.push_lease_seconds,
        max_attempts=settings.push_max_attempts,
    )


def send_once(settings: Settings) -> Counts:
    db = connect_settings(settings)
    try:
        return make_sender(settings).send_due(db)
    finally:
        db.conn.close()


def schedule_once(settings: Settings, now: datetime | None = None) -> schedule.Scheduled:
    db = connect_settings(settings)
    try:
        return schedule.run(db, (now or datetime.now(UTC)).astimezone(VIETNAM).date())
    finally:
        db.conn.close()


class PushWorker(threading.Thread):
    def __init__(self, settings: Settings) -> None:
        super().__init__(name="push-worker", daemon=True)
        self._settings = settings
        self._stop = threading.Event()
        self._sender = make_sender(settings)
        self._scheduled_at = 0.0

    def stop(self) -> None:
        self._stop.set()

    def run(self) -> None:
        db = connect_settings(self._settings)
        try:
            while not self._stop.is_set():
                self._tick(db)
                self._stop.wait(POLL_SECONDS)
        finally:
            db.conn.close()

    def _tick(self, db: sqlite_utils.Database) -> None:
        try:
            self._maybe_schedule(db)
            self._sender.send_due(db)
        except Exception:  # whatever went wrong, the thread must live to send the rest
            log.exception("push worker: will try again")

    def _maybe_schedule(self, db: sqlite_utils.Database) -> None:
        now = datetime.now(UTC)
        if now.timestamp() - self._scheduled_at < SCHEDULE_EVERY_SECONDS:
            return
        local = now.astimezone(VIETNAM)
        if local.hour < FIRST_HOUR:
            return
        schedule.run(db, local.date())
        self._scheduled_at = now.timestamp()
