"""The audit trail: who did what, written in the same transaction as the act itself, so
the trail never claims something that was rolled back or misses something that stayed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
import sqlite_utils

from server.clock import utcnow
from server.db import page_offset

# Actions recorded; the list is the vocabulary an admin filters by.
ACTIONS = (
    "login",
    "login_failed",
    "login_throttled",
    "logout",
    "sessions_revoked",
    "user_created",
    "facilities_imported",
    "inspection_created",
    "inspection_amended",
    "inspection_conflict",
    "inspection_rejected",
)


def record(
    db: sqlite_utils.Database,
    action: str,
    *,
    user_id: int | None,
    subject: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one entry. Call it inside the caller's transaction (raw SQL, no commit)."""
    db.execute(
        "INSERT INTO audit_log (at, user_id, action, subject, details) VALUES (?, ?, ?, ?, ?)",
        [utcnow(), user_id, action, subject, msgspec.json.encode(details or {}).decode()],
    )


@dataclass(frozen=True)
class AuditQuery:
    action: str | None = None
    user_id: int | None = None
    subject: str | None = None
    since: str | None = None
    until: str | None = None
    page: int = 1
    per_page: int = 100


def query(db: sqlite_utils.Database, q: AuditQuery) -> tuple[list[dict[str, Any]], int]:
    """A page of entries, newest first, and how many match. Actors are ids only: users
    belong to auth, which records here, so the caller names them."""
    where: list[str] = []
    args: list[Any] = []
    for clause, value in (
        ("a.action = ?", q.action),
        ("a.user_id = ?", q.user_id),
        ("a.subject = ?", q.subject),
        ("a.at >= ?", q.since),
        ("a.at < ?", q.until),
    ):
        if value is not None:
            where.append(clause)
            args.append(value)
    where_sql = " AND ".join(where) or "1 = 1"
    total = db.execute(f"SELECT count(*) FROM audit_log a WHERE {where_sql}", args).fetchone()[0]
    rows = list(
        db.query(
            f"SELECT a.id, a.at, a.user_id, a.action, a.subject, a.details"
            f" FROM audit_log a WHERE {where_sql} ORDER BY a.id DESC LIMIT ? OFFSET ?",
            [*args, q.per_page, page_offset(q.page, q.per_page)],
        )
    )
    for row in rows:
        row["details"] = msgspec.json.decode(row["details"])
    return rows, int(total)
