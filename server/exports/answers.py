"""The answers of one checklist version decoded straight into cells, in C.

An export spreads every stored record into one cell per item. Decoding the answers into a
dict and then looking at each value in Python cost more than reading the rows from SQLite;
instead msgspec decodes them into a struct made for the version, each item typed by what
intake accepts for its kind (``server.inspections.validation``), and ``attrgetter`` picks
the cells in order. Only the few cells a type cannot settle (texts, lists, locations) are
looked at one by one. A record that does not fit the types (an unanswered ``[]`` where a
check is expected, a value intake would refuse today) raises ``ValidationError``: the
caller then spreads it the slow, general way, so the cells are the same either way
(``tests/unit/test_export_answers.py`` holds the two ways equal).
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any, Literal, cast

import msgspec

from server.forms.schema import CHECK_ANSWERS, VETO_ANSWERS, Checklist, Item
from server.spreadsheets import spreadsheet_safe

Kind = Literal["as_is", "text", "list", "location"]
"""How a decoded answer becomes a cell: ``as_is`` (a number, None or a text that is safe in
a spreadsheet by its type), ``text`` (any text: it may start like a formula), ``list``
(texts joined by spaces) or ``location`` ("lat lon accuracy"); the last three are texts
that may start like a formula."""


class Location(msgspec.Struct):
    """A location answer; a missing key is written as an empty text, as ``dict.get``
    with ``""`` does in ``server.exports.table``."""

    lat: int | float | str = ""
    lon: int | float | str = ""
    accuracy: int | float | str = ""


def _literal(values: tuple[str, ...]) -> Any:
    return Literal[values]  # noqa: PYI061 (built at run time from the checklist)


def _type_of(item: Item) -> tuple[Any, Kind]:
    """The msgspec type an item's answer decodes to, and what its cell then needs.
    ``""`` and ``None`` are the unanswered values a literal can take (a ``[]`` fails and
    goes the general way)."""
    if item.kind in ("check", "veto"):
        values = CHECK_ANSWERS if item.kind == "check" else VETO_ANSWERS
        return _literal((*values, "")) | None, "as_is"
    if item.kind == "number":
        return int | float | None, "as_is"
    if item.kind == "choice" and not item.multiple:
        values = tuple(choice.value for choice in item.choices or ())
        if values and all(spreadsheet_safe(v) == v for v in values):
            return _literal((*values, "")) | None, "as_is"
        return str | None, "text"
    if item.kind == "location":
        return Location | str | None, "location"
    if item.kind == "photo" or item.multiple:
        return list[str] | str | None, "list"
    return str | None, "text"


class Answers:
    """Decodes a stored record's answers (and the fields ``decode`` is given) into a
    struct; ``cells`` turns one into the item cells, in the checklist's order."""

    def __init__(self, checklist: Checklist, record_fields: list[tuple[str, Any, Any]]) -> None:
        items = list(checklist.items())
        typed = [(item, *_type_of(item)) for item in items]
        struct = msgspec.defstruct(
            "TypedAnswers", [(item.id, kind, None) for item, kind, _ in typed]
        )
        record = msgspec.defstruct(
            "TypedRecord",
            [("answers", struct, msgspec.field(default_factory=struct)), *record_fields],
        )
        self._decoder = msgspec.json.Decoder(record)
        ids = [item.id for item in items]
        self._get: Callable[[Any], tuple[Any, ...]] = (
            cast(Callable[[Any], tuple[Any, ...]], attrgetter(*ids))
            if len(ids) > 1
            else (lambda answers: tuple(getattr(answers, i) for i in ids))
        )
        self.texts = [n for n, (_, _, how) in enumerate(typed) if how != "as_is"]
        """Positions of the cells that may hold any text."""
        self._lists = [n for n, (_, _, how) in enumerate(typed) if how == "list"]
        self._locations = [n for n, (_, _, how) in enumerate(typed) if how == "location"]

    def decode(self, payload: str | bytes) -> Any:
        """The record (raises ``msgspec.ValidationError`` if it does not fit)."""
        return self._decoder.decode(payload)

    def cells(self, record: Any) -> list[Any]:
        """The item cells in the checklist's order (texts not yet spreadsheet-safe)."""
        cells = list(self._get(record.answers))
        for n in self._lists:
            if type(value := cells[n]) is list:
                cells[n] = " ".join(value)
        for n in self._locations:
            if type(value := cells[n]) is Location:
                cells[n] = f"{value.lat} {value.lon} {value.accuracy}"
        return cells
