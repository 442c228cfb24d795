"""Checks on the app's files that need no browser: the service worker's asset list is
current, nothing breaks the Content-Security-Policy or renders text as HTML, every string
is in the catalogue in both languages, and the manifest makes the app installable."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest

ROOT = Path(__file__).parents[2]
PWA = ROOT / "pwa"
sys.path.insert(0, str(PWA / "tools"))
import stamp  # noqa: E402

from server.actions.schemas import ActionEventKind, ActionState  # noqa: E402
from server.auth.store import UserProblemCode  # noqa: E402
from server.compliance.store import Sort  # noqa: E402
from server.facilities.csv_import import ImportProblemCode  # noqa: E402
from server.facilities.schemas import Ownership  # noqa: E402
from server.inspections.problems import PROBLEM_CODES  # noqa: E402
from server.push.types import TYPES_BY_ROLE  # noqa: E402
from server.reports.words import SUMMARY as REPORT_SUMMARY  # noqa: E402

JS = sorted((PWA / "js").rglob("*.js")) + [PWA / "sw.js"]


def test_service_worker_asset_list_is_current() -> None:
    """sw.js lists every file with a version hashed from them; stale means browsers would
    keep serving the old files. Fix: python pwa/tools/stamp.py"""
    assert stamp.is_current(PWA), "sw.js is stale: run python pwa/tools/stamp.py"
    listed = stamp.assets(PWA)
    for required in (
        "/index.html",
        "/app.css",
        "/manifest.webmanifest",
        "/js/app.js",
        "/js/scoring.js",
    ):
        assert required in listed
    assert "/sw.js" not in listed and not any(a.startswith("/tools/") for a in listed)


def test_stamp_notices_a_changed_file(tmp_path: Path) -> None:
    copy = tmp_path / "pwa"
    shutil.copytree(PWA, copy)
    before = stamp.version(copy)
    (copy / "app.css").write_text((copy / "app.css").read_text() + "\n/* changed */\n")
    assert not stamp.is_current(copy)
    assert stamp.stamp(copy) and stamp.is_current(copy)
    assert stamp.version(copy) != before


def test_no_inline_script_or_style_in_html() -> None:
    html = (PWA / "index.html").read_text(encoding="utf-8")
    for script in re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S):
        assert script.strip() == "", "inline script"
    assert re.search(r"<script\b(?![^>]*\bsrc=)", html) is None
    assert "<style" not in html and " style=" not in html
    assert re.search(r"\son[a-z]+=", html) is None, "inline event handler"


@pytest.mark.parametrize("path", JS, ids=lambda p: str(p.relative_to(PWA)))
def test_js_never_renders_text_as_html(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    for pattern in (
        r"\.innerHTML\b",
        r"\.outerHTML\s*=",
        r"insertAdjacentHTML",
        r"document\.write",
        r"\beval\(",
        r"new Function\(",
        r"setAttribute\(\s*[\"']style",
        r"\.cssText\s*=",
    ):
        assert re.search(pattern, source) is None, f"{pattern} in {path.name}"


def _catalogue() -> dict[str, dict[str, str]]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    done = subprocess.run(
        [node, "--input-type=module", "-e",
         "import { CATALOGUE } from './pwa/js/i18n.js'; process.stdout.write(JSON.stringify(CATALOGUE));"],  # noqa: E501
        cwd=ROOT, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_every_string_is_in_both_languages() -> None:
    catalogue = _catalogue()
    assert len(catalogue) > 100
    for key, entry in catalogue.items():
        assert set(entry) == {"vi", "en"}, key
        assert entry["vi"].strip() and entry["en"].strip(), key
        assert sorted(re.findall(r"\{\w+\}", entry["vi"])) == sorted(
            re.findall(r"\{\w+\}", entry["en"])
        ), f"placeholders differ: {key}"


def test_every_key_used_exists() -> None:
    catalogue = _catalogue()
    used: set[str] = set()
    prefixes: set[str] = set()
    for path in JS:
        source = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bt\(\s*\"([a-zA-Z0-9_.]+)\"", source))
        prefixes |= set(re.findall(r"\bt\(\s*`([a-zA-Z0-9_.]+)\.\$\{", source))
        prefixes |= set(re.findall(r"has\(\s*`([a-zA-Z0-9_.]+)\.\$\{", source))
    missing = sorted(used - catalogue.keys())
    assert not missing, missing
    # Keys built at run time: every value the server or the forms can give has a string.
    families: dict[str, list[str]] = {
        "kind": ["preschool", "independent_childcare", "primary", "lower_secondary",
                 "upper_secondary", "multi_level", "after_hours_childcare"],
        "status": ["compliant", "non_compliant", "overdue", "not_inspected"],
        "result": ["passed", "failed", "not_assessed"],
        "role": ["admin", "inspector", "department", "facility"],
        "outbox.state": ["queued", "sending", "received", "attention"],
        "team.role": ["lead", "member"],
        "problem": list(PROBLEM_CODES),
        "action.state": list(get_args(ActionState)),
        "action.event": list(get_args(ActionEventKind)),
        "push.type": sorted({kind for kinds in TYPES_BY_ROLE.values() for kind in kinds}),
        "ownership": list(get_args(Ownership)),
        "province.sort": list(get_args(Sort)),
        "admin.userProblem": list(get_args(UserProblemCode)),
        "admin.importProblem": list(get_args(ImportProblemCode)),
        "admin.keptReason": ["conflict", "rejected"],
        "plan.state": ["done", "pending", "late", "draft", "queued", "attention"],
        "report": list(REPORT_SUMMARY),
        "report.ownership": list(get_args(Ownership)),
        "report.pick": ["year", "half", "schoolYear", "custom"],
    }  # fmt: skip
    assert prefixes <= set(families), prefixes - set(families)
    for family, values in families.items():
        for value in values:
            assert f"{family}.{value}" in catalogue, f"{family}.{value}"


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_manifest_makes_the_app_installable() -> None:
    manifest = json.loads((PWA / "manifest.webmanifest").read_text(encoding="utf-8"))
    assert manifest["lang"] == "vi" and "trẻ em" in manifest["name"]
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    icons = {(i["sizes"], i["purpose"]): i["src"] for i in manifest["icons"]}
    for size in ("192x192", "512x512"):
        for purpose in ("any", "maskable"):
            src = icons[(size, purpose)]
            width, height = _png_size(PWA / src.lstrip("/"))
            assert f"{width}x{height}" == size
    html = (PWA / "index.html").read_text(encoding="utf-8")
    assert 'rel="manifest"' in html and 'name="theme-color"' in html and 'lang="vi"' in html


@pytest.mark.parametrize("config", ["jsconfig.json", "jsconfig.sw.json"])
def test_jsdoc_types_check(config: str) -> None:
    """The JSDoc types hold (strict), when TypeScript's checker is at hand: set
    SAFESCHOOL_TSC to its path, or have `tsc` on PATH. The page's files are checked with the
    DOM's types, the service worker with the worker's (the two cannot share one program)."""
    import os

    tsc = os.environ.get("SAFESCHOOL_TSC") or shutil.which("tsc")
    if not tsc:
        pytest.skip("tsc not installed (npm install typescript; SAFESCHOOL_TSC=…/tsc)")
    done = subprocess.run(
        [tsc, "-p", str(PWA / config)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_script_is_type_checked() -> None:
    """Every .js file of the app falls under one of the two TypeScript configurations."""
    covered: set[Path] = set()
    for config in ("jsconfig.json", "jsconfig.sw.json"):
        for pattern in json.loads((PWA / config).read_text(encoding="utf-8"))["include"]:
            covered.update(PWA.glob(pattern))
    scripts = {path for path in PWA.rglob("*.js") if "tools" not in path.relative_to(PWA).parts}
    assert sorted(str(p.relative_to(PWA)) for p in scripts - covered) == []
