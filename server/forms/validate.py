"""Rules of the checklist format that the types in ``server.forms.schema`` cannot express.

``validate`` never raises: it returns every problem it finds, so an author fixes a file in
one pass instead of one error per start-up.
"""

from __future__ import annotations

import math
import re
from typing import Literal, NamedTuple

from server.forms.schema import (
    CHECK_ANSWERS,
    VETO_ANSWERS,
    Checklist,
    Condition,
    ConditionValue,
    Item,
)

FILE_NAME = re.compile(r"^(?P<id>.+)\.v(?P<version>[0-9]+)\.yaml$")

CHECK_ONLY = ("weight", "mandatory", "allow_na")
NUMBER_ONLY = ("min", "max", "integer", "unit")
# Kinds whose answer is free text, so a condition may compare it with a string.
TEXT_KINDS = ("text", "date")


class Problem(NamedTuple):
    """One thing wrong with a checklist, located by item or section id where possible."""

    item: str | None
    message: str
    where: Literal["item", "section"] = "item"


def expected_file_name(checklist: Checklist) -> str:
    return f"{checklist.id}.v{checklist.version}.yaml"


def validate(checklist: Checklist, file_name: str | None = None) -> list[Problem]:
    """Every semantic problem of ``checklist``; ``file_name`` (a bare name) is checked
    against ``<id>.v<version>.yaml`` when given, so the file tells which version it holds."""
    problems: list[Problem] = []
    if file_name is not None and file_name != expected_file_name(checklist):
        problems.append(
            Problem(
                None,
                f"file name must be '{expected_file_name(checklist)}' "
                f"(id '{checklist.id}', version {checklist.version})",
            )
        )

    seen_sections: set[str] = set()
    for section in checklist.sections:
        if section.id in seen_sections:
            problems.append(Problem(section.id, "duplicate section id", "section"))
        seen_sections.add(section.id)

    # Items in document order; a condition may only look at items already seen.
    earlier: dict[str, Item] = {}
    all_ids = {item.id for item in checklist.items()}
    for item in checklist.items():
        if item.id in earlier:
            problems.append(Problem(item.id, "duplicate item id"))
        problems.extend(Problem(item.id, message) for message in _item_problems(item))
        for index, condition in enumerate(item.show_if or []):
            for message in _condition_problems(item, condition, earlier, all_ids):
                problems.append(Problem(item.id, f"show_if[{index}]: {message}"))
        earlier.setdefault(item.id, item)

    checks = checklist.counted_checks()
    if not checks:
        problems.append(
            Problem(None, "the checklist has no item of kind 'check' (not advisory) to score")
        )
    if checklist.min_passed is not None and checklist.min_passed > len(checks):
        problems.append(
            Problem(
                None,
                f"min_passed is {checklist.min_passed} but the checklist has only "
                f"{len(checks)} checks that count (advisory checks never do)",
            )
        )
    if checklist.threshold is None and checklist.min_passed is None:
        problems.append(
            Problem(
                None,
                "threshold: null grades by count alone, so the checklist must set min_passed",
            )
        )
    return problems


