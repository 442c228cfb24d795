"""Reading compliance: one facility's view, and the department list (JSON and CSV).

The list computes each facility's status in SQL, from ``current_inspections`` (kept by
intake) and the (kind, checklist) pairs that apply, passed in as parameters: the registry
lives in memory, not in a table. ``server.compliance.status`` states the same rule in
Python; the facility view uses that one, and the tests hold the two (and ``reference``)
equal.

Indexes used: ``idx_fac_kind`` / ``idx_fac_unit`` (province first) for a province scope,
``idx_fac_commune`` (commune) for an inspector's communes and the commune filter, and the
primary key of ``current_inspections`` (facility, checklist).

The one exception to "each table is read and written by its owner's store": this read
model joins ``facilities``, ``current_inspections`` and ``inspections`` (owned by
``server.facilities.store`` and ``server.inspections.store``) in SQL, because that join is
what makes the national list fast. It only reads; every write goes through the owners.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import msgspec
import sqlite_utils

from server.actions import store as actions_store
from server.auth.principal import Principal
from server.clock import today
from server.compliance.status import STATUSES, Current, Status, facility_status, is_expired
from server.facilities.store import facility_conditions, get_facility_for
from server.forms.registry import FormRegistry
from server.forms.schema import FACILITY_KINDS, Checklist, Item, Text
from server.inspections import failing
from server.inspections import store as inspections
from server.inspections.failing import Reason as Reason
from server.inspections.scoring import (
    FailedCheck,
    ReasonCode,
    ScoreResult,
    StoredOutcome,
    reasons_of,
)
from server.paging import Page

Sort = Literal["status", "score", "date", "name", "due"]
Order = Literal["asc", "desc"]

DEFAULT_ORDER: dict[str, Order] = {
    "status": "desc",
    "score": "asc",
    "date": "desc",
    "name": "asc",
    "due": "asc",
}
"""The natural direction of each sort: most severe, worst score, newest, A to Z, soonest
due corrective action first."""

_summary_decoder = msgspec.json.Decoder(ScoreResult)


_counts_decoder = msgspec.json.Decoder(dict[str, int])


# --- shapes -------------------------------------------------------------------------------


class CheckText(msgspec.Struct):
    """A failed check, named in the words of the checklist version that was used."""

    item_id: str
    section_id: str
    mandatory: bool
    weight: float
    text: Text
    legal_ref: str | None


class ReasonCheck(msgspec.Struct):
    item_id: str
    text: Text


class ExplainedReason(msgspec.Struct, omit_defaults=True):
    """One reason of a failed result (docs/scoring.md), its items in the words of the
    checklist version that was used."""

    code: ReasonCode
    items: list[ReasonCheck] = msgspec.field(default_factory=list)
    score_display: str | None = None
    threshold: float | None = None
    passed_count: int | None = None
    min_passed: int | None = None


class SectionResult(msgspec.Struct):
    id: str
    title: Text
    score: float | None
    score_display: str | None
    result: str
    passed_weight: float
    failed_weight: float


class CurrentInspection(msgspec.Struct):
    id: str
    form_version: int
    inspector: str
    """The inspector's username."""
    inspector_name: str
    """The inspector's name as the facility reads it (the username if no name is kept)."""
    completed_at: str
    expires_at: str
    expired: bool
    score: float | None
    score_display: str | None
    result: str
    sections: list[SectionResult]
    failed_checks: list[CheckText]
    """Mandatory ones first, then in the checklist's order."""
    reasons: list[ExplainedReason]
    """Why a failed result failed, in order; empty otherwise."""
    recommendations: list[CheckText]
    """Advisory checks answered fail: good practice to take up, never counted."""


class ChecklistState(msgspec.Struct):
    form_id: str
    title: Text
    validity_days: int
    current: CurrentInspection | None


class HistoryEntry(msgspec.Struct):
    id: str
    form_id: str
    form_version: int
    inspector: str
    completed_at: str
    received_at: str
    score: float | None
    score_display: str | None
    result: str
    supersedes: str | None
    superseded_by: str | None
    is_current: bool


