"""What the department screen draws: compliance month by month (by kind and by commune),
the checks failed most often, and corrective actions month by month, over the caller's
scope narrowed by the screen's filters (place, kind, ownership, checklist). Counted as the
period report counts (docs/reports.md): inspections completed in the month and not
amended; a result per inspection. A read model: nothing here writes."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

import msgspec
import sqlite_utils

from server.actions.store import OVERDUE
from server.auth.principal import Principal
from server.clock import today
from server.forms.registry import FormRegistry
from server.inspections.scoring import StoredOutcome


class MonthCount(msgspec.Struct):
    month: str
    """YYYY-MM, in Viet Nam."""
    passed: int
    failed: int


class Series(msgspec.Struct):
    key: str
    """A facility kind or a commune code."""
    label: str
    months: list[MonthCount]


class FailedCheck(msgspec.Struct):
    item_id: str
    text: str
    failed: int
    facilities: int


class ActionMonth(msgspec.Struct):
    month: str
    opened: int
    verified: int


class Trends(msgspec.Struct):
    months: list[str]
    overall: list[MonthCount]
    by_kind: list[Series]
    by_commune: list[Series]
    most_failed: list[FailedCheck]
    actions: list[ActionMonth]
    overdue_now: int
    """Corrective actions open past their due date today."""


class Narrowing(msgspec.Struct, frozen=True):
    """The department screen's filters that the charts follow: facilities by province,
    commune, kind and ownership; inspections and corrective actions by checklist. (A status
    or a search picks sites by their present state, which has no history to draw.)"""

    province: str | None = None
    commune: str | None = None
    kind: str | None = None
    ownership: str | None = None
    checklist: str | None = None

    def sql(self, facility: str, form_id: str) -> tuple[str, list[str]]:
        """Conditions on a facility alias and a checklist column, with their arguments."""
        wanted = {
            f"{facility}.province_code": self.province,
            f"{facility}.commune_code": self.commune,
            f"{facility}.kind": self.kind,
            f"{facility}.ownership": self.ownership,
            form_id: self.checklist,
        }
        chosen = {column: value for column, value in wanted.items() if value}
        return "".join(f" AND {column} = ?" for column in chosen), list(chosen.values())


_outcome = msgspec.json.Decoder(StoredOutcome)


def months_back(last: date, count: int) -> list[str]:
    """The ``count`` months up to and including ``last``'s, oldest first, as YYYY-MM."""
    year, month = last.year, last.month
    found = []
    for _ in range(count):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found[::-1]


def build(
    db: sqlite_utils.Database,
    who: Principal,
    forms: FormRegistry,
    months: list[str],
    narrowing: Narrowing | None = None,
) -> Trends:
    narrowing = narrowing or Narrowing()
    scope, args = who.facility_filter("f")
    narrower, narrower_args = narrowing.sql("f", "i.form_id")
    # Local month: completed_at is UTC; Viet Nam is 7 hours ahead all year.
    local_month = "substr(datetime(i.completed_at, '+7 hours'), 1, 7)"
    rows = db.execute(
        f"SELECT {local_month}, f.kind, f.commune_code, c.name, i.facility_code, i.result,"
        " CASE WHEN i.result = 'failed' THEN i.summary END"
        " FROM inspections i JOIN facilities f ON f.code = i.facility_code"
        " JOIN communes c ON c.code = f.commune_code"
        f" WHERE {scope}{narrower} AND i.superseded_by IS NULL AND {local_month} >= ?",
        [*args, *narrower_args, months[0]],
    )
    overall: Counter[tuple[str, str]] = Counter()
    kinds: defaultdict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    communes: defaultdict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    commune_names: dict[str, str] = {}
    failed_checks: Counter[str] = Counter()
    failed_sites: defaultdict[str, set[str]] = defaultdict(set)
    for month, kind, commune, commune_name, code, result, summary in rows:
        if result not in ("passed", "failed"):
            continue
        overall[(month, result)] += 1
        kinds[kind][(month, result)] += 1
        communes[commune][(month, result)] += 1
        commune_names[commune] = commune_name
        if summary:
            for check in _outcome.decode(summary).failed_checks:
                failed_checks[check.item_id] += 1
                failed_sites[check.item_id].add(code)
    texts = {item.id: item.text.vi for checklist in forms.all() for item in checklist.items()}
    return Trends(
        months=months,
        overall=_counts(overall, months),
        by_kind=[Series(k, k, _counts(kinds[k], months)) for k in sorted(kinds)],
        by_commune=[
            Series(c, commune_names[c], _counts(communes[c], months))
            for c in sorted(communes, key=lambda c: commune_names[c])
        ],
        most_failed=[
            FailedCheck(item, texts.get(item, item), n, len(failed_sites[item]))
            for item, n in failed_checks.most_common(10)
        ],
        actions=_actions(db, scope, args, months, narrowing.sql("f", "a.form_id")),
        overdue_now=_overdue_now(db, scope, args, narrowing.sql("f", "a.form_id")),
    )


def _counts(counts: Counter[tuple[str, str]], months: list[str]) -> list[MonthCount]:
    return [MonthCount(m, counts[(m, "passed")], counts[(m, "failed")]) for m in months]


def _actions(
    db: sqlite_utils.Database,
    scope: str,
    args: list[str],
    months: list[str],
    narrowed: tuple[str, list[str]],
) -> list[ActionMonth]:
    narrower, narrower_args = narrowed
    local_month = "substr(datetime({}, '+7 hours'), 1, 7)"
    opened = dict(
        db.execute(
            f"SELECT {local_month.format('a.opened_at')} AS m, count(*) FROM actions a"
            f" JOIN facilities f ON f.code = a.facility_code WHERE {scope}{narrower} AND m >= ?"
            " GROUP BY m",
            [*args, *narrower_args, months[0]],
        ).fetchall()
    )
    verified = dict(
        db.execute(
            f"SELECT {local_month.format('e.at')} AS m, count(DISTINCT e.action_id)"
            " FROM action_events e JOIN actions a ON a.id = e.action_id"
            " JOIN facilities f ON f.code = a.facility_code"
            f" WHERE {scope}{narrower}"
            " AND e.event IN ('verified', 'verified_by_inspection') AND m >= ?"
            " GROUP BY m",
            [*args, *narrower_args, months[0]],
        ).fetchall()
    )
    return [ActionMonth(m, opened.get(m, 0), verified.get(m, 0)) for m in months]


def _overdue_now(
    db: sqlite_utils.Database, scope: str, args: list[str], narrowed: tuple[str, list[str]]
) -> int:
    narrower, narrower_args = narrowed
    row = db.execute(
        f"SELECT count(*) FROM (SELECT * FROM actions WHERE {OVERDUE}) a"
        f" JOIN facilities f ON f.code = a.facility_code WHERE {scope}{narrower}",
        [today().isoformat(), *args, *narrower_args],
    ).fetchone()
    return int(row[0])
