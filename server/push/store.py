"""The owner of ``push_subscriptions``, ``push_muted``, ``push_outbox`` and
``push_attempts``: a user's devices, the notice types they muted, the notices waiting to be
sent and each attempt to send one."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal
from urllib.parse import urlsplit

import sqlite_utils

from server.auth.principal import Principal
from server.clock import utcnow
from server.db import transaction
from server.errors import AppError, ErrorCode
from server.push.keys import b64url_decode, on_curve
from server.push.types import TYPES_BY_ROLE

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
"""The only hosts a push endpoint may reach over plain http: a test's own receiver."""


def check_endpoint(endpoint: str) -> None:
    """An https address with a host name (or a local receiver): push services have one. An
    address the sender could not sign for (VAPID's audience takes no IPv6 literal) is
    refused here rather than failing every notice later."""
    try:
        parts = urlsplit(endpoint)
        host = parts.hostname
    except ValueError as exc:
        raise AppError(ErrorCode.PUSH_SUBSCRIPTION_INVALID, "endpoint is not a URL") from exc
    if host and ":" in host:
        raise AppError(ErrorCode.PUSH_SUBSCRIPTION_INVALID, "endpoint must name its host")
    if parts.scheme == "https" and host:
        return
    if parts.scheme == "http" and host in LOCAL_HOSTS:
        return
    raise AppError(ErrorCode.PUSH_ENDPOINT_INSECURE)


def check_keys(p256dh: str, auth: str) -> None:
    try:
        point, secret = b64url_decode(p256dh), b64url_decode(auth)
    except ValueError as exc:
        raise AppError(ErrorCode.PUSH_SUBSCRIPTION_INVALID, "keys must be base64url") from exc
    if len(point) != 65 or point[0] != 4 or len(secret) != 16 or not on_curve(point):
        raise AppError(
            ErrorCode.PUSH_SUBSCRIPTION_INVALID,
            "p256dh must be an uncompressed P-256 point and auth 16 bytes",
        )


def save_subscription(
    db: sqlite_utils.Database, who: Principal, endpoint: str, keys: tuple[str, str], lang: str
) -> None:
    """Keep (or refresh) this device's subscription for the caller's session. An endpoint
    another user had on this device is theirs no longer: it goes with its notices."""
    check_endpoint(endpoint)
    check_keys(*keys)
    with transaction(db):
        db.execute(
            "DELETE FROM push_subscriptions WHERE endpoint = ? AND user_id != ?",
            [endpoint, who.user_id],
        )
        db.execute(
            "INSERT INTO push_subscriptions (user_id, session_id, endpoint, p256dh, auth, lang,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (endpoint) DO UPDATE SET"
            " session_id = excluded.session_id, p256dh = excluded.p256dh, auth = excluded.auth,"
            " lang = excluded.lang",
            [who.user_id, who.session_id, endpoint, keys[0], keys[1], lang, utcnow()],
        )


def delete_subscription(db: sqlite_utils.Database, who: Principal, endpoint: str) -> None:
    with transaction(db):
        db.execute(
            "DELETE FROM push_subscriptions WHERE endpoint = ? AND user_id = ?",
            [endpoint, who.user_id],
        )


def subscriptions_of(db: sqlite_utils.Database, user_id: int) -> list[str]:
    return [
        str(row[0])
        for row in db.execute(
            "SELECT endpoint FROM push_subscriptions WHERE user_id = ? ORDER BY id", [user_id]
        )
    ]


def remove_for_session(db: sqlite_utils.Database, session_id: int) -> None:
    """Signing out: that device's subscriptions go. Call inside the caller's transaction."""
    db.execute("DELETE FROM push_subscriptions WHERE session_id = ?", [session_id])


def remove_for_user(db: sqlite_utils.Database, user_id: int) -> None:
    """Every session revoked: every subscription goes. Call inside the caller's
    transaction."""
    db.execute("DELETE FROM push_subscriptions WHERE user_id = ?", [user_id])


def muted(db: sqlite_utils.Database, user_id: int) -> set[str]:
    return {
        str(row[0])
        for row in db.execute("SELECT type FROM push_muted WHERE user_id = ?", [user_id])
    }


def set_muted(db: sqlite_utils.Database, who: Principal, types: Iterable[str]) -> None:
    """Mute exactly these types (of those the caller's role receives)."""
    mine = TYPES_BY_ROLE.get(who.role, ())
    unknown = sorted(set(types) - set(mine))
    if unknown:
        raise AppError(
            ErrorCode.BAD_REQUEST, f"not a notice type of your role: {', '.join(unknown)}"
        )
    with transaction(db):
        db.execute("DELETE FROM push_muted WHERE user_id = ?", [who.user_id])
        db.conn.executemany(
            "INSERT INTO push_muted (user_id, type) VALUES (?, ?)",
            [(who.user_id, kind) for kind in sorted(set(types))],
        )


