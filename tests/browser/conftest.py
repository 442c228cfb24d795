"""Browser fixtures: a real server process over a seeded data directory, Debian's Chromium
driven by Playwright, and helpers that read the phone's IndexedDB.

``server`` starts ``python -m server serve`` on a free port over a copy of a demo database
(made once per session with ``python -m server demo --no-serve``: 300 facilities, the
inspector ``thanhtra``); ``browser`` is one Chromium for the session; ``context`` a fresh
phone-sized context per test; ``persistent`` launches a persistent context whose profile
survives ``close()`` (a browser restart).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.demo import DEMO_LOGINS
from server.settings import REPO_ROOT

CHROMIUM = os.environ.get("SAFESCHOOL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}
LOGINS = {role: (username, password) for role, username, password in DEMO_LOGINS}
INSPECTOR = LOGINS["inspector"]
PWA = REPO_ROOT / "pwa"
ROOT = REPO_ROOT
AFTER_HOURS_DEFAULT = "TQ-AFT-001"  # a facility whose checklist is the shortest
# Tuyên Quang, near the main gate of a demo school
GEO = {"latitude": 21.8233, "longitude": 105.2147, "accuracy": 12}

playwright_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():  # pragma: no cover - depends on the machine
    pytest.skip(f"Chromium not found at {CHROMIUM}", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        capture_output=True,
        text=True,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "SAFESCHOOL_DATA_DIR": str(data_dir),
            **env,
        },
        cwd=REPO_ROOT,
        timeout=120,
        check=False,
    )


class Server:
    """``python -m server serve`` as a process; ``stop()`` and ``start()`` keep the port."""

    def __init__(
        self,
        data_dir: Path,
        pwa_dir: Path | None = None,
        forms_dir: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.pwa_dir = pwa_dir
        self.forms_dir = forms_dir
        self.env = env or {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[str] | None = None
        self.log = data_dir.parent / f"server-{self.port}.log"

    def start(self) -> None:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "SAFESCHOOL_DATA_DIR": str(self.data_dir),
            "SAFESCHOOL_LOG_LEVEL": "WARNING",
        }
        if self.pwa_dir is not None:
            env["SAFESCHOOL_PWA_DIR"] = str(self.pwa_dir)
        if self.forms_dir is not None:
            env["SAFESCHOOL_FORMS_DIR"] = str(self.forms_dir)
        env.update(self.env)
        with self.log.open("a") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "server", "serve", "--port", str(self.port)],
                env=env,
                cwd=REPO_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-3000:]}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def token(self, login: tuple[str, str] = INSPECTOR) -> str:
        r = httpx.post(
            self.url + "/api/auth/login", json={"username": login[0], "password": login[1]}
        )
        r.raise_for_status()
        return str(r.json()["token"])

    def has_sync(self) -> bool:
        """True once the lead's intake endpoint exists (an unknown path answers 404)."""
        r = httpx.post(self.url + "/api/sync/inspections", json={"records": []})
        return r.status_code != 404 and r.status_code != 405

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.data_dir / "safeschool.sqlite3")

    def stored_copies(self, inspection_id: str) -> int:
        """How many rows of the server's inspection tables hold this id (any table whose
        name starts with 'inspection' and has an 'id' column)."""
        db = self.db()
        try:
            tables = [
                r[0]
                for r in db.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 'inspection%'"
                )
            ]
            count = 0
            for table in tables:
                columns = {r[1] for r in db.execute(f'PRAGMA table_info("{table}")')}
                if "id" in columns:
                    count += db.execute(
                        f'SELECT count(*) FROM "{table}" WHERE id = ?', (inspection_id,)
                    ).fetchone()[0]
            return int(count)
        finally:
            db.close()


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo data directory made once; tests copy it."""
    data = tmp_path_factory.mktemp("seed") / "data"
    done = cli(data, "demo", "--no-serve")
    assert done.returncode == 0, done.stderr
    return data


@pytest.fixture
def data_dir(seeded: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(seeded, target)
    return target


@pytest.fixture
def server(data_dir: Path) -> Iterator[Server]:
    s = Server(data_dir)
    s.start()
    yield s
    s.stop()


@pytest.fixture
def needs_sync(server: Server) -> None:
    assert server.has_sync(), "POST /api/sync/inspections must answer"


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Any) -> Iterator[Any]:
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield b
    b.close()


CONTEXT_OPTIONS: dict[str, Any] = {
    "viewport": PHONE,
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "vi-VN",
    "timezone_id": "Asia/Ho_Chi_Minh",
    "geolocation": GEO,
    "permissions": ["geolocation"],
    "service_workers": "allow",
    "accept_downloads": True,
}


@pytest.fixture
def context(browser: Any, server: Server) -> Iterator[Any]:
    ctx = browser.new_context(base_url=server.url, **CONTEXT_OPTIONS)
    ctx.set_default_timeout(15000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Any:
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    p.errors = errors
    return p


@pytest.fixture
def persistent(playwright: Any, tmp_path: Path, server: Server) -> Iterator[Callable[[], Any]]:
    """Open (and reopen) a browser whose profile lives in tmp_path/profile."""
    opened: list[Any] = []

    def launch() -> Any:
        ctx = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            base_url=server.url,
            **CONTEXT_OPTIONS,
        )
        ctx.set_default_timeout(15000)
        opened.append(ctx)
        return ctx

    yield launch
    for ctx in opened:
        with contextlib.suppress(Exception):  # already closed by the test
            ctx.close()


# --- helpers used by the tests --------------------------------------------------------------


def sign_in(page: Any, login: tuple[str, str] = INSPECTOR) -> None:
    """Open the app, sign in, and wait until the service worker controls the page, the app
    has gone to its home screen, and (for an inspector) the checklists and facilities are
    on the phone."""
    page.goto("/")
    page.get_by_label("Tên đăng nhập").fill(login[0])
    page.get_by_label("Mật khẩu").fill(login[1])
    page.get_by_role("button", name="Đăng nhập").click()
    eventually(page, "() => navigator.serviceWorker.controller !== null")
    # Signed in once the app has left the sign-in screen for its home (#/): a page.goto
    # sooner would be overtaken by that move.
    eventually(
        page,
        "() => location.hash.startsWith('#/') && document.querySelector('#nav a') !== null"
        " && !document.querySelector('.view-signin')",
    )
    if login == INSPECTOR:
        eventually(
            page,
            "async () => (await window.__idb('facilities')).length > 0"
            " && (await window.__idb('forms')).length > 0"
            " && (await window.__idb('meta')).some(m => m.key === 'session')",
        )


def service_worker_registration(page: Any, cdp: Any, origin: str) -> str:
    """The id of the app's service worker registration, as DevTools reports it (after
    ServiceWorker.enable, in an event that may come a moment later)."""
    found: dict[str, str] = {}

    def seen(event: dict[str, Any]) -> None:
        for registration in event.get("registrations", []):
            if registration["scopeURL"].startswith(origin) and not registration.get("isDeleted"):
                found["id"] = registration["registrationId"]

    cdp.on("ServiceWorker.workerRegistrationUpdated", seen)
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while "id" not in found and time.monotonic() < deadline:
        page.wait_for_timeout(100)  # lets Playwright dispatch the session's events
    assert "id" in found, "no service worker registration reported"
    return found["id"]


def eventually(page: Any, expression: str, timeout: float = 20, arg: Any = None) -> Any:
    """Poll an async expression until it is truthy (wait_for_function does not await
    promises, so an async predicate would pass at once)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = page.evaluate(expression, arg)
        except playwright_api.Error as exc:  # the page navigated (a reload) meanwhile
            if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                raise
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(100)


