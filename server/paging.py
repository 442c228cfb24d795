"""The one shape of a page of a list, for every paged endpoint."""

from __future__ import annotations

from typing import Generic, TypeVar

import msgspec

T = TypeVar("T")


class Page(msgspec.Struct, Generic[T]):
    """One page of a list: its items, how many there are in all, and which page it is.
    Stores return ``Page[row]``; endpoints return ``Page[ItemOut]`` (named ``Page[ItemOut]``
    in the OpenAPI document)."""

    items: list[T]
    total: int
    page: int
    per_page: int
