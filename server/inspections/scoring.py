"""The official score of one inspection (docs/scoring.md), as a pure function.

``score()`` assumes answers that ``server.inspections.validation.answer_problems`` accepted:
intake must reject answers with problems before scoring. Given invalid answers anyway it
does not guess: a check answer other than ``pass``/``fail`` (a disallowed ``na``, a typo)
counts in neither passed nor failed weight, exactly like ``na``.

Decisions beyond docs/scoring.md, mirrored by ``pwa/js/scoring.js`` and the shared vectors:

- Arithmetic is exact. Each weight and the threshold are read as the decimal they are
  written as (``Fraction(str(x))``: ``0.1`` is one tenth), so ``100 × P ≥ threshold × (P + F)``
  never flips because of binary floating point, and ``score_display`` rounds the exact
  value half up (12.25 → "12.3"; 79.99 → "80.0" while the result is still failed).
- ``score`` is the exact score converted to the nearest float, unrounded.
- Per section: the same formula over the section's visible counted checks (vetoes and
  advisory checks left out). A section is ``not_assessed`` when its P + F = 0, ``failed``
  when it misses the checklist threshold (if the checklist has one) or one of *its* visible
  mandatory checks failed, ``passed`` otherwise. ``min_passed`` counts criteria across the
  whole checklist (TT 45/2021) and a veto concerns the whole site, so both apply only to
  the overall result.
- ``reasons`` is empty unless the result is ``failed``; a section has no reasons.
- ``missing_required`` does not change the result: such an inspection is a draft that
  cannot be completed, but the phone still shows its live score.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterable
from fractions import Fraction
from functools import lru_cache
from typing import Literal

import msgspec

from server.forms.conditions import Answers, is_answered, visible_items
from server.forms.schema import Checklist, Item

Result = Literal["passed", "failed", "not_assessed"]
ReasonCode = Literal["veto", "mandatory", "threshold", "min_passed"]
REASON_CODES: tuple[str, ...] = ReasonCode.__args__  # type: ignore[attr-defined]


class Reason(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Why a result is ``failed``, naming its items or figures (docs/scoring.md):
    ``veto`` and ``mandatory`` name ``items``; ``threshold`` gives ``score_display`` and
    ``threshold``; ``min_passed`` gives ``passed_count`` and ``min_passed``."""

    code: ReasonCode
    items: list[str] = msgspec.field(default_factory=list)
    score_display: str | None = None
    threshold: float | None = None
    passed_count: int | None = None
    min_passed: int | None = None


class SectionScore(msgspec.Struct, forbid_unknown_fields=True):
    """The section's checks alone; see the module docstring for what ``result`` means."""

    id: str
    passed_weight: float
    failed_weight: float
    score: float | None
    score_display: str | None
    result: Result
    passed_count: int


class FailedCheck(msgspec.Struct, forbid_unknown_fields=True):
    item_id: str
    section_id: str
    mandatory: bool
    weight: float
    legal_ref: str | None


class ScoreResult(msgspec.Struct, forbid_unknown_fields=True):
    passed_weight: float
    failed_weight: float
    score: float | None
    """100 × P / (P + F), unrounded; ``None`` when nothing was assessed."""
    score_display: str | None
    """The exact score rounded half up to one decimal, e.g. ``"83.3"``."""
    result: Result
    passed_count: int
    """Visible counted checks answered ``pass`` (compared with ``min_passed``)."""
    sections: list[SectionScore]
    failed_checks: list[FailedCheck]
    """Visible counted checks answered ``fail``: mandatory ones first, then document order."""
    missing_required: list[str]
    """Visible required items without an answer, in document order."""
    reasons: list[Reason] = msgspec.field(default_factory=list)
    """Why the result is ``failed``, in the order veto, mandatory, threshold, min_passed.
    Results stored before reasons existed lack them: read them with ``reasons_of``."""
    recommendations: list[FailedCheck] = msgspec.field(default_factory=list)
    """Visible advisory checks answered ``fail``, in document order; they never count."""


class StoredOutcome(msgspec.Struct):
    """The parts of a stored ``ScoreResult`` that say why it failed; decoding only these
    keeps lists of many inspections cheap."""

    result: Result
    passed_weight: float
    failed_weight: float
    passed_count: int
    failed_checks: list[FailedCheck]
    reasons: list[Reason] = msgspec.field(default_factory=list)


