"""Front-end benchmarks of the offline app in Debian's Chromium with the CPU slowed 4×
(DevTools protocol ``Emulation.setCPUThrottlingRate``), against a real server with demo data.

    python bench/pwa_perf.py [--runs 7]

Prints the median of each, next to the aim from issue 4:
- cold start offline to an interactive facility list (browser restarted, network off): < 1 s
- rendering a 150-item checklist (a synthetic checklist added for the run): < 100 ms
- an answer tap to the answer committed in IndexedDB: < 50 ms
- bytes transferred on a first visit, as the server sends them (and gzip-compressed, for
  when the server compresses): < 150 KB

The app marks these moments with the User Timing API (``safeschool:*``), so what is
measured is the app's own work, not the harness's polling.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    CONTEXT_OPTIONS,
    IDB_HELPER,
    INSPECTOR,
    Server,
    cli,
    eventually,
    sign_in,
)

THROTTLE = 4
FACILITY = "TQ-AFT-001"  # after-hours childcare: the synthetic checklist applies to it


def large_checklist(items: int = 150) -> dict[str, Any]:
    """A checklist of `items` items in 10 sections: mostly checks, some conditional."""
    sections = []
    per = items // 10
    for s in range(10):
        rows: list[dict[str, Any]] = []
        for i in range(per):
            item: dict[str, Any] = {
                "id": f"s{s}_c{i}",
                "kind": "check",
                "text": {
                    "vi": f"Tiêu chí {s}.{i}: nội dung đủ dài để xuống dòng trên điện thoại",
                    "en": f"Criterion {s}.{i}",
                },
                "help": {"vi": "Hướng dẫn kiểm tra.", "en": "How to check."},
                "legal_ref": "TT 45/2021/TT-BGDĐT",
                "mandatory": i == 0,
                "allow_na": i % 3 == 0,
            }
            if i % 5 == 4:
                item["show_if"] = [{"item": f"s{s}_c{i - 1}", "equals": "fail"}]
            rows.append(item)
        sections.append(
            {"id": f"s{s}", "title": {"vi": f"Phần {s + 1}", "en": f"Part {s + 1}"}, "items": rows}
        )
    return {
        "id": "bench-large",
        "version": 1,
        "title": {"vi": "Bảng kiểm lớn (đo hiệu năng)", "en": "Large checklist (benchmark)"},
        "applies_to": ["after_hours_childcare"],
        "sections": sections,
    }


def throttle(context: Any, page: Any) -> None:
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": THROTTLE})


def measures(page: Any, name: str) -> list[float]:
    return list(page.evaluate("n => performance.getEntriesByName(n).map(e => e.duration)", name))


def cold_start(playwright: Any, server: Server, profile: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        ctx = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            base_url=server.url,
            **CONTEXT_OPTIONS,
        )
        ctx.set_offline(True)
        page = ctx.pages[0] if ctx.pages else ctx.new_page()
        throttle(ctx, page)
        page.goto("/#/facilities")
        eventually(
            page, "() => performance.getEntriesByName('safeschool:facilities-ready').length > 0"
        )
        assert page.locator("ul.facilities a.card").count() > 0
        times.append(
            page.evaluate(
                "performance.getEntriesByName('safeschool:facilities-ready')[0].startTime"
            )
        )
        ctx.close()
    return times


def checklist_and_answers(
    playwright: Any, server: Server, profile: Path, runs: int
) -> tuple[list[float], list[float], list[float]]:
    ctx = playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        base_url=server.url,
        **CONTEXT_OPTIONS,
    )
    page = ctx.pages[0] if ctx.pages else ctx.new_page()
    page.goto("/#/facilities")
    page.locator("ul.facilities").wait_for()
    page.goto(f"/#/facility/{FACILITY}")
    page.get_by_role("button", name="Bắt đầu kiểm tra: Bảng kiểm lớn (đo hiệu năng)").click()
    page.wait_for_url("**/#/inspection/*")
    page.locator(".view-inspection[data-built]").wait_for(state="attached")
    assert page.locator("[data-item]").count() == 150
    url = page.url
    throttle(ctx, page)
    renders = []
    complete_builds = []
    for _ in range(runs):
        page.goto("/#/drafts")
        page.locator(".view-drafts").wait_for()
        page.goto(url)
        eventually(
            page, "() => performance.getEntriesByName('safeschool:checklist-built').length > 0"
        )
        renders.append(measures(page, "safeschool:checklist-rendered")[-1])
        complete_builds.append(measures(page, "safeschool:checklist-built")[-1])
    taps = []
    checks = page.locator(".item.kind-check:not([hidden])")
    for n in range(min(runs * 3, 30)):
        checks.nth(n).locator(".opt-pass" if n % 2 else ".opt-fail").click()
    eventually(
        page,
        "n => performance.getEntriesByName('safeschool:answer-persisted').length >= n",
        arg=min(runs * 3, 30),
    )
    taps = measures(page, "safeschool:answer-persisted")
    ctx.close()
    return renders, complete_builds, taps


def first_visit_bytes(playwright: Any, server: Server) -> tuple[int, int, int]:
    """(bytes on the wire for the shell, the same gzip-compressed, with sign-in and data)."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    ctx = browser.new_context(base_url=server.url, **CONTEXT_OPTIONS)
    ctx.add_init_script(IDB_HELPER)
    seen: list[tuple[str, int, int]] = []

    def finished(request: Any) -> None:
        try:
            sizes = request.sizes()
        except Exception:  # a request cut short
            return
        path = request.url.split("://", 1)[1].split("/", 1)[1].split("?")[0] or "index.html"
        file = ROOT / "pwa" / path
        wire = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        compressed = (
            len(gzip.compress(file.read_bytes(), 6)) + sizes["responseHeadersSize"]
            if file.is_file()
            else wire
        )
        seen.append((request.url, wire, compressed))

    ctx.on("requestfinished", finished)
    page = ctx.new_page()
    page.goto("/")
    page.get_by_label("Tên đăng nhập").wait_for()
    eventually(
        page,
        "() => navigator.serviceWorker.ready.then(() => true)",
    )
    eventually(page, "() => caches.keys().then(k => k.length === 1)")
    page.wait_for_timeout(500)
    shell = sum(n for _, n, _ in seen)
    shell_gzip = sum(z for _, _, z in seen)
    sign_in(page, INSPECTOR)
    page.wait_for_timeout(500)
    total = sum(n for _, n, _ in seen)
    browser.close()
    return shell, shell_gzip, total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        forms = tmp / "forms"
        shutil.copytree(ROOT / "forms", forms)
        (forms / "bench-large.v1.yaml").write_text(
            json.dumps(large_checklist(), ensure_ascii=False), encoding="utf-8"
        )
        data = tmp / "data"
        made = cli(data, "demo", "--no-serve", SAFESCHOOL_FORMS_DIR=str(forms))
        assert made.returncode == 0, made.stderr
        server = Server(data, forms_dir=forms)
        server.start()
        try:
            with sync_playwright() as p:
                shell, shell_gzip, total = first_visit_bytes(p, server)
                profile = tmp / "profile"
                ctx = p.chromium.launch_persistent_context(
                    str(profile),
                    executable_path=CHROMIUM,
                    args=CHROMIUM_ARGS,
                    base_url=server.url,
                    **CONTEXT_OPTIONS,
                )
                ctx.add_init_script(IDB_HELPER)
                sign_in(ctx.pages[0] if ctx.pages else ctx.new_page())
                ctx.close()
                started = time.monotonic()
                cold = cold_start(p, server, profile, args.runs)
                renders, builds, taps = checklist_and_answers(p, server, profile, args.runs)
        finally:
            server.stop()
    elapsed = time.monotonic() - started
    rows = [
        (
            "cold start offline to facility list",
            f"{statistics.median(cold):.0f} ms",
            "aim < 1000 ms",
        ),
        ("render a 150-item checklist", f"{statistics.median(renders):.0f} ms", "aim < 100 ms"),
        (
            "  … every item built, in slices",
            f"{statistics.median(builds):.0f} ms",
            "input never blocked",
        ),
        ("answer tap to IndexedDB commit", f"{statistics.median(taps):.1f} ms", "aim < 50 ms"),
        ("first visit, app shell as sent", f"{shell / 1024:.0f} KB", "aim < 150 KB"),
        ("  … if the server gzipped it", f"{shell_gzip / 1024:.0f} KB", "aim < 150 KB"),
        ("first visit with sign-in and data", f"{total / 1024:.0f} KB", "300 facilities"),
    ]
    print(f"CPU slowed {THROTTLE}x, {args.runs} runs, medians ({elapsed:.0f} s)")
    for name, value, aim in rows:
        print(f"  {name:<36} {value:>9}   ({aim})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
