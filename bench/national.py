"""National-scale data for the benchmarks: about 60,000 facilities across the 34 provinces
and about 600,000 inspections of realistic size, built once and reused.

Facilities and accounts go through the registry and account code, inspections through the
real intake (in process, large batches: the HTTP path is what the benchmarks measure).
"""

from __future__ import annotations

import argparse
import json
import random
import time
import zlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from server.app import prepare_database
from server.auth.store import NewUser, create_user, principal_for
from server.db import connect_settings
from server.facilities.store import upsert_facilities
from server.forms.registry import FormRegistry
from server.inspections import synthetic
from server.inspections.intake import IntakeRules, ingest
from server.settings import Settings

OUT = Path(__file__).resolve().parent / "out"
PASSWORD = "benchmark-password"
KIND_SHARES = {
    "preschool": 0.26,
    "independent_childcare": 0.10,
    "primary": 0.24,
    "lower_secondary": 0.17,
    "upper_secondary": 0.06,
    "multi_level": 0.04,
    "after_hours_childcare": 0.13,
}


@dataclass(frozen=True)
class Scale:
    facilities: int
    inspections: int

    @property
    def name(self) -> str:
        return f"f{self.facilities}-i{self.inspections}"


NATIONAL = Scale(60_000, 600_000)
SMALL = Scale(6_000, 60_000)


def settings_for(scale: Scale) -> Settings:
    return Settings.from_env({}, data_dir=OUT / scale.name)


def _facilities(provinces: list[str], count: int, rng: random.Random) -> list[dict[str, Any]]:
    kinds = list(KIND_SHARES)
    weights = list(KIND_SHARES.values())
    rows = []
    for n in range(count):
        province = provinces[n % len(provinces)]
        commune = f"{province}{rng.randrange(1, 98):03d}"
        kind = rng.choices(kinds, weights)[0]
        rows.append(
            {
                "code": f"B{province}-{n:06d}",
                "name": f"Cơ sở {kind} {n}",
                "kind": kind,
                "ownership": rng.choice(["public", "public", "public", "private", "community"]),
                "province_code": province,
                "commune_code": commune,
            }
        )
    return rows


def build(scale: Scale, *, quiet: bool = False) -> Settings:
    """Create the data set unless a complete one is already there."""
    settings = settings_for(scale)
    marker = settings.data_dir / "complete.json"
    if marker.exists():
        return settings
    if settings.data_dir.exists():
        for path in settings.data_dir.glob("safeschool.sqlite3*"):
            path.unlink()
    settings.data_dir.mkdir(parents=True, exist_ok=True)

    def say(message: str) -> None:
        if not quiet:
            print(message, flush=True)

    started = time.perf_counter()
    forms = prepare_database(settings)
    db = connect_settings(settings)
    rng = random.Random(2025)
    provinces = [row[0] for row in db.execute("SELECT code FROM provinces ORDER BY code")]
    facilities = _facilities(provinces, scale.facilities, rng)
    communes = sorted({(f["commune_code"], f["province_code"]) for f in facilities})
    upsert_facilities(db, facilities, [(c, p, f"Xã {c}") for c, p in communes])
    say(f"{len(facilities)} facilities in {len(communes)} communes")

    inspectors = {}
    for province in provinces:
        user_id = create_user(
            db,
            NewUser(f"insp-{province}", PASSWORD, "inspector", province_code=province),
            min_password_length=8,
        )
        create_user(
            db,
            NewUser(f"dept-{province}", PASSWORD, "department", province_code=province,
                    agency=f"Sở Giáo dục và Đào tạo {province}"),
            min_password_length=8,
        )  # fmt: skip
        inspectors[province] = principal_for(db, user_id)
    create_user(db, NewUser("bench-admin", PASSWORD, "admin"), min_password_length=8)

    _inspections(db, forms, facilities, inspectors, scale.inspections, rng, say)
    db.execute("PRAGMA optimize")
    db.conn.close()
    marker.write_text(json.dumps({"scale": scale.name, "seconds": time.perf_counter() - started}))
    say(f"built in {time.perf_counter() - started:.0f} s")
    return settings


def _inspections(
    db: Any,
    forms: FormRegistry,
    facilities: list[dict[str, Any]],
    inspectors: dict[str, Any],
    total: int,
    rng: random.Random,
    say: Any,
) -> None:
    """About ten inspections per facility over three years; a tenth of facilities fail
    often, so every status appears."""
    now = datetime.now(UTC)
    candidates = [f for f in facilities if forms.for_kind(f["kind"])]
    rules = IntakeRules(clock_skew=timedelta(minutes=5))
    pending: dict[str, list[dict[str, Any]]] = defaultdict(list)
    made = 0
    next_report = 50_000
    while made < total:
        facility = rng.choice(candidates)
        checklist = rng.choice(forms.for_kind(facility["kind"]))
        fail_rate = 0.2 if zlib.crc32(facility["code"].encode()) % 10 == 0 else 0.02
        completed = now - timedelta(days=rng.uniform(0, 3 * 365))
        record = synthetic.record(checklist, facility["code"], rng, completed_at=completed,
                                  fail_rate=fail_rate)  # fmt: skip
        batch = pending[facility["province_code"]]
        batch.append(record)
        made += 1
        if len(batch) >= 1000:
            ingest(db, forms, inspectors[facility["province_code"]], batch, rules)
            batch.clear()
            if made >= next_report:
                say(f"{made} inspections")
                next_report += 50_000
    for province, batch in pending.items():
        if batch:
            ingest(db, forms, inspectors[province], batch, rules)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true", help="a tenth of national scale")
    args = parser.parse_args()
    settings = build(SMALL if args.small else NATIONAL)
    print(settings.database_path)


if __name__ == "__main__":
    main()
