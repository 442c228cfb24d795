"""The facility registry and the administrative units it refers to.

The only module that reads or writes the ``facilities`` table (besides the migrations and
the compliance read model's joins, see ``server.compliance.store``): other packages ask it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import sqlite_utils

from server.audit import store as audit
from server.auth.principal import Principal
from server.clock import utcnow
from server.db import in_batches, page_offset, transaction
from server.errors import AppError, ErrorCode
from server.paging import Page

FACILITY_COLUMNS = (
    "code",
    "name",
    "kind",
    "ownership",
    "province_code",
    "commune_code",
    "legacy_district",
    "address",
    "latitude",
    "longitude",
    "contact_name",
    "contact_phone",
    "contact_email",
)


def fold(text: str) -> str:
    """Lower-case text without Vietnamese diacritics, so 'mam non' finds 'Mầm non'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def search_text(row: dict[str, Any]) -> str:
    parts = (row.get("code"), row.get("name"), row.get("address"))
    return fold(" ".join(str(p) for p in parts if p))


@dataclass(frozen=True)
class FacilityQuery:
    province: str | None = None
    commune: str | None = None
    kind: str | None = None
    ownership: str | None = None
    text: str | None = None
    page: int = 1
    per_page: int = 50


def facility_conditions(
    who: Principal,
    *,
    province: str | None = None,
    commune: str | None = None,
    kind: str | None = None,
    ownership: str | None = None,
    text: str | None = None,
) -> tuple[list[str], list[Any]]:
    """WHERE conditions over ``facilities f``: the caller's scope first, then the filters
    (text matches name, code or address word by word, accents optional)."""
    scope_sql, scope_args = who.facility_filter("f")
    where = [scope_sql]
    args: list[Any] = list(scope_args)
    for column, value in (
        ("province_code", province),
        ("commune_code", commune),
        ("kind", kind),
        ("ownership", ownership),
    ):
        if value:
            where.append(f"f.{column} = ?")
            args.append(value)
    for word in fold(text or "").split():
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append("f.search_text LIKE ? ESCAPE '\\'")
        args.append(f"%{escaped}%")
    return where, args


def list_facilities(
    db: sqlite_utils.Database, who: Principal, query: FacilityQuery
) -> Page[dict[str, Any]]:
    where, args = facility_conditions(
        who,
        province=query.province,
        commune=query.commune,
        kind=query.kind,
        ownership=query.ownership,
        text=query.text,
    )
    where_sql = " AND ".join(where)
    total = db.execute(f"SELECT count(*) FROM facilities f WHERE {where_sql}", args).fetchone()[0]
    rows = list(
        db.query(
            f"SELECT f.*, c.name AS commune_name, p.name AS province_name FROM facilities f"
            f" JOIN communes c ON c.code = f.commune_code"
            f" JOIN provinces p ON p.code = f.province_code"
            f" WHERE {where_sql} ORDER BY f.name, f.code LIMIT ? OFFSET ?",
            [*args, query.per_page, page_offset(query.page, query.per_page)],
        )
    )
    return Page(rows, int(total), query.page, query.per_page)


def get_facility(db: sqlite_utils.Database, code: str) -> dict[str, Any]:
    rows = list(
        db.query(
            "SELECT f.*, c.name AS commune_name, p.name AS province_name FROM facilities f"
            " JOIN communes c ON c.code = f.commune_code"
            " JOIN provinces p ON p.code = f.province_code WHERE f.code = ?",
            [code],
        )
    )
    if not rows:
        raise AppError(ErrorCode.FACILITY_NOT_FOUND, f"no facility with code {code!r}")
    return rows[0]


def get_facility_for(db: sqlite_utils.Database, who: Principal, code: str) -> dict[str, Any]:
    row = get_facility(db, code)
    who.require_facility(row["code"], row["province_code"], row["commune_code"])
    return row


class FacilityRef(NamedTuple):
    """What other domains need to know of a facility: its kind and where it is."""

    code: str
    kind: str
    province_code: str
    commune_code: str


_REF_SQL = "SELECT code, kind, province_code, commune_code FROM facilities"


def find_ref(db: sqlite_utils.Database, code: str) -> FacilityRef | None:
    row = db.execute(f"{_REF_SQL} WHERE code = ?", [code]).fetchone()
    return FacilityRef(*row) if row is not None else None


def find_refs(db: sqlite_utils.Database, codes: Collection[str]) -> dict[str, FacilityRef]:
    """``find_ref`` of several codes at once, by code (unknown codes are left out)."""
    found: dict[str, FacilityRef] = {}
    for batch, marks in in_batches(codes):
        for row in db.execute(f"{_REF_SQL} WHERE code IN ({marks})", batch):
            found[row[0]] = FacilityRef(*row)
    return found


def all_refs(db: sqlite_utils.Database) -> list[FacilityRef]:
    """Every facility, by code."""
    return [FacilityRef(*row) for row in db.execute(f"{_REF_SQL} ORDER BY code").fetchall()]