def lease_due(
    db: sqlite_utils.Database, now: str, lease_until: str, limit: int
) -> list[tuple[Any, ...]]:
    """Lease up to ``limit`` notices due at ``now`` (new, to retry, or whose sender's lease
    ran out): each one's id, attempts, subscription id, endpoint, p256dh, auth and payload.
    Call inside the caller's transaction."""
    rows = db.execute(
        "SELECT o.id, o.attempts, o.subscription_id, s.endpoint, s.p256dh, s.auth,"
        " o.payload FROM push_outbox o"
        " JOIN push_subscriptions s ON s.id = o.subscription_id"
        " WHERE (o.state = 'pending' AND o.next_attempt_at <= ?)"
        " OR (o.state = 'sending' AND o.lease_until <= ?) ORDER BY o.id LIMIT ?",
        [now, now, limit],
    ).fetchall()
    db.conn.executemany(
        "UPDATE push_outbox SET state = 'sending', lease_until = ? WHERE id = ?",
        [(lease_until, row[0]) for row in rows],
    )
    return [tuple(row) for row in rows]


def start_attempt(
    db: sqlite_utils.Database, outbox_id: int, now: str, held: str, renewed: str
) -> int | None:
    """Count an attempt on a notice before it is made, and renew its lease from ``held`` to
    ``renewed``; returns the attempt's id, or None when the notice is no longer the
    caller's to send (gone with its device, or leased by another sender since)."""
    changed = db.execute(
        "UPDATE push_outbox SET attempts = attempts + 1, lease_until = ?"
        " WHERE id = ? AND state = 'sending' AND lease_until = ?",
        [renewed, outbox_id, held],
    ).rowcount
    if not changed:
        return None
    cursor = db.execute(
        "INSERT INTO push_attempts (outbox_id, started_at) VALUES (?, ?)", [outbox_id, now]
    )
    return int(cursor.lastrowid or 0)


def end_attempt(
    db: sqlite_utils.Database, attempt_id: int, now: str, status: int | None, error: str | None
) -> None:
    db.execute(
        "UPDATE push_attempts SET finished_at = ?, status = ?, error = ? WHERE id = ?",
        [now, status, error, attempt_id],
    )


def settle(
    db: sqlite_utils.Database,
    outbox_id: int,
    state: Literal["sent", "pending", "failed"],
    status: int | None,
    *,
    sent_at: str | None = None,
    next_attempt_at: str | None = None,
) -> None:
    """A notice's lease ends: sent (at ``sent_at``), pending again (until
    ``next_attempt_at``) or failed for good."""
    columns: dict[str, object] = {"state": state, "last_status": status, "lease_until": None}
    if sent_at is not None:
        columns["sent_at"] = sent_at
    if next_attempt_at is not None:
        columns["next_attempt_at"] = next_attempt_at
    db.execute(
        f"UPDATE push_outbox SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
        [*columns.values(), outbox_id],
    )


def drop_subscription(db: sqlite_utils.Database, subscription_id: int) -> None:
    """A device the push service says is gone (its notices go with it)."""
    db.execute("DELETE FROM push_subscriptions WHERE id = ?", [subscription_id])


def subscriber_ids() -> str:
    """A subquery for ``id IN (…)``: the users with at least one device subscribed."""
    return "SELECT user_id FROM push_subscriptions"


def has_device(column: str) -> str:
    """A condition: the user whose id ``column`` holds has at least one device subscribed.
    Correlated, one index lookup a row, where ``IN (subscriber_ids())`` would list every
    device for each statement."""
    return f"EXISTS (SELECT 1 FROM push_subscriptions d WHERE d.user_id = {column})"


def devices_for(
    db: sqlite_utils.Database,
    user_ids: tuple[str, list[Any]],
    live_session: Callable[[str], tuple[str, list[Any]]],
    notice_type: str,
) -> list[tuple[int, int, str]]:
    """The devices (id, user id, language) of the users a subquery selects that have not
    muted this type of notice, subscribed outside a session or in one ``live_session``
    (a condition on the column it is given) accepts."""
    users_sql, users_args = user_ids
    session_sql, session_args = live_session("s.session_id")
    rows = db.execute(
        f"SELECT s.id, s.user_id, s.lang FROM push_subscriptions s WHERE s.user_id IN ({users_sql})"
        " AND NOT EXISTS (SELECT 1 FROM push_muted m WHERE m.user_id = s.user_id AND m.type = ?)"
        f" AND (s.session_id IS NULL OR {session_sql}) ORDER BY s.id",
        [*users_args, notice_type, *session_args],
    )
    return [(int(row[0]), int(row[1]), str(row[2])) for row in rows]


def add_to_outbox(
    db: sqlite_utils.Database,
    subscription_id: int,
    user_id: int,
    notice_type: str,
    key: str,
    payload: str,
    now: str,
) -> int:
    """Queue a notice for a device; 0 when its key is queued already, else 1."""
    cursor = db.execute(
        "INSERT OR IGNORE INTO push_outbox (subscription_id, user_id, type, dedupe_key,"
        " payload, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [subscription_id, user_id, notice_type, key, payload, now, now],
    )
    return int(cursor.rowcount)
