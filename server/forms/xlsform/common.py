"""The vocabulary of the XLSForm subset (sheets, columns, types) and the errors shared by
reading and writing."""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from server.forms.loader import problems_message
from server.forms.schema import Text

SURVEY, CHOICES, SETTINGS = "survey", "choices", "settings"
LANGUAGES: dict[str, str] = {"vi": "Tiếng Việt (vi)", "en": "English (en)"}
"""Language code → the column suffix export writes, e.g. ``label::Tiếng Việt (vi)``."""
LANGUAGE_NAMES = {"vi": "vi", "vietnamese": "vi", "tiếng việt": "vi", "en": "en", "english": "en"}

CHECK_LISTS = {"pass_fail_na": True, "pass_fail": False}
"""Names export gives to the answer lists of checks, with whether they allow N/A."""
CHECK_LABELS = {
    "pass": Text(vi="Đạt", en="Pass"),
    "fail": Text(vi="Không đạt", en="Fail"),
    "na": Text(vi="Không áp dụng", en="Not applicable"),
}
VETO_LIST = "none_occurred"
"""Name export gives to the answer list of vetoes (exactly ``none`` and ``occurred``)."""
VETO_LABELS = {
    "none": Text(vi="Không xảy ra", en="Did not occur"),
    "occurred": Text(vi="Đã xảy ra", en="Occurred"),
}
PHOTO_PARAMETERS = "max-pixels=1600"
"""The one ``parameters`` value of an image question: the app scales every photo to 1600
pixels on its longer side (``pwa/js/photos.js``), which ODK spells ``max-pixels=1600``."""
NO_THRESHOLD = "none"
"""The settings sheet's ``threshold`` for ``threshold: null`` (graded by count alone); an
empty cell means the default, 80."""

SURVEY_COLUMNS = (
    "type",
    "name",
    "label:vi",
    "label:en",
    "hint:vi",
    "hint:en",
    "required",
    "relevant",
    "appearance",
    "parameters",
    "weight",
    "mandatory",
    "advisory",
    "legal_ref",
    "inferred",
    "min",
    "max",
    "unit:vi",
    "unit:en",
)
CHOICES_COLUMNS = ("list_name", "name", "label:vi", "label:en")
SETTINGS_COLUMNS = (
    "form_id",
    "version",
    "form_title",
    "form_title:vi",
    "form_title:en",
    "description:vi",
    "description:en",
    "applies_to",
    "threshold",
    "min_passed",
    "validity_days",
    "legal_basis",
)
COLUMNS = {SURVEY: SURVEY_COLUMNS, CHOICES: CHOICES_COLUMNS, SETTINGS: SETTINGS_COLUMNS}
ALIASES = {
    "list name": "list_name",
    "title_vi": "form_title:vi",
    "title_en": "form_title:en",
    "description_vi": "description:vi",
    "description_en": "description:en",
}
"""Other spellings accepted on import (``list name`` is pyxform's; the others are ours)."""
LANGUAGE_BASES = ("label", "hint", "unit", "form_title", "description")

UNSUPPORTED_COLUMNS = {
    "constraint": "constraints are not supported; use the min and max columns for numbers",
    "constraint_message": "constraints are not supported",
    "choice_filter": "choice filters (cascading selects) are not supported",
    "calculation": "calculations are not supported",
    "default": "default answers are not supported",
    "read_only": "read-only questions are not supported",
    "repeat_count": "repeat groups are not supported",
    "required_message": "required messages are not supported; the app names missing items",
    "guidance_hint": "guidance hints are not supported; use the hint columns",
    "trigger": "triggers are not supported",
    "media": "media columns are not supported",
    "image": "media columns are not supported",
    "audio": "media columns are not supported",
    "video": "media columns are not supported",
    "big-image": "media columns are not supported",
}

SIMPLE_TYPES = {
    "integer": "number",
    "decimal": "number",
    "text": "text",
    "image": "photo",
    "geopoint": "location",
    "date": "date",
}
METADATA_TYPES = (
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "start-geopoint",
)
UNSUPPORTED_TYPES = {
    "calculate": "calculations are not supported",
    "note": "notes are not supported; put guidance in a hint",
    "begin repeat": "repeat groups are not supported",
    "end repeat": "repeat groups are not supported",
    "rank": "rank questions are not supported",
    "range": "range questions are not supported; use integer with min and max",
    "acknowledge": "acknowledge questions are not supported; use a check",
    "time": "time questions are not supported",
    "datetime": "date-time questions are not supported; use date",
    "geotrace": "geotrace is not supported; use geopoint",
    "geoshape": "geoshape is not supported; use geopoint",
    "audio": "audio is not supported",
    "video": "video is not supported",
    "file": "file uploads are not supported",
    "barcode": "barcodes are not supported",
    "hidden": "hidden questions are not supported",
    "xml-external": "external data is not supported",
}

TRUE_WORDS = ("yes", "true", "true()", "1")
FALSE_WORDS = ("no", "false", "false()", "0")


class SheetProblem(msgspec.Struct, frozen=True):
    """One reason a workbook was refused, located for a spreadsheet user."""

    sheet: str
    row: int | None
    message: str

    def __str__(self) -> str:
        where = f"sheet '{self.sheet}'" + (f", row {self.row}" if self.row is not None else "")
        return f"{where}: {self.message}"


class XLSFormRejected(Exception):
    """A workbook outside the supported subset, or whose checklist is invalid; carries every
    problem found, so the author fixes the spreadsheet in one pass."""

    def __init__(self, problems: Iterable[SheetProblem]) -> None:
        self.problems = list(problems)
        super().__init__(problems_message("XLSForm", self.problems))


class ImportConflict(Exception):
    """The target file exists with other content: a published version never changes."""


class _Bad(Exception):
    """A cell value that cannot be read; the message is shown with the sheet and row."""
