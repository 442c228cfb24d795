"""The catalogue of per-record problem codes is whole, and the app has words for each."""

from __future__ import annotations

import re
import typing
from pathlib import Path

from server.inspections import intake, problems
from server.inspections.problems import ANSWER_PROBLEM_CODES, PROBLEM_CODES, ProblemCode
from server.inspections.schemas import Detail

ROOT = Path(__file__).parents[2]
I18N = ROOT / "pwa" / "js" / "i18n.js"

# One catalogue entry per line: "problem.<code>": { vi: "…", en: "…" },
_ENTRY = re.compile(r'^\s*"problem\.([a-z_]+)":\s*\{\s*vi:\s*"([^"]*)",\s*en:\s*"([^"]*)"\s*\}')


def _app_problem_texts() -> dict[str, tuple[str, str]]:
    texts: dict[str, tuple[str, str]] = {}
    for line in I18N.read_text(encoding="utf-8").splitlines():
        match = _ENTRY.match(line)
        if match:
            texts[match.group(1)] = (match.group(2), match.group(3))
    return texts


def test_the_app_translates_every_problem_code() -> None:
    """The outbox shows ``problem.<code>`` for each detail of a rejected record
    (pwa/js/views/outbox.js); a code without words would show as the bare code."""
    texts = _app_problem_texts()
    missing = [code for code in PROBLEM_CODES if code not in texts]
    assert not missing, f"add problem.<code> to pwa/js/i18n.js (vi and en): {missing}"
    for code in PROBLEM_CODES:
        vi, en = texts[code]
        assert vi.strip() and en.strip(), code
    assert set(texts) == set(PROBLEM_CODES), "a problem.* string with no code on the server"


def test_one_catalogue() -> None:
    assert len(set(PROBLEM_CODES)) == len(PROBLEM_CODES)
    assert set(ANSWER_PROBLEM_CODES) < set(PROBLEM_CODES)
    assert typing.get_type_hints(Detail)["code"] == ProblemCode


def test_every_code_intake_gives_is_in_the_catalogue() -> None:
    """Intake names its codes as literals in Detail(…) (mypy checks them against the
    catalogue's type); this also holds the catalogue's documentation to the list."""
    source = Path(intake.__file__).read_text(encoding="utf-8")
    used = set(re.findall(r'Detail\(\s*[\w.]+,\s*"([a-z_]+)"', source))
    assert used and used <= set(PROBLEM_CODES), used - set(PROBLEM_CODES)
    documented = set(re.findall(r"^- ``([a-z_]+)``:", problems.__doc__ or "", re.M))
    assert documented == set(PROBLEM_CODES)
