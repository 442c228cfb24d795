"""What the facility and administrative-unit endpoints return and accept."""

from __future__ import annotations

from typing import Any, Literal

import msgspec

Ownership = Literal["public", "community", "private"]
"""Công lập, dân lập, tư thục: the one ownership vocabulary (the CSV import also takes the
Vietnamese words)."""


class FacilityOut(msgspec.Struct):
    code: str
    name: str
    kind: str
    ownership: str
    province_code: str
    province_name: str
    commune_code: str
    commune_name: str
    legacy_district: str | None
    address: str | None
    latitude: float | None
    longitude: float | None
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None
    updated_at: str


class ImportResult(msgspec.Struct):
    created: int
    updated: int
    unchanged: int
    communes_created: int


class ProvinceOut(msgspec.Struct):
    code: str
    name: str
    name_en: str


class CommuneOut(msgspec.Struct):
    code: str
    province_code: str
    name: str


def facility_out(row: dict[str, Any]) -> FacilityOut:
    return msgspec.convert(row, FacilityOut, from_attributes=False, strict=False)
