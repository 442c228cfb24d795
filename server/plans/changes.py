"""Changing a joint inspection plan after it is made: its name, period and agencies, its
teams, and its visits (added, listed or by filter; moved to another team or window;
removed). A visit already done stays as it is (``plan.visit_done``).

One change is one transaction: the plan, its teams and visits, one ``plan_changed`` audit
entry saying what changed, and the notices to the inspectors whose visits were assigned
or changed (docs/plans.md, docs/push.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from server.audit import store as audit
from server.auth.principal import Principal
from server.clock import utcnow
from server.db import transaction
from server.errors import AppError, ErrorCode
from server.forms.registry import FormRegistry
from server.plans import store
from server.plans.planning import check_visits, invalid, picked_sites, team_users
from server.plans.schemas import PlanChange
from server.push import events as push


@dataclass
class _Told:
    """Who is told of what: visits newly theirs, and visits of theirs whose window moved."""

    assigned: dict[int, list[int]] = field(default_factory=dict)
    changed: dict[int, list[int]] = field(default_factory=dict)

    def add(self, into: dict[int, list[int]], users: set[int], visit_id: int) -> None:
        for user_id in users:
            if visit_id not in into.setdefault(user_id, []):
                into[user_id].append(visit_id)


def change(
    db: sqlite_utils.Database, who: Principal, forms: FormRegistry, plan_id: int, data: PlanChange
) -> dict[str, Any]:
    """Apply the change; returns what changed, as audited."""
    with transaction(db):
        row = store.plan(db, plan_id)
        if who.role != "admin" and row["province_code"] != who.province_code:
            raise AppError(ErrorCode.FORBIDDEN_SCOPE)
        start = data.start.isoformat() if data.start else row["starts_on"]
        end = data.end.isoformat() if data.end else row["ends_on"]
        if end < start:
            raise invalid("the plan ends before it starts", "end")
        told = _Told()
        teams, users_before = _teams(db, plan_id, data, told)
        visits = store.visit_rows(db, plan_id)
        removed = _remove(db, visits, data.remove)
        changed = _change_visits(db, visits, data, teams, users_before, told)
        added = _add(db, who, forms, row["province_code"], plan_id, visits, data, teams, told)
        _drop_unused_teams(db, plan_id, teams, data)
        at = utcnow()
        agencies = list(data.agencies) if data.agencies else store.agencies_of(row)
        store.update_plan(db, plan_id, data.name or row["name"], start, end, agencies, at)
        push.visits_for(db, "visit_assigned", told.assigned, at)
        push.visits_for(db, "visit_changed", told.changed, at)
        details = {
            "fields": [
                name
                for name in ("name", "start", "end", "agencies", "teams")
                if getattr(data, name) is not None
            ],
            "added": added,
            "changed": changed,
            "removed": removed,
        }
        audit.record(
            db, "plan_changed", user_id=who.user_id, subject=f"plan:{plan_id}", details=details
        )
    return details


def _teams(
    db: sqlite_utils.Database, plan_id: int, data: PlanChange, told: _Told
) -> tuple[list[int], dict[int, set[int]]]:
    """Update the teams in place and add new ones; returns every team id in order (those
    to drop still included) and each team's accounts before the change. Accounts newly in
    a team are told of its pending visits."""
    ids = store.team_ids(db, plan_id)
    before = {team_id: store.team_users(db, team_id) for team_id in ids}
    if data.teams is None:
        return ids, before
    for n, team in enumerate(data.teams):
        users = team_users(db, team, n)
        if n < len(ids):
            store.update_team(db, ids[n], team, users)
            newcomers = set(users) - before[ids[n]]
            for visit_id in store.pending_visits_of_team(db, ids[n]):
                told.add(told.assigned, newcomers, visit_id)
        else:
            ids.append(store.add_team(db, plan_id, team, users))
    return ids, before


def _remove(db: sqlite_utils.Database, visits: dict[int, dict[str, Any]], ids: list[int]) -> int:
    for n, visit_id in enumerate(ids):
        visit = _visit(visits, visit_id, f"remove[{n}]")
        if visit["inspection_id"]:
            raise _done(visit, f"remove[{n}]")
        store.delete_visit(db, visit_id)
        del visits[visit_id]
    return len(ids)


def _change_visits(
    db: sqlite_utils.Database,
    visits: dict[int, dict[str, Any]],
    data: PlanChange,
    teams: list[int],
    users_before: dict[int, set[int]],
    told: _Told,
) -> int:
    count = len(data.teams) if data.teams is not None else len(teams)
    for n, wanted in enumerate(data.change):
        where = f"change[{n}]"
        visit = _visit(visits, wanted.id, where)
        if visit["inspection_id"]:
            raise _done(visit, where)
        if wanted.team is not None and wanted.team >= count:
            raise invalid(f"there is no team {wanted.team}", f"{where}.team")
        team_id = teams[wanted.team] if wanted.team is not None else visit["team_id"]
        start = wanted.start.isoformat() if wanted.start else visit["window_start"]
        end = wanted.end.isoformat() if wanted.end else visit["window_end"]
        if end < start:
            raise invalid(
                f"the visit to {visit['facility_code']} ends before it starts", f"{where}.end"
            )
        store.update_visit(db, wanted.id, team_id, start, end)
        users = store.team_users(db, team_id)
        if team_id != visit["team_id"]:
            told.add(told.assigned, users - users_before.get(visit["team_id"], set()), wanted.id)
        if (start, end) != (visit["window_start"], visit["window_end"]):
            told.add(told.changed, users, wanted.id)
        visit.update(team_id=team_id, window_start=start, window_end=end)
    return len(data.change)


def _add(
    db: sqlite_utils.Database,
    who: Principal,
    forms: FormRegistry,
    province: str,
    plan_id: int,
    visits: dict[int, dict[str, Any]],
    data: PlanChange,
    teams: list[int],
    told: _Told,
) -> int:
    listed = [
        store.NewVisit(v.facility_code, v.team, v.start.isoformat(), v.end.isoformat())
        for v in data.add
    ]
    count = len(data.teams) if data.teams is not None else len(teams)
    check_visits(db, province, listed, count, "add")
    planned = {v["facility_code"] for v in visits.values()}
    for n, visit in enumerate(listed):
        if visit.facility_code in planned:
            raise invalid(
                f"{visit.facility_code!r} is already in the plan", f"add[{n}].facility_code"
            )
    picked = picked_sites(db, who, forms, province, data.pick) if data.pick else []
    picked = [v for v in picked if v.facility_code not in planned]
    check_visits(db, province, picked, count, "pick")
    new = store.add_visits(db, plan_id, teams, [*listed, *picked])
    for visit_id in new:
        told.add(told.assigned, store.team_users(db, store.team_of_visit(db, visit_id)), visit_id)
    return len(new)


def _drop_unused_teams(
    db: sqlite_utils.Database, plan_id: int, teams: list[int], data: PlanChange
) -> None:
    """Teams left out of ``teams`` go, unless a visit still has them."""
    if data.teams is None:
        return
    for n, team_id in enumerate(teams[len(data.teams) :], start=len(data.teams)):
        used = store.visit_count_of_team(db, team_id)
        if used:
            raise invalid(f"team {n} still has {used} visits; move them first", "teams")
        store.drop_team(db, team_id)


def _visit(visits: dict[int, dict[str, Any]], visit_id: int, where: str) -> dict[str, Any]:
    if visit_id not in visits:
        raise invalid(f"there is no visit {visit_id} in this plan", where)
    return visits[visit_id]


def _done(visit: dict[str, Any], where: str) -> AppError:
    message = f"the visit to {visit['facility_code']} was done by an inspection"
    return AppError(
        ErrorCode.PLAN_VISIT_DONE, message, [{"field": f"$.{where}", "message": message}]
    )
