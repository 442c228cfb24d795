"""Demo data: one province, about 30 communes, about 300 facilities of every kind, one user
of each role, and a few months of inspections. Everything goes through the same import,
account and intake code as real data.

The communes and facilities are invented (plausible names, synthetic codes); the province
is real. Running it again reuses the database as it is.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlite_utils

from server.app import prepare_database
from server.auth.principal import Principal
from server.auth.store import NewUser, any_user, create_user, principal_for
from server.db import connect_settings
from server.facilities.csv_import import import_csv, to_csv
from server.facilities.store import all_refs
from server.forms.registry import FormRegistry
from server.inspections import synthetic
from server.inspections.intake import IntakeRules, ingest
from server.settings import Settings

PROVINCE = "08"  # Tuyên Quang
COMMUNES = [
    "Phường Minh Xuân", "Phường Nông Tiến", "Phường An Tường", "Phường Bình Thuận",
    "Phường Mỹ Lâm", "Phường Hà Giang 1", "Phường Hà Giang 2", "Xã Hàm Yên", "Xã Yên Sơn",
    "Xã Chiêm Hóa", "Xã Na Hang", "Xã Lâm Bình", "Xã Sơn Dương", "Xã Đồng Văn", "Xã Mèo Vạc",
    "Xã Yên Minh", "Xã Quản Bạ", "Xã Bắc Mê", "Xã Hoàng Su Phì", "Xã Xín Mần", "Xã Bắc Quang",
    "Xã Quang Bình", "Xã Vị Xuyên", "Xã Thái Bình", "Xã Tân Long", "Xã Kim Bình", "Xã Hòa An",
    "Xã Trung Sơn", "Xã Tân Trào", "Xã Hồng Thái",
]  # fmt: skip
KINDS = [
    # kind, count, name prefix, ownership choices
    ("preschool", 90, "Trường Mầm non", ["public"] * 6 + ["community", "private"]),
    ("independent_childcare", 40, "Nhóm trẻ", ["private"]),
    ("primary", 70, "Trường Tiểu học", ["public"] * 9 + ["private"]),
    ("lower_secondary", 45, "Trường THCS", ["public"] * 9 + ["private"]),
    ("upper_secondary", 15, "Trường THPT", ["public"] * 4 + ["private"]),
    ("multi_level", 10, "Trường Phổ thông nhiều cấp học", ["public", "private"]),
    ("after_hours_childcare", 30, "Cơ sở giữ trẻ ngoài giờ", ["private"]),
]
NAMES = [
    "Hoa Sen", "Hoa Mai", "Họa Mi", "Sơn Ca", "Ánh Dương", "Bình Minh", "Kim Đồng", "Võ Thị Sáu",
    "Lê Quý Đôn", "Nguyễn Trãi", "Tân Trào", "Măng Non", "Sao Mai", "Hướng Dương", "Hoa Hồng",
    "Chu Văn An", "Trần Phú", "Lý Tự Trọng", "Ong Vàng", "Thỏ Ngọc", "Búp Sen Hồng", "Tuổi Thơ",
]  # fmt: skip

DEMO_PASSWORD_SUFFIX = "-demo-2025"
# One user of each role, and a department user of each agency that inspects together: the
# education department and the one now in charge of child protection (Sở Y tế).
DEMO_USERS: list[tuple[str, str, str, str | None]] = [
    ("admin", "admin", "Quản trị hệ thống", None),
    ("department", "so-giaoduc", "Phạm Thu Hà", "Sở Giáo dục và Đào tạo tỉnh Tuyên Quang"),
    ("department", "so-yte", "Hoàng Minh Đức", "Sở Y tế tỉnh Tuyên Quang"),
    ("inspector", "thanhtra", "Nguyễn Văn Thanh", "Sở Giáo dục và Đào tạo tỉnh Tuyên Quang"),
    ("facility", "mamnon-hoasen", "Lê Thị Hoa", None),
]
DEMO_LOGINS: list[tuple[str, str, str]] = [
    (role, username, username + DEMO_PASSWORD_SUFFIX) for role, username, _, _ in DEMO_USERS
]


def demo_facilities(seed: int = 2025) -> list[dict[str, object]]:
    rng = random.Random(seed)
    communes = [(f"{PROVINCE}{i:03d}", name) for i, name in enumerate(COMMUNES, start=1)]
    rows: list[dict[str, object]] = []
    for kind, count, prefix, ownerships in KINDS:
        for n in range(1, count + 1):
            commune_code, commune_name = communes[(n * 7 + len(rows)) % len(communes)]
            short = commune_name.split(" ", 1)[1]
            name = f"{prefix} {rng.choice(NAMES)} {short}"
            rows.append(
                {
                    "code": f"TQ-{kind[:3].upper()}-{n:03d}",
                    "name": name,
                    "kind": kind,
                    "ownership": rng.choice(ownerships),
                    "province_code": PROVINCE,
                    "commune_code": commune_code,
                    "commune_name": commune_name,
                    "address": f"Số {rng.randint(1, 300)}, thôn {rng.randint(1, 12)}, "
                    + commune_name,
                    "latitude": round(21.8 + rng.random() * 1.2, 5),
                    "longitude": round(104.9 + rng.random() * 0.8, 5),
                    "contact_phone": f"0{rng.randint(200, 299)}{rng.randint(1000000, 9999999)}",
                }
            )
    return rows


def demo_inspections(
    db: sqlite_utils.Database, forms: FormRegistry, inspector: Principal, seed: int = 2025
) -> int:
    """A few months of inspections, sent through the real intake in phone-sized batches:
    most facilities inspected once or twice, some failing, some long ago, some never."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    records: list[dict[str, Any]] = []
    for code, kind, *_ in all_refs(db):
        roll = rng.random()
        if roll < 0.15:
            continue  # never inspected
        fail_rate = rng.choice([0.0, 0.0, 0.02, 0.05, 0.15])
        for checklist in forms.for_kind(kind):
            if roll < 0.25:
                ages = [rng.randint(380, 450)]  # inspected long ago: overdue
            else:
                ages = sorted(rng.sample(range(1, 150), k=rng.randint(1, 2)), reverse=True)
            for age in ages:
                completed = now - timedelta(days=age, minutes=rng.randint(0, 600))
                records.append(
                    synthetic.record(checklist, code, rng, completed_at=completed,
                                     fail_rate=fail_rate)
                )  # fmt: skip
    rules = IntakeRules(clock_skew=timedelta(minutes=5))
    created = 0
    for start in range(0, len(records), 50):
        results = ingest(db, forms, inspector, records[start : start + 50], rules)
        created += sum(result.outcome == "created" for result in results)
    return created


