"""The database schema, as an ordered list of migrations. Never edit an applied one: add
the next version. Each runs inside one transaction (see ``migrate`` below)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources

import sqlite_utils

from server.clock import utcnow
from server.db import DatabaseUnsound, transaction
from server.forms.registry import FormRegistry
from server.inspections.failing import failing_json
from server.photos.store import attached, link


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[sqlite_utils.Database], None]


def applied_versions(db: sqlite_utils.Database) -> list[int]:
    if not db["schema_migrations"].exists():
        return []
    return [row[0] for row in db.execute("SELECT version FROM schema_migrations ORDER BY version")]


def check_applied(db: sqlite_utils.Database, migrations: Sequence[Migration]) -> None:
    """Raise ``DatabaseUnsound`` when the database was migrated by another schema than this
    server's: a version this server does not have (a newer server's copy), or one of its
    versions under another name. Missing versions are fine: ``migrate`` applies them."""
    if not db["schema_migrations"].exists():
        return
    known = {m.version: m.name for m in migrations}
    rows = db.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    strange = [f"{v} {name!r}" for v, name in rows if known.get(v) != name]
    if strange:
        raise DatabaseUnsound(
            "the database's schema is not this server's (migrations "
            + ", ".join(strange)
            + f" are not among its {len(known)}); use the server version that wrote it"
        )


def migrate(db: sqlite_utils.Database, migrations: Sequence[Migration] | None = None) -> list[int]:
    """Apply the migrations not yet applied, each in its own transaction; returns their
    versions. Running it again applies nothing. A database migrated by another schema is
    refused before anything is written (``check_applied``)."""
    if migrations is None:
        migrations = MIGRATIONS
    check_applied(db, migrations)
    db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    db.conn.commit()
    done = set(applied_versions(db))
    applied: list[int] = []
    for migration in sorted(migrations, key=lambda m: m.version):
        if migration.version in done:
            continue
        with transaction(db):
            migration.apply(db)
            db.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                [migration.version, migration.name, utcnow()],
            )
        applied.append(migration.version)
    return applied


def _v1_core(db: sqlite_utils.Database) -> None:
    db.table("meta").create({"key": str, "value": str}, pk="key")

    # Administrative units are data: provinces ship with the server, communes arrive with
    # facility imports. The district tier was abolished in 2025 and survives only as a
    # free-text legacy field on facilities.
    db.table("provinces").create({"code": str, "name": str, "name_en": str}, pk="code")
    db.table("communes").create(
        {"code": str, "province_code": str, "name": str},
        pk="code",
        foreign_keys=[("province_code", "provinces", "code")],
    )
    db.table("communes").create_index(["province_code"], index_name="idx_communes_province")

    db.table("facilities").create(
        {
            "code": str,
            "name": str,
            "kind": str,
            "ownership": str,
            "province_code": str,
            "commune_code": str,
            "legacy_district": str,
            "address": str,
            "latitude": float,
            "longitude": float,
            "contact_name": str,
            "contact_phone": str,
            "contact_email": str,
            "search_text": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="code",
        not_null={"name", "kind", "ownership", "province_code", "commune_code"},
        foreign_keys=[
            ("province_code", "provinces", "code"),
            ("commune_code", "communes", "code"),
        ],
    )
    db.table("facilities").create_index(
        ["province_code", "commune_code"], index_name="idx_fac_unit"
    )
    db.table("facilities").create_index(["province_code", "kind"], index_name="idx_fac_kind")

    db.table("users").create(
        {
            "id": int,
            "username": str,
            "display_name": str,
            "role": str,
            "password_hash": str,
            "province_code": str,
            "facility_code": str,
            "agency": str,
            "disabled": int,
            "created_at": str,
        },
        pk="id",
        not_null={"username", "role", "password_hash", "disabled", "created_at"},
        defaults={"disabled": 0},
        foreign_keys=[
            ("province_code", "provinces", "code"),
            ("facility_code", "facilities", "code"),
        ],
    )
    db.table("users").create_index(["username"], unique=True, index_name="idx_users_username")
    db.table("user_communes").create(
        {"user_id": int, "commune_code": str},
        pk=("user_id", "commune_code"),
        foreign_keys=[("user_id", "users", "id"), ("commune_code", "communes", "code")],
    )

    db.table("sessions").create(
        {
            "id": int,
            "token_hash": str,
            "user_id": int,
            "created_at": str,
            "expires_at": str,
            "revoked_at": str,
            "user_agent": str,
        },
        pk="id",
        not_null={"token_hash", "user_id", "created_at", "expires_at"},
        foreign_keys=[("user_id", "users", "id")],
    )
    db.table("sessions").create_index(["token_hash"], unique=True, index_name="idx_sessions_token")
    db.table("sessions").create_index(["user_id"], index_name="idx_sessions_user")

    # Every checklist version ever published, with its fingerprint: old inspections are
    # scored by the version they used, even after its file left forms/.
    db.table("form_versions").create(
        {
            "form_id": str,
            "version": int,
            "fingerprint": str,
            "definition": str,
            "source_file": str,
            "published_at": str,
        },
        pk=("form_id", "version"),
        not_null={"fingerprint", "definition", "published_at"},
    )

    with resources.files("server.data").joinpath("provinces.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    db.conn.executemany(
        "INSERT INTO provinces (code, name, name_en) VALUES (:code, :name, :name_en)", rows
    )


def _v2_inspections(db: sqlite_utils.Database) -> None:
    # One row per accepted inspection, keyed by the phone's UUID. `seq` orders arrivals
    # (ties on completion time go to the one received last); `payload` is the record as
    # accepted, canonical JSON, and `content_hash` its SHA-256.
    db.execute(
        """CREATE TABLE inspections (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            facility_code TEXT NOT NULL REFERENCES facilities(code),
            form_id TEXT NOT NULL,
            form_version INTEGER NOT NULL,
            inspector_id INTEGER NOT NULL REFERENCES users(id),
            started_at TEXT NOT NULL,
            completed_at TEXT NOT NULL,
            received_at TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            payload TEXT NOT NULL,
            score REAL,
            score_display TEXT,
            result TEXT NOT NULL,
            summary TEXT NOT NULL,
            supersedes TEXT REFERENCES inspections(id),
            superseded_by TEXT REFERENCES inspections(id),
            expires_at TEXT NOT NULL,
            FOREIGN KEY (form_id, form_version) REFERENCES form_versions(form_id, version)
        )"""
    )
    db.execute(
        "CREATE INDEX idx_insp_current ON inspections"
        " (facility_code, form_id, completed_at, seq) WHERE superseded_by IS NULL"
    )
    db.execute("CREATE INDEX idx_insp_facility ON inspections (facility_code, completed_at)")
    db.execute("CREATE INDEX idx_insp_inspector ON inspections (inspector_id)")

    # The current inspection per facility and checklist (docs/scoring.md "One facility"),
    # maintained in the intake transaction so status lists never rescan history.
    db.execute(
        """CREATE TABLE current_inspections (
            facility_code TEXT NOT NULL REFERENCES facilities(code),
            form_id TEXT NOT NULL,
            inspection_id TEXT NOT NULL REFERENCES inspections(id),
            completed_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            result TEXT NOT NULL,
            score REAL,
            PRIMARY KEY (facility_code, form_id)
        ) WITHOUT ROWID"""
    )

    # Payloads that were not accepted as they are: conflicts (same id, other content) and
    # rejections. Kept for an admin to review; nothing a phone sent is dropped.
    db.execute(
        """CREATE TABLE kept_aside (
            id INTEGER PRIMARY KEY,
            record_id TEXT,
            reason TEXT NOT NULL,
            user_id INTEGER NOT NULL REFERENCES users(id),
            received_at TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            payload TEXT NOT NULL,
            problems TEXT NOT NULL,
            resolved_at TEXT,
            resolved_by INTEGER REFERENCES users(id),
            UNIQUE (record_id, content_hash, reason)
        )"""
    )
    db.execute("CREATE INDEX idx_kept_aside_open ON kept_aside (resolved_at, received_at)")

    db.execute(
        """CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            user_id INTEGER REFERENCES users(id),
            action TEXT NOT NULL,
            subject TEXT,
            details TEXT NOT NULL DEFAULT '{}'
        )"""
    )
    db.execute("CREATE INDEX idx_audit_at ON audit_log (at)")
    db.execute("CREATE INDEX idx_audit_action ON audit_log (action, at)")

    db.execute(
        """CREATE TABLE photos (
            sha256 TEXT PRIMARY KEY,
            media_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            uploaded_by INTEGER NOT NULL REFERENCES users(id),
            uploaded_at TEXT NOT NULL
        ) WITHOUT ROWID"""
    )


def _v3_commune_index(db: sqlite_utils.Database) -> None:
    # Inspectors scoped to communes, and the commune filter, look facilities up by commune
    # alone; without this they read every facility of the country.
    db.execute("CREATE INDEX idx_fac_commune ON facilities (commune_code)")


def _v4_inspection_photos(db: sqlite_utils.Database) -> None:
    # Which inspections attach which photo: read access to a photo comes from these links,
    # never from its hash appearing somewhere in a record (a note, say).
    db.execute(
        """CREATE TABLE inspection_photos (
            sha256 TEXT NOT NULL,
            inspection_id TEXT NOT NULL REFERENCES inspections(id),
            PRIMARY KEY (sha256, inspection_id)
        ) WITHOUT ROWID"""
    )
    db.execute("CREATE INDEX idx_inspection_photos_inspection ON inspection_photos (inspection_id)")
    _link_items(db, "photo", evidence=True)


def _link_items(db: sqlite_utils.Database, kind: str, *, evidence: bool) -> None:
    """Link every stored inspection to the photos its items of ``kind`` hold (and its photo
    evidence when ``evidence``), reading the checklist versions stored with the data."""
    items: dict[tuple[str, int], list[str]] = {}
    for form_id, version, definition in db.execute(
        "SELECT form_id, version, definition FROM form_versions"
    ).fetchall():
        sections = json.loads(definition).get("sections", [])
        items[(form_id, version)] = [
            item["id"] for s in sections for item in s["items"] if item.get("kind") == kind
        ]
    for inspection_id, form_id, version, payload in db.execute(
        "SELECT id, form_id, form_version, payload FROM inspections"
    ).fetchall():
        record = json.loads(payload)
        hashes = attached(
            items.get((form_id, version), []),
            record.get("answers", {}),
            record.get("photos", {}) if evidence else {},
        )
        link(db, inspection_id, hashes)


def _v5_completion_precision_and_signatures(db: sqlite_utils.Database) -> None:
    # completed_at keeps microseconds from now on, so an inspection completed 0.9 ms after
    # another is later; stored ones (milliseconds) get the same width, or text order would
    # no longer be time order.
    for table in ("inspections", "current_inspections"):
        db.execute(
            f"UPDATE {table} SET completed_at = substr(completed_at, 1, 23) || '000Z'"
            " WHERE length(completed_at) = 24"
        )
    # Signatures are photos an inspection attaches too (the minutes show them).
    _link_items(db, "signature", evidence=False)


def _v6_corrective_actions(db: sqlite_utils.Database) -> None:
    # One row per corrective action (yêu cầu khắc phục) with its current state; every
    # change is an event beside it, so the history is never rewritten.
    db.execute(
        """CREATE TABLE actions (
            id INTEGER PRIMARY KEY,
            facility_code TEXT NOT NULL REFERENCES facilities(code),
            form_id TEXT NOT NULL,
            form_version INTEGER NOT NULL,
            item_id TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('check', 'veto')),
            mandatory INTEGER NOT NULL,
            legal_ref TEXT,
            requirement TEXT NOT NULL,
            due_date TEXT NOT NULL,
            state TEXT NOT NULL
                CHECK (state IN ('open', 'fix_reported', 'verified', 'withdrawn')),
            opened_by_inspection TEXT NOT NULL REFERENCES inspections(id),
            last_inspection TEXT NOT NULL REFERENCES inspections(id),
            opened_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX actions_by_facility ON actions (facility_code, state)")
    db.execute("CREATE INDEX actions_by_item ON actions (facility_code, form_id, item_id)")
    db.execute(
        """CREATE TABLE action_events (
            id INTEGER PRIMARY KEY,
            action_id INTEGER NOT NULL REFERENCES actions(id),
            at TEXT NOT NULL,
            user_id INTEGER REFERENCES users(id),
            event TEXT NOT NULL,
            note TEXT,
            due_date TEXT,
            inspection_id TEXT REFERENCES inspections(id),
            photos TEXT NOT NULL DEFAULT '[]',
            client_id TEXT UNIQUE
        )"""
    )
    db.execute("CREATE INDEX action_events_by_action ON action_events (action_id, id)")
    db.execute(
        """CREATE TABLE action_photos (
            sha256 TEXT NOT NULL,
            action_id INTEGER NOT NULL REFERENCES actions(id),
            PRIMARY KEY (sha256, action_id)
        ) WITHOUT ROWID"""
    )