@dataclass
class FacilityView:
    facility: dict[str, Any]
    status: Status
    checklists: list[ChecklistState]
    history: list[HistoryEntry]


@dataclass
class Listed:
    """One row of the department list."""

    facility: dict[str, Any]
    """Every column of the facility (with its commune's and province's names) for the
    exports (``iter_facilities``); only the ``LISTED_FACILITY`` ones in the JSON list's
    pages (``list_with_counts``)."""
    status: Status
    worst_score: float | None
    worst_score_display: str | None
    last_completed_at: str | None
    reasons: list[Reason] = field(default_factory=list)
    actions: actions_store.Counts = actions_store.Counts()


@dataclass(frozen=True)
class ListQuery:
    status: Status | None = None
    province: str | None = None
    commune: str | None = None
    kind: str | None = None
    ownership: str | None = None
    checklist: str | None = None
    """Only facilities this checklist applies to, with the status over it alone."""
    text: str | None = None
    overdue_actions: bool = False
    """Only facilities with a corrective action open past its due date."""
    sort: Sort = "status"
    order: Order | None = None
    """``None``: the sort's natural direction (``DEFAULT_ORDER``)."""
    page: int = 1
    per_page: int = 50


# --- texts from the exact version used -----------------------------------------------------


class Texts:
    """Item and section texts per (checklist, version), built once per request."""

    def __init__(self, forms: FormRegistry) -> None:
        self._forms = forms
        self._items: dict[tuple[str, int], dict[str, Item]] = {}

    def checklist(self, form_id: str, version: int) -> Checklist:
        return self._forms.get(form_id, version)

    def items(self, form_id: str, version: int) -> dict[str, Item]:
        key = (form_id, version)
        if key not in self._items:
            self._items[key] = {i.id: i for i in self.checklist(form_id, version).items()}
        return self._items[key]

    def item_text(self, form_id: str, version: int, item_id: str) -> Text:
        item = self.items(form_id, version).get(item_id)
        return item.text if item is not None else Text(item_id, item_id)

    def explain(
        self, outcome: ScoreResult | StoredOutcome, form_id: str, version: int
    ) -> list[ExplainedReason]:
        """The reasons of a stored result, their items named in the version's words."""
        return [
            ExplainedReason(
                code=reason.code,
                items=[
                    ReasonCheck(item_id, self.item_text(form_id, version, item_id))
                    for item_id in reason.items
                ],
                score_display=reason.score_display,
                threshold=reason.threshold,
                passed_count=reason.passed_count,
                min_passed=reason.min_passed,
            )
            for reason in reasons_of(outcome, self.checklist(form_id, version))
        ]


# --- one facility ----------------------------------------------------------------------------


def facility_view(
    db: sqlite_utils.Database, who: Principal, forms: FormRegistry, code: str, now: str
) -> FacilityView:
    """Status, the current inspection of each applicable checklist, and the history."""
    facility = get_facility_for(db, who, code)
    applicable = forms.for_kind(facility["kind"])
    texts = Texts(forms)
    current_rows = {
        row["form_id"]: row
        for row in db.query(
            "SELECT c.form_id, c.expires_at, i.id, i.form_version, i.completed_at, i.score,"
            " i.score_display, i.result, i.summary, u.username AS inspector,"
            " coalesce(nullif(u.display_name, ''), u.username) AS inspector_name"
            " FROM current_inspections c JOIN inspections i ON i.id = c.inspection_id"
            " JOIN users u ON u.id = i.inspector_id WHERE c.facility_code = ?",
            [code],
        )
    }
    status = facility_status(
        {checklist.id for checklist in applicable},
        (Current(r["form_id"], r["result"], r["expires_at"]) for r in current_rows.values()),
        now,
    )
    checklists = [
        ChecklistState(
            checklist.id,
            checklist.title,
            checklist.validity_days,
            _current(current_rows[checklist.id], texts, now)
            if checklist.id in current_rows
            else None,
        )
        for checklist in applicable
    ]
    current_ids = {row["id"] for row in current_rows.values()}
    history = [
        HistoryEntry(**row, is_current=row["id"] in current_ids)
        for row in inspections.history(db, code)
    ]
    return FacilityView(facility, status, checklists, history)


