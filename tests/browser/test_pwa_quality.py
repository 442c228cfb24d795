"""The app's qualities in Chromium: the JS scoring on every shared vector in the browser,
no serious axe-core violations on any screen, a 360 px phone with targets of at least 44 px,
nothing that a strict Content-Security-Policy blocks, the English switch, and the status
screens of facility and department users."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser.conftest import (
    AFTER_HOURS_DEFAULT,
    CHECK,
    LOGINS,
    ROOT,
    Server,
    eventually,
    expect_text,
    fill_checklist,
    install_idb_helper,
    nth_item,
    sign_in,
    start_inspection,
)

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

VECTORS = sorted((ROOT / "tests" / "vectors" / "scoring").glob("*.json"))
CSP = (
    "default-src 'self'; img-src 'self' blob: data:; object-src 'none'; base-uri 'none';"
    " frame-ancestors 'none'"
)


def test_scoring_passes_every_vector_in_chromium(page: Any, server: Server) -> None:
    page.goto("/")
    vectors = [json.loads(p.read_text(encoding="utf-8")) for p in VECTORS]
    results = page.evaluate(
        """async (vectors) => {
          const { score } = await import('/js/scoring.js');
          const { answerProblems } = await import('/js/validation.js');
          return vectors.map(v => {
            const r = score(v.checklist, v.answers);
            return {result: r.result, score_display: r.score_display, score: r.score,
                    failed: r.failed_checks.map(f => f.item_id), missing: r.missing_required,
                    sections: r.sections.map(s => [s.id, s.result, s.score_display]),
                    problems: answerProblems(v.checklist, v.answers)};
          });
        }""",
        vectors,
    )
    for vector, got in zip(vectors, results, strict=True):
        want = vector["expected"]
        name = vector["name"]
        assert got["result"] == want["result"], name
        assert got["score_display"] == want["score_display"], name
        assert (got["score"] is None) == (want["score"] is None), name
        if want["score"] is not None:
            assert abs(got["score"] - want["score"]) <= 1e-9, name
        assert got["failed"] == want["failed_checks"], name
        assert got["missing"] == want["missing_required"], name
        assert got["sections"] == [
            [s["id"], s["result"], s["score_display"]] for s in want["sections"]
        ], name
        assert got["problems"] == want["problems"], name


def _axe(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


SMALL_TARGETS = """() => {
  const small = [];
  const selector = 'a[href], button, select, textarea, summary, label.opt, label.file,'
    + ' input:not([type=radio]):not([type=checkbox]):not(.visually-hidden)';
  for (const el of document.querySelectorAll(selector)) {
    const r = el.getBoundingClientRect();
    if ((r.width === 0 && r.height === 0) || el.closest('[hidden]')) continue;
    if (r.height < 44 || r.width < 44) {
      const label = (el.textContent || '').trim().slice(0, 30);
      const size = `${Math.round(r.width)}x${Math.round(r.height)}`;
      small.push(`${el.tagName}.${el.className} "${label}" ${size}`);
    }
  }
  return small;
}"""


def _small_targets(page: Any) -> list[str]:
    """Interactive elements smaller than 44 × 44 px (radios and checkboxes count through
    their label, which is the target a finger hits)."""
    return list(page.evaluate(SMALL_TARGETS))


def _fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_screens_are_accessible_and_fit_a_phone(context: Any, page: Any) -> None:
    axe_pytest = pytest.importorskip("axe_playwright_python")
    del axe_pytest
    install_idb_helper(context)
    page.goto("/")
    page.get_by_label("Tên đăng nhập").wait_for()
    problems: dict[str, list[str]] = {"signin": _axe(page) + _small_targets(page)}
    sign_in(page)
    screens = {
        "facilities": "#/facilities",
        "facility": f"#/facility/{AFTER_HOURS_DEFAULT}",
        "drafts": "#/drafts",
        "outbox": "#/outbox",
        "settings": "#/settings",
        "province": "#/province",
    }
    for name, hash_ in screens.items():
        page.goto("/" + hash_)
        page.locator(f".view-{name}").wait_for()
        if name == "province":  # its list loaded and its charts open
            page.locator(".province-list[aria-busy=false]").wait_for(timeout=30000)
            page.locator(".pictures figure").first.wait_for(state="attached", timeout=30000)
            page.locator("details.charts > summary").click()
        page.wait_for_timeout(200)
        problems[name] = (
            _axe(page) + _small_targets(page) + ([] if _fits(page) else ["wider than 360 px"])
        )
    start_inspection(page, AFTER_HOURS_DEFAULT)
    # The tools of the open section (a draft shows one section at a time).
    for tool in page.locator("details.section[open] .item:not([hidden]) button.tool").all()[:9]:
        tool.click()
    problems["checklist"] = (
        _axe(page) + _small_targets(page) + ([] if _fits(page) else ["wider than 360 px"])
    )
    page.locator("#discard").click()
    problems["confirm"] = _axe(page)
    assert problems == {name: [] for name in problems}


def test_checks_are_radio_groups_with_accessible_names(context: Any, page: Any) -> None:
    install_idb_helper(context)
    sign_in(page)
    start_inspection(page, AFTER_HOURS_DEFAULT)
    # A counted check: failing an advisory one is a recommendation, never "Không đạt".
    check = nth_item(page, f"{CHECK}:not(:has(.pill.advisory))")
    question = check.locator("legend .q").text_content()
    group = page.get_by_role("group", name=question)
    assert group.get_by_role("radio", name="Đạt", exact=True).count() == 1
    assert group.get_by_role("radio", name="Không đạt", exact=True).count() == 1
    group.get_by_role("radio", name="Không đạt", exact=True).check()
    # Counted where the form ends: one failed check (the label alone is always there).
    expect_text(page.get_by_role("region", name="Tóm tắt phiếu").locator("dl"), "Không đạt\n1")
    mandatory = nth_item(page, f"{CHECK}:has(.pill.mandatory)").locator(".pill.mandatory")
    assert mandatory.inner_text() == "Tiêu chí bắt buộc"


def test_nothing_breaks_the_content_security_policy(browser: Any, server: Server) -> None:
    """The server will send a strict CSP; here it is added to every response, so an inline
    script or style anywhere in the app would be refused and reported."""
    from tests.browser.conftest import CONTEXT_OPTIONS

    ctx = browser.new_context(
        base_url=server.url, **{**CONTEXT_OPTIONS, "service_workers": "block"}
    )
    install_idb_helper(ctx)
    ctx.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));"  # noqa: E501
    )

    def with_csp(route: Any) -> None:
        response = route.fetch()
        route.fulfill(
            response=response, headers={**response.headers, "content-security-policy": CSP}
        )

    ctx.route("**/*", with_csp)
    page = ctx.new_page()
    page.goto("/")
    page.get_by_label("Tên đăng nhập").fill(LOGINS["inspector"][0])
    page.get_by_label("Mật khẩu").fill(LOGINS["inspector"][1])
    page.get_by_role("button", name="Đăng nhập").click()
    page.locator(".view-facilities ul.facilities a.card").first.wait_for(timeout=20000)
    start_inspection(page, AFTER_HOURS_DEFAULT)
    fill_checklist(page)
    page.locator("#complete").click()
    page.get_by_role("dialog").get_by_role("button", name="Hoàn thành phiếu").click()
    page.wait_for_url("**/#/outbox")
    page.goto("/#/settings")
    page.locator(".view-settings").wait_for()
    assert page.evaluate("window.__csp") == []
    # Photos may still be uploading through the route: let them go, not fail the next test.
    ctx.unroute_all(behavior="ignoreErrors")
    ctx.close()


def test_english_switch_and_user_text_as_text(context: Any, page: Any) -> None:
    install_idb_helper(context)
    sign_in(page)
    page.get_by_role("link", name="Cài đặt").click()
    page.get_by_text("English", exact=True).click()
    page.get_by_role("link", name="Facilities").wait_for()
    assert page.evaluate("document.documentElement.lang") == "en"
    page.get_by_role("link", name="Facilities").click()
    page.get_by_role("heading", name="Choose a facility").wait_for()
    start_inspection_en = page.get_by_label("Search by name or code")
    start_inspection_en.fill("<b>x</b>")
    # The facilities are read from the phone after the heading is drawn.
    expect(page.locator(".view-facilities .count")).to_contain_text(
        "No facility matches", timeout=30000
    )
    page.get_by_label("Search by name or code").fill("TQ-AFT-001")
    page.locator("ul.facilities a.card").first.click()
    page.get_by_role("button", name="Start inspection").first.click()
    text = nth_item(page, ".item.kind-text:not([hidden])").locator("textarea")
    text.fill("<img src=x onerror=alert(1)>")
    assert page.locator("img[src=x]").count() == 0
    eventually(
        page,
        "async () => (await window.__idb('inspections'))[0].answers && Object.values((await window.__idb('inspections'))[0].answers).includes('<img src=x onerror=alert(1)>')",  # noqa: E501
    )
    page.reload()
    page.locator("#complete").wait_for()
    assert (
        page.locator(".item.kind-text:not([hidden]) textarea").first.input_value()
        == "<img src=x onerror=alert(1)>"
    )
    assert "Provisional score" in page.locator(".summary").inner_text()


def test_facility_user_sees_its_status(context: Any, page: Any, server: Server) -> None:
    install_idb_helper(context)
    sign_in(page, LOGINS["facility"])
    page.wait_for_url("**/#/site/*")  # a principal lands on its own site's screen
    body = page.locator(".view-site")
    eventually(
        page,
        "() => /Cập nhật lúc/.test(document.querySelector('.view-site')?.innerText || '')",
    )
    text = body.inner_text()
    assert "Tình trạng an toàn của cơ sở" in text
    assert any(s in text for s in ("Đạt", "Không đạt", "Quá hạn kiểm tra", "Chưa kiểm tra"))
    assert page.get_by_role("link", name="Cơ sở", exact=True).count() == 0  # no inspector screens


def test_department_user_sees_every_site_of_the_province(
    context: Any, page: Any, server: Server
) -> None:
    install_idb_helper(context)
    sign_in(page, LOGINS["department"])
    view = page.locator(".view-province")
    view.locator(".province-list[aria-busy=false]").wait_for(timeout=30000)
    text = view.inner_text()
    assert "Tình trạng các cơ sở" in text and "Dữ liệu lúc" in text
    assert "50 / 300 cơ sở" in text  # every site, not only the failing ones
    # Most severe first.
    assert view.locator(".province-list > li > .pill").first.inner_text().startswith("Không đạt")
    # Offline, the last list is still there.
    context.set_offline(True)
    page.reload()
    view.locator(".province-list[aria-busy=false]").wait_for(timeout=30000)
    assert "50 / 300 cơ sở" in view.inner_text()
    assert "Đang ngoại tuyến: dữ liệu lúc" in view.inner_text()
