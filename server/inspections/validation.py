"""Problems with a set of answers, checked against the exact checklist version used.

Intake rejects an inspection with any problem (naming the items), and ``score()`` assumes
there are none. The codes belong to the catalogue of ``server.inspections.problems``
(part of the API: the phone maps them to its own Vietnamese messages, so never rename one).

- ``unknown_item``: the answer's id is not an item of this checklist version.
- ``invalid_value``: the value has the wrong type or shape for the item's kind (a check not
  ``pass``/``fail``/``na``; a veto not ``none``/``occurred``; a choice not a string, or not
  a list of distinct strings when ``multiple``; a number that is not a finite number; a
  date not an existing ``YYYY-MM-DD`` day; a location not ``{"lat", "lon", "accuracy"?}``
  within range; photos not a list of distinct non-empty strings; a signature not a
  non-empty string; a text not a string).
- ``na_not_allowed``: a check answered ``na`` where the item does not allow it.
- ``unknown_choice``: a choice value (or one of several) is not among the item's choices.
- ``out_of_range``: a number below the item's ``min`` or above its ``max`` (inclusive).
- ``not_integer``: a number with a fraction where the item asks for an integer.
- ``required_missing``: a visible required item has no answer.

Answers for hidden items are allowed (the inspector may have answered before changing an
earlier answer) and kept, but their values are checked like any other. ``null``, ``""`` and
``[]`` mean "no answer" (see ``server.forms.conditions``), so they are never invalid.
An item gets at most one problem. Order: items in document order, then unknown ids sorted.
"""

from __future__ import annotations

import math
import re
from datetime import date

import msgspec

from server.forms.conditions import Answers, is_answered, visible_items
from server.forms.schema import VETO_ANSWERS, Checklist, Item
from server.inspections.problems import AnswerProblemCode

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LOCATION_KEYS = {"lat", "lon", "accuracy"}


class Problem(msgspec.Struct, forbid_unknown_fields=True):
    item_id: str
    code: AnswerProblemCode
    message: str
    """English, for logs and API users; the phone shows its own text for the code."""


def _number(value: object) -> float | None:
    """A finite JSON number as a float; ``None`` for anything else (booleans included)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer beyond the float range
        return None
    return number if math.isfinite(number) else None


def _distinct_strings(value: object) -> list[str] | None:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        return None
    return value if len(set(value)) == len(value) else None


def _check_problem(item: Item, value: object) -> tuple[AnswerProblemCode, str] | None:
    if value not in ("pass", "fail", "na"):
        return "invalid_value", "A check is answered pass, fail or na."
    if value == "na" and not item.allow_na:
        return "na_not_allowed", "This check must be answered pass or fail."
    return None


def _veto_problem(value: object) -> tuple[AnswerProblemCode, str] | None:
    if value not in VETO_ANSWERS:
        return "invalid_value", "A veto is answered none (did not happen) or occurred."
    return None


def _number_problem(item: Item, value: object) -> tuple[AnswerProblemCode, str] | None:
    number = _number(value)
    if number is None:
        return "invalid_value", "A number is expected."
    if item.integer and not number.is_integer():
        return "not_integer", "A whole number is expected."
    if (item.min is not None and number < item.min) or (item.max is not None and number > item.max):
        return "out_of_range", f"The number must be between {item.min} and {item.max}."
    return None


def _choice_problem(item: Item, value: object) -> tuple[AnswerProblemCode, str] | None:
    if item.multiple:
        chosen = _distinct_strings(value)
        if chosen is None:
            return "invalid_value", "A list of distinct choice values is expected."
    elif isinstance(value, str):
        chosen = [value]
    else:
        return "invalid_value", "One choice value is expected."
    allowed = {choice.value for choice in item.choices or ()}
    unknown = [v for v in chosen if v not in allowed]
    if unknown:
        return "unknown_choice", f"Not a choice of this item: {', '.join(unknown)}."
    return None


def _location_problem(value: object) -> tuple[AnswerProblemCode, str] | None:
    message = 'A location is {"lat", "lon", "accuracy"?} in degrees and metres.'
    if not isinstance(value, dict) or not {"lat", "lon"} <= value.keys() <= _LOCATION_KEYS:
        return "invalid_value", message
    lat, lon = _number(value["lat"]), _number(value["lon"])
    accuracy = value.get("accuracy")
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return "invalid_value", message
    if accuracy is not None and ((number := _number(accuracy)) is None or number < 0):
        return "invalid_value", message
    return None


def _date_problem(value: object) -> tuple[AnswerProblemCode, str] | None:
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            date.fromisoformat(value)
        except ValueError:
            pass
        else:
            return None
    return "invalid_value", "A date is written YYYY-MM-DD."


def value_problem(item: Item, value: object) -> tuple[AnswerProblemCode, str] | None:
    """The code and message for an answered value that does not fit the item, if any."""
    if item.kind == "check":
        return _check_problem(item, value)
    if item.kind == "veto":
        return _veto_problem(value)
    if item.kind == "number":
        return _number_problem(item, value)
    if item.kind == "choice":
        return _choice_problem(item, value)
    if item.kind == "location":
        return _location_problem(value)
    if item.kind == "date":
        return _date_problem(value)
    if item.kind == "photo":
        if _distinct_strings(value) is None:
            return "invalid_value", "A list of distinct photo hashes is expected."
        return None
    if item.kind == "signature":
        if not isinstance(value, str):
            return "invalid_value", "A signature is expected."
        return None
    if not isinstance(value, str):
        return "invalid_value", "A text is expected."
    return None


def answer_problems(
    checklist: Checklist, answers: Answers, visible: set[str] | None = None
) -> list[Problem]:
    """Every problem with these answers; an empty list means they may be scored and stored."""
    if visible is None:  # callers that also score pass it in, to compute it once
        visible = visible_items(checklist, answers)
    problems: list[Problem] = []
    known: set[str] = set()
    for item in checklist.items():
        known.add(item.id)
        value = answers.get(item.id)
        if is_answered(value):
            problem = value_problem(item, value)
            if problem is not None:
                problems.append(Problem(item.id, *problem))
        elif item.required and item.id in visible:
            problems.append(Problem(item.id, "required_missing", "This item must be answered."))
    for item_id in sorted(answers.keys() - known):
        problems.append(Problem(item_id, "unknown_item", "No such item in this checklist."))
    return problems