@lru_cache(maxsize=4096)
def exact(number: float) -> Fraction:
    """The decimal a form author wrote, exactly: ``exact(0.1) == Fraction(1, 10)``."""
    return Fraction(str(number))


def display(value: Fraction) -> str:
    """Round a non-negative exact score half up to one decimal."""
    return _display_ratio(value.numerator, 100 * value.denominator)


def _display_ratio(passed: int, assessed: int) -> str:
    """100 × passed / assessed rounded half up to one decimal, in integers only:
    tenths = floor(1000 P / A + 1/2) = (2000 P + A) // (2 A)."""
    tenths = (2000 * passed + assessed) // (2 * assessed)
    return f"{tenths // 10}.{tenths % 10}"


class _Units:
    """Every check weight of one checklist as a whole number of 1/denominator units, so
    tallies add integers (exact and fast) and fractions appear only in the final ratios."""

    def __init__(self, checklist: Checklist) -> None:
        weights = {item.id: exact(_weight(item)) for item in checklist.checks()}
        self.denominator = math.lcm(1, *(w.denominator for w in weights.values()))
        self.of = {item_id: int(w * self.denominator) for item_id, w in weights.items()}


def _weight(item: Item) -> float:
    return item.weight if item.weight is not None else 1.0


# Checklists are immutable once loaded; remember their units by identity (the stored
# checklist object is kept, so an id is never reused while its entry lives).
_UNITS: OrderedDict[int, tuple[Checklist, _Units]] = OrderedDict()


def _units_of(checklist: Checklist) -> _Units:
    cached = _UNITS.get(id(checklist))
    if cached is not None and cached[0] is checklist:
        _UNITS.move_to_end(id(checklist))
        return cached[1]
    units = _Units(checklist)
    _UNITS[id(checklist)] = (checklist, units)
    if len(_UNITS) > 256:
        _UNITS.popitem(last=False)
    return units


class _Tally:
    """Weights (in units) of the visible checks of one scope: a section or the whole."""

    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0
        self.passed_count = 0
        self.mandatory_failed: list[str] = []

    def add(self, item: Item, units: int, answer: object) -> None:
        if answer == "pass":
            self.passed += units
            self.passed_count += 1
        elif answer == "fail":
            self.failed += units
            if item.mandatory:
                self.mandatory_failed.append(item.id)

    def extend(self, other: _Tally) -> None:
        self.passed += other.passed
        self.failed += other.failed
        self.passed_count += other.passed_count
        self.mandatory_failed.extend(other.mandatory_failed)

    def score(self) -> float | None:
        """The exact score as the nearest float (integer true division rounds correctly)."""
        assessed = self.passed + self.failed
        return None if assessed == 0 else 100 * self.passed / assessed

    def display(self) -> str | None:
        assessed = self.passed + self.failed
        return None if assessed == 0 else _display_ratio(self.passed, assessed)

    def below(self, threshold: Fraction | None) -> bool:
        """100 × P < threshold × (P + F), exactly; never below when there is no threshold."""
        assessed = self.passed + self.failed
        if threshold is None:
            return False
        return 100 * self.passed * threshold.denominator < threshold.numerator * assessed

    def result(self, threshold: Fraction | None) -> Result:
        """A section's result: its mandatory checks and the threshold, nothing else."""
        if self.passed + self.failed == 0:
            return "not_assessed"
        return "failed" if self.mandatory_failed or self.below(threshold) else "passed"

    def reasons(self, checklist: Checklist, threshold: Fraction | None) -> list[Reason]:
        """Why the whole checklist fails on its counted checks, in the rules' order."""
        reasons: list[Reason] = []
        if self.mandatory_failed:
            reasons.append(Reason("mandatory", items=list(self.mandatory_failed)))
        if self.below(threshold):
            assert checklist.threshold is not None
            reasons.append(
                Reason("threshold", score_display=self.display(), threshold=checklist.threshold)
            )
        minimum = checklist.min_passed
        if minimum is not None and self.passed_count < minimum:
            reasons.append(Reason("min_passed", passed_count=self.passed_count, min_passed=minimum))
        return reasons


