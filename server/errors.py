"""One catalogue of errors with stable codes, and one JSON envelope for all of them.

Raise ``AppError(ErrorCode.X, ...)`` anywhere; ``exception_handlers`` turns it, and every
Litestar HTTP exception, into::

    {"error": {"code": "auth.invalid_token", "message": "...", "details": [...]}}

Codes are part of the API: clients (the phone above all) branch on them, so never rename one.
"""

from __future__ import annotations

import logging
import sqlite3
from enum import Enum
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.types import ExceptionHandlersMap

log = logging.getLogger(__name__)


class ErrorCode(Enum):
    """code, HTTP status, default message."""

    BAD_REQUEST = ("request.invalid", 400, "The request is not valid.")
    BODY_TOO_LARGE = ("request.too_large", 413, "The request body is larger than allowed.")
    NOT_FOUND = ("not_found", 404, "Nothing exists at this address.")
    METHOD_NOT_ALLOWED = ("method_not_allowed", 405, "This method is not allowed here.")
    RATE_LIMITED = ("rate_limited", 429, "Too many requests; try again later.")
    INTERNAL = ("internal", 500, "Something went wrong on the server.")
    UNAVAILABLE = ("unavailable", 503, "The server is busy; try again shortly.")

    AUTH_REQUIRED = ("auth.required", 401, "Sign in first.")
    AUTH_INVALID_TOKEN = ("auth.invalid_token", 401, "This sign-in is not valid.")
    AUTH_EXPIRED = ("auth.expired", 401, "This sign-in has expired; sign in again.")
    AUTH_REVOKED = ("auth.revoked", 401, "This sign-in was revoked; sign in again.")
    AUTH_BAD_CREDENTIALS = ("auth.bad_credentials", 401, "Wrong username or password.")
    AUTH_USER_DISABLED = ("auth.user_disabled", 403, "This account is disabled.")
    FORBIDDEN_ROLE = ("access.role", 403, "Your role may not do this.")
    FORBIDDEN_SCOPE = ("access.scope", 403, "This is outside your area of responsibility.")

    USER_EXISTS = ("user.exists", 409, "A user with this username already exists.")
    USER_INVALID = ("user.invalid", 400, "The user account is not valid.")
    USER_NOT_FOUND = ("user.not_found", 404, "No such user.")

    FACILITY_NOT_FOUND = ("facility.not_found", 404, "No such facility.")
    FACILITY_IMPORT_INVALID = ("facility.import_invalid", 400, "The facility file has bad rows.")
    UNIT_NOT_FOUND = ("unit.not_found", 404, "No such administrative unit.")

    SYNC_TOO_MANY_RECORDS = ("sync.too_many_records", 413, "Too many records in one sync.")
    INSPECTION_CONFLICT = (
        "inspection.conflict",
        409,
        "An inspection with this id but other content was received before; it was kept"
        " unchanged and this version was set aside for review.",
    )
    INSPECTION_INVALID = ("inspection.invalid", 422, "The inspection was not accepted.")
    INSPECTION_NOT_FOUND = ("inspection.not_found", 404, "No such inspection.")
    KEPT_ASIDE_NOT_FOUND = ("kept_aside.not_found", 404, "No such kept-aside record.")
    ACTION_NOT_FOUND = ("action.not_found", 404, "No such corrective action.")
    ACTION_STATE = (
        "action.state",
        409,
        "The corrective action is not in a state that allows this.",
    )
    ACTION_DUE_PAST = ("action.due_past", 400, "The new due date has passed already.")
    PLAN_NOT_FOUND = ("plan.not_found", 404, "No such inspection plan.")
    PLAN_INVALID = ("plan.invalid", 400, "The inspection plan is not valid.")
    PLAN_VISIT_DONE = (
        "plan.visit_done",
        409,
        "The visit was already done by an inspection; it cannot be removed or moved.",
    )
    PHOTO_NOT_FOUND = ("photo.not_found", 404, "No such photo.")
    PHOTO_HASH_MISMATCH = (
        "photo.hash_mismatch",
        400,
        "The photo's SHA-256 does not match its address; it was damaged on the way.",
    )
    PHOTO_TYPE = ("photo.type", 415, "Only JPEG, PNG and WebP images are accepted.")

    PUSH_ENDPOINT_INSECURE = (
        "push.endpoint_insecure",
        400,
        "A push endpoint must be an https address (http only on 127.0.0.1 or localhost).",
    )
    PUSH_SUBSCRIPTION_INVALID = (
        "push.subscription_invalid",
        400,
        "The push subscription is not valid (its endpoint or its keys).",
    )

    FORM_NOT_FOUND = ("form.not_found", 404, "No such checklist or checklist version.")
    FORM_INVALID = ("form.invalid", 500, "A checklist definition is invalid.")
    FORM_CHANGED = ("form.changed", 500, "A published checklist version changed.")

    @property
    def code(self) -> str:
        return self.value[0]

    @property
    def status(self) -> int:
        return self.value[1]

    @property
    def default_message(self) -> str:
        return self.value[2]