IDB_HELPER = """
window.__idb = (store) => new Promise((resolve, reject) => {
  const open = indexedDB.open('safeschool');
  // Never create the database: that is the app's job.
  open.onupgradeneeded = () => open.transaction.abort();
  open.onerror = () => resolve([]);
  open.onsuccess = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains(store)) { db.close(); resolve([]); return; }
    const req = db.transaction(store).objectStore(store).getAll();
    req.onsuccess = () => { db.close(); resolve(req.result); };
    req.onerror = () => reject(req.error);
  };
});
"""


def expect_text(locator: Any, text: str, timeout: float = 20) -> None:
    """Wait until `text` is part of what the locator shows (its rendered text)."""
    deadline = time.monotonic() + timeout
    while text not in locator.inner_text():
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} not in {locator.inner_text()!r}")
        time.sleep(0.1)


def install_idb_helper(context: Any) -> None:
    context.add_init_script(IDB_HELPER)


def inspections(page: Any) -> list[dict[str, Any]]:
    data = page.evaluate(
        "async () => (await window.__idb('inspections')).map(i => JSON.parse(JSON.stringify(i)))"
    )
    return list(data)


def wait_for_status(
    page: Any, status: str, count: int = 1, timeout: float = 30
) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    found: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        found = [i for i in inspections(page) if i["status"] == status]
        if len(found) >= count:
            return found
        page.wait_for_timeout(250)
    raise AssertionError(
        f"expected {count} inspection(s) {status}; have {json.dumps([i['status'] for i in inspections(page)])}"  # noqa: E501
    )


