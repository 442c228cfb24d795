"""One source for the limits the app respects: the server's (``server/limits.py``, served at
``GET /api/limits``). The app's built-in defaults (``pwa/js/limits.js``, used before its
first answer) agree with the server under default settings, and the app keeps no copies."""

from __future__ import annotations

import re

import msgspec

from server.forms.xlsform.common import PHOTO_PARAMETERS
from server.inspections.schemas import InspectionRecord
from server.limits import EVIDENCE_MAX_PHOTOS, PHOTO_MAX_SIDE, Limits
from server.settings import REPO_ROOT, Settings

PWA_JS = REPO_ROOT / "pwa" / "js"


def app_defaults() -> dict[str, int]:
    source = (PWA_JS / "limits.js").read_text(encoding="utf-8")
    block = re.search(r"DEFAULT_LIMITS = Object\.freeze\(\{(.*?)\}\)", source, re.S)
    assert block, "pwa/js/limits.js must define DEFAULT_LIMITS = Object.freeze({...})"
    pairs = re.findall(r"(\w+):\s*([\d_]+)", block.group(1))
    return {key: int(value.replace("_", "")) for key, value in pairs}


def test_the_apps_defaults_are_the_servers_limits_under_default_settings() -> None:
    served = msgspec.to_builtins(Limits.of(Settings.model_validate({})))
    assert app_defaults() == served


def test_the_served_limits_are_the_ones_the_server_checks() -> None:
    record = msgspec.inspect.type_info(InspectionRecord)
    assert isinstance(record, msgspec.inspect.StructType)
    photos = next(f.type for f in record.fields if f.name == "photos")
    assert isinstance(photos, msgspec.inspect.DictType)
    assert isinstance(photos.value_type, msgspec.inspect.ListType)
    assert photos.value_type.max_length == EVIDENCE_MAX_PHOTOS
    assert f"max-pixels={PHOTO_MAX_SIDE}" == PHOTO_PARAMETERS
    settings = Settings.model_validate(
        {"sync_max_records": 7, "max_body_bytes": 5000, "photo_max_bytes": 4000}
    )
    limits = Limits.of(settings)
    assert (limits.sync_max_records, limits.sync_max_bytes, limits.photo_max_bytes) == (
        7,
        5000,
        4000,
    )


def test_the_app_keeps_no_copies_of_the_limits() -> None:
    copies = []
    for path in PWA_JS.rglob("*.js"):
        if path.name == "limits.js":
            continue
        source = path.read_text(encoding="utf-8")
        for value in (2_000_000, 1_500_000, 3_000_000, 1600):
            if re.search(rf"\b{value:_}\b|\b{value}\b", source):
                copies.append(f"{path.relative_to(PWA_JS)}: {value}")
        if re.search(r"\bMAX_(EVIDENCE|SIDE|BYTES|RECORDS|BATCH_BYTES)\b", source):
            copies.append(f"{path.relative_to(PWA_JS)}: a MAX_ constant")
    assert copies == []
    for user in ("outbox.js", "photos.js", "views/items/photo.js"):
        assert "limits.js" in (PWA_JS / user).read_text(encoding="utf-8"), user
