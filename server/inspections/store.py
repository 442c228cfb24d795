"""Reading stored inspections and the payloads kept aside."""

from __future__ import annotations

from typing import Any

import msgspec
import sqlite_utils

from server.clock import utcnow
from server.db import page_offset, transaction
from server.errors import AppError, ErrorCode


def get_inspection(db: sqlite_utils.Database, inspection_id: str) -> dict[str, Any]:
    rows = list(
        db.query(
            "SELECT i.*, u.username AS inspector FROM inspections i"
            " JOIN users u ON u.id = i.inspector_id WHERE i.id = ?",
            [inspection_id],
        )
    )
    if not rows:
        raise AppError(ErrorCode.INSPECTION_NOT_FOUND, f"no inspection {inspection_id!r}")
    return rows[0]


def kept_aside(
    db: sqlite_utils.Database,
    *,
    reason: str | None,
    include_resolved: bool,
    page: int,
    per_page: int,
) -> tuple[list[dict[str, Any]], int]:
    where = ["1 = 1"]
    args: list[Any] = []
    if reason:
        where.append("k.reason = ?")
        args.append(reason)
    if not include_resolved:
        where.append("k.resolved_at IS NULL")
    where_sql = " AND ".join(where)
    total = db.execute(f"SELECT count(*) FROM kept_aside k WHERE {where_sql}", args).fetchone()[0]
    rows = list(
        db.query(
            f"SELECT k.*, u.username FROM kept_aside k JOIN users u ON u.id = k.user_id"
            f" WHERE {where_sql} ORDER BY k.id DESC LIMIT ? OFFSET ?",
            [*args, per_page, page_offset(page, per_page)],
        )
    )
    for row in rows:
        row["payload"] = msgspec.json.decode(row["payload"])
        row["problems"] = msgspec.json.decode(row["problems"])
    return rows, int(total)


def resolve_kept_aside(db: sqlite_utils.Database, kept_id: int, user_id: int) -> None:
    with transaction(db):
        cursor = db.execute(
            "UPDATE kept_aside SET resolved_at = ?, resolved_by = ? WHERE id = ?",
            [utcnow(), user_id, kept_id],
        )
        if cursor.rowcount == 0:
            raise AppError(ErrorCode.KEPT_ASIDE_NOT_FOUND)