def _current(row: dict[str, Any], texts: Texts, now: str) -> CurrentInspection:
    summary = _summary_decoder.decode(row["summary"])
    form_id, version = row["form_id"], row["form_version"]
    checklist = texts.checklist(form_id, version)
    titles = {section.id: section.title for section in checklist.sections}
    sections = [
        SectionResult(
            s.id,
            titles.get(s.id, Text(s.id, s.id)),
            s.score,
            s.score_display,
            s.result,
            s.passed_weight,
            s.failed_weight,
        )
        for s in summary.sections
    ]
    return CurrentInspection(
        id=row["id"],
        form_version=version,
        inspector=row["inspector"],
        inspector_name=row["inspector_name"],
        completed_at=row["completed_at"],
        expires_at=row["expires_at"],
        expired=is_expired(row["expires_at"], now),
        score=row["score"],
        score_display=row["score_display"],
        result=row["result"],
        sections=sections,
        failed_checks=[_check_text(f, form_id, version, texts) for f in _ordered(summary)],
        reasons=texts.explain(summary, form_id, version),
        recommendations=[_check_text(f, form_id, version, texts) for f in summary.recommendations],
    )


def _ordered(summary: ScoreResult | StoredOutcome) -> list[FailedCheck]:
    """Mandatory first (stable, so the checklist's order stays within each group)."""
    return sorted(summary.failed_checks, key=lambda failed: not failed.mandatory)


def _check_text(failed: FailedCheck, form_id: str, version: int, texts: Texts) -> CheckText:
    item = texts.items(form_id, version).get(failed.item_id)
    return CheckText(
        item_id=failed.item_id,
        section_id=failed.section_id,
        mandatory=failed.mandatory,
        weight=failed.weight,
        text=item.text if item is not None else Text(failed.item_id, failed.item_id),
        legal_ref=item.legal_ref if item is not None else failed.legal_ref,
    )


# --- the department list ---------------------------------------------------------------------
#
# Status in SQL, one indexed pass over the facilities in scope. Each facility row is joined
# once per checklist position (the first, second, … checklist that applies to its kind,
# picked by a CASE on the kind), so the rule is a CASE over a handful of columns.
# Measured at national scale (a province of 1,800 facilities, 7 kinds): joining a VALUES
# table of (kind, checklist) pairs took 9.7 ms and grouping per facility 2.4 ms more,
# against 4.5 ms for this form; the bare join of facilities and failing inspections, 3.6.


def applicable_pairs(forms: FormRegistry, checklist: str | None = None) -> list[tuple[str, str]]:
    """(kind, checklist id) for every checklist that applies to a kind; with ``checklist``
    only that one (raises form.not_found for an unknown id)."""
    if checklist is not None:
        forms.latest(checklist)
    return [
        (kind, c.id)
        for kind in FACILITY_KINDS
        for c in forms.for_kind(kind)
        if checklist is None or c.id == checklist
    ]