def png_bytes(width: int = 640, height: int = 480) -> bytes:
    """A small real PNG photo stand-in (a gradient), made without image libraries."""
    import struct
    import zlib

    raw = b"".join(
        b"\x00" + b"".join(bytes((x * 255 // width, y * 255 // height, 128)) for x in range(width))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )


VISIBLE_ITEMS = """
() => [...document.querySelectorAll('[data-item]')].filter(el => !el.hidden).map(el => ({
  id: el.dataset.item,
  section: el.closest('details.section').id.replace(/^section-/, ''),
  kind: [...el.classList].find(c => c.startsWith('kind-')).slice(5),
  answered: el.matches('.kind-check, .kind-veto, .kind-choice')
    ? !!el.querySelector('input:checked')
    : el.matches('.kind-signature') ? !!el.querySelector('img.signature-img')
    : el.matches('.kind-photo') ? !!el.querySelector('.thumbs img')
    : el.matches('.kind-location') ? /\\d/.test(el.querySelector('output').textContent)
    : !!(el.querySelector('input, textarea') || {}).value,
}))
"""


# An item's own input, not the file input of its photo evidence.
ANSWER_INPUT = "input:not([type=file])"


def open_pad(root: Any) -> None:
    """Open the signature pad of an item or team member (it opens on "Ký tên")."""
    if root.locator("canvas").count() == 0:
        root.get_by_role("button", name="Ký tên", exact=True).click()
    root.locator("canvas").wait_for()


def open_section(section: Any) -> None:
    """A draft shows one section at a time: open ``section`` (its ``details``) as an
    inspector does, with a tap on its heading, unless it is open."""
    if section.get_attribute("open") is None:
        section.locator(":scope > summary").click()


def show_item(page: Any, item_id: str) -> Any:
    """Open the item's section (``open_section``); returns the item."""
    open_section(page.locator(f"details.section:has(#item-{item_id})"))
    item = page.locator(f"#item-{item_id}")
    item.wait_for()
    return item


CHECK = ".item.kind-check:not([hidden])"
"""The checks a draft shows (not hidden by a condition), open section or not."""


def nth_item(page: Any, selector: str = CHECK, n: int = 0) -> Any:
    """The ``n``-th item matching ``selector``, its section opened as by ``show_item``."""
    return show_item(page, str(page.locator(selector).nth(n).get_attribute("data-item")))


def sign_canvas(page: Any, item_id: str) -> None:
    open_pad(show_item(page, item_id))
    draw_on(page, page.locator(f"#item-{item_id} canvas"))


def draw_on(page: Any, pad: Any) -> None:
    """Sign on a signature pad the way a finger does."""
    pad.scroll_into_view_if_needed()
    pad.evaluate("el => el.scrollIntoView({block: 'center'})")
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.6)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(
            box["x"] + 20 + step * 20, box["y"] + box["height"] * (0.6 - 0.3 * (step % 2))
        )
    page.mouse.up()


def fill_checklist(
    page: Any,
    fail: tuple[str, ...] = (),
    photo: bytes | None = None,
    everything: bool = False,
    team: bool = True,
    section: str | None = None,
) -> None:
    """Answer every visible item the way an inspector taps: checks "Đạt" (or "Không đạt"
    for ``fail``), vetoes "Không xảy ra" (or "Có xảy ra" for ``fail``), choices the first
    option, numbers 25, dates today, texts a sentence, signatures drawn; optional items too
    when ``everything``; a photo where asked; and the team signed unless not ``team``.
    Only the items of ``section`` (its id) when given."""
    if team:
        sign_team(page)
    done: set[str] = set()
    for _ in range(10):  # answers may reveal more items
        todo = [
            i
            for i in page.evaluate(VISIBLE_ITEMS)
            if not i["answered"] and i["id"] not in done and section in (None, i["section"])
        ]
        if not todo:
            return
        for item in todo:
            done.add(item["id"])
            root = show_item(page, item["id"])
            kind = item["kind"]
            if kind == "check":
                root.locator(".opt-fail" if item["id"] in fail else ".opt-pass").click()
            elif kind == "veto":
                root.locator(".opt-occurred" if item["id"] in fail else ".opt-none").click()
            elif kind == "choice":
                root.locator("label.opt").first.click()
            elif kind == "number":
                root.locator(ANSWER_INPUT).fill("25")
            elif kind == "date":
                root.locator(ANSWER_INPUT).fill("20/11/2025")
            elif kind == "text":
                root.locator("textarea").fill("Ghi nhận tại buổi kiểm tra.")
            elif kind == "signature":
                sign_canvas(page, item["id"])
                root.get_by_role("button", name="Lưu chữ ký").click()
                root.locator("img.signature-img").wait_for()
            elif kind == "location" and everything:
                root.get_by_role("button", name="Lấy vị trí hiện tại").click()
            elif kind == "photo" and photo is not None:
                root.locator("input[type=file]").set_input_files(
                    {"name": "anh.png", "mimeType": "image/png", "buffer": photo}
                )
                root.locator(".thumbs img").wait_for()
    raise AssertionError("the checklist kept revealing unanswered items")


def sign_team(
    page: Any, name: str = "Nguyễn Văn An", agency: str = "Sở Giáo dục và Đào tạo"
) -> None:
    """Complete the inspection team as an inspector would: the pre-filled lead's missing
    name or agency written in, and every member's signature drawn and saved."""
    for card in page.locator("ol.team li.member").all():
        for label, value in (("Họ và tên", name), ("Cơ quan", agency)):
            field = card.get_by_label(label, exact=True)
            if not field.input_value():
                field.fill(value)
        if card.locator("img.signature-img").count() == 0:
            open_pad(card)
            draw_on(page, card.locator("canvas"))
            card.get_by_role("button", name="Lưu chữ ký").click()
            card.locator("img.signature-img").wait_for()


def add_evidence(page: Any, item_id: str, photo: bytes, name: str = "bang-chung.png") -> str:
    """Attach a photo as evidence to an item the way an inspector does (open its note and
    photos with the camera control unless open, take or choose a photo) and wait for its
    thumbnail; returns the control's accessible name."""
    root = show_item(page, item_id)
    tool = root.locator("button.tool-note")
    if tool.get_attribute("aria-expanded") != "true":
        tool.click()
    evidence = root.locator(".evidence")
    evidence.locator("label.file").wait_for()
    before = evidence.locator(".thumbs img").count()
    control = evidence.locator("label.file")
    label = str(control.get_attribute("aria-label"))
    evidence.get_by_label(label).set_input_files(
        {"name": name, "mimeType": "image/png", "buffer": photo}
    )
    evidence.locator(".thumbs img").nth(before).wait_for()
    return label


# An update check the app started itself (on `online`, say) may still be fetching the old
# sw.js; a second update() joins that job instead of fetching again, so ask until the
# browser has found the new version.
FIND_NEW_VERSION = """async () => {
  const r = await navigator.serviceWorker.getRegistration();
  if (r.installing || r.waiting) return true;
  await r.update().catch(() => undefined);
  return Boolean(r.installing || r.waiting);
}"""


def find_new_version(page: Any) -> None:
    """Have the page's service worker registration notice a newly deployed version."""
    eventually(page, FIND_NEW_VERSION, timeout=20)


def open_facility(page: Any, code: str) -> None:
    page.get_by_role("link", name="Cơ sở", exact=True).click()
    page.wait_for_url("**/#/facilities")
    page.locator(".view-facilities").wait_for()
    # From the landing screen (#/) the tap draws the list again: text typed into the box
    # of the screen being replaced is gone with it, so type again until the box shown
    # holds it, as a person would.
    box = page.get_by_label("Tìm theo tên hoặc mã")
    for _ in range(50):
        box.fill(code)
        if page.evaluate(
            "q => [...document.querySelectorAll('.view-facilities input[type=search]')]"
            ".every(i => i.isConnected && i.value === q)",
            code,
        ):
            break
        page.wait_for_timeout(100)
    page.locator("ul.facilities a.card", has_text=code).first.click()
    page.get_by_role("heading", level=1).wait_for()


def start_inspection(page: Any, code: str) -> str:
    """Open a facility from the picker and start its first checklist; returns the id."""
    open_facility(page, code)
    page.locator("button.start").first.click()
    page.wait_for_url("**/#/inspection/*")
    page.locator(".view-inspection[data-built]").wait_for(state="attached")
    return str(page.url.rsplit("/", 1)[1])
