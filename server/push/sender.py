"""Delivering the push outbox: each notice reaches each device once.

The sender leases a batch of due notices (``sending``, with a lease), then for each one
(1) marks its attempt (committed: the attempt row and the count) and renews its lease
before (2) encrypting and posting it with pywebpush, with a ``Topic`` header made from the
notice id, and (3) commits the outcome, in the same transaction as the mark of the next
one. The mark holds only while the notice is still this sender's: one whose device went
meanwhile (signed out, gone) or that another sender leased after this one's lease ran out
is skipped, never posted twice from here. A notice whose sender was killed between (1)
and (3) is taken again once its lease ends: the push service collapses the repeat of an
undelivered one (same Topic) and the phone shows it under the same tag, replacing rather
than adding. One whose outcome was committed is never sent again; a leased one never tried
is simply tried after the lease.

Outcomes: 2xx sent; 404/410 the subscription is gone (removed with its notices); 429,
5xx and network errors try again with exponential backoff, or after Retry-After when the
service says; other 4xx, too many attempts and a notice that cannot be signed or encrypted
at all give up (``failed``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests
import sqlite_utils
from pywebpush import WebPusher

from server.clock import iso_utc
from server.db import transaction
from server.push import store
from server.push.keys import VapidKeys

log = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 10
BACKOFF_CAP_SECONDS = 6 * 3600


@dataclass
class Delivery:
    """A leased outbox row with its device; ``attempt_id`` is set when its attempt is
    marked."""

    id: int
    attempts: int
    subscription_id: int
    endpoint: str
    p256dh: str
    auth: str
    payload: str
    lease: str
    """Until when this sender holds it (renewed at each mark)."""
    attempt_id: int = 0

    @property
    def topic(self) -> str:
        """The Topic header: a push service keeps one undelivered message per topic."""
        return f"notice-{self.id}"

    def body(self) -> bytes:
        data = json.loads(self.payload)
        data.update({"id": self.id, "tag": self.topic})
        return json.dumps(data, ensure_ascii=False).encode()


@dataclass(frozen=True)
class Answer:
    status: int | None
    """The push service's status; None when it was not reached."""
    retry_after: float | None = None
    error: str | None = None
    permanent: bool = False
    """Trying again cannot help: the notice could not be signed or encrypted."""


class Transport(Protocol):
    def post(self, delivery: Delivery) -> Answer: ...


def retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, (parsedate_to_datetime(value) - now).total_seconds())
    except (TypeError, ValueError):
        return None


class WebPushTransport:
    """Encrypts (aes128gcm) and posts with pywebpush, signing VAPID once per push service
    and hour."""

    def __init__(self, keys: VapidKeys, contact: str, ttl: int, timeout: float = 10) -> None:
        self._keys = keys
        self._contact = contact
        self._ttl = ttl
        self._timeout = timeout
        self._session = requests.Session()
        self._vapid: dict[str, tuple[float, dict[str, str]]] = {}

    def _vapid_headers(self, endpoint: str) -> dict[str, str]:
        parts = urlsplit(endpoint)
        audience = f"{parts.scheme}://{parts.netloc}"
        now = datetime.now(UTC).timestamp()
        cached = self._vapid.get(audience)
        if cached is None or cached[0] < now + 600:
            expires = now + 3600
            claims = {"sub": self._contact, "aud": audience, "exp": int(expires)}
            cached = (expires, dict(self._keys.vapid.sign(claims)))
            self._vapid[audience] = cached
        return cached[1]

    def post(self, delivery: Delivery) -> Answer:
        info = {
            "endpoint": delivery.endpoint,
            "keys": {"p256dh": delivery.p256dh, "auth": delivery.auth},
        }
        try:
            headers = {
                **self._vapid_headers(delivery.endpoint),
                "Topic": delivery.topic,
                "Urgency": "normal",
            }
            response: Any = WebPusher(info, requests_session=self._session).send(
                delivery.body(), headers, ttl=self._ttl, timeout=self._timeout
            )
        except requests.RequestException as exc:
            return Answer(None, error=type(exc).__name__)
        except Exception as exc:  # this notice cannot be made: the others still go
            log.exception("push notice %s cannot be signed or encrypted", delivery.id)
            return Answer(None, error=f"{type(exc).__name__}: {exc}"[:200], permanent=True)
        wait = retry_after(response.headers.get("Retry-After"), datetime.now(UTC))
        return Answer(int(response.status_code), wait, None if response.ok else response.text[:200])


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Counts:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    gone: int = 0

    def total(self) -> int:
        return self.sent + self.retried + self.failed + self.gone


