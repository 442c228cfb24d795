"""The agencies an inspection team is drawn from, as data (``server/data/agencies.csv``).

The plan's joint inspections bring together the education department, the department now
in charge of child protection (Sở Y tế in most provinces since the 2025 merger) and commune
authorities; which agencies exist changes with reorganisations, so they are a data file,
not code. The phone offers these names when an inspector writes down the team, and any
other name may still be written.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from typing import Literal

import msgspec
from litestar import get

from server.openapi import api


class Agency(msgspec.Struct, frozen=True):
    name: str
    """The agency's name in Vietnamese, without the province or commune it serves."""
    name_en: str
    level: Literal["province", "commune"]


@cache
def agencies() -> tuple[Agency, ...]:
    with resources.files("server.data").joinpath("agencies.csv").open(encoding="utf-8") as f:
        return tuple(msgspec.convert(row, Agency) for row in csv.DictReader(f))


@get(
    "/api/agencies",
    **api(),
    tags=["units"],
    summary="Agencies",
    description="The agencies an inspection team is drawn from, from the server's data.",
    sync_to_thread=False,
)
def list_agencies() -> list[Agency]:
    return list(agencies())
