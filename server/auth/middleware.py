"""Authentication for every route not marked ``opt={"exclude_from_auth": True}``: deny by
default, so a new endpoint is private unless someone decides otherwise."""

from __future__ import annotations

from typing import TypeAlias

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware.authentication import (
    AbstractAuthenticationMiddleware,
    AuthenticationResult,
)
from litestar.types import Guard

from server.auth.principal import Principal, Role
from server.auth.store import authenticate
from server.db import ConnectionPool
from server.errors import AppError, ErrorCode

PUBLIC = {"exclude_from_auth": True}

AuthedRequest: TypeAlias = Request[Principal, str, State]
"""A request that passed this middleware: ``request.user`` is the caller."""


class BearerTokenMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:  # type: ignore[type-arg]
        header = connection.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AppError(ErrorCode.AUTH_REQUIRED)
        pool: ConnectionPool = connection.app.state.pool
        with pool.connection() as db:
            principal = authenticate(db, token.strip())
        return AuthenticationResult(user=principal, auth=token)


def require_role(*roles: Role) -> Guard:
    """A guard letting only the given roles through; scope checks happen in the handler,
    where the object being read is known."""

    def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:  # type: ignore[type-arg]
        user = connection.scope.get("user")  # connection.user raises when there is none
        if user is None:
            raise AppError(ErrorCode.AUTH_REQUIRED)
        if not isinstance(user, Principal) or user.role not in roles:
            raise AppError(ErrorCode.FORBIDDEN_ROLE)

    guard.__name__ = f"require_role({', '.join(roles)})"
    return guard
