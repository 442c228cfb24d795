"""Sign-in, sign-out, and user administration."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, patch, post
from litestar.datastructures import CacheControlHeader
from litestar.params import JSONBody, PathParameter, QueryParameter

from server.audit import store as audit
from server.auth import store
from server.auth.middleware import AuthedRequest, require_role
from server.auth.principal import Principal, Role
from server.auth.schemas import (
    CreateUserRequest,
    LoginRequest,
    LoginResponse,
    RevokeResponse,
    UpdateUserRequest,
    UserOut,
)
from server.auth.throttle import LoginThrottle
from server.db import SQLITE_MAX_INTEGER, transaction
from server.deps import Config, Db
from server.errors import AppError, ErrorCode
from server.openapi import BODY, api


def _user_out(row: dict[str, Any]) -> UserOut:
    return UserOut(
        id=row["id"],
        username=row["username"],
        display_name=row["display_name"] or row["username"],
        role=row["role"],
        province_code=row["province_code"],
        commune_codes=list(row["commune_codes"]),
        facility_code=row["facility_code"],
        agency=row["agency"],
        disabled=bool(row["disabled"]),
    )


def _principal_out(p: Principal) -> UserOut:
    return UserOut(
        id=p.user_id,
        username=p.username,
        display_name=p.display_name,
        role=p.role,
        province_code=p.province_code,
        commune_codes=list(p.commune_codes),
        facility_code=p.facility_code,
        agency=p.agency,
    )


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @post(
        "/login",
        **api(
            *BODY,
            ErrorCode.AUTH_BAD_CREDENTIALS,
            ErrorCode.AUTH_USER_DISABLED,
            ErrorCode.RATE_LIMITED,
            ErrorCode.UNAVAILABLE,
            public=True,
        ),
        cache_control=CacheControlHeader(no_store=True),  # the answer carries a token
        sync_to_thread=True,
        summary="Sign in",
        description="Exchange a username and password for a session token. The token works"
        " (offline too) until it expires or an admin revokes it. Failed sign-ins are"
        " throttled per account and address, per account and per address over a short"
        " sliding window: past a limit the answer is 429 (rate_limited) with Retry-After.",
    )
    def login(
        self,
        data: JSONBody[LoginRequest],
        db: Db,
        request: Request[Any, Any, Any],
        settings: Config,
    ) -> LoginResponse:
        throttle: LoginThrottle = request.app.state.login_throttle
        address = request.client.host if request.client else ""
        throttled = throttle.check(data.username, address)
        if throttled is not None:
            wait, newly = throttled
            if newly:
                with transaction(db):
                    audit.record(
                        db,
                        "login_throttled",
                        user_id=None,
                        subject=data.username.strip().lower(),
                        details={"address": address, "limits": newly, "retry_after": wait},
                    )
            raise AppError(
                ErrorCode.RATE_LIMITED,
                f"Too many failed sign-ins; try again in {wait} seconds.",
                headers={"Retry-After": str(wait)},
            )
        try:
            issued = store.login(
                db,
                data.username,
                data.password,
                session_days=settings.session_days,
                user_agent=request.headers.get("user-agent", ""),
            )
        except AppError as exc:
            if exc.error is ErrorCode.AUTH_BAD_CREDENTIALS:
                throttle.failed(data.username, address)
            raise
        throttle.succeeded(data.username, address)
        return LoginResponse(issued.token, issued.expires_at, _principal_out(issued.principal))

    @post(
        "/logout",
        **api(),
        status_code=204,
        sync_to_thread=True,
        summary="Sign out",
        description="Revoke the session whose token made this request.",
    )
    def logout(self, request: AuthedRequest, db: Db) -> None:
        if request.user.session_id is not None:
            store.revoke_session(db, request.user.session_id, request.user.user_id)

    @get(
        "/me",
        **api(),
        sync_to_thread=False,
        summary="Who am I",
        description="The signed-in user with role and scope (province, communes, facility).",
    )
    def me(self, request: AuthedRequest) -> UserOut:
        return _principal_out(request.user)


class UserController(Controller):
    path = "/api/users"
    tags = ["users"]
    guards = [require_role("admin")]

    @get(
        "/",
        **api(ErrorCode.BAD_REQUEST, ErrorCode.FORBIDDEN_ROLE),
        sync_to_thread=True,
        summary="List users",
        description="Accounts by username, optionally of one role and matching a search"
        " (username, name, province, facility or agency; accents optional). Admin only.",
    )
    def list_users(
        self,
        db: Db,
        role: Annotated[Role | None, QueryParameter(description="Only this role")] = None,
        q: Annotated[str | None, QueryParameter(description="Search text", max_length=100)] = None,
    ) -> list[UserOut]:
        return [_user_out(row) for row in store.list_users(db, role=role, q=q)]

    @post(
        "/",
        **api(*BODY, ErrorCode.FORBIDDEN_ROLE, ErrorCode.USER_INVALID, ErrorCode.USER_EXISTS),
        sync_to_thread=True,
        summary="Create a user",
        description="Create an account with a role and its scope: department (province and"
        " agency), inspector (province or communes), facility (one facility). Admin only.",
    )
    def create_user(
        self, request: AuthedRequest, data: JSONBody[CreateUserRequest], db: Db, settings: Config
    ) -> UserOut:
        user_id = store.create_user(
            db,
            store.NewUser(
                username=data.username,
                password=data.password,
                role=data.role,
                display_name=data.display_name,
                province_code=data.province_code,
                commune_codes=tuple(data.commune_codes),
                facility_code=data.facility_code,
                agency=data.agency,
            ),
            min_password_length=settings.password_min_length,
            actor_id=request.user.user_id,
        )
        return _user_out(store.get_user(db, user_id))

    @get(
        "/{user_id:int}",
        **api(ErrorCode.BAD_REQUEST, ErrorCode.FORBIDDEN_ROLE, ErrorCode.USER_NOT_FOUND),
        sync_to_thread=True,
        summary="One user",
        description="An account with its role and scope. Admin only.",
    )
    def get_user(
        self,
        user_id: Annotated[int, PathParameter(description="User id", ge=1, le=SQLITE_MAX_INTEGER)],
        db: Db,
    ) -> UserOut:
        return _user_out(store.get_user(db, user_id))

    @patch(
        "/{user_id:int}",
        **api(*BODY, ErrorCode.FORBIDDEN_ROLE, ErrorCode.USER_NOT_FOUND, ErrorCode.USER_INVALID),
        sync_to_thread=True,
        summary="Change a user",
        description="Change an account's display name, scope (province, communes, facility,"
        " agency) or whether it is disabled; disabling signs it out everywhere. The role"
        " stays. Checked like a new account; audited. Admin only.",
    )
    def update_user(
        self,
        request: AuthedRequest,
        user_id: Annotated[int, PathParameter(description="User id", ge=1, le=SQLITE_MAX_INTEGER)],
        data: JSONBody[UpdateUserRequest],
        db: Db,
    ) -> UserOut:
        change = store.UserChange(
            display_name=data.display_name,
            disabled=data.disabled,
            province_code=data.province_code,
            commune_codes=None if data.commune_codes is None else tuple(data.commune_codes),
            facility_code=data.facility_code,
            agency=data.agency,
        )
        store.update_user(db, user_id, change, actor_id=request.user.user_id)
        return _user_out(store.get_user(db, user_id))

    @post(
        "/{user_id:int}/revoke-sessions",
        **api(ErrorCode.BAD_REQUEST, ErrorCode.FORBIDDEN_ROLE, ErrorCode.USER_NOT_FOUND),
        status_code=200,
        sync_to_thread=True,
        summary="Revoke a user's sessions",
        description="Sign a user out everywhere, e.g. after a phone is lost. Admin only.",
    )
    def revoke_sessions(
        self,
        request: AuthedRequest,
        user_id: Annotated[int, PathParameter(description="User id", ge=1, le=SQLITE_MAX_INTEGER)],
        db: Db,
    ) -> RevokeResponse:
        return RevokeResponse(
            store.revoke_user_sessions(db, user_id, actor_id=request.user.user_id)
        )
