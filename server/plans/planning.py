"""Making a joint inspection plan: who may, which sites, checked as a whole.

A department plans for its province (an admin names the province). Sites come listed one by
one or picked by a filter over the department list (status, kind, communes, overdue
actions); every site must be in the province, every team index exist, every account named
for a member exist. The plan, its teams and visits and the audit entry are one transaction.
"""

from __future__ import annotations

from datetime import date

import sqlite_utils

from server.audit import store as audit
from server.auth.principal import Principal
from server.auth.store import user_id_by_name
from server.clock import utcnow
from server.compliance import store as compliance
from server.db import transaction
from server.errors import AppError, ErrorCode
from server.facilities import store as facilities
from server.forms.registry import FormRegistry
from server.plans import store
from server.plans.schemas import PlanIn, SiteFilter


def create(db: sqlite_utils.Database, who: Principal, forms: FormRegistry, data: PlanIn) -> int:
    province = _province(who, data)
    _check_dates(data.start, data.end)
    listed = [
        store.NewVisit(v.facility_code, v.team, v.start.isoformat(), v.end.isoformat())
        for v in data.visits
    ]
    picked = _picked(db, who, forms, province, data.pick) if data.pick else []
    visits = [*listed, *picked]
    for visit in visits:
        if visit.team >= len(data.teams):
            raise AppError(ErrorCode.PLAN_INVALID, f"there is no team {visit.team}")
        if visit.window_end < visit.window_start:
            raise AppError(
                ErrorCode.PLAN_INVALID, f"the visit to {visit.facility_code} ends before it starts"
            )
        ref = facilities.find_ref(db, visit.facility_code)
        if ref is None or ref.province_code != province:
            raise AppError(
                ErrorCode.PLAN_INVALID, f"{visit.facility_code!r} is not a facility of the province"
            )
    with transaction(db):
        teams = [
            (team, [user_id_by_name(db, m.username) for m in team.members if m.username])
            for team in data.teams
        ]
        plan_id = store.insert(
            db,
            store.NewPlan(
                province, data.name, data.start.isoformat(), data.end.isoformat(),
                list(data.agencies), who.user_id, utcnow(),
            ),
            teams,
            visits,
        )  # fmt: skip
        audit.record(
            db,
            "plan_created",
            user_id=who.user_id,
            subject=f"plan:{plan_id}",
            details={"name": data.name, "visits": len({v.facility_code for v in visits})},
        )
    return plan_id


def _province(who: Principal, data: PlanIn) -> str:
    if who.role == "admin":
        if not data.province:
            raise AppError(ErrorCode.PLAN_INVALID, "an admin names the plan's province")
        return data.province
    if who.role != "department" or not who.province_code:
        raise AppError(ErrorCode.FORBIDDEN_ROLE, "departments and admins make plans")
    if data.province and data.province != who.province_code:
        raise AppError(ErrorCode.FORBIDDEN_SCOPE)
    return who.province_code


def _check_dates(start: date, end: date) -> None:
    if end < start:
        raise AppError(ErrorCode.PLAN_INVALID, "the plan ends before it starts")


def _picked(
    db: sqlite_utils.Database,
    who: Principal,
    forms: FormRegistry,
    province: str,
    pick: SiteFilter,
) -> list[store.NewVisit]:
    """The sites of the department list matching the filter, in its order."""
    codes: list[str] = []
    now = utcnow()
    communes: list[str | None] = [*pick.communes] or [None]
    for commune in communes:
        query = compliance.ListQuery(
            province=province, commune=commune, kind=pick.kind, overdue_actions=pick.overdue_actions
        )
        sql, args = compliance.list_sql(who, forms, query, now)
        for code, status, *_ in db.execute(sql, args):
            if not pick.status or status in pick.status:
                codes.append(code)
    start, end = pick.start.isoformat(), pick.end.isoformat()
    return [store.NewVisit(code, pick.team, start, end) for code in dict.fromkeys(codes)]
