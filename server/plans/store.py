"""The owner of ``plans``, ``plan_teams``, ``plan_team_users`` and ``plan_visits``.

The sites' names come from ``server.facilities.store``. Writing functions run inside the
caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
import sqlite_utils

from server.errors import AppError, ErrorCode
from server.facilities import store as facilities
from server.plans.schemas import PlanMember, PlanTeam

_members = msgspec.json.Decoder(list[PlanMember])
_agencies = msgspec.json.Decoder(list[str])


@dataclass(frozen=True)
class NewPlan:
    province_code: str
    name: str
    starts_on: str
    ends_on: str
    agencies: list[str]
    created_by: int
    at: str


@dataclass(frozen=True)
class NewVisit:
    facility_code: str
    team: int
    """Position in the plan's teams."""
    window_start: str
    window_end: str


def insert(
    db: sqlite_utils.Database,
    plan: NewPlan,
    teams: Sequence[tuple[PlanTeam, list[int]]],
    visits: Sequence[NewVisit],
) -> int:
    """A plan with its teams (each with the accounts of its members) and its visits; a site
    listed twice keeps its first visit."""
    cursor = db.execute(
        "INSERT INTO plans (province_code, name, starts_on, ends_on, agencies, created_by,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            plan.province_code,
            plan.name,
            plan.starts_on,
            plan.ends_on,
            msgspec.json.encode(plan.agencies).decode(),
            plan.created_by,
            plan.at,
            plan.at,
        ],
    )
    plan_id = int(cursor.lastrowid or 0)
    team_ids = [add_team(db, plan_id, team, user_ids) for team, user_ids in teams]
    add_visits(db, plan_id, team_ids, visits)
    return plan_id


def add_team(
    db: sqlite_utils.Database, plan_id: int, team: PlanTeam, user_ids: Sequence[int]
) -> int:
    cursor = db.execute(
        "INSERT INTO plan_teams (plan_id, name, members) VALUES (?, ?, ?)",
        [plan_id, team.name, msgspec.json.encode(team.members).decode()],
    )
    team_id = int(cursor.lastrowid or 0)
    _set_users(db, team_id, user_ids)
    return team_id


def update_team(
    db: sqlite_utils.Database, team_id: int, team: PlanTeam, user_ids: Sequence[int]
) -> None:
    db.execute(
        "UPDATE plan_teams SET name = ?, members = ? WHERE id = ?",
        [team.name, msgspec.json.encode(team.members).decode(), team_id],
    )
    db.execute("DELETE FROM plan_team_users WHERE team_id = ?", [team_id])
    _set_users(db, team_id, user_ids)


def drop_team(db: sqlite_utils.Database, team_id: int) -> None:
    db.execute("DELETE FROM plan_team_users WHERE team_id = ?", [team_id])
    db.execute("DELETE FROM plan_teams WHERE id = ?", [team_id])


def _set_users(db: sqlite_utils.Database, team_id: int, user_ids: Sequence[int]) -> None:
    db.conn.executemany(
        "INSERT OR IGNORE INTO plan_team_users (team_id, user_id) VALUES (?, ?)",
        [(team_id, user_id) for user_id in user_ids],
    )


def team_ids(db: sqlite_utils.Database, plan_id: int) -> list[int]:
    """The plan's teams in order: a team's position is its index in requests."""
    rows = db.execute("SELECT id FROM plan_teams WHERE plan_id = ? ORDER BY id", [plan_id])
    return [int(row[0]) for row in rows]


def team_users(db: sqlite_utils.Database, team_id: int) -> set[int]:
    rows = db.execute("SELECT user_id FROM plan_team_users WHERE team_id = ?", [team_id])
    return {int(row[0]) for row in rows}


