"""The application factory: all wiring lives here, so tests build the same app with their
own settings and collaborators."""

from __future__ import annotations

import gc
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import msgspec
from litestar import Litestar, Request, Response, get
from litestar.config.compression import CompressionConfig
from litestar.datastructures import CacheControlHeader, MutableScopeHeaders, State
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, YamlRenderPlugin
from litestar.response.file import create_etag_for_file
from litestar.static_files import create_static_files_router
from litestar.types import Message, Scope

from server import __version__
from server.actions.routes import ActionController
from server.agencies import list_agencies
from server.audit.routes import AuditController
from server.auth.middleware import PUBLIC, BearerTokenMiddleware
from server.auth.routes import AuthController, UserController
from server.auth.throttle import LoginThrottle
from server.compliance.routes import ComplianceController
from server.db import ConnectionPool, connect_settings
from server.deps import DEPENDENCIES, Db
from server.errors import EXCEPTION_HANDLERS, AppError, ErrorCode
from server.exports.routes import ExportController
from server.facilities.routes import FacilityController, UnitController
from server.forms.registry import FormRegistry, load_and_publish
from server.forms.routes import FormsController
from server.inspections.routes import InspectionController, KeptAsideController
from server.limits import limits
from server.migrations import migrate
from server.openapi import COMPONENTS, ClosedStructSchemaPlugin, api
from server.photos.routes import photo_router
from server.plans.routes import PlanController
from server.push.keys import load_or_create
from server.push.routes import PushController
from server.reports.routes import ReportController
from server.settings import Settings

log = logging.getLogger(__name__)


class Health(msgspec.Struct):
    status: str
    version: str


@get(
    "/healthz",
    **api(ErrorCode.UNAVAILABLE, public=True),
    sync_to_thread=True,
    summary="Health check",
    description="Answers 200 when the server runs and its database answers a query.",
    tags=["system"],
)
def healthz(db: Db) -> Health:
    db.execute("SELECT 1").fetchone()
    return Health("ok", __version__)


# The app runs no inline script or style and talks only to its own server; user text is
# rendered as text. The API documentation is the raw OpenAPI document (no viewer).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' blob: data:; object-src 'none'; base-uri 'none';"
    " frame-ancestors 'none'; form-action 'self'"
)


def _app_headers(response: Response[Any]) -> Response[Any]:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def security_headers(settings: Settings) -> Callable[[Message, Scope], Awaitable[None]]:
    """A ``before_send`` hook: every response, errors included, forbids MIME sniffing and,
    when the app is published over https (behind a TLS-terminating reverse proxy), tells
    browsers to use https only (HSTS)."""
    extra = [("X-Content-Type-Options", "nosniff")]
    if settings.public_url.lower().startswith("https://"):
        extra.append(("Strict-Transport-Security", "max-age=31536000"))

    async def add(message: Message, _: Scope) -> None:
        if message["type"] == "http.response.start":
            headers = MutableScopeHeaders.from_message(message)
            for name, value in extra:
                if name not in headers:
                    headers[name] = value

    return add


def _not_modified(pwa_dir: Path) -> Callable[[Request[Any, Any, Any]], Response[None] | None]:
    """Answer a revalidation of an unchanged app file with 304, using the same ETag the
    static file response sends; so a phone re-downloads only what changed. A path with a
    NUL byte is no file: 404."""
    root = pwa_dir.resolve()

    def check(request: Request[Any, Any, Any]) -> Response[None] | None:
        if "\x00" in request.url.path:  # no file has one; the file system would raise
            raise AppError(ErrorCode.NOT_FOUND)
        tags = request.headers.get("if-none-match")
        if not tags:
            return None
        relative = request.url.path.lstrip("/") or "index.html"
        path = (root / relative).resolve()
        if root not in path.parents or not path.is_file():
            return None
        stat = path.stat()
        etag = create_etag_for_file(str(path), stat.st_mtime, stat.st_size)
        if etag not in (tag.strip() for tag in tags.split(",")):
            return None
        return Response(None, status_code=304, headers={"ETag": etag})

    return check


def prepare_database(settings: Settings) -> FormRegistry:
    """Migrate, then check and publish the checklists: a bad checklist or a changed
    published version stops every command here, with the file and item named."""
    db = connect_settings(settings)
    try:
        migrate(db)
        return load_and_publish(db, settings.forms_dir)
    finally:
        db.conn.close()


def serving_app(settings: Settings) -> Litestar:
    """The app a server process runs: ``create_app``, then everything it made (modules, the
    app, the checklists) set aside from Python's cyclic collector (``gc.freeze``). A full
    collection then walks only what requests leave behind: about 15 ms instead of 65 on
    this machine, a pause that fell under the write lock in intake or in the middle of a
    department's list. Not in ``create_app``: tests make many apps in one process."""
    app = create_app(settings)
    gc.freeze()
    return app


def app_from_env() -> Litestar:
    """The app of a worker process started by ``serve --workers N``."""
    return serving_app(Settings.from_env())


# Brotli at quality 4 where the client takes it (browsers over https): the national
# department list (427 kB of JSON) in 49 kB and 3.0 ms, against gzip level 5's 52 kB and
# 4.6 ms. Other clients get gzip level 5: most of the saving for phones on slow links at a
# fraction of the CPU of 9.
COMPRESSION = CompressionConfig(
    backend="brotli",
    minimum_size=500,
    brotli_quality=4,
    brotli_gzip_fallback=True,
    gzip_compress_level=5,
)


def create_app(settings: Settings) -> Litestar:
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
        before_request=_not_modified(settings.pwa_dir),
        after_request=_app_headers,
        # Revalidated on every load (cheap: 304s), so a new version of the app is noticed
        # at once; offline, the service worker serves its own copy.
        cache_control=CacheControlHeader(no_cache=True),
    )
    return Litestar(
        route_handlers=[
            healthz,
            limits,
            AuthController,
            UserController,
            FacilityController,
            UnitController,
            list_agencies,
            FormsController,
            InspectionController,
            KeptAsideController,
            AuditController,
            ComplianceController,
            ActionController,
            ExportController,
            ReportController,
            PlanController,
            PushController,
            photo_router(settings),
            static,
        ],
        dependencies=DEPENDENCIES,
        # OPTIONS too (Litestar lets it through unauthenticated by default): deny by default.
        before_send=[security_headers(settings)],
        middleware=[
            DefineMiddleware(BearerTokenMiddleware, exclude=["^/schema"], exclude_http_methods=[]),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        plugins=[ClosedStructSchemaPlugin()],
        request_max_body_size=settings.max_body_bytes,
        compression_config=COMPRESSION,
        state=State(
            {
                "settings": settings,
                "pool": pool,
                "forms": forms,
                "push_keys": load_or_create(settings.data_dir),
                "login_throttle": LoginThrottle(),
            }
        ),
        on_shutdown=[lambda: pool.close()],
        openapi_config=OpenAPIConfig(
            title="Safe schools inspection API",
            version=__version__,
            description="Checklists, facilities, accounts and inspections for child-safety"
            " inspections of schools and childcare facilities in Viet Nam. Every error uses"
            " one envelope: {error: {code, message, details}}.",
            # The raw document only: every viewer Litestar offers loads scripts from CDNs,
            # which must never run on this origin, where the app keeps its session token.
            render_plugins=[JsonRenderPlugin(), YamlRenderPlugin()],
            components=COMPONENTS,
        ),
        debug=False,
    )