def _positions(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    """For position n (0-based), the n-th applicable checklist of each kind that has one."""
    columns: list[dict[str, str]] = []
    count: dict[str, int] = {}
    for kind, form_id in pairs:
        n = count.get(kind, 0)
        count[kind] = n + 1
        if n == len(columns):
            columns.append({})
        columns[n][kind] = form_id
    return columns or [{}]


def _marks(values: Collection[object]) -> str:
    return ", ".join("?" for _ in values)


def _least(exprs: list[str]) -> str:
    """SQLite's min() with one argument is the aggregate, so a single term stands alone."""
    return exprs[0] if len(exprs) == 1 else f"min({', '.join(exprs)})"


def _greatest(exprs: list[str]) -> str:
    return exprs[0] if len(exprs) == 1 else f"max({', '.join(exprs)})"


def status_sql(
    who: Principal,
    forms: FormRegistry,
    query: ListQuery,
    now: str,
    *,
    materialized: bool = False,
) -> tuple[str, list[Any]]:
    """``WITH s AS (…)``: one row per facility in scope that passes the filters (all but
    ``status``), with code, name, kind, ownership, province_code, commune_code, status,
    worst_score, last_completed_at and
    last_failed_at (the newest failing current inspection). ``materialized``: worked out
    once for a statement that reads ``s`` more than once."""
    pairs = applicable_pairs(forms, query.checklist)
    columns = _positions(pairs)
    args: list[Any] = []
    joins = ""
    for n, by_kind in enumerate(columns, start=1):
        if by_kind:
            cases = " ".join("WHEN ? THEN ?" for _ in by_kind)
            form = f"CASE f.kind {cases} END"
            args += [value for pair in by_kind.items() for value in pair]
        else:
            form = "NULL"
        joins += (
            f" LEFT JOIN current_inspections c{n}"
            f" ON c{n}.facility_code = f.code AND c{n}.form_id = {form}"
        )
    ns = range(1, len(columns) + 1)
    failed = " OR ".join(f"c{n}.result IS 'failed'" for n in ns)
    none_done = " AND ".join(f"c{n}.form_id IS NULL" for n in ns)
    missing = " OR ".join(
        f"(f.kind IN ({_marks(by_kind)}) AND c{n}.form_id IS NULL)"
        for n, by_kind in zip(ns, columns, strict=True)
        if by_kind
    )
    missing_args = [kind for by_kind in columns for kind in by_kind]
    first_expiry = _least([f"coalesce(c{n}.expires_at, '9999')" for n in ns])
    worst = _least([f"coalesce(c{n}.score, 1000.0)" for n in ns])
    latest = _greatest([f"coalesce(c{n}.completed_at, '')" for n in ns])
    latest_failed = _greatest(
        [f"CASE WHEN c{n}.result IS 'failed' THEN c{n}.completed_at ELSE '' END" for n in ns]
    )

    where, where_args = facility_conditions(
        who,
        province=query.province,
        commune=query.commune,
        kind=query.kind,
        ownership=query.ownership,
        text=query.text,
    )
    if query.overdue_actions:
        where.append(f"f.code IN ({actions_store.OVERDUE_FACILITIES})")
        where_args.append(today().isoformat())
    if query.checklist:
        # Only the facilities the checklist applies to are listed.
        kinds = sorted(columns[0])
        where.append(f"f.kind IN ({_marks(kinds)})" if kinds else "0")
        where_args += kinds

    sql = (
        f"WITH s AS {'MATERIALIZED ' if materialized else ''}(SELECT f.code AS code,"
        " f.name AS name, f.kind AS kind, f.ownership AS ownership,"
        " f.province_code AS province_code, f.commune_code AS commune_code,"
        f" CASE WHEN {failed} THEN 'non_compliant'"
        f" WHEN {none_done} THEN 'not_inspected'"
        f" WHEN {first_expiry} < ?{f' OR {missing}' if missing else ''} THEN 'overdue'"
        " ELSE 'compliant' END AS status,"
        f" nullif({worst}, 1000.0) AS worst_score,"
        f" nullif({latest}, '') AS last_completed_at,"
        f" nullif({latest_failed}, '') AS last_failed_at"
        f" FROM facilities f{joins} WHERE {' AND '.join(where)})"
    )
    # Placeholders in the order they appear: the CASE, the joins, the WHERE.
    return sql, [now, *missing_args, *args, *where_args]


_SEVERITY = (
    "CASE s.status WHEN 'non_compliant' THEN 0 WHEN 'overdue' THEN 1"
    " WHEN 'not_inspected' THEN 2 ELSE 3 END"
)


def _order_by(sort: Sort, order: Order | None) -> str:
    """ORDER BY over the ``s`` rows; missing scores and dates go last either way, and the
    code breaks ties so pages never overlap."""
    desc = (order or DEFAULT_ORDER[sort]) == "desc"
    direction = "DESC" if desc else "ASC"
    if sort == "status":
        # "desc" is most severe first. Within a status the newest first: for non-compliant
        # sites the newest failing inspection (docs/scoring.md), for others the newest one.
        newest = "coalesce(s.last_failed_at, s.last_completed_at)"
        return (
            f"{_SEVERITY} {'ASC' if desc else 'DESC'}, {newest} IS NULL, {newest} DESC,"
            " s.name, s.code"
        )
    if sort == "score":
        return f"s.worst_score IS NULL, s.worst_score {direction}, s.name, s.code"
    if sort == "date":
        return f"s.last_completed_at IS NULL, s.last_completed_at {direction}, s.name, s.code"
    if sort == "due":
        due = f"({actions_store.NEXT_DUE.format(code='s.code')})"
        return f"{due} IS NULL, {due} {direction}, s.name, s.code"
    return f"s.name {direction}, s.code {direction}"


def list_sql(
    who: Principal, forms: FormRegistry, query: ListQuery, now: str
) -> tuple[str, list[Any]]:
    """Every row of the filtered list in order: code, status, worst_score,
    last_completed_at. Pages are cut from it in Python, which costs less than a second
    query (or a window) for the total."""
    base, args = status_sql(who, forms, query, now)
    where, where_args = ("WHERE s.status = ?", [query.status]) if query.status else ("", [])
    sql = (
        f"{base} SELECT s.code, s.status, s.worst_score, s.last_completed_at FROM s {where}"
        f" ORDER BY {_order_by(query.sort, query.order)}"
    )
    return sql, [*args, *where_args]


def list_facilities(
    db: sqlite_utils.Database, who: Principal, forms: FormRegistry, query: ListQuery, now: str
) -> Page[Listed]:
    """One page of the department list in three queries, whatever the page size: the
    ordered statuses, the page's facilities, the page's current inspections."""
    return list_with_counts(db, who, forms, query, now)[0]


def list_with_counts(
    db: sqlite_utils.Database, who: Principal, forms: FormRegistry, query: ListQuery, now: str
) -> tuple[Page[Listed], dict[str, int]]:
    """A page of the list and how many facilities have each status under every filter but
    ``status`` (what a department taps to narrow the list).

    One statement: the statuses of every facility in scope are worked out once
    (materialized), counted in a subquery SQLite runs once, and only the page's rows are
    sorted out of them and returned, each carrying the counts. Returning every row to
    count and cut the page in Python cost a third more at national scale (1,764 rows for a
    page of 50). An empty page carries no counts: they are then asked for alone."""
    everyone = dataclasses.replace(query, status=None)
    base, args = status_sql(who, forms, everyone, now, materialized=True)
    where, where_args = ("WHERE s.status = ?", [query.status]) if query.status else ("", [])
    # A page past SQLite's integers is past the end of any list: the largest offset says so.
    start = min((query.page - 1) * query.per_page, 2**63 - 1)
    # The facility as the list shows it (``LISTED_FACILITY``) comes with its row: the
    # statement has read it already; asking for it again by code took 4.6 ms for 578 sites.
    rows = db.execute(
        f"{base} SELECT s.code, s.status, s.worst_score, s.last_completed_at,"
        " (SELECT json_group_object(status, n)"
        " FROM (SELECT s.status, count(*) AS n FROM s GROUP BY s.status)),"
        " s.name, s.kind, s.ownership, s.province_code, s.commune_code, cm.name"
        f" FROM s JOIN communes cm ON cm.code = s.commune_code {where}"
        f" ORDER BY {_order_by(query.sort, query.order)} LIMIT ? OFFSET ?",
        [*args, *where_args, query.per_page, start],
    ).fetchall()
    if rows:
        found = _counts_decoder.decode(rows[0][4])
    else:
        base, args = status_sql(who, forms, everyone, now)
        found = dict(db.execute(f"{base} SELECT status, count(*) FROM s GROUP BY status", args))
    facilities = {
        row[0]: dict(zip(LISTED_FACILITY, (row[0], *row[5:]), strict=True)) for row in rows
    }
    items = _complete(db, forms, [row[:4] for row in rows], query.checklist, facilities)
    total = found.get(query.status, 0) if query.status else sum(found.values())
    counts = {status: found.get(status, 0) for status in STATUSES}
    return Page(items, total, query.page, query.per_page), counts


def iter_facilities(
    db: sqlite_utils.Database,
    who: Principal,
    forms: FormRegistry,
    query: ListQuery,
    now: str,
    chunk: int = 500,
) -> Iterator[list[Listed]]:
    """The whole filtered list in chunks read from one cursor, each completed with two
    queries: memory stays bounded by ``chunk`` whatever the list's length."""
    sql, args = list_sql(who, forms, query, now)
    cursor = db.execute(sql, args)
    while batch := cursor.fetchmany(chunk):
        yield _complete(db, forms, batch, query.checklist)


_FACILITY_SQL = (
    "SELECT f.code, f.name, f.kind, f.ownership, f.province_code, f.commune_code,"
    " f.legacy_district, f.address, f.latitude, f.longitude, f.contact_name,"
    " f.contact_phone, f.contact_email, f.updated_at, cm.name AS commune_name,"
    " p.name AS province_name FROM facilities f JOIN communes cm ON cm.code = f.commune_code"
    " JOIN provinces p ON p.code = f.province_code WHERE f.code IN ({marks})"
)


LISTED_FACILITY = (
    "code",
    "name",
    "kind",
    "ownership",
    "province_code",
    "commune_code",
    "commune_name",
)
"""What the JSON list shows of a facility (``schemas.ListedFacility``); the exports read
every column (``_FACILITY_SQL``)."""


def _complete(
    db: sqlite_utils.Database,
    forms: FormRegistry,
    rows: Sequence[tuple[Any, ...]],
    checklist: str | None,
    facilities: dict[str, dict[str, Any]] | None = None,
) -> list[Listed]:
    """Listed rows for (code, status, worst_score, last_completed_at) tuples, in order, with
    their unresolved and overdue corrective actions; ``facilities`` by code, or every
    column of each read here."""
    if not rows:
        return []
    codes = [row[0] for row in rows]
    if facilities is None:
        marks = ", ".join("?" for _ in rows)
        facilities = {r["code"]: r for r in db.query(_FACILITY_SQL.format(marks=marks), codes)}
    items = [
        Listed(facilities[code], status, worst, None, last) for code, status, worst, last in rows
    ]
    _add_details(db, forms, items, checklist)
    counts = actions_store.counts(db, codes, today().isoformat())
    for item in items:
        item.actions = counts.get(item.facility["code"], item.actions)
    return items


def _add_details(
    db: sqlite_utils.Database, forms: FormRegistry, items: Sequence[Listed], checklist: str | None
) -> None:
    """The worst score's display text, and for non-compliant rows the reasons: their failing
    current inspections, newest first, with the failed mandatory checks."""
    by_code = {item.facility["code"]: item for item in items}
    applicable = {
        kind: {c.id for c in forms.for_kind(kind) if checklist is None or c.id == checklist}
        for kind in {item.facility["kind"] for item in items}
    }
    worst: dict[str, float] = {}
    # Newest first, ties to the one received last; from current_inspections alone.
    rows = db.execute(
        "SELECT c.facility_code, c.form_id, c.score, c.score_display, c.failing"
        " FROM current_inspections c"
        f" WHERE c.facility_code IN ({', '.join('?' for _ in by_code)})"
        " ORDER BY c.facility_code, c.completed_at DESC, c.seq DESC",
        list(by_code),
    )
    for code, form_id, score, display, reason in rows:
        item = by_code[code]
        if form_id not in applicable[item.facility["kind"]]:
            continue
        if score is not None and (code not in worst or score < worst[code]):
            worst[code] = score
            item.worst_score_display = display
        if reason is not None:
            item.reasons.append(failing.decoder.decode(reason))
