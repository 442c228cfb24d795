"""The shipped checklists: valid, sourced, bilingual, graded as their regulation says, and
scored as expected on worked examples (docs/scoring.md, server.inspections.scoring)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from server.forms.conditions import visible_items
from server.forms.loader import load_dir_with_files
from server.forms.schema import FACILITY_KINDS, Checklist, Text
from server.forms.validate import validate
from server.inspections.scoring import ScoreResult, score

FORMS_DIR = Path(__file__).resolve().parents[2] / "forms"
LOADED = load_dir_with_files(FORMS_DIR)
CHECKLISTS = {checklist.id: checklist for checklist, _ in LOADED}
ALL = pytest.mark.parametrize("checklist", [c for c, _ in LOADED], ids=[c.id for c, _ in LOADED])

# The child-protection core every checklist holds under these ids (forms/README.md).
CORE = (
    "code_of_conduct",
    "reporting_channels",
    "positive_discipline",
    "protection_levels_referral",
    "reporting_duty_known",
    "hotline_111_poster",
    "staff_trained_prevention",
    "self_protection_integrated",
    "children_data_privacy",
    "online_safety_staff_families",
)
# Mandatory in every checklist: the floor of the core.
CORE_MANDATORY = ("positive_discipline", "reporting_duty_known", "children_data_privacy")

VIETNAMESE_MARKS = re.compile(
    r"[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.I
)
DOCUMENT = re.compile(r"(Luật|NĐ|TT|QĐ|Kế hoạch|Công văn) ")
ARTICLE = re.compile(r"(Điều \d|Chương [IVX]|mục \d|Phụ lục)")


def texts(checklist: Checklist) -> Iterator[tuple[str, Text]]:
    """Every bilingual text of a checklist, named for the failure message."""
    yield "title", checklist.title
    if checklist.description is not None:
        yield "description", checklist.description
    for section in checklist.sections:
        yield f"section {section.id} title", section.title
        if section.help is not None:
            yield f"section {section.id} help", section.help
        for item in section.items:
            yield f"{item.id} text", item.text
            if item.help is not None:
                yield f"{item.id} help", item.help
            if item.unit is not None:
                yield f"{item.id} unit", item.unit
            for choice in item.choices or []:
                yield f"{item.id} choice {choice.value}", choice.label


# --- every shipped checklist ------------------------------------------------------------


@ALL
def test_validates(checklist: Checklist) -> None:
    assert validate(checklist, f"{checklist.id}.v{checklist.version}.yaml") == []


def test_files_start_with_the_schema_line() -> None:
    for _, file in LOADED:
        first = Path(file).read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=checklist.schema.json", file


@ALL
def test_every_check_cites_document_and_article(checklist: Checklist) -> None:
    for check in checklist.checks():
        ref = check.legal_ref or ""
        assert DOCUMENT.search(ref) and ARTICLE.search(ref), (check.id, ref)
    assert checklist.legal_basis


@ALL
def test_vietnamese_and_english_everywhere(checklist: Checklist) -> None:
    for where, text in texts(checklist):
        assert text.vi.strip() and text.en.strip(), where
        assert text.vi != text.en, f"{where}: the same text in both languages"
        if len(text.vi.split()) >= 3:
            assert VIETNAMESE_MARKS.search(text.vi), f"{where}: Vietnamese without diacritics"
    for check in checklist.checks():
        assert check.help is not None, f"{check.id}: a check says what evidence to look for"


@ALL
def test_inferred_items_are_never_mandatory(checklist: Checklist) -> None:
    assert not [c.id for c in checklist.checks() if c.inferred and c.mandatory]


@ALL
def test_child_protection_core_is_in_every_checklist(checklist: Checklist) -> None:
    checks = {item.id: item for item in checklist.checks()}
    assert [item_id for item_id in CORE if item_id not in checks] == []
    assert all(checks[item_id].mandatory for item_id in CORE_MANDATORY)


def test_every_facility_kind_has_exactly_one_checklist() -> None:
    for kind in FACILITY_KINDS:
        applying = [c.id for c in CHECKLISTS.values() if kind in c.applies_to]
        assert len(applying) == 1, (kind, applying)


@pytest.mark.parametrize(
    ("form_id", "threshold", "min_passed", "mandatory"),
    [
        ("preschool-safety", 80, 40, 20),  # TT 45/2021: ≥ 40 criteria incl. 20 mandatory
        ("independent-childcare-safety", 80, 30, 15),  # TT 45/2021 for groups: 30 incl. 15
        ("general-school-safety", 80, None, 14),  # TT 18/2023: 80 % and every mandatory one
        ("after-hours-care-safety", 80, None, 6),  # no grading rule: TT 18 by analogy
    ],
)
def test_grading_follows_the_regulation(
    form_id: str, threshold: float, min_passed: int | None, mandatory: int
) -> None:
    checklist = CHECKLISTS[form_id]
    assert (checklist.threshold, checklist.min_passed) == (threshold, min_passed)
    assert sum(bool(check.mandatory) for check in checklist.checks()) == mandatory
    assert all(check.weight == 1 for check in checklist.checks())


def test_veto_events_are_mandatory_checks() -> None:
    for form_id in ("preschool-safety", "independent-childcare-safety"):
        veto = next(s for s in CHECKLISTS[form_id].sections if s.id == "veto_events")
        checks = [item for item in veto.items if item.kind == "check"]
        assert len(checks) == 6 and all(check.mandatory for check in checks)


# --- worked examples --------------------------------------------------------------------

SIGN = {
    "inspection_date": "2025-10-01",
    "representative_name": "Nguyễn Thị An",
    "inspector_signature": "9" * 64,
}


def answer(
    form_id: str,
    info: dict[str, Any],
    fail: tuple[str, ...] = (),
    na: tuple[str, ...] = (),
    skip: tuple[str, ...] = (),
) -> ScoreResult:
    """Every check answered pass unless listed; ``skip`` leaves checks unanswered (a draft)."""
    checklist = CHECKLISTS[form_id]
    answers: dict[str, Any] = {**SIGN, **info}
    ids = {item.id for item in checklist.checks()}
    assert set(fail) | set(na) | set(skip) <= ids
    for check in checklist.checks():
        if check.id in skip:
            continue
        answers[check.id] = "fail" if check.id in fail else "na" if check.id in na else "pass"
    visible = visible_items(checklist, answers)
    # Every listed check must be visible, or the example would not test what it says.
    assert set(fail) | set(na) <= visible, set(fail) | set(na) - visible
    return score(checklist, answers)


def visible_checks(form_id: str, info: dict[str, Any]) -> int:
    checklist = CHECKLISTS[form_id]
    answers = {**info, **{check.id: "pass" for check in checklist.checks()}}
    shown = visible_items(checklist, answers)
    return sum(check.id in shown for check in checklist.checks())


def outcome(result: ScoreResult) -> tuple[str, int, str | None]:
    return result.result, result.passed_count, result.score_display


# preschool-safety (TT 45/2021) ----------------------------------------------------------

PRESCHOOL = {"meal_service": "cooks_on_site", "enrolled_children": 120}
PRESCHOOL_MINOR = (
    "guard_room_at_gate",
    "play_equipment_sound",
    "classrooms_light_air",
    "furniture_age_suited",
    "railings_stairs_windows",
    "electrical_safety",
    "hazardous_items_locked",
    "fire_disaster_plan",
    "children_toilets",
    "handwashing_hygiene",
    "kitchen_conditions",
    "food_checks_samples",
)


def test_preschool_examples() -> None:
    form = "preschool-safety"
    assert visible_checks(form, PRESCHOOL) == 55
    result = answer(form, PRESCHOOL)
    assert outcome(result) == ("passed", 55, "100.0") and result.missing_required == []

    # One veto event fails the school whatever else it meets.
    result = answer(form, PRESCHOOL, fail=("no_serious_injury_or_death",))
    assert outcome(result) == ("failed", 54, "98.2")
    assert result.failed_checks[0].item_id == "no_serious_injury_or_death"

    # 44 of 55 is exactly 80 %: passed; one more minor failure is just under.
    assert outcome(answer(form, PRESCHOOL, fail=PRESCHOOL_MINOR[:11])) == ("passed", 44, "80.0")
    assert outcome(answer(form, PRESCHOOL, fail=PRESCHOOL_MINOR)) == ("failed", 43, "78.2")

    # A draft with 45 checks answered: 39 passes reach 86.7 % but not TT 45's 40 criteria.
    # Only a draft can assess fewer than 50 checks here (see the file's header).
    unanswered = PRESCHOOL_MINOR[6:] + ("at_risk_children", "injury_log", "risks_remedied")
    draft = answer(
        form, PRESCHOOL, fail=PRESCHOOL_MINOR[:6], skip=unanswered + ("family_coordination",)
    )
    assert outcome(draft) == ("failed", 39, "86.7")
    assert len(draft.missing_required) == 10


# independent-childcare-safety (TT 45/2021, groups) -------------------------------------

LARGE_GROUP = {
    "group_scale": "over_7",
    "enrolled_children": 40,
    "children_with_disabilities": 1,
    "meal_service": "cooks_on_site",
}
HOME_GROUP = {
    "group_scale": "up_to_7",
    "enrolled_children": 6,
    "children_with_disabilities": 0,
    "meal_service": "none",
}
GROUP_NA = (
    "water_hazards_secured",
    "railings_stairs_windows",
    "self_protection_integrated",
    "screen_use_supervised",
)
GROUP_MINOR = (
    "play_space_safe",
    "children_equipment",
    "children_toilets",
    "child_handover",
    "no_tobacco_alcohol",
    "injury_log",
    "family_coordination",
    "hotline_111_poster",
    "hotline_111_materials",
    "at_risk_children",
)


def test_independent_childcare_examples() -> None:
    form = "independent-childcare-safety"
    assert visible_checks(form, LARGE_GROUP) == 45  # carers_qualified is for small groups
    assert visible_checks(form, HOME_GROUP) == 40
    result = answer(form, LARGE_GROUP)
    assert outcome(result) == ("passed", 45, "100.0") and result.missing_required == []
    assert outcome(answer(form, HOME_GROUP)) == ("passed", 40, "100.0")

    # Too many children per carer fails the group at once.
    result = answer(form, HOME_GROUP, fail=("group_size_ratio",))
    assert outcome(result) == ("failed", 39, "97.5")
    assert result.failed_checks[0].mandatory

    # 36 of 45 is 80 %: passed; 35 of 45 is just under.
    assert outcome(answer(form, LARGE_GROUP, fail=GROUP_MINOR[:9])) == ("passed", 36, "80.0")
    assert outcome(answer(form, LARGE_GROUP, fail=GROUP_MINOR)) == ("failed", 35, "77.8")

    # A home group with the four N/A answers assesses 36 checks: 30 passes meet both rules,
    # 29 passes reach 80.6 % but not TT 45's count of 30 criteria.
    assert outcome(answer(form, HOME_GROUP, na=GROUP_NA, fail=GROUP_MINOR[:6])) == (
        "passed",
        30,
        "83.3",
    )
    assert outcome(answer(form, HOME_GROUP, na=GROUP_NA, fail=GROUP_MINOR[:7])) == (
        "failed",
        29,
        "80.6",
    )


# general-school-safety (TT 18/2023) ----------------------------------------------------

BOARDING_SCHOOL = {
    "school_levels": ["lower_secondary", "upper_secondary"],
    "enrolled_pupils": 900,
    "boarding": "boarding",
    "food_service": "kitchen",
    "violence_cases_count": 2,
}
DAY_SCHOOL = {
    "school_levels": ["primary"],
    "enrolled_pupils": 400,
    "boarding": "none",
    "food_service": "none",
    "violence_cases_count": 0,
}
SCHOOL_MINOR = (
    "guard_and_visitors",
    "furniture_equipment_safe",
    "electrical_safety",
    "trees_grounds",
    "fire_disaster_plan",
    "drowning_prevention_taught",
    "substance_education",
    "counselling_social_work",
    "hotline_111_materials",
)


def test_general_school_examples() -> None:
    form = "general-school-safety"
    assert visible_checks(form, BOARDING_SCHOOL) == 46
    assert visible_checks(form, DAY_SCHOOL) == 41
    result = answer(form, BOARDING_SCHOOL)
    assert outcome(result) == ("passed", 46, "100.0") and result.missing_required == []

    result = answer(form, BOARDING_SCHOOL, fail=("reporting_channels",))
    assert outcome(result) == ("failed", 45, "97.8")

    # TT 18: 33 of 41 (80.5 %) passes; 32 of 41 (78.0 %) is just under.
    assert outcome(answer(form, DAY_SCHOOL, fail=SCHOOL_MINOR[:8])) == ("passed", 33, "80.5")
    assert outcome(answer(form, DAY_SCHOOL, fail=SCHOOL_MINOR)) == ("failed", 32, "78.0")


# after-hours-care-safety (no grading rule; TT 18 by analogy) ---------------------------

TUTORING_AND_CARE = {
    "operator_name": "Hộ kinh doanh Lớp học Ánh Dương",
    "site_type": "both",
    "children_present": 25,
    "primary_pupils": "yes",
    "meals_served": "yes",
}
CARE_ONLY = {
    "operator_name": "Bà Trần Thị Bình",
    "site_type": "childcare",
    "children_present": 8,
    "primary_pupils": "no",
    "meals_served": "no",
}
CARE_MINOR = (
    "room_light_space",
    "toilets_water",
    "attendance_register",
    "camera_monitoring",
    "incident_log",
)


def test_after_hours_examples() -> None:
    form = "after-hours-care-safety"
    assert visible_checks(form, TUTORING_AND_CARE) == 31
    assert visible_checks(form, CARE_ONLY) == 24
    result = answer(form, TUTORING_AND_CARE)
    assert outcome(result) == ("passed", 31, "100.0") and result.missing_required == []

    # Paid extra classes without business registration fail the site…
    assert outcome(answer(form, TUTORING_AND_CARE, fail=("business_registered",)))[0] == "failed"
    # …while a care-only site is not asked about it at all.
    assert "business_registered" not in visible_items(CHECKLISTS[form], CARE_ONLY)

    # 20 of 24 (83.3 %) passes; 19 of 24 (79.2 %) is just under.
    assert outcome(answer(form, CARE_ONLY, fail=CARE_MINOR[:4])) == ("passed", 20, "83.3")
    assert outcome(answer(form, CARE_ONLY, fail=CARE_MINOR)) == ("failed", 19, "79.2")
