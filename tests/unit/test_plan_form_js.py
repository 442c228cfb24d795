"""The plan form's requests (``pwa/js/plan-form-state.js``, run in Node): a new plan's
body and a change's diff (visits added, moved, removed; done ones untouched) decode as the
server's own request types, and the server's refusals point back at the right field."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import msgspec
import pytest

from server.plans.schemas import PlanChange, PlanIn

MODULE = Path(__file__).parents[2] / "pwa" / "js" / "plan-form-state.js"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")

SCRIPT = """
import { emptyPlan, fieldOf, fromPlan, requestOf } from %(module)s;
const member = { name: "Phạm Thu Hà", agency: "Sở Y tế", role: "lead", username: null };
const fresh = emptyPlan("08", "2026-12-01", "2026-12-31");
Object.assign(fresh, { name: " Kế hoạch ", agencies: ["Sở Y tế"] });
fresh.teams = [{ name: "Đoàn 1", members: [{ ...member, username: " thanhtra " }] }];
const site = (code, team, start, end) => ({ code, name: code, commune: "X", team, start, end });
fresh.sites = [site("A1", 0, "2026-12-01", "2026-12-05")];
const visit = (id, code, state) => ({ id, facility_code: code, facility_name: code,
  commune_name: "X", team_index: 0, start: "2026-12-01", end: "2026-12-09", state });
const plan = { province_code: "08", name: "P", start: "2026-12-01", end: "2026-12-31",
  agencies: ["Sở Y tế"],
  teams: [{ name: "Đoàn 1", members: [member] }],
  visits: [visit(1, "A1", "done"), visit(2, "A2", "pending"), visit(3, "A3", "late")] };
const edited = fromPlan(plan);
edited.teams.push({ name: "Đoàn 2", members: [member] });
edited.sites[1].team = 1;  // A2 moves to the new team
edited.sites.splice(2, 1);  // A3 goes
edited.sites.push(site("A4", 1, "2026-12-02", "2026-12-03"));
const made = requestOf(fresh, false);
const changed = requestOf(edited, true);
const where = (r, detail) => fieldOf(detail, r.where);
console.log(JSON.stringify({
  made: made.body, changed: changed.body,
  fields: [
    where(made, { field: "$.visits[0].end" }),
    where(changed, { field: "$.add[0].facility_code" }),
    where(changed, { field: "$.change[0].team" }),
    where(changed, { key: "teams[1].members[0].username" }),
    where(made, { message: "Expected `str` of length >= 1 - at `$.teams[0].name`" }),
  ],
}));
"""


def run() -> dict[str, Any]:
    script = SCRIPT % {"module": json.dumps(MODULE.as_uri())}
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_the_forms_requests_are_what_the_server_takes_and_errors_find_their_field() -> None:
    out = run()
    made = msgspec.json.decode(json.dumps(out["made"]), type=PlanIn)
    assert (made.name, made.province) == ("Kế hoạch", "08")
    assert made.teams[0].members[0].username == "thanhtra"
    assert [(v.facility_code, v.team) for v in made.visits] == [("A1", 0)]
    changed = msgspec.json.decode(json.dumps(out["changed"]), type=PlanChange)
    assert [(v.facility_code, v.team) for v in changed.add] == [("A4", 1)]
    assert [(c.id, c.team) for c in changed.change] == [(2, 1)]  # the done A1 is not sent
    assert changed.remove == [3]
    assert [t.name for t in changed.teams or []] == ["Đoàn 1", "Đoàn 2"]
    assert out["fields"] == [
        "sites[0].end",
        "sites[2]",  # A4, the third site on the form
        "sites[1].team",
        "teams[1].members[0].username",
        "teams[0].name",
    ]
