"""The period report (báo cáo định kỳ) a department sends upward: for a period and a scope,
the facilities, what was inspected and found, the failures by theme, the veto events and the
corrective actions, beside the same figures for the period before.

Definitions (docs/reports.md):
- an inspection counts when it was completed in the period and is not amended (its
  amendment counts instead);
- a facility inspected in the period **failed** when the latest counted inspection of any of
  its checklists failed, and otherwise **passed**;
- a **theme** is a section of the checklists (sections share their ids across checklists:
  premises, hygiene_food_health, child_protection, hotline_reporting, staff_training,
  self_protection_online…), counted over the failed checks of counted inspections;
- actions: opened in the period, fixes reported and verified in the period, and those open
  past their due date at the period's end.

It reads the tables directly, as a read model: nothing here writes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import msgspec
import sqlite_utils

from server.auth.principal import Principal
from server.clock import VIETNAM, iso_utc
from server.forms.registry import FormRegistry
from server.forms.schema import Text
from server.inspections.scoring import StoredOutcome


class Period(msgspec.Struct, frozen=True):
    start: date
    """First day, in Viet Nam."""
    end: date
    """Last day, included."""

    def bounds(self) -> tuple[str, str]:
        """The period as stored moments: from its first day's midnight in Viet Nam to the
        midnight after its last day."""
        since = datetime.combine(self.start, datetime.min.time(), VIETNAM)
        until = datetime.combine(self.end + timedelta(days=1), datetime.min.time(), VIETNAM)
        return iso_utc(since, "microseconds"), iso_utc(until, "microseconds")

    def before(self) -> Period:
        """The period of the same length just before this one."""
        days = (self.end - self.start).days + 1
        return Period(self.start - timedelta(days=days), self.start - timedelta(days=1))


class Count(msgspec.Struct):
    key: str
    label: str
    count: int


class Theme(msgspec.Struct):
    section_id: str
    title: str
    failed_checks: int
    facilities: int
    text: Text
    """The title in both languages, as the checklists give it (``title`` is its Vietnamese)."""


class Veto(msgspec.Struct):
    key: str
    """The veto item's id."""
    label: str
    count: int
    text: Text
    """The event in both languages (``label`` is its Vietnamese)."""


class Figures(msgspec.Struct):
    period: Period
    facilities: int
    inspections: int
    facilities_inspected: int
    facilities_passed: int
    facilities_failed: int
    facilities_not_inspected: int
    themes: list[Theme]
    vetoes: list[Veto]
    actions_opened: int
    fixes_reported: int
    actions_verified: int
    actions_overdue_at_end: int


class Report(msgspec.Struct):
    scope: str
    """The province's name, or the whole country."""
    by_kind_and_ownership: list[Count]
    current: Figures
    previous: Figures


@dataclass
class _Tally:
    latest: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    """(facility, checklist) → (completed_at, result) of the latest counted inspection."""
    inspections: int = 0
    theme_checks: Counter[str] = field(default_factory=Counter)
    theme_sites: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    vetoes: Counter[str] = field(default_factory=Counter)


_outcome = msgspec.json.Decoder(StoredOutcome)


def build(db: sqlite_utils.Database, who: Principal, forms: FormRegistry, period: Period) -> Report:
    scope_sql, scope_args = who.facility_filter("f")
    facilities = dict(
        db.execute(
            f"SELECT f.code, f.kind || '/' || f.ownership FROM facilities f WHERE {scope_sql}",
            scope_args,
        )
    )
    by_kind = Counter(facilities.values())
    return Report(
        scope=_scope_name(db, who),
        by_kind_and_ownership=[
            Count(key, key.replace("/", " · "), n) for key, n in sorted(by_kind.items())
        ],
        current=_figures(db, forms, scope_sql, scope_args, len(facilities), period),
        previous=_figures(db, forms, scope_sql, scope_args, len(facilities), period.before()),
    )


def _scope_name(db: sqlite_utils.Database, who: Principal) -> str:
    if who.role == "admin" or not who.province_code:
        return "Toàn quốc"
    row = db.execute("SELECT name FROM provinces WHERE code = ?", [who.province_code]).fetchone()
    return str(row[0]) if row else who.province_code