def _v7_push(db: sqlite_utils.Database) -> None:
    # Web push (docs/push.md). A subscription belongs to a user and the session (device)
    # that made it: signing out removes it.
    db.execute(
        """CREATE TABLE push_subscriptions (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            session_id INTEGER REFERENCES sessions(id),
            endpoint TEXT NOT NULL UNIQUE,
            p256dh TEXT NOT NULL,
            auth TEXT NOT NULL,
            lang TEXT NOT NULL DEFAULT 'vi',
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX push_subscriptions_by_user ON push_subscriptions (user_id)")
    db.execute("CREATE INDEX push_subscriptions_by_session ON push_subscriptions (session_id)")
    db.execute(
        """CREATE TABLE push_muted (
            user_id INTEGER NOT NULL REFERENCES users(id),
            type TEXT NOT NULL,
            PRIMARY KEY (user_id, type)
        ) WITHOUT ROWID"""
    )
    # The outbox: one row per notice and device, written in the transaction of the event
    # that causes it; `dedupe_key` makes a repeated event or scheduler run a no-op.
    db.execute(
        """CREATE TABLE push_outbox (
            id INTEGER PRIMARY KEY,
            subscription_id INTEGER NOT NULL
                REFERENCES push_subscriptions(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL REFERENCES users(id),
            type TEXT NOT NULL,
            dedupe_key TEXT NOT NULL UNIQUE,
            payload TEXT NOT NULL,
            created_at TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            lease_until TEXT,
            sent_at TEXT,
            last_status INTEGER
        )"""
    )
    db.execute("CREATE INDEX push_outbox_due ON push_outbox (state, next_attempt_at)")
    db.execute(
        """CREATE TABLE push_attempts (
            id INTEGER PRIMARY KEY,
            outbox_id INTEGER NOT NULL REFERENCES push_outbox(id) ON DELETE CASCADE,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status INTEGER,
            error TEXT
        )"""
    )
    db.execute("CREATE INDEX push_attempts_by_outbox ON push_attempts (outbox_id)")


def _v8_inspection_plans(db: sqlite_utils.Database) -> None:
    # Joint inspection plans (kế hoạch kiểm tra liên ngành): teams and the sites to visit.
    db.execute(
        """CREATE TABLE plans (
            id INTEGER PRIMARY KEY,
            province_code TEXT NOT NULL REFERENCES provinces(code),
            name TEXT NOT NULL,
            starts_on TEXT NOT NULL,
            ends_on TEXT NOT NULL,
            agencies TEXT NOT NULL,
            created_by INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE plan_teams (
            id INTEGER PRIMARY KEY,
            plan_id INTEGER NOT NULL REFERENCES plans(id),
            name TEXT NOT NULL,
            members TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE plan_visits (
            id INTEGER PRIMARY KEY,
            plan_id INTEGER NOT NULL REFERENCES plans(id),
            facility_code TEXT NOT NULL REFERENCES facilities(code),
            team_id INTEGER NOT NULL REFERENCES plan_teams(id),
            window_start TEXT NOT NULL,
            window_end TEXT NOT NULL,
            inspection_id TEXT REFERENCES inspections(id),
            UNIQUE (plan_id, facility_code)
        )"""
    )
    db.execute("CREATE INDEX plan_visits_pending ON plan_visits (facility_code, inspection_id)")
    db.execute(
        """CREATE TABLE plan_team_users (
            team_id INTEGER NOT NULL REFERENCES plan_teams(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            PRIMARY KEY (team_id, user_id)
        ) WITHOUT ROWID"""
    )


def _v9_kept_aside_resolutions(db: sqlite_utils.Database) -> None:
    # How an admin dealt with a kept-aside payload: accepted as a new inspection, or
    # dismissed with a reason.
    db.execute("ALTER TABLE kept_aside ADD COLUMN resolution TEXT")
    db.execute("ALTER TABLE kept_aside ADD COLUMN accepted_as TEXT REFERENCES inspections(id)")


def _v10_actions_by_opening_inspection(db: sqlite_utils.Database) -> None:
    # Storing an inspection counts the actions it opened (push) and an amendment finds the
    # ones it takes over: without this index each is a scan of every action, which made
    # building the national data set quadratic. IF NOT EXISTS: a database where an admin
    # already made this index by hand migrates too.
    db.execute(
        "CREATE INDEX IF NOT EXISTS actions_by_opening_inspection ON actions (opened_by_inspection)"
    )


def _v11_unresolved_actions_by_facility(db: sqlite_utils.Database) -> None:
    # The lists count each site's unresolved and overdue actions and the next due date
    # (actions.store.counts): with the due date in the index that is read from the index
    # alone; before, SQLite went through (facility, form, item) and read every action of the
    # site, the verified ones too (8 ms of a 500-row page nationally, 0.8 ms now). It
    # replaces (facility_code, state), its prefix.
    db.execute(
        "CREATE INDEX IF NOT EXISTS actions_due_by_facility"
        " ON actions (facility_code, state, due_date)"
    )
    db.execute("DROP INDEX IF EXISTS actions_by_facility")


def _v12_photo_links_without_inspection_index(db: sqlite_utils.Database) -> None:
    # Photo links are read by photo (the primary key) only. The index by inspection served
    # no query, only a foreign-key check that would run were an inspection deleted, and none
    # is; yet each link written went into it too, at a random place: about 15% of the pages
    # a sync batch wrote to the WAL (114 of 777 for 50 inspections).
    db.execute("DROP INDEX IF EXISTS idx_inspection_photos_inspection")


def _v13_users_by_facility_and_province(db: sqlite_utils.Database) -> None:
    # Every notice finds its recipients by facility or by province and role (a facility's
    # accounts, a province's departments): without these, a scan of every account per
    # notice, about 3 ms with the 60,000 facility accounts of a national deployment, and
    # inside intake's write lock.
    db.execute("CREATE INDEX IF NOT EXISTS users_by_facility ON users (facility_code)")
    db.execute("CREATE INDEX IF NOT EXISTS users_by_province ON users (province_code, role)")


def _v14_failing_in_current(db: sqlite_utils.Database) -> None:
    # The department list shows each current inspection's score as displayed and, for a
    # failed one, why it failed, newest first (ties to the one received last, its seq); all
    # were read from ``inspections`` for every row listed, the reasons by decoding the
    # stored scoring summary (about 8.5 ms of a 500-row page at national scale, and 4.6 ms
    # more just to find each one's seq in the national table). Now kept with the current
    # inspection, written by refresh_current; existing rows get them from their inspection
    # and the checklist version that scored it.
    db.execute("ALTER TABLE current_inspections ADD COLUMN score_display TEXT")
    db.execute("ALTER TABLE current_inspections ADD COLUMN seq INTEGER")
    db.execute("ALTER TABLE current_inspections ADD COLUMN failing TEXT")
    forms = FormRegistry.from_db(db)
    rows = db.execute(
        "SELECT c.facility_code, c.form_id, i.seq, i.id, i.form_version, i.score,"
        " i.score_display, i.completed_at, CASE WHEN i.result = 'failed' THEN i.summary END"
        " FROM current_inspections c JOIN inspections i ON i.id = c.inspection_id"
    ).fetchall()
    updates = []
    for code, form_id, seq, inspection_id, version, score, display, completed, summary in rows:
        failing = None
        if summary is not None:
            checklist = forms.get(form_id, version)
            failing = failing_json(
                inspection_id, form_id, version, score, display, completed, summary, checklist
            )
        updates.append((display, seq, failing, code, form_id))
    db.conn.executemany(
        "UPDATE current_inspections SET score_display = ?, seq = ?, failing = ?"
        " WHERE facility_code = ? AND form_id = ?",
        updates,
    )


def _v15_indexes_no_query_reads(db: sqlite_utils.Database) -> None:
    # Indexes that intake wrote into and no query read. The actions' index by opening
    # inspection took each action intake opened at a random place (the inspection's id is
    # random): about 55 of the 660 pages a sync batch of 50 wrote to the WAL. Its one
    # reader now counts the actions an inspection opened among its site's (a dozen on
    # average, through the index by site); opened_by, the other, had no caller. Migration
    # 10 made it when both searched every action. No query looks inspections up by
    # inspector. Inspections and users are never deleted, so no foreign-key check needs
    # either index.
    db.execute("DROP INDEX IF EXISTS actions_by_opening_inspection")
    db.execute("DROP INDEX IF EXISTS idx_insp_inspector")


MIGRATIONS: list[Migration] = [
    Migration(1, "core tables: units, facilities, users, sessions, form versions", _v1_core),
    Migration(
        2, "inspections, current inspections, kept-aside payloads, audit, photos", _v2_inspections
    ),
    Migration(3, "index facilities by commune", _v3_commune_index),
    Migration(4, "photo-to-inspection links, from existing photo answers", _v4_inspection_photos),
    Migration(
        5,
        "completed_at to the microsecond; signature links",
        _v5_completion_precision_and_signatures,
    ),
    Migration(6, "corrective actions, their events and photos", _v6_corrective_actions),
    Migration(7, "web push: subscriptions, muted types, outbox and attempts", _v7_push),
    Migration(8, "joint inspection plans, their teams and visits", _v8_inspection_plans),
    Migration(9, "how kept-aside payloads were resolved", _v9_kept_aside_resolutions),
    Migration(
        10, "index actions by the inspection that opened them", _v10_actions_by_opening_inspection
    ),
    Migration(11, "index actions by site, state and due date", _v11_unresolved_actions_by_facility),
    Migration(
        12, "photo links without the index by inspection", _v12_photo_links_without_inspection_index
    ),
    Migration(
        13, "index accounts by facility and by province", _v13_users_by_facility_and_province
    ),
    Migration(
        14,
        "current inspections keep their score display, arrival and why they failed",
        _v14_failing_in_current,
    ),
    Migration(
        15,
        "drop the indexes of actions by opening inspection and inspections by inspector",
        _v15_indexes_no_query_reads,
    ),
]