class ErrorBody(msgspec.Struct):
    code: str
    message: str
    details: list[Any] = msgspec.field(default_factory=list)


class ErrorEnvelope(msgspec.Struct):
    error: ErrorBody


class AppError(Exception):
    def __init__(
        self,
        error: ErrorCode,
        message: str | None = None,
        details: list[Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.error = error
        self.message = message or error.default_message
        self.details = details or []
        self.headers = headers or {}
        super().__init__(f"{error.code}: {self.message}")


_BY_STATUS = {
    400: ErrorCode.BAD_REQUEST,
    401: ErrorCode.AUTH_REQUIRED,
    403: ErrorCode.FORBIDDEN_ROLE,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    413: ErrorCode.BODY_TOO_LARGE,
    429: ErrorCode.RATE_LIMITED,
    503: ErrorCode.UNAVAILABLE,
}


def envelope(
    error: ErrorCode,
    message: str | None = None,
    details: list[Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[ErrorEnvelope]:
    body = ErrorEnvelope(ErrorBody(error.code, message or error.default_message, details or []))
    return Response(body, status_code=error.status, headers=headers)


def _app_error(_: Request[Any, Any, Any], exc: AppError) -> Response[ErrorEnvelope]:
    return envelope(exc.error, exc.message, exc.details, exc.headers)


def _http_exception(_: Request[Any, Any, Any], exc: HTTPException) -> Response[ErrorEnvelope]:
    error = _BY_STATUS.get(exc.status_code, ErrorCode.INTERNAL)
    details: list[Any] = []
    extra = exc.extra
    if isinstance(extra, list):
        details = extra
    elif isinstance(extra, dict):
        details = [extra]
    message = error.default_message
    if exc.status_code == 400 and exc.detail:
        message = str(exc.detail)
    headers = dict(exc.headers or {})
    return envelope(error, message, details, headers or None)


def _too_deep(_: Request[Any, Any, Any], exc: RecursionError) -> Response[ErrorEnvelope]:
    """Values nested thousands deep exhaust the decoder's recursion: the request's fault.
    Any other runaway recursion is the server's."""
    if "deserializ" not in str(exc):
        return _unexpected(_, exc)
    log.warning("request refused: %s", exc)
    return envelope(ErrorCode.BAD_REQUEST, "The request nests values too deeply.")


RETRY_AFTER_SECONDS = 2


def _database_error(
    request: Request[Any, Any, Any], exc: sqlite3.OperationalError
) -> Response[ErrorEnvelope]:
    """The write lock never came within the busy timeout (another process holds it): a
    transient state, so 503 with a hint when to try again, as sync answers ``retry``."""
    if "locked" not in str(exc) and "busy" not in str(exc):
        return _unexpected(request, exc)
    log.warning("database busy: %s", exc)
    return envelope(ErrorCode.UNAVAILABLE, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def _unexpected(_: Request[Any, Any, Any], exc: Exception) -> Response[ErrorEnvelope]:
    log.exception("unhandled error", exc_info=exc)
    return envelope(ErrorCode.INTERNAL)


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    AppError: _app_error,
    HTTPException: _http_exception,
    RecursionError: _too_deep,
    sqlite3.OperationalError: _database_error,
    Exception: _unexpected,
}