def any_in_scope(db: sqlite_utils.Database, who: Principal, codes: Collection[str]) -> bool:
    """Whether ``who`` may see at least one of these facilities."""
    if not codes:
        return False
    scope_sql, scope_args = who.facility_filter("f")
    marks = ", ".join("?" for _ in codes)
    row = db.execute(
        f"SELECT 1 FROM facilities f WHERE f.code IN ({marks}) AND {scope_sql} LIMIT 1",
        [*codes, *scope_args],
    ).fetchone()
    return row is not None


def codes_in(
    who: Principal, *, commune: str | None = None, kind: str | None = None
) -> tuple[str, list[Any]] | None:
    """A subquery for ``facility_code IN (…)``: the codes of the facilities ``who`` may see
    in this commune and of this kind; None when that is every facility (no filter needed)."""
    where, args = facility_conditions(who, commune=commune, kind=kind)
    if where == ["1 = 1"]:
        return None
    return f"SELECT f.code FROM facilities f WHERE {' AND '.join(where)}", args


def codes_of_province(province_code: str) -> tuple[str, list[Any]]:
    """A subquery for ``facility_code IN (…)``: the codes of a province's facilities."""
    return "SELECT code FROM facilities WHERE province_code = ?", [province_code]


def labels(db: sqlite_utils.Database, codes: Collection[str]) -> dict[str, dict[str, Any]]:
    """What a list shows of each facility, by code: ``facility_name``, ``facility_kind``,
    ``province_code``, ``commune_code`` and ``commune_name`` (unknown codes are left out)."""
    found: dict[str, dict[str, Any]] = {}
    for batch, marks in in_batches(codes):
        rows = db.query(
            "SELECT f.code, f.name AS facility_name, f.kind AS facility_kind, f.province_code,"
            " f.commune_code, c.name AS commune_name FROM facilities f"
            f" JOIN communes c ON c.code = f.commune_code WHERE f.code IN ({marks})",
            batch,
        )
        for row in rows:
            found[row.pop("code")] = row
    return found


def provinces(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return list(db.query("SELECT code, name, name_en FROM provinces ORDER BY code"))


def province_exists(db: sqlite_utils.Database, code: str) -> bool:
    return db.execute("SELECT 1 FROM provinces WHERE code = ?", [code]).fetchone() is not None


def commune_provinces(db: sqlite_utils.Database, codes: Collection[str]) -> dict[str, str]:
    """Each commune's province, by commune code (unknown codes are left out)."""
    found: dict[str, str] = {}
    for batch, marks in in_batches(codes):
        for code, province in db.execute(
            f"SELECT code, province_code FROM communes WHERE code IN ({marks})", batch
        ):
            found[str(code)] = str(province)
    return found


def communes(db: sqlite_utils.Database, province: str | None) -> list[dict[str, Any]]:
    if province:
        return list(
            db.query(
                "SELECT code, province_code, name FROM communes WHERE province_code = ?"
                " ORDER BY name",
                [province],
            )
        )
    return list(db.query("SELECT code, province_code, name FROM communes ORDER BY code"))


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    communes_created: int = 0
    codes: list[str] = field(default_factory=list)


def upsert_facilities(
    db: sqlite_utils.Database,
    facilities: Sequence[dict[str, Any]],
    new_communes: Iterable[tuple[str, str, str]],
    *,
    actor_id: int | None = None,
) -> UpsertResult:
    """Write validated facilities and their new communes in one transaction. A facility
    already registered under the same code is updated in place, never duplicated."""
    result = UpsertResult()
    now = utcnow()
    with transaction(db):
        for code, province_code, name in new_communes:
            db.execute(
                "INSERT INTO communes (code, province_code, name) VALUES (?, ?, ?)",
                [code, province_code, name],
            )
            result.communes_created += 1
        for row in facilities:
            values = {column: row.get(column) for column in FACILITY_COLUMNS}
            values["search_text"] = search_text(values)
            existing = db.execute(
                f"SELECT {', '.join(FACILITY_COLUMNS)} FROM facilities WHERE code = ?",
                [values["code"]],
            ).fetchone()
            if existing is None:
                columns = [*values, "created_at", "updated_at"]
                db.execute(
                    f"INSERT INTO facilities ({', '.join(columns)})"
                    f" VALUES ({', '.join('?' for _ in columns)})",
                    [*values.values(), now, now],
                )
                result.created += 1
            elif tuple(existing) != tuple(values[c] for c in FACILITY_COLUMNS):
                assignments = ", ".join(f"{c} = ?" for c in values if c != "code")
                db.execute(
                    f"UPDATE facilities SET {assignments}, updated_at = ? WHERE code = ?",
                    [*(v for c, v in values.items() if c != "code"), now, values["code"]],
                )
                result.updated += 1
            else:
                result.unchanged += 1
            result.codes.append(str(values["code"]))
        audit.record(
            db,
            "facilities_imported",
            user_id=actor_id,
            details={
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "communes_created": result.communes_created,
            },
        )
    return result
