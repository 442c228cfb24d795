"""The owner of ``actions``, ``action_events`` and ``action_photos``.

An action row holds the current state; every change appends an event, so the history is
never rewritten. The caller's scope and the site's name come from
``server.facilities.store``.
Call the writing functions inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import msgspec
import sqlite_utils

from server.auth import store as users
from server.auth.principal import Principal
from server.db import in_batches, page_offset
from server.errors import AppError, ErrorCode
from server.facilities import store as facilities
from server.paging import Page

UNRESOLVED = ("open", "fix_reported")

OVERDUE = "state = 'open' AND due_date < ?"
"""An action is overdue while open past its due date (the argument: today, YYYY-MM-DD)."""

OVERDUE_FACILITIES = f"SELECT facility_code FROM actions WHERE {OVERDUE}"
"""The facilities with an overdue action, for a filter (``code IN (…)``)."""

NEXT_DUE = (
    "SELECT min(due_date) FROM actions"
    " WHERE facility_code = {code} AND state IN ('open', 'fix_reported')"
)
"""The due date of a facility's next unresolved action (NULL: none), for a sort; ``code``
is the SQL expression of the facility's code."""


@dataclass(frozen=True)
class NewAction:
    facility_code: str
    form_id: str
    form_version: int
    item_id: str
    kind: str
    mandatory: bool
    legal_ref: str | None
    requirement: str
    due_date: str
    inspection_id: str
    at: str


@dataclass(frozen=True)
class Unresolved:
    id: int
    item_id: str
    state: str
    opened_by_inspection: str
    last_inspection: str


@dataclass(frozen=True)
class Event:
    event: str
    at: str
    user_id: int | None = None
    note: str | None = None
    due_date: str | None = None
    inspection_id: str | None = None
    photos: tuple[str, ...] = ()
    client_id: str | None = None


def insert(db: sqlite_utils.Database, new: NewAction) -> int:
    cursor = db.execute(
        "INSERT INTO actions (facility_code, form_id, form_version, item_id, kind, mandatory,"
        " legal_ref, requirement, due_date, state, opened_by_inspection, last_inspection,"
        " opened_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)",
        [
            new.facility_code,
            new.form_id,
            new.form_version,
            new.item_id,
            new.kind,
            int(new.mandatory),
            new.legal_ref,
            new.requirement,
            new.due_date,
            new.inspection_id,
            new.inspection_id,
            new.at,
            new.at,
        ],
    )
    action_id = int(cursor.lastrowid or 0)
    add_event(
        db,
        action_id,
        Event("opened", new.at, due_date=new.due_date, inspection_id=new.inspection_id),
    )
    return action_id


def add_event(db: sqlite_utils.Database, action_id: int, event: Event) -> None:
    db.execute(
        "INSERT INTO action_events (action_id, at, user_id, event, note, due_date,"
        " inspection_id, photos, client_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            action_id,
            event.at,
            event.user_id,
            event.event,
            event.note,
            event.due_date,
            event.inspection_id,
            msgspec.json.encode(list(event.photos)).decode(),
            event.client_id,
        ],
    )
    if event.photos:
        db.conn.executemany(
            "INSERT OR IGNORE INTO action_photos (sha256, action_id) VALUES (?, ?)",
            [(sha256, action_id) for sha256 in sorted(set(event.photos))],
        )


def update(
    db: sqlite_utils.Database,
    action_id: int,
    at: str,
    *,
    state: str | None = None,
    due_date: str | None = None,
    requirement: str | None = None,
    last_inspection: str | None = None,
) -> None:
    """Change what is given (``None`` keeps a column as it is)."""
    db.execute(
        "UPDATE actions SET state = coalesce(?, state), due_date = coalesce(?, due_date),"
        " requirement = coalesce(?, requirement),"
        " last_inspection = coalesce(?, last_inspection), updated_at = ? WHERE id = ?",
        [state, due_date, requirement, last_inspection, at, action_id],
    )


def unresolved(db: sqlite_utils.Database, facility_code: str, form_id: str) -> list[Unresolved]:
    """The actions of a facility and checklist still waiting for a fix or its check."""
    rows = db.execute(
        "SELECT id, item_id, state, opened_by_inspection, last_inspection FROM actions"
        " WHERE facility_code = ? AND form_id = ? AND state IN ('open', 'fix_reported')"
        " ORDER BY id",
        [facility_code, form_id],
    ).fetchall()
    return [Unresolved(*row) for row in rows]


def event_with_client_id(db: sqlite_utils.Database, client_id: str) -> int | None:
    """The action a client's report already reached, if it did."""
    row = db.execute(
        "SELECT action_id FROM action_events WHERE client_id = ?", [client_id]
    ).fetchone()
    return None if row is None else int(row[0])