def ensure_demo_data(settings: Settings) -> bool:
    """Create the demo data unless it is already there; returns True when it was created.
    Refuses to write demo accounts into a database that holds real accounts."""
    forms = prepare_database(settings)
    db = connect_settings(settings)
    try:
        marker = db.execute("SELECT value FROM meta WHERE key = 'demo'").fetchone()
        if marker:
            return False
        if any_user(db):
            raise SystemExit(
                f"{settings.database_path} already holds accounts and is not a demo database;"
                " set SAFESCHOOL_DATABASE to another file for the demo"
            )
        facilities = demo_facilities()
        import_csv(db, to_csv(facilities))
        first_preschool = next(f for f in facilities if f["kind"] == "preschool")
        user_ids = {
            username: create_user(
                db,
                NewUser(
                    username=username,
                    password=username + DEMO_PASSWORD_SUFFIX,
                    role=role,  # type: ignore[arg-type]
                    display_name=name,
                    agency=agency,
                    province_code=PROVINCE if role in ("department", "inspector") else None,
                    facility_code=str(first_preschool["code"]) if role == "facility" else None,
                ),
                min_password_length=settings.password_min_length,
            )
            for role, username, name, agency in DEMO_USERS
        }
        demo_inspections(db, forms, principal_for(db, user_ids["thanhtra"]))
        with db.conn:
            db.execute("INSERT INTO meta (key, value) VALUES ('demo', '1')")
        return True
    finally:
        db.conn.close()
