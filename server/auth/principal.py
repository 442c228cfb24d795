"""Who is asking, and what they may see.

Scope rules, used by every domain that lists or reads facility data:
- admin: everything;
- department: one province (with an agency name);
- inspector: the listed communes when there are any, otherwise one whole province;
- facility: one facility.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from server.errors import AppError, ErrorCode

Role = Literal["admin", "department", "inspector", "facility"]
ROLES: tuple[str, ...] = Role.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Principal:
    user_id: int
    username: str
    display_name: str
    role: Role
    province_code: str | None = None
    commune_codes: tuple[str, ...] = ()
    facility_code: str | None = None
    agency: str | None = None
    session_id: int | None = None

    def facility_filter(self, alias: str = "facilities") -> tuple[str, list[str]]:
        """An SQL predicate over the facilities table limiting rows to this scope."""
        if self.role == "admin":
            return "1 = 1", []
        if self.role == "facility":
            return f"{alias}.code = ?", [self.facility_code or ""]
        if self.role == "inspector" and self.commune_codes:
            marks = ", ".join("?" for _ in self.commune_codes)
            return f"{alias}.commune_code IN ({marks})", list(self.commune_codes)
        return f"{alias}.province_code = ?", [self.province_code or ""]

    def can_see_facility(self, code: str, province_code: str, commune_code: str) -> bool:
        if self.role == "admin":
            return True
        if self.role == "facility":
            return code == self.facility_code
        if self.role == "inspector" and self.commune_codes:
            return commune_code in self.commune_codes
        return province_code == self.province_code

    def require_facility(self, code: str, province_code: str, commune_code: str) -> None:
        if not self.can_see_facility(code, province_code, commune_code):
            raise AppError(ErrorCode.FORBIDDEN_SCOPE)