def _named(db: sqlite_utils.Database, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with their site's name, kind and place added."""
    sites = facilities.labels(db, {row["facility_code"] for row in rows})
    return [{**row, **sites[row["facility_code"]]} for row in rows if row["facility_code"] in sites]


def get(db: sqlite_utils.Database, who: Principal, action_id: int) -> dict[str, Any]:
    """One action, for whoever may see its facility."""
    rows = _named(db, list(db.query("SELECT * FROM actions WHERE id = ?", [action_id])))
    if not rows:
        raise AppError(ErrorCode.ACTION_NOT_FOUND)
    row = rows[0]
    who.require_facility(row["facility_code"], row["province_code"], row["commune_code"])
    return row


def history(db: sqlite_utils.Database, action_id: int) -> list[dict[str, Any]]:
    rows = list(
        db.query("SELECT * FROM action_events WHERE action_id = ? ORDER BY id", [action_id])
    )
    names = users.display_names(db, {row["user_id"] for row in rows if row["user_id"]})
    return [{**row, "by_name": names.get(row["user_id"])} for row in rows]


@dataclass(frozen=True)
class ActionQuery:
    today: str
    facility: str | None = None
    state: str | None = None
    overdue: bool | None = None
    commune: str | None = None
    kind: str | None = None
    form_id: str | None = None
    item: str | None = None
    page: int = 1
    per_page: int = 50


def _conditions(who: Principal, query: ActionQuery) -> tuple[str, list[Any]]:
    where: list[str] = []
    args: list[Any] = []
    sites = facilities.codes_in(who, commune=query.commune, kind=query.kind)
    if sites is not None:
        where.append(f"facility_code IN ({sites[0]})")
        args.extend(sites[1])
    for column, value in (
        ("facility_code", query.facility),
        ("state", query.state),
        ("form_id", query.form_id),
        ("item_id", query.item),
    ):
        if value:
            where.append(f"{column} = ?")
            args.append(value)
    if query.overdue is not None:
        where.append(f"({OVERDUE})" if query.overdue else f"NOT ({OVERDUE})")
        args.append(query.today)
    return " AND ".join(where) or "1 = 1", args


def list_actions(
    db: sqlite_utils.Database, who: Principal, query: ActionQuery
) -> Page[dict[str, Any]]:
    """Unresolved first, overdue and soonest due first among them, then the rest newest
    first."""
    where, args = _conditions(who, query)
    total = db.execute(f"SELECT count(*) FROM actions WHERE {where}", args).fetchone()[0]
    rows = list(
        db.query(
            f"SELECT * FROM actions WHERE {where} ORDER BY state NOT IN ('open', 'fix_reported'),"
            " CASE WHEN state IN ('open', 'fix_reported') THEN due_date END,"
            " updated_at DESC, id LIMIT ? OFFSET ?",
            [*args, query.per_page, page_offset(query.page, query.per_page)],
        )
    )
    return Page(_named(db, rows), int(total), query.page, query.per_page)


@dataclass(frozen=True)
class Counts:
    open: int = 0
    """Waiting for a fix or its verification (``open`` and ``fix_reported``)."""
    overdue: int = 0
    next_due: str | None = None
    """The soonest due date (YYYY-MM-DD) among the unresolved ones."""


def counts(
    db: sqlite_utils.Database, facility_codes: Collection[str], today: str
) -> dict[str, Counts]:
    """Unresolved and overdue actions per facility, and the next due date, for the given
    facilities."""
    found: dict[str, Counts] = {}
    for batch, marks in in_batches(facility_codes):
        for code, unresolved_count, overdue, next_due in db.execute(
            f"SELECT facility_code, count(*), sum({OVERDUE}), min(due_date) FROM actions"
            f" WHERE state IN ('open', 'fix_reported') AND facility_code IN ({marks})"
            " GROUP BY facility_code",
            [today, *batch],
        ):
            found[code] = Counts(int(unresolved_count), int(overdue or 0), next_due)
    return found


def overdue_in(
    db: sqlite_utils.Database, facility_codes: tuple[str, list[Any]], today: str
) -> tuple[int, int]:
    """How many actions are overdue, and at how many sites, among the facilities a
    subquery (SQL and its arguments) selects."""
    sql, args = facility_codes
    count, sites = db.execute(
        f"SELECT count(*), count(DISTINCT facility_code) FROM actions WHERE {OVERDUE}"
        f" AND facility_code IN ({sql})",
        [today, *args],
    ).fetchone()
    return int(count), int(sites)


def facility_codes_for_photo(db: sqlite_utils.Database, sha256: str) -> set[str]:
    """The facilities whose actions hold a photo (a fix reported with it)."""
    rows = db.execute(
        "SELECT DISTINCT a.facility_code FROM action_photos p"
        " JOIN actions a ON a.id = p.action_id WHERE p.sha256 = ?",
        [sha256],
    )
    return {row[0] for row in rows}


def opened_count(
    db: sqlite_utils.Database, facility_code: str, inspection_id: str
) -> tuple[int, str | None]:
    """How many actions an inspection of this facility opened, and the earliest due date
    among them (found among the facility's actions: no index by inspection)."""
    count, earliest = db.execute(
        "SELECT count(*), min(due_date) FROM actions"
        " WHERE facility_code = ? AND opened_by_inspection = ?",
        [facility_code, inspection_id],
    ).fetchone()
    return int(count), earliest


def facility_of(db: sqlite_utils.Database, action_id: int) -> str:
    """The code of the facility an action is for."""
    row = db.execute("SELECT facility_code FROM actions WHERE id = ?", [action_id]).fetchone()
    return str(row[0])


def open_due(
    db: sqlite_utils.Database,
    facility_codes: str,
    *,
    after: str | None = None,
    through: str | None = None,
    before: str | None = None,
) -> list[tuple[int, str, str]]:
    """Open actions due after, through or before these dates (YYYY-MM-DD), at the
    facilities a subquery (without arguments) selects: id, facility code and due date."""
    where = ["state = 'open'", f"facility_code IN ({facility_codes})"]
    args: list[str] = []
    for bound, test in (
        (after, "due_date > ?"),
        (through, "due_date <= ?"),
        (before, "due_date < ?"),
    ):
        if bound is not None:
            where.append(test)
            args.append(bound)
    rows = db.execute(
        f"SELECT id, facility_code, due_date FROM actions WHERE {' AND '.join(where)} ORDER BY id",
        args,
    )
    return [(int(action_id), str(code), str(due)) for action_id, code, due in rows]