def add_visits(
    db: sqlite_utils.Database, plan_id: int, team_ids: Sequence[int], visits: Sequence[NewVisit]
) -> list[int]:
    """Insert the visits of sites not yet in the plan (a site listed twice keeps its first
    visit); returns the new visits' ids."""
    added = []
    for v in visits:
        cursor = db.execute(
            "INSERT OR IGNORE INTO plan_visits (plan_id, facility_code, team_id, window_start,"
            " window_end) VALUES (?, ?, ?, ?, ?)",
            [plan_id, v.facility_code, team_ids[v.team], v.window_start, v.window_end],
        )
        if cursor.rowcount:
            added.append(int(cursor.lastrowid or 0))
    return added


def visit_rows(db: sqlite_utils.Database, plan_id: int) -> dict[int, dict[str, Any]]:
    """The plan's visits as stored, by id."""
    rows = db.query("SELECT * FROM plan_visits WHERE plan_id = ? ORDER BY id", [plan_id])
    return {int(row["id"]): row for row in rows}


def update_visit(
    db: sqlite_utils.Database, visit_id: int, team_id: int, window_start: str, window_end: str
) -> None:
    db.execute(
        "UPDATE plan_visits SET team_id = ?, window_start = ?, window_end = ? WHERE id = ?",
        [team_id, window_start, window_end, visit_id],
    )


def delete_visit(db: sqlite_utils.Database, visit_id: int) -> None:
    db.execute("DELETE FROM plan_visits WHERE id = ?", [visit_id])


def update_plan(
    db: sqlite_utils.Database,
    plan_id: int,
    name: str,
    starts_on: str,
    ends_on: str,
    agencies: Sequence[str],
    at: str,
) -> None:
    db.execute(
        "UPDATE plans SET name = ?, starts_on = ?, ends_on = ?, agencies = ?, updated_at = ?"
        " WHERE id = ?",
        [name, starts_on, ends_on, msgspec.json.encode(list(agencies)).decode(), at, plan_id],
    )


def late_visits(db: sqlite_utils.Database, today: str) -> list[dict[str, Any]]:
    """Visits not done whose window is over, with their plan's province."""
    return list(
        db.query(
            "SELECT v.id, v.plan_id, v.facility_code, v.window_end, p.province_code"
            " FROM plan_visits v JOIN plans p ON p.id = v.plan_id"
            " WHERE v.inspection_id IS NULL AND v.window_end < ? ORDER BY v.id",
            [today],
        )
    )


def link_inspection(
    db: sqlite_utils.Database, facility_code: str, inspected_on: str, inspection_id: str
) -> int | None:
    """Mark the facility's earliest pending visit whose window has begun as done by this
    inspection (late or not); returns the visit's id, if any."""
    row = db.execute(
        "SELECT id FROM plan_visits WHERE facility_code = ? AND inspection_id IS NULL"
        " AND window_start <= ? ORDER BY window_end, id LIMIT 1",
        [facility_code, inspected_on],
    ).fetchone()
    if row is None:
        return None
    db.execute("UPDATE plan_visits SET inspection_id = ? WHERE id = ?", [inspection_id, row[0]])
    return int(row[0])


def hand_over_visit(
    db: sqlite_utils.Database, facility_code: str, amended_id: str, amendment_id: str
) -> None:
    """An amendment corrects an inspection, it is no visit of its own: it takes over the
    visit the amended inspection did, if any."""
    db.execute(
        "UPDATE plan_visits SET inspection_id = ? WHERE facility_code = ? AND inspection_id = ?",
        [amendment_id, facility_code, amended_id],
    )


def plans(db: sqlite_utils.Database, province_code: str | None) -> list[dict[str, Any]]:
    where, args = ("WHERE province_code = ?", [province_code]) if province_code else ("", [])
    return list(db.query(f"SELECT * FROM plans {where} ORDER BY starts_on DESC, id DESC", args))


def plan(db: sqlite_utils.Database, plan_id: int) -> dict[str, Any]:
    rows = list(db.query("SELECT * FROM plans WHERE id = ?", [plan_id]))
    if not rows:
        raise AppError(ErrorCode.PLAN_NOT_FOUND)
    return rows[0]


def teams(db: sqlite_utils.Database, plan_id: int) -> list[PlanTeam]:
    rows = db.execute(
        "SELECT name, members FROM plan_teams WHERE plan_id = ? ORDER BY id", [plan_id]
    )
    return [PlanTeam(name, _members.decode(members)) for name, members in rows]


