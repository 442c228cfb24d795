"""The checklist format: typed structures that the YAML files in ``forms/`` decode into.

One file holds one version of one checklist. The same structures are served to the phone
as JSON, and ``msgspec.json.schema(Checklist)`` is the published JSON Schema for editors.
Rules that a type cannot express (unique ids, conditions pointing backwards, …) live in
``server.forms.validate``.
"""

from __future__ import annotations

import inspect
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

FacilityKind = Literal[
    "preschool",
    "independent_childcare",
    "primary",
    "lower_secondary",
    "upper_secondary",
    "multi_level",
    "after_hours_childcare",
]
FACILITY_KINDS: tuple[str, ...] = FacilityKind.__args__  # type: ignore[attr-defined]

ItemKind = Literal[
    "check", "veto", "number", "text", "choice", "photo", "signature", "location", "date"
]
ITEM_KINDS: tuple[str, ...] = ItemKind.__args__  # type: ignore[attr-defined]

CheckAnswer = Literal["pass", "fail", "na"]
CHECK_ANSWERS: tuple[str, ...] = CheckAnswer.__args__  # type: ignore[attr-defined]

VetoAnswer = Literal["none", "occurred"]
VETO_ANSWERS: tuple[str, ...] = VetoAnswer.__args__  # type: ignore[attr-defined]

ChecklistId = Annotated[
    str,
    Meta(
        pattern=r"^[a-z][a-z0-9-]{1,62}[a-z0-9]$",
        description="Lower-case letters, digits and dashes; stable forever.",
    ),
]
ItemId = Annotated[
    str,
    Meta(
        pattern=r"^[a-z][a-z0-9_]{0,63}$",
        description="Lower-case letters, digits and underscores; unique within the checklist.",
    ),
]
NonEmpty = Annotated[str, Meta(min_length=1)]
ConditionValue = str | float | bool


class Text(msgspec.Struct, forbid_unknown_fields=True):
    """Text in both languages of the app: Vietnamese first, English second."""

    vi: NonEmpty
    en: NonEmpty


class Condition(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """A test on the answer to an earlier item. Exactly one operator is set.

    An item that is hidden, or not answered, satisfies only ``answered: false``. For a
    multiple choice answer, ``equals``/``in`` hold when any chosen value matches.
    """

    item: ItemId
    equals: ConditionValue | None = None
    not_equals: ConditionValue | None = None
    in_: list[ConditionValue] | None = msgspec.field(default=None, name="in")
    at_least: float | None = None
    at_most: float | None = None
    answered: bool | None = None

    OPERATORS = ("equals", "not_equals", "in_", "at_least", "at_most", "answered")

    def operators(self) -> list[str]:
        return [op for op in self.OPERATORS if getattr(self, op) is not None]


class Choice(msgspec.Struct, forbid_unknown_fields=True):
    value: Annotated[str, Meta(pattern=r"^[a-z0-9_]{1,64}$")]
    label: Text


class Item(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """One question. ``check`` items are scored and ``veto`` items (an event that happened
    or not) can fail an inspection on their own (see docs/scoring.md); the others carry
    information. Check-only fields (``weight``, ``mandatory``, ``allow_na``) are filled with
    their defaults for checks and must be absent on other kinds."""

    id: ItemId
    kind: ItemKind
    text: Text
    help: Text | None = None
    legal_ref: str | None = None
    inferred: bool = False
    """True when the item is good practice inferred from the regulations rather than
    stated by the cited article; such a check can be advisory, never mandatory."""
    required: bool | None = None
    """Defaults to true for checks and vetoes, false for other kinds."""
    show_if: list[Condition] | None = None
    """Shown only when every condition holds; a hidden item is neither scored nor required."""
    weight: Annotated[float, Meta(gt=0)] | None = None
    mandatory: bool | None = None
    allow_na: bool | None = None
    advisory: bool = False
    """A check that no regulation requires (a recommendation): answered and shown, never
    counted in the score, the result or ``min_passed``, never mandatory."""
    choices: list[Choice] | None = None
    multiple: bool | None = None
    min: float | None = None
    max: float | None = None
    integer: bool | None = None
    unit: Text | None = None

    def __post_init__(self) -> None:
        if self.required is None:
            self.required = self.kind in ("check", "veto")
        if self.kind == "check":
            if self.weight is None:
                self.weight = 1.0
            if self.mandatory is None:
                self.mandatory = False
            if self.allow_na is None:
                self.allow_na = False
        elif self.kind == "choice" and self.multiple is None:
            self.multiple = False


class Section(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    id: ItemId
    title: Text
    items: Annotated[list[Item], Meta(min_length=1)]
    help: Text | None = None


class Checklist(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """One version of one checklist. A published version never changes: edit by adding a
    file with the next version number."""

    id: ChecklistId
    version: Annotated[int, Meta(ge=1)]
    title: Text
    applies_to: Annotated[list[FacilityKind], Meta(min_length=1)]
    sections: Annotated[list[Section], Meta(min_length=1)]
    description: Text | None = None
    legal_basis: list[NonEmpty] = msgspec.field(default_factory=list)
    threshold: Annotated[float, Meta(ge=0, le=100)] | None = 80.0
    """Pass mark: 100 × passed weight must reach threshold × assessed weight. ``null`` for a
    checklist graded by count alone (TT 45/2021), which must then set ``min_passed``."""
    min_passed: Annotated[int, Meta(ge=1)] | None = None
    """Least number of checks answered pass for the result to be passed (TT 45/2021)."""
    validity_days: Annotated[int, Meta(ge=1)] = 365
    """Days an inspection stays current before the facility is overdue."""

    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]

    def item(self, item_id: str) -> Item:
        """The item with this id; KeyError when this version has none."""
        for item in self.items():
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def checks(self) -> list[Item]:
        """Every check, advisory ones included."""
        return [item for item in self.items() if item.kind == "check"]

    def counted_checks(self) -> list[Item]:
        """The criteria: checks that count in the score, the result and ``min_passed``."""
        return [item for item in self.checks() if not item.advisory]


def json_schema() -> dict[str, object]:
    """The published JSON Schema of a checklist file."""
    schema = clean_descriptions(msgspec.json.schema(Checklist))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Safe-school checklist"
    return schema


def clean_descriptions(node: object) -> dict[str, object]:
    """Strip docstring indentation from every ``description``, as ``inspect.cleandoc`` does.

    msgspec before 0.23 kept the indentation of a docstring's later lines and 0.23 strips
    it: cleaning here makes the published schema the same whatever msgspec is installed.
    """
    cleaned = _clean(node)
    assert isinstance(cleaned, dict)
    return cleaned


def _clean(node: object) -> object:
    if isinstance(node, dict):
        return {
            key: inspect.cleandoc(value)
            if key == "description" and isinstance(value, str)
            else _clean(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_clean(value) for value in node]
    return node
