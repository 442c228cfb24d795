"""The minutes speak as the app does: the same words for the same things, and every reason
of a failed result in plain words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server.forms.loader import load_file
from server.inspections.scoring import Reason
from server.minutes.model import Book, answer_text, reason_text
from server.minutes.words import CATALOGUE, SHARED, Words
from server.photos.store import read
from server.settings import REPO_ROOT

I18N = REPO_ROOT / "pwa" / "js" / "i18n.js"
# "key": { vi: "…", en: "…" }, on one line or several
_ENTRY = re.compile(r'"([\w.]+)":\s*\{\s*vi:\s*"([^"]*)",\s*en:\s*"([^"]*)",?\s*\}', re.S)
PRESCHOOL = load_file(REPO_ROOT / "forms" / "preschool-safety.v1.yaml")
ITEMS = {item.id: item for item in PRESCHOOL.items()}


def test_shared_words_are_the_apps_words() -> None:
    app = {key: (vi, en) for key, vi, en in _ENTRY.findall(I18N.read_text(encoding="utf-8"))}
    assert set(SHARED) <= set(app), set(SHARED) - set(app)
    assert {key: SHARED[key] for key in SHARED} == {key: app[key] for key in SHARED}


def test_every_word_has_both_languages() -> None:
    for key, (vi, en) in CATALOGUE.items():
        assert vi.strip() and en.strip(), key


@pytest.mark.parametrize(
    ("reason", "vi", "en"),
    [
        (
            Reason("veto", items=["no_child_abused"]),
            "Có sự việc loại trừ: " + ITEMS["no_child_abused"].text.vi,
            "An excluding event occurred: " + ITEMS["no_child_abused"].text.en,
        ),
        (
            Reason("mandatory", items=["gate_fence_secure", "no_child_abused"]),
            "Tiêu chí bắt buộc không đạt: "
            f"{ITEMS['gate_fence_secure'].text.vi}; {ITEMS['no_child_abused'].text.vi}",
            "Mandatory criteria not met: "
            f"{ITEMS['gate_fence_secure'].text.en}; {ITEMS['no_child_abused'].text.en}",
        ),
        (
            Reason("threshold", score_display="76.5", threshold=80.0),
            "Điểm 76,5 thấp hơn ngưỡng đạt 80",
            "Score 76.5 is below the pass mark of 80",
        ),
        (
            Reason("min_passed", passed_count=38, min_passed=40),
            "Chỉ 38/40 tiêu chí đạt (cần ít nhất 40)",
            "Only 38/40 criteria met (at least 40 required)",
        ),
    ],
)
def test_reasons_in_words(reason: Reason, vi: str, en: str) -> None:
    assert reason_text(reason, Book(PRESCHOOL, Words("vi"))) == vi
    assert reason_text(reason, Book(PRESCHOOL, Words("en"))) == en


def test_answers_in_words() -> None:
    words = Words("vi")
    assert answer_text(ITEMS["gate_fence_secure"], "fail", words) == "Không đạt"
    assert answer_text(ITEMS["gate_fence_secure"], "pass", words) == "Đạt"
    assert answer_text(ITEMS["no_child_abused"], "pass", words) == "Đạt"  # v1: a check
    number = next(item for item in PRESCHOOL.items() if item.kind == "number" and item.unit)
    assert answer_text(number, 12.5, words) == f"12,5 {number.unit.vi}"  # type: ignore[union-attr]
    assert answer_text(number, 12.0, Words("en")) == f"12 {number.unit.en}"  # type: ignore[union-attr]
    assert answer_text(number, None, words) == "Chưa trả lời"
    date = next(item for item in PRESCHOOL.items() if item.kind == "date")
    assert answer_text(date, "2026-01-09", words) == "09/01/2026"


def test_id_stays_whole_and_escaped() -> None:
    text = Words("vi").kept_whole("superseded", id="<b>x-y</b>")
    assert '<span class="whole">&lt;b&gt;x-y&lt;/b&gt;</span>' in text


def test_the_store_reads_only_hashes(tmp_path: Path) -> None:
    (tmp_path / "secret").write_bytes(b"x")
    assert read(tmp_path, "../secret") is None
    assert read(tmp_path, "a" * 64) is None
