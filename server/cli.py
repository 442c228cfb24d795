"""``python -m server …``: the server's command line."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import sqlite_utils

from server.settings import Settings, SettingsError


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        forms_dir=getattr(args, "forms_dir", None),
    )


def _database(args: argparse.Namespace) -> tuple[Settings, sqlite_utils.Database]:
    """Settings and a connection to a migrated database with the checklists published,
    for the commands that change data."""
    from server.app import prepare_database
    from server.db import connect_settings

    settings = _settings(args)
    prepare_database(settings)
    return settings, connect_settings(settings)


class _Background(Protocol):
    """What serve runs beside the HTTP server: the replicator, the files sweep, push."""

    def start(self) -> None: ...
    def stop(self) -> None: ...


def _serve(settings: Settings, workers: int = 1) -> int:
    import uvicorn

    from server.app import serving_app
    from server.db import check_integrity

    if settings.database_path.exists():
        check_integrity(settings.database_path, quick=True)  # never serve a damaged copy
    app = serving_app(settings)  # prepares the database once, before any worker starts
    background = _background(settings)
    for worker in background:
        worker.start()
    print(f"Serving on http://{settings.host}:{settings.port}  (database {settings.database_path})")
    if settings.replica_url:
        print(f"Replicating to {settings.replica_url}")
    try:
        if workers > 1:
            _run_processes(settings, workers)
        else:
            uvicorn.run(
                app, host=settings.host, port=settings.port, log_level=settings.log_level.lower()
            )
    finally:
        for worker in reversed(background):
            worker.stop()
    return 0


def _background(settings: Settings) -> list[_Background]:
    """Replication, the files sweep and push: one of each, in this process, however many
    HTTP workers there are."""
    background: list[_Background] = []
    if settings.replica_url:
        from server.replication import Replicator

        background.append(Replicator(settings))
    if settings.files_replica_dir is not None:
        from server.photos.replica import Sweeper

        background.append(Sweeper(settings))
    if settings.push_worker:
        from server.push.worker import PushWorker

        background.append(PushWorker(settings))
    return background


def _run_processes(settings: Settings, workers: int) -> None:
    """Several HTTP worker processes on one port. They share the database through SQLite's
    own locking, their writers queued on its lock file (``server.write_queue``)."""
    import os

    import uvicorn

    for name in ("host", "port", "forms_dir"):  # the workers read their settings afresh
        os.environ[Settings.env_name(name)] = str(getattr(settings, name))
    uvicorn.run(
        "server.app:app_from_env",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        log_level=settings.log_level.lower(),
    )


def cmd_serve(args: argparse.Namespace) -> int:
    return _serve(_settings(args), args.workers)


def cmd_demo(args: argparse.Namespace) -> int:
    from server.demo import DEMO_LOGINS, ensure_demo_data

    settings = _settings(args)
    ensure_demo_data(settings)
    print("Demo logins (username / password):")
    for role, username, password in DEMO_LOGINS:
        print(f"  {role:<11} {username:<18} {password}")
    if args.no_serve:
        return 0
    return _serve(settings)


def cmd_check_forms(args: argparse.Namespace) -> int:
    from server.db import connect_settings
    from server.forms.loader import FormsInvalid
    from server.forms.registry import check_dir

    settings = _settings(args)
    # Against the configured database too, when there is one: a published version whose
    # file changed would stop the server at its next start, so say so now.
    db = connect_settings(settings) if settings.database_path.exists() else None
    try:
        checklists = check_dir(settings.forms_dir, db)
    except FormsInvalid as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    finally:
        if db is not None:
            db.conn.close()
    for checklist in checklists:
        print(f"ok  {checklist.id} v{checklist.version}: {len(checklist.checks())} checks")
    return 0


def cmd_forms_schema(args: argparse.Namespace) -> int:
    from server.forms.loader import write_schema

    write_schema(Path(args.output))
    print(f"wrote {args.output}")
    return 0


def cmd_import_xlsform(args: argparse.Namespace) -> int:
    from server.forms.xlsform import ImportConflict, XLSFormRejected, import_to_dir

    output_dir = args.output_dir or _settings(args).forms_dir
    try:
        path, written = import_to_dir(args.file, output_dir)
    except XLSFormRejected as exc:
        print(f"{args.file}: refused, nothing written:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except ImportConflict as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return 1
    print(f"{'wrote' if written else 'unchanged (same content)'} {path}")
    return 0


def cmd_export_xlsform(args: argparse.Namespace) -> int:
    from server.forms.loader import FormsInvalid
    from server.forms.xlsform import export_from_dir, write_xlsform

    try:
        checklist = export_from_dir(_settings(args).forms_dir, args.id, args.version)
        output = args.output or Path(f"{args.id}.v{args.version}.xlsx")
        write_xlsform(checklist, output)
    except (FileNotFoundError, ValueError, FormsInvalid) as exc:
        print(f"export-xlsform: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {output}")
    return 0


def cmd_import_facilities(args: argparse.Namespace) -> int:
    from server.facilities.csv_import import ImportRejected, import_csv

    _, db = _database(args)
    try:
        text = Path(args.file).read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        print(f"{args.file}: not UTF-8 text (byte {exc.start}); nothing imported", file=sys.stderr)
        return 1
    try:
        result = import_csv(db, text)
    except ImportRejected as exc:
        print(f"{args.file}: {exc.message}", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(
        f"{args.file}: {result.created} created, {result.updated} updated,"
        f" {result.unchanged} unchanged, {result.communes_created} new communes"
    )
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    from server.auth.store import NewUser, create_user

    settings, db = _database(args)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Repeat password: "):
            print("passwords differ", file=sys.stderr)
            return 1
    communes = tuple(c.strip() for c in (args.communes or "").split(",") if c.strip())
    user_id = create_user(
        db,
        NewUser(
            username=args.username,
            password=password,
            role=args.role,
            display_name=args.name or "",
            province_code=args.province,
            commune_codes=communes,
            facility_code=args.facility,
            agency=args.agency,
        ),
        min_password_length=settings.password_min_length,
    )
    print(f"created user {args.username} (id {user_id}, role {args.role})")
    return 0


def cmd_revoke_sessions(args: argparse.Namespace) -> int:
    from server.auth.store import revoke_user_sessions, user_id_by_name

    _, db = _database(args)
    count = revoke_user_sessions(db, user_id_by_name(db, args.username))
    print(f"revoked {count} session(s) of {args.username}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from server.db import check_integrity, connect
    from server.inspections.store import received_totals
    from server.migrations import MIGRATIONS, check_applied
    from server.photos.replica import restore_files
    from server.replication import restore_database

    settings = _settings(args)
    replica_url = args.source or settings.replica_url
    if not replica_url:
        print("restore: no replica (SAFESCHOOL_REPLICA_URL or --from)", file=sys.stderr)
        return 2
    target = Settings.from_env({}, data_dir=args.to)
    if target.database_path.exists():
        print(f"restore: {target.database_path} exists; restore into a new directory",
              file=sys.stderr)  # fmt: skip
        return 1
    target.data_dir.mkdir(parents=True, exist_ok=True)
    restore_database(replica_url, target.database_path, args.timestamp)
    files = settings.files_replica_dir
    copied = restore_files(files, target.data_dir) if files is not None else 0
    check_integrity(target.database_path)
    db = connect(target.database_path)
    try:
        check_applied(db, MIGRATIONS)
        inspections, latest = received_totals(db)
    finally:
        db.conn.close()
    print(f"restored {target.database_path}: {inspections} inspections, latest received"
          f" {latest or '-'}; {copied} photo and key files; integrity and schema ok")  # fmt: skip
    print(f"start it with: SAFESCHOOL_DATA_DIR={target.data_dir} python -m server serve")
    return 0


def cmd_push_send(args: argparse.Namespace) -> int:
    import time

    from server.push.worker import POLL_SECONDS, send_once

    settings, db = _database(args)
    db.conn.close()
    while True:
        counts = send_once(settings)
        if counts.total() or args.once:
            print(
                f"push: {counts.sent} sent, {counts.retried} to retry,"
                f" {counts.failed} failed, {counts.gone} subscriptions gone",
                flush=True,
            )
        if args.once:
            return 0
        time.sleep(POLL_SECONDS)


def cmd_push_schedule(args: argparse.Namespace) -> int:
    from server.push.worker import schedule_once

    settings, db = _database(args)
    db.conn.close()
    done = schedule_once(settings)
    print(
        f"push schedule: {done.due_soon} due soon, {done.overdue} overdue,"
        f" {done.digests} digests, {done.late_visits} late visits (new notices)"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m server",
        description="Child-safety inspections server. Settings come from SAFESCHOOL_*"
        " environment variables (see README.md).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def listen(p: argparse.ArgumentParser) -> None:
        p.add_argument("--host", help="listen address (SAFESCHOOL_HOST)")
        p.add_argument("--port", type=int, help="listen port (SAFESCHOOL_PORT)")

    p = commands.add_parser("serve", help="run the HTTP server")
    listen(p)
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.set_defaults(func=cmd_serve)

    p = commands.add_parser("demo", help="create or reuse a demo database, print logins, serve")
    listen(p)
    p.add_argument("--no-serve", action="store_true", help="prepare the data and exit")
    p.set_defaults(func=cmd_demo)

    p = commands.add_parser("check-forms", help="validate every checklist in the forms directory")
    p.add_argument("--forms-dir", type=Path, help="directory to check (SAFESCHOOL_FORMS_DIR)")
    p.set_defaults(func=cmd_check_forms)

    p = commands.add_parser("forms-schema", help="write the checklist JSON Schema")
    p.add_argument("--output", default="forms/checklist.schema.json")
    p.set_defaults(func=cmd_forms_schema)

    p = commands.add_parser("import-xlsform", help="turn an XLSForm workbook into a checklist file")
    p.add_argument("file", help="the .xlsx workbook (see docs/checklist-format.md for the subset)")
    p.add_argument(
        "--output-dir", type=Path, help="where to write <id>.v<version>.yaml (default: forms dir)"
    )
    p.set_defaults(func=cmd_import_xlsform)

    p = commands.add_parser("export-xlsform", help="write a checklist as an XLSForm workbook")
    p.add_argument("id", help="checklist id, e.g. preschool-safety")
    p.add_argument("version", type=int, help="checklist version number")
    p.add_argument("--output", type=Path, help="workbook to write (default: <id>.v<version>.xlsx)")
    p.add_argument("--forms-dir", type=Path, help="directory to read (SAFESCHOOL_FORMS_DIR)")
    p.set_defaults(func=cmd_export_xlsform)

    p = commands.add_parser("import-facilities", help="import or update facilities from CSV")
    p.add_argument("file", help="CSV file (see README.md for the columns)")
    p.set_defaults(func=cmd_import_facilities)

    p = commands.add_parser("create-user", help="create an account")
    p.add_argument("username")
    p.add_argument(
        "--role", required=True, choices=["admin", "department", "inspector", "facility"]
    )
    p.add_argument("--name", help="display name")
    p.add_argument("--province", help="province code (department, inspector)")
    p.add_argument("--communes", help="comma-separated commune codes (inspector)")
    p.add_argument("--facility", help="facility code (facility)")
    p.add_argument("--agency", help="agency name (department), e.g. 'Sở Y tế Tuyên Quang'")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.set_defaults(func=cmd_create_user)

    p = commands.add_parser("revoke-sessions", help="sign a user out everywhere (lost phone)")
    p.add_argument("username")
    p.set_defaults(func=cmd_revoke_sessions)

    p = commands.add_parser("restore", help="restore the database and photos from the replica")
    p.add_argument("--to", type=Path, required=True, help="new data directory to restore into")
    p.add_argument("--timestamp", help="point in time, RFC 3339 (default: the latest write)")
    p.add_argument("--from", dest="source", help="replica URL (default: SAFESCHOOL_REPLICA_URL)")
    p.set_defaults(func=cmd_restore)

    p = commands.add_parser("push-send", help="deliver the web-push outbox")
    p.add_argument("--once", action="store_true", help="send what is due now, then exit")
    p.set_defaults(func=cmd_push_send)

    p = commands.add_parser(
        "push-schedule", help="write today's due-soon, overdue and digest notices"
    )
    p.set_defaults(func=cmd_push_schedule)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from server.db import DatabaseUnsound
    from server.errors import AppError
    from server.forms.loader import FormsInvalid
    from server.replication import ReplicationError

    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        result: int = args.func(args)
    except SettingsError as exc:
        print(f"settings: {exc}", file=sys.stderr)
        return 2
    except FormsInvalid as exc:
        print("checklists are invalid; the server will not start:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except DatabaseUnsound as exc:
        print(f"database: {exc}; the server will not start on it", file=sys.stderr)
        return 1
    except ReplicationError as exc:
        print(f"replication: {exc}", file=sys.stderr)
        return 1
    except AppError as exc:
        print(f"{exc.error.code}: {exc.message}", file=sys.stderr)
        return 1
    return result