def _figures(
    db: sqlite_utils.Database,
    forms: FormRegistry,
    scope_sql: str,
    scope_args: list[str],
    facilities: int,
    period: Period,
) -> Figures:
    since, until = period.bounds()
    tally = _tally_inspections(db, scope_sql, scope_args, since, until)
    failed = {code for (code, _), (_, result) in tally.latest.items() if result == "failed"}
    inspected = {code for code, _ in tally.latest}
    actions = _actions(db, scope_sql, scope_args, since, until, period.end)
    return Figures(
        period=period,
        facilities=facilities,
        inspections=tally.inspections,
        facilities_inspected=len(inspected),
        facilities_passed=len(inspected - failed),
        facilities_failed=len(failed),
        facilities_not_inspected=facilities - len(inspected),
        themes=_themes(forms, tally),
        vetoes=[
            Veto(item, text.vi, n, text)
            for item, n in tally.vetoes.most_common()
            for text in [_named(_item_text(forms, item), item)]
        ],
        **actions,
    )


def _tally_inspections(
    db: sqlite_utils.Database,
    scope_sql: str,
    scope_args: list[str],
    since: str,
    until: str,
) -> _Tally:
    tally = _Tally()
    rows = db.execute(
        "SELECT i.facility_code, i.form_id, i.completed_at, i.result, i.summary"
        " FROM inspections i JOIN facilities f ON f.code = i.facility_code"
        f" WHERE {scope_sql} AND i.superseded_by IS NULL"
        " AND i.completed_at >= ? AND i.completed_at < ? ORDER BY i.completed_at, i.seq",
        [*scope_args, since, until],
    )
    for code, form_id, completed_at, result, summary in rows:
        tally.inspections += 1
        tally.latest[(code, form_id)] = (completed_at, result)
        outcome = _outcome.decode(summary)
        for check in outcome.failed_checks:
            tally.theme_checks[check.section_id] += 1
            tally.theme_sites[check.section_id].add(code)
        for reason in outcome.reasons:
            if reason.code == "veto":
                tally.vetoes.update(reason.items)
    return tally


def _themes(forms: FormRegistry, tally: _Tally) -> list[Theme]:
    themes = []
    for section, n in tally.theme_checks.most_common():
        text = _named(_section_title(forms, section), section)
        themes.append(Theme(section, text.vi, n, len(tally.theme_sites[section]), text))
    return themes


def _section_title(forms: FormRegistry, section_id: str) -> Text | None:
    """A theme's title in both languages: its section's in the newest checklist having it."""
    for checklist in reversed(forms.all()):
        for section in checklist.sections:
            if section.id == section_id:
                return section.title
    return None


def _item_text(forms: FormRegistry, item_id: str) -> Text | None:
    """An item's text in both languages, from the newest checklist having it."""
    for checklist in reversed(forms.all()):
        for item in checklist.items():
            if item.id == item_id:
                return item.text
    return None


def _named(text: Text | None, fallback: str) -> Text:
    """A text in both languages; an id no checklist knows stands for itself in both."""
    return text or Text(vi=fallback, en=fallback)


def _actions(
    db: sqlite_utils.Database,
    scope_sql: str,
    scope_args: list[str],
    since: str,
    until: str,
    last_day: date,
) -> dict[str, int]:
    # Action times are stored to the millisecond; the period's bounds to the microsecond.
    start, end = since[:23] + "Z", until[:23] + "Z"

    def count(condition: str, args: list[object]) -> int:
        return int(
            db.execute(
                "SELECT count(*) FROM actions a JOIN facilities f ON f.code = a.facility_code"
                f" WHERE {scope_sql} AND {condition}",
                [*scope_args, *args],
            ).fetchone()[0]
        )

    def with_event(kinds: str) -> int:
        return count(
            "EXISTS (SELECT 1 FROM action_events e WHERE e.action_id = a.id"
            f" AND e.event IN ({kinds}) AND e.at >= ? AND e.at < ?)",
            [start, end],
        )

    return {
        "actions_opened": count("a.opened_at >= ? AND a.opened_at < ?", [start, end]),
        "fixes_reported": with_event("'fix_reported'"),
        "actions_verified": with_event("'verified', 'verified_by_inspection'"),
        # Opened before the end, due by its last day, and not closed at the end: its state
        # then is the last state change before the end, so one reopened after its
        # verification counts again.
        "actions_overdue_at_end": count(
            "a.opened_at < ? AND a.due_date <= ? AND coalesce((SELECT e.event"
            " FROM action_events e WHERE e.action_id = a.id AND e.event IN"
            f" ({_CLOSING}, {_REOPENING}) AND e.at < ? ORDER BY e.at DESC, e.id DESC LIMIT 1),"
            f" '') NOT IN ({_CLOSING})",
            [end, last_day.isoformat(), end],
        ),
    }


_CLOSING = "'verified', 'verified_by_inspection', 'withdrawn'"
"""The events that close an action (docs/actions.md, States)."""
_REOPENING = "'reopened', 'failed_again'"
"""The events that make an action open again after one of those (or a reported fix)."""