def _item_problems(item: Item) -> list[str]:
    problems: list[str] = []
    if item.kind in ("check", "veto") and (item.legal_ref is None or not item.legal_ref.strip()):
        problems.append(f"a {item.kind} needs a legal_ref (the article it comes from)")
    if item.kind == "check":
        if item.weight is not None and not math.isfinite(item.weight):
            problems.append("weight must be a finite number")
        if item.advisory and item.mandatory:
            problems.append("an advisory check is a recommendation and cannot be mandatory")
        if item.mandatory and item.inferred:
            problems.append(
                "a mandatory check needs a source that requires it, but this one is marked "
                "inferred: make it advisory, or cite the article that makes it mandatory"
            )
    else:
        # Item.__post_init__ fills these only for checks, so a value here was written.
        for name in CHECK_ONLY:
            if getattr(item, name) is None:
                continue
            if item.kind == "veto" and name == "allow_na":
                problems.append("a veto is answered none or occurred; it cannot allow na")
            else:
                problems.append(f"{name} is only for checks, not kind '{item.kind}'")
    if item.advisory and item.kind != "check":
        problems.append(f"advisory is only for checks, not kind '{item.kind}'")

    if item.kind == "choice":
        if not item.choices:
            problems.append("a choice item needs a non-empty list of choices")
        else:
            values = [choice.value for choice in item.choices]
            duplicates = sorted({value for value in values if values.count(value) > 1})
            if duplicates:
                problems.append(f"duplicate choice values: {', '.join(duplicates)}")
    else:
        if item.choices is not None:
            problems.append(f"choices are only for kind 'choice', not '{item.kind}'")
        if item.multiple is not None:
            problems.append(f"multiple is only for kind 'choice', not '{item.kind}'")

    if item.kind == "number":
        if item.min is not None and item.max is not None and item.min > item.max:
            problems.append(f"min ({item.min:g}) is greater than max ({item.max:g})")
    else:
        problems.extend(
            f"{name} is only for kind 'number', not '{item.kind}'"
            for name in NUMBER_ONLY
            if getattr(item, name) is not None
        )
    return problems


def _condition_problems(
    item: Item, condition: Condition, earlier: dict[str, Item], all_ids: set[str]
) -> list[str]:
    operators = condition.operators()
    if len(operators) != 1:
        names = ", ".join(_op_name(op) for op in operators) or "none"
        return [f"a condition needs exactly one operator (found: {names})"]
    if condition.item == item.id:
        return [f"item '{item.id}' cannot depend on itself"]
    target = earlier.get(condition.item)
    if target is None:
        if condition.item in all_ids:
            return [f"refers to item '{condition.item}', which comes later; only earlier items"]
        return [f"refers to unknown item '{condition.item}'"]

    operator = operators[0]
    if operator == "answered":
        return []
    if operator in ("at_least", "at_most"):
        if target.kind != "number":
            return [f"{operator} works only on number items; '{target.id}' is a {target.kind} item"]
        return []
    value = getattr(condition, operator)
    values: list[ConditionValue] = value if isinstance(value, list) else [value]
    if operator == "in_" and not values:
        return ["'in' needs at least one value"]
    problems: list[str] = []
    for candidate in values:
        message = _value_problem(target, candidate)
        if message is not None:
            problems.append(f"{_op_name(operator)}: {message}")
    return problems


def _value_problem(target: Item, value: ConditionValue) -> str | None:
    """Why ``value`` can never be an answer to ``target``, or None when it can."""
    shown = repr(value)
    if target.kind == "check":
        allowed = [a for a in CHECK_ANSWERS if a != "na" or target.allow_na]
        if value not in allowed:
            extra = " ('na' is not allowed there)" if value == "na" else ""
            return (
                f"{shown} is not an answer of check '{target.id}'; "
                f"use one of {', '.join(allowed)}{extra}"
            )
    elif target.kind == "veto":
        if value not in VETO_ANSWERS:
            return f"{shown} is not an answer of veto '{target.id}'; use one of none, occurred"
    elif target.kind == "choice":
        allowed = [choice.value for choice in target.choices or []]
        # Without choices the target itself is reported; say nothing more here.
        if allowed and (not isinstance(value, str) or value not in allowed):
            return f"{shown} is not a choice of '{target.id}'; use one of {', '.join(allowed)}"
    elif target.kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"{shown} is not a number, but '{target.id}' is a number item"
    elif target.kind in TEXT_KINDS:
        if not isinstance(value, str):
            return f"{shown} is not text, but '{target.id}' is a {target.kind} item"
    else:
        return f"a {target.kind} item can only be tested with 'answered'"
    return None


def _op_name(operator: str) -> str:
    return "in" if operator == "in_" else operator
