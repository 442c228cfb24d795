"""Joint inspection plans: departments make them; everyone in the province reads them with
their progress; an inspector's phone lists the visits of their teams."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get, patch, post
from litestar.params import JSONBody, PathParameter

from server.auth.middleware import AuthedRequest, require_role
from server.auth.principal import Principal
from server.clock import today
from server.db import SQLITE_MAX_INTEGER
from server.deps import Db, Forms
from server.errors import AppError, ErrorCode
from server.openapi import BODY, api
from server.plans import changes, planning, store
from server.plans.schemas import PlanChange, PlanIn, PlanOut, Progress, VisitOut, VisitState

PlanId = Annotated[int, PathParameter(ge=1, le=SQLITE_MAX_INTEGER, description="Plan id")]
READERS = require_role("department", "inspector", "admin")


class PlanController(Controller):
    path = "/api/plans"
    tags = ["plans"]

    @post(
        "/",
        **api(*BODY, ErrorCode.FORBIDDEN_ROLE, ErrorCode.FORBIDDEN_SCOPE, ErrorCode.PLAN_INVALID,
              ErrorCode.USER_NOT_FOUND, also={201: "The plan, with its visits."}),
        guards=[require_role("department", "admin")],
        sync_to_thread=True,
        summary="Make a joint inspection plan",
        description="Name, period, the agencies taking part, teams (members from each agency,"
        " one lead; members with an account see the team's visits on their phone) and the"
        " sites to visit, listed or picked by a filter over the department list, each with a"
        " team and a window. Departments plan for their province; admins name one.",
    )  # fmt: skip
    def create(
        self, request: AuthedRequest, db: Db, forms: Forms, data: JSONBody[PlanIn]
    ) -> PlanOut:
        plan_id = planning.create(db, request.user, forms, data)
        return _plan(db, plan_id, visits=True)

    @patch(
        "/{plan_id:int}",
        **api(*BODY, ErrorCode.FORBIDDEN_ROLE, ErrorCode.FORBIDDEN_SCOPE, ErrorCode.PLAN_INVALID,
              ErrorCode.PLAN_NOT_FOUND, ErrorCode.PLAN_VISIT_DONE, ErrorCode.USER_NOT_FOUND),
        guards=[require_role("department", "admin")],
        sync_to_thread=True,
        summary="Change a joint inspection plan",
        description="Its name, period, agencies and teams (every team, in order: updated in"
        " place, added, or removed when no visit is left with them); visits added (listed or"
        " by filter), moved to another team or window, or removed. A visit already done"
        " cannot be moved or removed (`plan.visit_done`). One change is one audit entry"
        " (`plan_changed`); inspectors whose visits were assigned or moved are notified."
        " Departments change the plans of their province, admins any.",
    )  # fmt: skip
    def change(
        self, request: AuthedRequest, db: Db, forms: Forms, plan_id: PlanId,
        data: JSONBody[PlanChange],
    ) -> PlanOut:  # fmt: skip
        changes.change(db, request.user, forms, plan_id, data)
        return _plan(db, plan_id, visits=True)

    @get(
        "/",
        **api(ErrorCode.FORBIDDEN_ROLE),
        guards=[READERS],
        sync_to_thread=True,
        summary="Inspection plans",
        description="The plans of the caller's province (every plan for an admin), newest"
        " first, with their progress: visits done, pending and late.",
    )
    def list_plans(self, request: AuthedRequest, db: Db) -> list[PlanOut]:
        province = None if request.user.role == "admin" else request.user.province_code or "-"
        return [_plan(db, row["id"]) for row in store.plans(db, province)]

    @get(
        "/{plan_id:int}",
        **api(ErrorCode.BAD_REQUEST, ErrorCode.FORBIDDEN_ROLE, ErrorCode.FORBIDDEN_SCOPE,
              ErrorCode.PLAN_NOT_FOUND),
        guards=[READERS],
        sync_to_thread=True,
        summary="One inspection plan",
        description="A plan with every visit: the site, team, window and whether it is done"
        " (with the inspection that did it), pending or late. A site not visited stays listed.",
    )  # fmt: skip
    def get_plan(self, request: AuthedRequest, db: Db, plan_id: PlanId) -> PlanOut:
        _require_province(request.user, store.plan(db, plan_id))
        return _plan(db, plan_id, visits=True)

    @get(
        "/visits/mine",
        **api(ErrorCode.FORBIDDEN_ROLE),
        guards=[require_role("inspector")],
        sync_to_thread=True,
        summary="My visits (lịch kiểm tra)",
        description="The visits of every team the inspector is a member of, pending ones"
        " first, soonest first, with the team to pre-fill on the minutes.",
    )
    def my_visits(self, request: AuthedRequest, db: Db) -> list[VisitOut]:
        return [_visit(row) for row in store.visits_of(db, request.user.user_id)]


def _require_province(who: Principal, row: dict[str, Any]) -> None:
    if who.role != "admin" and row["province_code"] != who.province_code:
        raise AppError(ErrorCode.FORBIDDEN_SCOPE)


def _state(row: dict[str, Any]) -> VisitState:
    if row["inspection_id"]:
        return "done"
    return "late" if row["window_end"] < today().isoformat() else "pending"


def _visit(row: dict[str, Any]) -> VisitOut:
    return VisitOut(
        id=row["id"],
        plan_id=row["plan_id"],
        plan_name=row["plan_name"],
        facility_code=row["facility_code"],
        facility_name=row["facility_name"],
        facility_kind=row["facility_kind"],
        commune_name=row["commune_name"],
        team=row["team"],
        team_index=row["team_index"],
        members=store.members_of(row),
        start=row["window_start"],
        end=row["window_end"],
        state=_state(row),
        inspection_id=row["inspection_id"],
    )


def _plan(db: Db, plan_id: int, *, visits: bool = False) -> PlanOut:
    row = store.plan(db, plan_id)
    done, pending, late = store.progress(db, plan_id, today().isoformat())
    return PlanOut(
        id=plan_id,
        province_code=row["province_code"],
        name=row["name"],
        start=row["starts_on"],
        end=row["ends_on"],
        agencies=store.agencies_of(row),
        teams=store.teams(db, plan_id),
        progress=Progress(done, pending, late),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        visits=[_visit(v) for v in store.visits(db, plan_id)] if visits else None,
    )
