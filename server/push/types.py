"""The types of web-push notice, and which each role receives (and may mute)."""

from __future__ import annotations

from typing import Literal

NoticeType = Literal[
    "result",
    "actions_opened",
    "action_due_soon",
    "action_overdue",
    "fix_verified",
    "fix_reopened",
    "site_noncompliant",
    "fix_waiting",
    "overdue_digest",
    "kept_aside",
    "visit_assigned",
    "visit_changed",
    "visit_late",
]

TYPES_BY_ROLE: dict[str, tuple[NoticeType, ...]] = {
    "facility": (
        "result",
        "actions_opened",
        "action_due_soon",
        "action_overdue",
        "fix_verified",
        "fix_reopened",
    ),
    "department": ("site_noncompliant", "fix_waiting", "overdue_digest", "visit_late"),
    "inspector": ("kept_aside", "visit_assigned", "visit_changed"),
    "admin": ("kept_aside",),
}
"""The notices each role can receive (and mute)."""
