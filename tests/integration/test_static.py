"""The app shell is served with a strict Content-Security-Policy and revalidated."""

from __future__ import annotations

import re
from pathlib import Path

from litestar import Litestar
from litestar.testing import TestClient

from server.app import create_app
from server.settings import REPO_ROOT
from tests.conftest import PASSWORD, World, make_settings


def test_app_shell_has_a_strict_policy_and_revalidates(client: TestClient[Litestar]) -> None:
    response = client.get("/")
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    assert "object-src 'none'" in policy
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_pages_carry_no_inline_script() -> None:
    for page in REPO_ROOT.joinpath("pwa").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"inline script in {page}"
        assert not re.search(r"\son[a-z]+\s*=", html), f"inline event handler in {page}"


def test_unchanged_files_revalidate_with_304_and_changed_ones_do_not(
    client: TestClient[Litestar],
) -> None:
    first = client.get("/js/app.js")
    etag = first.headers["etag"]
    again = client.get("/js/app.js", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    root = client.get("/", headers={"If-None-Match": client.get("/").headers["etag"]})
    assert root.status_code == 304
    stale = client.get("/js/app.js", headers={"If-None-Match": '"0-1-2"'})
    assert stale.status_code == 200 and stale.content == first.content


def test_app_files_are_compressed_with_brotli_where_taken_and_gzip_otherwise(
    client: TestClient[Litestar],
) -> None:
    plain = client.get("/js/app.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    # Browsers offer br over https; a client that does not (or plain http) gets gzip.
    brotli = client.get("/js/app.js", headers={"Accept-Encoding": "gzip, deflate, br"})
    gzip = client.get("/js/app.js", headers={"Accept-Encoding": "gzip"})
    assert brotli.headers["content-encoding"] == "br"
    assert gzip.headers["content-encoding"] == "gzip"
    assert brotli.content == gzip.content == plain.content


def test_a_path_with_a_nul_byte_is_not_found(client: TestClient[Litestar]) -> None:
    for headers in ({}, {"If-None-Match": '"x"'}):
        response = client.get("/js/app.js%00.png", headers=headers)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_api_documentation_loads_no_script(client: TestClient[Litestar]) -> None:
    spec = client.get("/schema/openapi.json")
    assert spec.status_code == 200 and spec.json()["openapi"].startswith("3.")
    assert client.get("/schema/openapi.yaml").status_code == 200
    assert "json" in client.get("/schema").headers["content-type"]
    for path in ("/schema/swagger", "/schema/redoc", "/schema/elements", "/schema/rapidoc"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "<script" not in response.text, path


def test_api_answers_forbid_sniffing_and_sign_in_is_never_cached(
    client: TestClient[Litestar], world: World
) -> None:
    for response in (
        client.get("/healthz"),
        client.get("/api/auth/me", headers=world.auth("admin")),
        client.get("/api/auth/me"),  # an error
        client.get("/api/kept-aside", headers=world.auth("fac_a1")),
        client.get("/schema/openapi.json"),
    ):
        assert response.headers["x-content-type-options"] == "nosniff", response.url
        assert "strict-transport-security" not in response.headers  # not published on https
    login = client.post("/api/auth/login", json={"username": "admin", "password": PASSWORD})
    assert login.status_code == 201
    assert login.headers["cache-control"] == "no-store"


def test_hsts_is_sent_when_published_over_https(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path, public_url="https://safeschool.example.vn"))
    with TestClient(app) as client:
        for path in ("/healthz", "/", "/api/auth/me"):
            response = client.get(path)
            assert response.headers["strict-transport-security"].startswith("max-age="), path
            assert response.headers["x-content-type-options"] == "nosniff", path
