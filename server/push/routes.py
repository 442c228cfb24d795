"""The server's push key, the caller's device subscriptions and their muted notices."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, put
from litestar.params import JSONBody, QueryParameter

from server.auth.middleware import AuthedRequest
from server.deps import Db
from server.errors import ErrorCode
from server.openapi import BODY, api
from server.push import store
from server.push.keys import VapidKeys
from server.push.schemas import NoticeChoice, Preferences, PreferencesIn, PushKey, SubscriptionIn
from server.push.types import TYPES_BY_ROLE

_SUBSCRIBE = (*BODY, ErrorCode.PUSH_ENDPOINT_INSECURE, ErrorCode.PUSH_SUBSCRIPTION_INVALID)


class PushController(Controller):
    path = "/api/push"
    tags = ["push"]

    @get(
        "/key",
        **api(),
        sync_to_thread=False,
        summary="The push key",
        description="The server's VAPID public key (base64url), the applicationServerKey a"
        " browser subscribes with.",
    )
    def key(self, request: AuthedRequest) -> PushKey:
        keys: VapidKeys = request.app.state.push_keys
        return PushKey(keys.public_key)

    @put(
        "/subscription",
        **api(*_SUBSCRIBE),
        status_code=204,
        sync_to_thread=True,
        summary="Subscribe this device",
        description="Keep this device's push subscription for the signed-in user and this"
        " session (signing out removes it). The endpoint must be https (plain http only on"
        " 127.0.0.1 or localhost: push.endpoint_insecure).",
    )
    def subscribe(self, request: AuthedRequest, db: Db, data: JSONBody[SubscriptionIn]) -> None:
        keys = (data.keys.p256dh, data.keys.auth)
        store.save_subscription(db, request.user, data.endpoint, keys, data.lang)

    @delete(
        "/subscription",
        **api(ErrorCode.BAD_REQUEST),
        status_code=204,
        sync_to_thread=True,
        summary="Unsubscribe this device",
        description="Forget a subscription of the caller (and its notices not yet sent).",
    )
    def unsubscribe(
        self,
        request: AuthedRequest,
        db: Db,
        endpoint: Annotated[
            str, QueryParameter(description="The subscription's endpoint", max_length=2048)
        ],
    ) -> None:
        store.delete_subscription(db, request.user, endpoint)

    @get(
        "/preferences",
        **api(),
        sync_to_thread=True,
        summary="Notice preferences",
        description="Each notice type the caller's role receives, and whether it is muted.",
    )
    def preferences(self, request: AuthedRequest, db: Db) -> Preferences:
        return _preferences(request, db)

    @put(
        "/preferences",
        **api(*BODY),
        sync_to_thread=True,
        summary="Mute notice types",
        description="Mute exactly the listed notice types (of those the caller's role"
        " receives; another type is request.invalid).",
    )
    def set_preferences(
        self, request: AuthedRequest, db: Db, data: JSONBody[PreferencesIn]
    ) -> Preferences:
        store.set_muted(db, request.user, data.muted)
        return _preferences(request, db)


def _preferences(request: AuthedRequest, db: Db) -> Preferences:
    muted = store.muted(db, request.user.user_id)
    kinds = TYPES_BY_ROLE.get(request.user.role, ())
    return Preferences([NoticeChoice(kind, kind in muted) for kind in kinds])