@dataclass
class Sender:
    transport: Transport
    lease_seconds: int = 60
    max_attempts: int = 12
    backoff_base: float = BACKOFF_BASE_SECONDS
    now: Callable[[], datetime] = field(default=_now)

    def claim(self, db: sqlite_utils.Database, limit: int) -> list[Delivery]:
        """Lease up to ``limit`` due notices (new, to retry, or whose sender died) and mark
        the attempt on the first, in one transaction. The others' attempts are marked as
        the outcome before them is committed (``finish``)."""
        moment = self.now()
        now, lease = iso_utc(moment), iso_utc(moment + timedelta(seconds=self.lease_seconds))
        with transaction(db):
            rows = store.lease_due(db, now, lease, limit)
            claimed = [
                Delivery(notice, attempts, device, endpoint, p256dh, auth, payload, lease)
                for notice, attempts, device, endpoint, p256dh, auth, payload in rows
            ]
            if claimed:
                self._mark(db, claimed[0], now)
        return claimed

    def _mark(self, db: sqlite_utils.Database, delivery: Delivery, now: str) -> None:
        """Record an attempt before it is made and renew the lease (inside the caller's
        transaction); ``attempt_id`` stays 0 when the notice is no longer ours."""
        renewed = iso_utc(datetime.fromisoformat(now) + timedelta(seconds=self.lease_seconds))
        attempt = store.start_attempt(db, delivery.id, now, delivery.lease, renewed)
        if attempt is not None:
            delivery.attempt_id, delivery.lease = attempt, renewed
            delivery.attempts += 1

    def backoff(self, attempts: int, wait: float | None) -> float:
        delay = min(self.backoff_base * 2.0 ** (attempts - 1), float(BACKOFF_CAP_SECONDS))
        return max(delay, wait or 0.0)

    def finish(
        self,
        db: sqlite_utils.Database,
        delivery: Delivery,
        answer: Answer,
        then: Delivery | None = None,
    ) -> str:
        """Commit the outcome of one attempt, and mark the attempt on the ``then`` notice
        in the same transaction; returns the outcome (sent, retried, failed, gone)."""
        now = iso_utc(self.now())
        with transaction(db):
            store.end_attempt(db, delivery.attempt_id, now, answer.status, answer.error)
            outcome = self._outcome(db, delivery, answer, now)
            if then is not None:
                self._mark(db, then, now)
        return outcome

    def _outcome(
        self, db: sqlite_utils.Database, delivery: Delivery, answer: Answer, now: str
    ) -> str:
        status = answer.status
        if status is not None and 200 <= status < 300:
            store.settle(db, delivery.id, "sent", status, sent_at=now)
            return "sent"
        if status in (404, 410):
            store.drop_subscription(db, delivery.subscription_id)
            return "gone"
        transient = not answer.permanent and (status is None or status == 429 or status >= 500)
        if transient and delivery.attempts < self.max_attempts:
            later = datetime.fromisoformat(now) + timedelta(
                seconds=self.backoff(delivery.attempts, answer.retry_after)
            )
            store.settle(db, delivery.id, "pending", status, next_attempt_at=iso_utc(later))
            return "retried"
        store.settle(db, delivery.id, "failed", status)
        log.warning("push notice %s given up: %s %s", delivery.id, status, answer.error)
        return "failed"

    def send_due(self, db: sqlite_utils.Database, batch: int = 50) -> Counts:
        """Deliver every notice due now; returns what became of the attempts."""
        counts = Counts()
        while True:
            claimed = self.claim(db, batch)
            if not claimed:
                return counts
            live = claimed
            while live:
                delivery, live = live[0], live[1:]
                if delivery.attempt_id == 0:  # its mark found it gone or taken: not ours
                    continue
                outcome = self.finish(
                    db, delivery, self.transport.post(delivery), live[0] if live else None
                )
                setattr(counts, outcome, getattr(counts, outcome) + 1)
                if outcome == "gone":  # removed with its device's other notices
                    live = [d for d in live if d.subscription_id != delivery.subscription_id]
                if live and live[0].attempt_id == 0:  # not marked with the outcome: try alone
                    with transaction(db):
                        self._mark(db, live[0], iso_utc(self.now()))
