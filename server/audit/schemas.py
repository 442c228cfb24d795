"""What the audit endpoint returns."""

from __future__ import annotations

from typing import Any

import msgspec


class AuditEntry(msgspec.Struct):
    id: int
    at: str
    user_id: int | None
    username: str | None
    action: str
    subject: str | None
    details: dict[str, Any]
