"""Which items of a checklist are shown, given the answers so far.

The phone (``pwa/js``) implements exactly the same rules for the live form, and the shared
vectors in ``tests/vectors/scoring`` pin them down for both sides. The rules:

1. **Answered.** An item is answered when its id is in the answers and the value is not
   ``null``, not the empty string and not the empty list. (The phone may keep ``""`` after
   a text is cleared, or ``[]`` after the last photo is removed: both mean "no answer".)
2. **Document order.** Items are evaluated in document order (sections, then items). An
   item without ``show_if`` (or with an empty one) is visible; otherwise it is visible when
   *every* condition holds.
3. **Hidden chains.** A condition looks at the item it names. When that item is not
   shown (hidden, or, in a form that validation would refuse, later in the document or
   unknown), the condition fails whatever its operator, ``answered: false`` included: a
   hidden item hides its dependants in turn. Otherwise the answer is *present* when the
   item is answered. (No checklist published before this rule uses ``answered`` on an
   item that can be hidden, so their results do not change.)
4. **Operators.** A validated form sets exactly one operator per condition; if several are
   set, all must hold (none set: the condition holds).

   - ``answered: true`` holds when the answer is present; ``answered: false`` when the
     item is shown but not answered. These are the only operators that can hold for an
     answer that is not present.
   - ``equals: v`` holds when the answer is present and matches ``v``;
     ``not_equals: v`` holds when it is present and does not match ``v``;
     ``in: [v, …]`` holds when it is present and matches one of the values.
   - For a list answer (multiple choice, photos), ``equals``/``in`` hold when *any* element
     matches, and ``not_equals`` holds when *no* element matches (so an empty selection
     never reaches here: it is not answered).
   - ``at_least: n`` / ``at_most: n`` hold when the answer is present, is a number (not a
     boolean, not a list, not a numeric string) and is ``>= n`` / ``<= n``.
5. **Matching.** Strings match equal strings (exact, case-sensitive). Numbers match numbers
   of equal value (``3`` matches ``3.0``). Booleans match only booleans (``true`` never
   matches ``1``, as with JavaScript's ``===``). Nothing else matches (e.g. a location).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeGuard

from server.forms.schema import Checklist, Condition, ConditionValue

Answers = Mapping[str, object]
"""Answers keyed by item id, as decoded from JSON."""


def is_answered(value: object) -> bool:
    """Rule 1: ``None``, ``""`` and ``[]`` count as no answer, like an absent key."""
    return value is not None and value != "" and value != []


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _matches(answer: object, expected: ConditionValue) -> bool:
    """Rule 5: type-strict equality, the same as JavaScript's ``===`` on JSON values."""
    if isinstance(expected, bool) or isinstance(answer, bool):
        return isinstance(expected, bool) and isinstance(answer, bool) and answer is expected
    if isinstance(expected, str):
        return isinstance(answer, str) and answer == expected
    return _is_number(answer) and answer == expected


def _any_matches(answer: object, expected: list[ConditionValue]) -> bool:
    elements = answer if isinstance(answer, list) else [answer]
    return any(_matches(element, value) for element in elements for value in expected)


def condition_holds(condition: Condition, answers: Answers, visible: set[str]) -> bool:
    """Rules 3–5 for one condition; ``visible`` holds the items shown so far."""
    if condition.item not in visible:
        return False  # rule 3: a hidden item hides its dependants, whatever the operator
    answer = answers.get(condition.item)
    present = is_answered(answer)
    if condition.answered is not None and condition.answered != present:
        return False
    if not present:
        # Only ``answered`` can hold for an answer that is not present.
        return all(op == "answered" for op in condition.operators())
    if condition.equals is not None and not _any_matches(answer, [condition.equals]):
        return False
    if condition.not_equals is not None and _any_matches(answer, [condition.not_equals]):
        return False
    if condition.in_ is not None and not _any_matches(answer, condition.in_):
        return False
    if condition.at_least is not None and not (_is_number(answer) and answer >= condition.at_least):
        return False
    return condition.at_most is None or (_is_number(answer) and answer <= condition.at_most)


def visible_items(checklist: Checklist, answers: Answers) -> set[str]:
    """Ids of the items shown for these answers (rule 2: one pass in document order)."""
    visible: set[str] = set()
    for item in checklist.items():
        # most items have no condition: skipping the generator for them halves the time here
        if not item.show_if or all(condition_holds(c, answers, visible) for c in item.show_if):
            visible.add(item.id)
    return visible
