"""Making a joint inspection plan: who may, which sites, checked as a whole.

A department plans for its province (an admin names the province). Sites come listed one by
one or picked by a filter over the department list (status, kind, communes, overdue
actions); every site must be in the province, every team index exist, every account named
for a member exist. The plan, its teams and visits, the notices to the members and the
audit entry are one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlite_utils

from server.audit import store as audit
from server.auth.principal import Principal
from server.auth.store import get_user, user_id_by_name
from server.clock import utcnow
from server.compliance import store as compliance
from server.db import transaction
from server.errors import AppError, ErrorCode
from server.facilities import store as facilities
from server.forms.registry import FormRegistry
from server.plans import store
from server.plans.schemas import PlanIn, PlanTeam, SiteFilter
from server.push import events as push


def create(db: sqlite_utils.Database, who: Principal, forms: FormRegistry, data: PlanIn) -> int:
    province = _province(who, data)
    check_dates(data.start, data.end)
    listed = [
        store.NewVisit(v.facility_code, v.team, v.start.isoformat(), v.end.isoformat())
        for v in data.visits
    ]
    picked = picked_sites(db, who, forms, province, data.pick) if data.pick else []
    visits = [*listed, *picked]
    check_visits(db, province, visits, len(data.teams), "visits")
    with transaction(db):
        teams = [(team, team_users(db, team, n)) for n, team in enumerate(data.teams)]
        at = utcnow()
        plan_id = store.insert(
            db,
            store.NewPlan(
                province, data.name, data.start.isoformat(), data.end.isoformat(),
                list(data.agencies), who.user_id, at,
            ),
            teams,
            visits,
        )  # fmt: skip
        by_user: dict[int, list[int]] = {}
        for visit_id, row in store.visit_rows(db, plan_id).items():
            for user_id in store.team_users(db, row["team_id"]):
                by_user.setdefault(user_id, []).append(visit_id)
        push.visits_for(db, "visit_assigned", by_user, at)
        audit.record(
            db,
            "plan_created",
            user_id=who.user_id,
            subject=f"plan:{plan_id}",
            details={"name": data.name, "visits": len({v.facility_code for v in visits})},
        )
    return plan_id


def invalid(message: str, field: str) -> AppError:
    """A refusal naming the field it concerns (``$.visits[2].end``), as the body's
    validation errors do, so a form shows it next to that field."""
    return AppError(ErrorCode.PLAN_INVALID, message, [{"field": f"$.{field}", "message": message}])


def team_users(db: sqlite_utils.Database, team: PlanTeam, n: int) -> list[int]:
    """The accounts of a team's members; an unknown one, or one that is no inspector's
    (only inspectors see their visits and are told of them), names its field."""
    ids = []
    for m, member in enumerate(team.members):
        if not member.username:
            continue
        field = f"teams[{n}].members[{m}].username"
        try:
            user_id = user_id_by_name(db, member.username)
        except AppError as error:
            error.details = [{"field": f"$.{field}", "message": error.message}]
            raise
        if get_user(db, user_id)["role"] != "inspector":
            raise invalid(f"{member.username!r} is not an inspector's account", field)
        ids.append(user_id)
    return ids


def check_visits(
    db: sqlite_utils.Database,
    province: str,
    visits: Sequence[store.NewVisit],
    teams: int,
    where: str,
) -> None:
    """Every visit has a team of the plan, a window in order and a site of the province."""
    for n, visit in enumerate(visits):
        if visit.team >= teams:
            raise invalid(f"there is no team {visit.team}", f"{where}[{n}].team")
        if visit.window_end < visit.window_start:
            raise invalid(
                f"the visit to {visit.facility_code} ends before it starts", f"{where}[{n}].end"
            )
        ref = facilities.find_ref(db, visit.facility_code)
        if ref is None or ref.province_code != province:
            raise invalid(
                f"{visit.facility_code!r} is not a facility of the province",
                f"{where}[{n}].facility_code",
            )


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


def check_dates(start: date, end: date) -> None:
    if end < start:
        raise invalid("the plan ends before it starts", "end")


def picked_sites(
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
