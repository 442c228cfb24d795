"""Every setting of the server: environment variable, default and one line of help.

Pydantic has one job here: turning environment strings into typed, validated settings.
Each field's ``description`` is its help line; README.md lists every field (a test checks).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

ENV_PREFIX = "SAFESCHOOL_"
REPO_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(Exception):
    """A setting in the environment could not be read."""


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    data_dir: Path = Field(
        Path("data"), description="Directory for the database and other server data."
    )
    database: Path | None = Field(
        None, description="SQLite database file; empty means DATA_DIR/safeschool.sqlite3."
    )
    db_synchronous: Literal["FULL", "NORMAL"] = Field(
        "FULL",
        description="SQLite synchronous mode; FULL makes an acknowledged write survive power loss.",
    )
    db_busy_timeout_ms: int = Field(
        5000, ge=0, description="How long a write waits for a locked database before failing."
    )
    host: str = Field("127.0.0.1", description="Address the HTTP server listens on.")
    port: int = Field(8000, ge=0, le=65535, description="Port the HTTP server listens on.")
    public_url: str = Field(
        "http://127.0.0.1:8000",
        description="Address people reach the app at (links, push notifications).",
    )
    session_days: int = Field(
        30, ge=1, description="Days a sign-in stays valid, including offline use on the phone."
    )
    password_min_length: int = Field(
        10, ge=8, description="Shortest password accepted for new accounts."
    )
    max_body_bytes: int = Field(
        2_000_000, ge=1024, description="Largest request body accepted; larger ones get 413."
    )
    sync_max_records: int = Field(
        50, ge=1, le=1000, description="Most inspections accepted in one sync request."
    )
    clock_skew_seconds: int = Field(
        300, ge=0, description="How far in the future a phone's completion time may be."
    )
    photo_max_bytes: int = Field(
        3_000_000, ge=1024, description="Largest photo accepted (phones shrink photos first)."
    )
    forms_dir: Path = Field(
        REPO_ROOT / "forms", description="Directory holding the checklist definition files."
    )
    pwa_dir: Path = Field(
        REPO_ROOT / "pwa", description="Directory of the offline web app served at /."
    )
    # What VAPID's signer (py_vapid) accepts as ``sub``: refused here, not on every push.
    push_contact: str = Field(
        "mailto:admin@localhost",
        pattern=r"^(mailto:[^@\s]+@|https://)(localhost|[\w-]+(\.[\w-]+)+)$",
        description=(
            "Contact sent to push services with every web push:"
            " a mailto: address, or an https: site with no path."
        ),
    )
    push_worker: bool = Field(
        True, description="Run the web-push sender and its hourly scheduler inside serve."
    )
    push_lease_seconds: int = Field(
        60, ge=1, description="Seconds a push being sent is reserved before a retry may take it."
    )
    push_ttl_seconds: int = Field(
        172800, ge=0, description="How long a push service keeps a notice for an offline phone."
    )
    push_max_attempts: int = Field(
        12, ge=1, description="Tries per web-push notice before it is given up as failed."
    )
    replica_url: str = Field(
        "",
        pattern=r"^([a-z0-9]+://\S+)?$",
        description="Litestream replica of the database (file:///DIR, s3://BUCKET/PATH);"
        " empty: no replication.",
    )
    files_replica_dir: Path | None = Field(
        None,
        description="Directory that gets a copy of each photo and the push key as they are"
        " stored; empty: none.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="Server log level."
    )

    @property
    def database_path(self) -> Path:
        return self.database if self.database else self.data_dir / "safeschool.sqlite3"

    @property
    def photos_dir(self) -> Path:
        return self.data_dir / "photos"

    @classmethod
    def env_name(cls, field: str) -> str:
        return ENV_PREFIX + field.upper()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Read every field from ``SAFESCHOOL_<FIELD>``; explicit overrides win."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for name in cls.model_fields:
            raw = environ.get(cls.env_name(name))
            if raw is not None and raw != "":
                values[name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            problems = "; ".join(
                f"{cls.env_name(str(err['loc'][0]))}: {err['msg']}" for err in exc.errors()
            )
            raise SettingsError(problems) from exc
