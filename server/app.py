"""The application factory: all wiring lives here, so tests build the same app with their
own settings and collaborators."""

from __future__ import annotations

import logging
from typing import Any, Protocol

import msgspec
from litestar import Litestar, Response, get
from litestar.datastructures import CacheControlHeader, State
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.static_files import create_static_files_router

from server import __version__
from server.audit.routes import AuditController
from server.auth.middleware import PUBLIC, BearerTokenMiddleware
from server.auth.routes import AuthController, UserController
from server.compliance.routes import ComplianceController
from server.db import ConnectionPool, connect_settings, migrate
from server.deps import DEPENDENCIES, Db
from server.errors import EXCEPTION_HANDLERS
from server.facilities.routes import FacilityController, UnitController
from server.forms.registry import FormRegistry, load_and_publish
from server.forms.routes import FormsController
from server.inspections.routes import InspectionController, KeptAsideController
from server.photos.routes import photo_router
from server.settings import Settings

log = logging.getLogger(__name__)


class PushSender(Protocol):
    """Sends one web-push message; the real one wraps pywebpush, tests pass a fake."""

    def send(self, subscription: dict[str, Any], payload: bytes) -> None: ...


class Health(msgspec.Struct):
    status: str
    version: str


@get(
    "/healthz",
    opt=PUBLIC,
    sync_to_thread=True,
    summary="Health check",
    description="Answers 200 when the server runs and its database answers a query.",
    tags=["system"],
)
def healthz(db: Db) -> Health:
    db.execute("SELECT 1").fetchone()
    return Health("ok", __version__)


# The app runs no inline script or style and talks only to its own server; user text is
# rendered as text. The API documentation at /schema is left out: it loads a viewer.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' blob: data:; object-src 'none'; base-uri 'none';"
    " frame-ancestors 'none'; form-action 'self'"
)


def _app_headers(response: Response[Any]) -> Response[Any]:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def prepare_database(settings: Settings) -> FormRegistry:
    """Migrate, then check and publish the checklists: a bad checklist or a changed
    published version stops every command here, with the file and item named."""
    db = connect_settings(settings)
    try:
        migrate(db)
        return load_and_publish(db, settings.forms_dir)
    finally:
        db.conn.close()


def create_app(settings: Settings, *, push_sender: PushSender | None = None) -> Litestar:
    forms = prepare_database(settings)
    pool = ConnectionPool(settings)

    settings.pwa_dir.mkdir(parents=True, exist_ok=True)
    static = create_static_files_router(
        path="/",
        directories=[settings.pwa_dir],
        html_mode=True,
        opt=PUBLIC,
        include_in_schema=False,
        name="pwa",
        after_request=_app_headers,
        # Revalidated on every load (cheap: 304s), so a new version of the app is noticed
        # at once; offline, the service worker serves its own copy.
        cache_control=CacheControlHeader(no_cache=True),
    )
    return Litestar(
        route_handlers=[
            healthz,
            AuthController,
            UserController,
            FacilityController,
            UnitController,
            FormsController,
            InspectionController,
            KeptAsideController,
            AuditController,
            ComplianceController,
            photo_router(settings),
            static,
        ],
        dependencies=DEPENDENCIES,
        middleware=[DefineMiddleware(BearerTokenMiddleware, exclude=["^/schema"])],
        exception_handlers=EXCEPTION_HANDLERS,
        request_max_body_size=settings.max_body_bytes,
        state=State(
            {"settings": settings, "pool": pool, "forms": forms, "push_sender": push_sender}
        ),
        on_shutdown=[lambda: pool.close()],
        openapi_config=OpenAPIConfig(
            title="Safe schools inspection API",
            version=__version__,
            description="Checklists, facilities, accounts and inspections for child-safety"
            " inspections of schools and childcare facilities in Viet Nam. Every error uses"
            " one envelope: {error: {code, message, details}}.",
        ),
        debug=False,
    )
