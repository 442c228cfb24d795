"""What the push endpoints accept and return."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from server.push.types import NoticeType


class PushKey(msgspec.Struct):
    public_key: str
    """The server's VAPID public key, base64url: ``applicationServerKey``."""


class SubscriptionKeys(msgspec.Struct, forbid_unknown_fields=True):
    p256dh: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    auth: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class SubscriptionIn(msgspec.Struct, forbid_unknown_fields=True):
    """A browser's PushSubscription (``toJSON()``) and the language notices are written in."""

    endpoint: Annotated[str, msgspec.Meta(min_length=1, max_length=2048)]
    keys: SubscriptionKeys
    lang: Literal["vi", "en"] = "vi"
    expirationTime: int | None = None  # noqa: N815 - the browser's own name


class NoticeChoice(msgspec.Struct):
    type: str
    muted: bool


class Preferences(msgspec.Struct):
    """Each notice type the caller's role receives, and whether they muted it."""

    types: list[NoticeChoice]


class PreferencesIn(msgspec.Struct, forbid_unknown_fields=True):
    muted: Annotated[list[NoticeType], msgspec.Meta(max_length=20)]
