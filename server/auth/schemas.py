"""What the sign-in and user endpoints accept and return."""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

from server.auth.principal import Role
from server.auth.store import PASSWORD_MAX_LENGTH


class LoginRequest(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=PASSWORD_MAX_LENGTH)]


class UserOut(msgspec.Struct):
    id: int
    username: str
    display_name: str
    role: str
    province_code: str | None
    commune_codes: list[str]
    facility_code: str | None
    agency: str | None
    disabled: bool = False


class LoginResponse(msgspec.Struct):
    token: str
    expires_at: str
    user: UserOut


class CreateUserRequest(msgspec.Struct, forbid_unknown_fields=True):
    username: str
    password: str
    role: Role
    display_name: str = ""
    province_code: str | None = None
    commune_codes: list[str] = msgspec.field(default_factory=list)
    facility_code: str | None = None
    agency: str | None = None


class UpdateUserRequest(msgspec.Struct, forbid_unknown_fields=True):
    """What to change of an account; fields left out stay as they are."""

    display_name: Annotated[str, Meta(max_length=120)] | None = None
    """Not empty (``user.invalid``, field display_name, code display_name_required)."""
    disabled: bool | None = None
    province_code: str | None = None
    commune_codes: list[str] | None = None
    facility_code: str | None = None
    agency: str | None = None


class RevokeResponse(msgspec.Struct):
    revoked: int
