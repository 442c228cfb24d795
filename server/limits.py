"""The limits a phone must respect, served at ``GET /api/limits``: the app keeps the answer
with its other reference data and reads its limits from there, not from copies of its own.
Its built-in defaults (``pwa/js/limits.js``), used until the first answer, are these with
the default settings; ``tests/unit/test_limits.py`` keeps the two in step."""

from __future__ import annotations

import msgspec
from litestar import get

from server.actions.follow_up import DUE_DAYS
from server.deps import Config
from server.openapi import api
from server.settings import Settings

EVIDENCE_MAX_PHOTOS = 20
"""Photos of evidence per item (``server/inspections/schemas.py`` refuses more on sync)."""
PHOTO_MAX_SIDE = 1600
"""Pixels on a photo's longer side: the app scales every photo down to it before storing."""


class Limits(msgspec.Struct, frozen=True):
    sync_max_records: int
    """Most inspections in one ``POST /api/sync/inspections``."""
    sync_max_bytes: int
    """Largest request body the server accepts; the app fills a sync batch to 3/4 of it."""
    photo_max_bytes: int
    """Largest photo accepted; the app encodes photos smaller than this."""
    photo_max_side: int
    evidence_max_photos: int
    action_due_veto_days: int
    """Default days to fix what a veto event calls for (docs/actions.md)."""
    action_due_mandatory_days: int
    """... a failed mandatory check."""
    action_due_other_days: int
    """... any other failed check."""
    password_min_length: int
    """Shortest password a new account may have (the admin screen makes one this long)."""

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(
            sync_max_records=settings.sync_max_records,
            sync_max_bytes=settings.max_body_bytes,
            photo_max_bytes=settings.photo_max_bytes,
            photo_max_side=PHOTO_MAX_SIDE,
            evidence_max_photos=EVIDENCE_MAX_PHOTOS,
            action_due_veto_days=DUE_DAYS["veto"],
            action_due_mandatory_days=DUE_DAYS["mandatory"],
            action_due_other_days=DUE_DAYS["other"],
            password_min_length=settings.password_min_length,
        )


@get(
    "/api/limits",
    **api(),
    sync_to_thread=False,
    summary="Limits the app respects",
    description="Sync batch size and bytes, photo size, photos of evidence per item, default"
    " days to fix a failure, shortest password of a new account.",
    tags=["system"],
)
def limits(settings: Config) -> Limits:
    return Limits.of(settings)