def _section_score(
    section_id: str, tally: _Tally, threshold: Fraction | None, denominator: int
) -> SectionScore:
    return SectionScore(
        id=section_id,
        passed_weight=tally.passed / denominator,
        failed_weight=tally.failed / denominator,
        score=tally.score(),
        score_display=tally.display(),
        result=tally.result(threshold),
        passed_count=tally.passed_count,
    )


def _ordered_failures(failures: Iterable[FailedCheck]) -> list[FailedCheck]:
    """Mandatory first; ``sorted`` is stable, so document order is kept within each group."""
    return sorted(failures, key=lambda failure: not failure.mandatory)


def _failed_check(item: Item, section_id: str) -> FailedCheck:
    return FailedCheck(
        item_id=item.id,
        section_id=section_id,
        mandatory=bool(item.mandatory),
        weight=_weight(item),
        legal_ref=item.legal_ref,
    )


def _overall(
    total: _Tally, vetoes: list[str], checklist: Checklist, threshold: Fraction | None
) -> tuple[Result, list[Reason]]:
    """A visible veto answered ``occurred`` fails the inspection even when nothing was
    assessed (then it is the only reason); otherwise nothing assessed is ``not_assessed``."""
    veto = [Reason("veto", items=vetoes)] if vetoes else []
    if total.passed + total.failed == 0:
        return ("failed", veto) if veto else ("not_assessed", [])
    reasons = veto + total.reasons(checklist, threshold)
    return ("failed" if reasons else "passed"), reasons


def score(checklist: Checklist, answers: Answers, visible: set[str] | None = None) -> ScoreResult:
    """Score the answers with this exact checklist version (hidden items are ignored)."""
    if visible is None:  # intake passes the set it validated with
        visible = visible_items(checklist, answers)
    threshold = None if checklist.threshold is None else exact(checklist.threshold)
    units = _units_of(checklist)
    total = _Tally()
    sections: list[SectionScore] = []
    failures: list[FailedCheck] = []
    recommendations: list[FailedCheck] = []
    vetoes: list[str] = []
    missing: list[str] = []
    for section in checklist.sections:
        tally = _Tally()
        for item in section.items:
            if item.id not in visible:
                continue
            answer = answers.get(item.id)
            if item.required and not is_answered(answer):
                missing.append(item.id)
            if item.kind == "veto" and answer == "occurred":
                vetoes.append(item.id)
            if item.kind != "check":
                continue
            if item.advisory:
                if answer == "fail":
                    recommendations.append(_failed_check(item, section.id))
                continue
            tally.add(item, units.of[item.id], answer)
            if answer == "fail":
                failures.append(_failed_check(item, section.id))
        sections.append(_section_score(section.id, tally, threshold, units.denominator))
        total.extend(tally)
    result, reasons = _overall(total, vetoes, checklist, threshold)
    return ScoreResult(
        passed_weight=total.passed / units.denominator,
        failed_weight=total.failed / units.denominator,
        score=total.score(),
        score_display=total.display(),
        result=result,
        passed_count=total.passed_count,
        sections=sections,
        failed_checks=_ordered_failures(failures),
        missing_required=missing,
        reasons=reasons,
        recommendations=recommendations,
    )


def reasons_of(stored: ScoreResult | StoredOutcome, checklist: Checklist) -> list[Reason]:
    """The reasons of a stored result, given the checklist version that scored it.

    Results stored before reasons existed come from checklists without vetoes or advisory
    checks; their reasons are worked out from what was stored, exactly as ``score`` gives
    them: the weights are whole numbers of the checklist's units, so rounding the stored
    float back to units is exact while a tally stays below 2**53 units (every shipped
    checklist is many orders of magnitude below)."""
    if stored.reasons or stored.result != "failed":
        return stored.reasons
    denominator = _units_of(checklist).denominator
    total = _Tally()
    total.passed = round(stored.passed_weight * denominator)
    total.failed = round(stored.failed_weight * denominator)
    total.passed_count = stored.passed_count
    total.mandatory_failed = [check.item_id for check in stored.failed_checks if check.mandatory]
    threshold = None if checklist.threshold is None else exact(checklist.threshold)
    return total.reasons(checklist, threshold)