_VISITS = (
    "SELECT v.id, v.plan_id, p.name AS plan_name, v.facility_code, t.name AS team, t.members,"
    " (SELECT count(*) FROM plan_teams o WHERE o.plan_id = v.plan_id AND o.id < v.team_id)"
    " AS team_index,"
    " v.window_start, v.window_end, v.inspection_id FROM plan_visits v"
    " JOIN plans p ON p.id = v.plan_id JOIN plan_teams t ON t.id = v.team_id"
)


def _named(db: sqlite_utils.Database, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The visits with their site's name, kind and commune added (a site unknown to the
    registry drops out, as a join would drop it)."""
    sites = facilities.labels(db, {row["facility_code"] for row in rows})
    return [
        {
            **row,
            "facility_name": site["facility_name"],
            "facility_kind": site["facility_kind"],
            "commune_name": site["commune_name"],
        }
        for row in rows
        if (site := sites.get(row["facility_code"])) is not None
    ]


def visits(db: sqlite_utils.Database, plan_id: int) -> list[dict[str, Any]]:
    rows = _named(db, list(db.query(f"{_VISITS} WHERE v.plan_id = ?", [plan_id])))
    return sorted(rows, key=lambda row: (row["window_start"], row["facility_name"]))


def visits_of(db: sqlite_utils.Database, user_id: int) -> list[dict[str, Any]]:
    """The visits of every team the user is a member of, soonest first."""
    rows = _named(
        db,
        list(
            db.query(
                f"{_VISITS} JOIN plan_team_users u ON u.team_id = v.team_id WHERE u.user_id = ?",
                [user_id],
            )
        ),
    )
    return sorted(
        rows,
        key=lambda row: (
            row["inspection_id"] is not None,
            row["window_start"],
            row["facility_name"],
        ),
    )


def members_of(row: dict[str, Any]) -> list[PlanMember]:
    return _members.decode(row["members"])


def agencies_of(row: dict[str, Any]) -> list[str]:
    return _agencies.decode(row["agencies"])


def progress(db: sqlite_utils.Database, plan_id: int, today: str) -> tuple[int, int, int]:
    """Visits done, pending (window not over) and late (window over, not done)."""
    done, pending, late = db.execute(
        "SELECT sum(inspection_id IS NOT NULL),"
        " sum(inspection_id IS NULL AND window_end >= ?),"
        " sum(inspection_id IS NULL AND window_end < ?) FROM plan_visits WHERE plan_id = ?",
        [today, today, plan_id],
    ).fetchone()
    return int(done or 0), int(pending or 0), int(late or 0)


def pending_visits_of_team(db: sqlite_utils.Database, team_id: int) -> list[int]:
    """The team's visits not yet done."""
    rows = db.execute(
        "SELECT id FROM plan_visits WHERE team_id = ? AND inspection_id IS NULL", [team_id]
    )
    return [int(row[0]) for row in rows]


def team_of_visit(db: sqlite_utils.Database, visit_id: int) -> int:
    return int(db.execute("SELECT team_id FROM plan_visits WHERE id = ?", [visit_id]).fetchone()[0])


def visit_count_of_team(db: sqlite_utils.Database, team_id: int) -> int:
    return int(
        db.execute("SELECT count(*) FROM plan_visits WHERE team_id = ?", [team_id]).fetchone()[0]
    )


def soonest_visit(db: sqlite_utils.Database, visit_ids: Sequence[int]) -> tuple[int, str, str, str]:
    """Of these visits, the one whose window starts first: its id, facility code, window
    start and end."""
    marks = ",".join("?" * len(visit_ids))
    visit_id, code, start, end = db.execute(
        "SELECT id, facility_code, window_start, window_end FROM plan_visits"
        f" WHERE id IN ({marks}) ORDER BY window_start, id LIMIT 1",
        list(visit_ids),
    ).fetchone()
    return int(visit_id), str(code), str(start), str(end)
