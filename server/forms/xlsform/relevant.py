"""XLSForm ``relevant`` expressions ⇄ our ``show_if`` conditions, both directions.

Only the subset in ``docs/checklist-format.md`` is read: conditions joined by ``and``; an
``or`` only between equalities on one question, in parentheses (our ``in``). Export writes the same
subset, so every condition reads back as itself."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from server.forms.schema import Condition, ConditionValue, Item
from server.forms.xlsform.common import _Bad

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<ref>\$\{[^}]*\})
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<op>!=|>=|<=|=)
      | (?P<punct>[(),])
      | (?P<word>[A-Za-z_][A-Za-z0-9_-]*)
    )""",
    re.VERBOSE,
)
_REF = re.compile(r"^\$\{([a-z][a-z0-9_]*)\}$")


def _tokens(expression: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(expression):
        if not expression[position:].strip():
            break
        match = _TOKEN.match(expression, position)
        if match is None or match.lastgroup is None:
            raise _Bad(f"relevant: cannot read '{expression[position:].strip()}'")
        tokens.append((match.lastgroup, match[match.lastgroup]))
        position = match.end()
    return tokens


class _RelevantParser:
    """The subset of XPath that maps onto conditions: atoms joined by ``and``; an ``or`` only
    between equalities on one question, in parentheses (our ``in``)."""

    def __init__(self, expression: str) -> None:
        self.expression = expression
        self.tokens = _tokens(expression)
        self.position = 0

    def fail(self, why: str) -> _Bad:
        return _Bad(f"relevant '{self.expression}' is outside the supported subset: {why}")

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, kind: str, text: str | None = None) -> str:
        token = self.peek()
        if token is None or token[0] != kind or (text is not None and token[1] != text):
            wanted = text or kind
            found = "the end" if token is None else f"'{token[1]}'"
            raise self.fail(f"expected {wanted}, found {found}")
        self.position += 1
        return token[1]

    def parse(self) -> list[dict[str, Any]]:
        conditions = [self.conjunct()]
        while self.peek() is not None:
            self.take("word", "and")
            conditions.append(self.conjunct())
        return conditions

    def conjunct(self) -> dict[str, Any]:
        if self.peek() != ("punct", "("):
            return self.atom()
        self.take("punct", "(")
        atoms = [self.atom()]
        while self.peek() == ("word", "or"):
            self.take("word", "or")
            atoms.append(self.atom())
        self.take("punct", ")")
        items = {atom["item"] for atom in atoms}
        if all("equals" in atom for atom in atoms) and len(items) == 1:
            return {"item": atoms[0]["item"], "in": [atom["equals"] for atom in atoms]}
        if len(atoms) == 1:
            return atoms[0]
        raise self.fail("'or' is supported only between equalities on the same question")

    def reference(self) -> str:
        text = self.take("ref")
        match = _REF.match(text)
        if match is None:
            raise self.fail(f"'{text}' is not a question name")
        return match[1]

    def literal(self) -> ConditionValue:
        token = self.peek()
        if token is not None and token[0] == "string":
            self.position += 1
            return token[1][1:-1]
        return float(self.take("number"))

    def selected(self) -> dict[str, Any]:
        self.take("word", "selected")
        self.take("punct", "(")
        item = self.reference()
        self.take("punct", ",")
        value = self.literal()
        self.take("punct", ")")
        if not isinstance(value, str) or value == "":
            raise self.fail("selected() needs a choice name in quotes")
        return {"item": item, "equals": value}

    def atom(self) -> dict[str, Any]:
        token = self.peek()
        if token == ("word", "selected"):
            return self.selected()
        if token == ("word", "not"):
            self.take("word", "not")
            self.take("punct", "(")
            if self.peek() != ("word", "selected"):
                raise self.fail("not() is supported only around selected()")
            condition = self.selected()
            self.take("punct", ")")
            return {"item": condition["item"], "not_equals": condition["equals"]}
        if token is not None and token[0] == "word":
            raise self.fail(f"'{token[1]}' is not supported")
        item = self.reference()
        operator = self.take("op")
        value = self.literal()
        if value == "":
            if operator not in ("=", "!="):
                raise self.fail(f"'{operator} ''' means nothing")
            return {"item": item, "answered": operator == "!="}
        if operator in (">=", "<="):
            if isinstance(value, str):
                raise self.fail(f"'{operator}' needs a number")
            return {"item": item, "at_least" if operator == ">=" else "at_most": value}
        return {"item": item, "equals" if operator == "=" else "not_equals": value}


def parse_relevant(expression: str) -> list[dict[str, Any]]:
    """Conditions (as raw mappings) for an XLSForm ``relevant``; raises ``ValueError`` with
    the reason when the expression is outside the subset."""
    try:
        return _RelevantParser(expression).parse()
    except _Bad as exc:
        raise ValueError(str(exc)) from None


def _cell_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() and abs(value) < 1e15 else value


def _number_text(value: float) -> str:
    number = _cell_number(value)
    return str(number) if isinstance(number, int) else repr(float(number))


def _quote(value: str) -> str:
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    raise ValueError(f"the value {value!r} has both kinds of quote; XLSForm cannot hold it")


def _condition_text(condition: Condition, items: Mapping[str, Item]) -> str:
    target = items.get(condition.item)
    multiple = target is not None and target.kind == "choice" and bool(target.multiple)
    ref = "${" + condition.item + "}"

    def literal(value: ConditionValue) -> str:
        if isinstance(value, bool) or value == "":
            raise ValueError(f"condition on '{condition.item}' compares with {value!r}")
        return _quote(value) if isinstance(value, str) else _number_text(value)

    def equality(value: ConditionValue) -> str:
        if multiple and isinstance(value, str):
            return f"selected({ref}, {literal(value)})"
        return f"{ref} = {literal(value)}"

    operators = condition.operators()
    if len(operators) != 1:
        raise ValueError(f"a condition on '{condition.item}' needs exactly one operator")
    if condition.equals is not None:
        return equality(condition.equals)
    if condition.not_equals is not None:
        if multiple and isinstance(condition.not_equals, str):
            return f"not(selected({ref}, {literal(condition.not_equals)}))"
        return f"{ref} != {literal(condition.not_equals)}"
    if condition.in_ is not None:
        return "(" + " or ".join(equality(value) for value in condition.in_) + ")"
    if condition.at_least is not None:
        return f"{ref} >= {_number_text(condition.at_least)}"
    if condition.at_most is not None:
        return f"{ref} <= {_number_text(condition.at_most)}"
    return f"{ref} != ''" if condition.answered else f"{ref} = ''"
