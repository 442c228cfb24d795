"""The minutes (biên bản kiểm tra) as a PDF: who may download them, and what they say."""

from __future__ import annotations

import hashlib
import io
import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from PIL import Image, ImageDraw
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

from server.app import create_app
from server.db import connect_settings
from server.forms.loader import load_file
from server.inspections import synthetic
from server.settings import REPO_ROOT, Settings
from tests.conftest import World, build_world, make_settings

Client = TestClient[Litestar]
PRESCHOOL = load_file(REPO_ROOT / "forms" / "preschool-safety.v2.yaml")
ITEMS = {item.id: item for item in PRESCHOOL.items()}
FAILED = ["gate_fence_secure", "fire_disaster_plan", "hotline_111_poster"]
SIGNATURE_SIZE = (300, 120)
ACTIONS = [
    {"item": "gate_fence_secure", "requirement": "Sửa khóa cổng và rào chắn", "due": "2026-03-15"},
    {"item": "fire_disaster_plan", "requirement": "Lập phương án PCCC", "due": "2026-04-01"},
]


def signature_png(seed: int) -> bytes:
    """A drawn signature: dark strokes on a transparent background, different per seed."""
    rng = random.Random(seed)
    image = Image.new("RGBA", SIGNATURE_SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [(x, rng.randint(20, 100)) for x in range(10, 290, 20)]
    draw.line(points, fill=(10, 20, 90, 255), width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def photo_jpeg() -> bytes:
    image = Image.new("RGB", (800, 600), (120, 160, 90))
    ImageDraw.Draw(image).rectangle((200, 150, 600, 450), fill=(200, 40, 40))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def upload(client: Client, world: World, data: bytes) -> str:
    sha256 = hashlib.sha256(data).hexdigest()
    response = client.put(f"/api/photos/{sha256}", content=data, headers=world.auth("insp_08"))
    assert response.status_code in (200, 201), response.text
    return sha256


def sync(client: Client, world: World, record: dict[str, Any]) -> dict[str, Any]:
    response = client.post(
        "/api/sync/inspections", json={"records": [record]}, headers=world.auth("insp_08")
    )
    (result,) = response.json()["results"]
    assert result["outcome"] == "created", result
    return dict(result["receipt"])


def inspection(
    client: Client, world: World, settings: Settings, seed: int = 1, **changes: Any
) -> dict[str, Any]:
    """A demo-like inspection of A1, synced: three failed checks (one mandatory), notes,
    photo evidence, a signing team of two, the representative's and inspector's
    signatures and corrective actions."""
    rng = random.Random(seed)
    completed = datetime(2026, 1, 12, 3, 30, tzinfo=UTC)  # 10:30 in Viet Nam
    record = synthetic.record(PRESCHOOL, "A1", rng, completed_at=completed, fail_rate=0)
    answers = record["answers"]
    answers.update({item_id: "fail" for item_id in FAILED})
    answers["hotline_111_poster_photo"] = []
    answers["representative_name"] = "Lê Thị Hoa"
    answers["representative_signature"] = upload(client, world, signature_png(seed * 10 + 1))
    answers["inspector_signature"] = upload(client, world, signature_png(seed * 10 + 2))
    record["team"] = [
        {
            "name": "Nguyễn Văn Thanh",
            "agency": "Sở Giáo dục và Đào tạo",
            "role": "lead",
            "signature": upload(client, world, signature_png(seed * 10 + 3)),
        },
        {
            "name": "Trần Thị Bích",
            "agency": "Sở Y tế",
            "role": "member",
            "signature": upload(client, world, signature_png(seed * 10 + 4)),
        },
    ]
    record["notes"] = {"gate_fence_secure": "Khóa cổng phụ bị hỏng, cổng mở suốt buổi sáng."}
    record["photos"] = {"gate_fence_secure": [upload(client, world, photo_jpeg())]}
    record["started_at"] = (completed - timedelta(minutes=95)).isoformat()
    actions = changes.pop("actions", ACTIONS)
    record.update(changes)
    if actions:
        record["actions"] = actions
    record["receipt"] = sync(client, world, record)
    return record


def minutes(client: Client, world: World, who: str, inspection_id: str, query: str = "") -> bytes:
    response = client.get(
        f"/api/inspections/{inspection_id}/minutes.pdf{query}", headers=world.auth(who)
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    return response.content


def pages(pdf: bytes) -> list[str]:
    """Each page's text, NFC, whitespace runs made one space (lines wrap anywhere)."""
    reader = PdfReader(io.BytesIO(pdf))
    texts = [unicodedata.normalize("NFC", page.extract_text() or "") for page in reader.pages]
    return [" ".join(text.split()) for text in texts]


def images(pdf: bytes) -> list[tuple[int, int]]:
    """(width, height) of every image drawn on the pages, each image object once."""
    seen: dict[int, tuple[int, int]] = {}

    def walk(resources: Any) -> None:
        xobjects = resources.get("/XObject") if resources else None
        for ref in (xobjects or {}).values():
            xobject = ref.get_object()
            key = ref.idnum if isinstance(ref, IndirectObject) else id(xobject)
            if xobject.get("/Subtype") == "/Image":
                seen[key] = (int(xobject["/Width"]), int(xobject["/Height"]))
            elif isinstance(xobject, DictionaryObject) and key not in seen:
                walk(xobject.get("/Resources"))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        walk(page.get("/Resources"))
    return list(seen.values())


@dataclass
class Office:
    """One app for the whole module (rendering is slow): its client, world and settings,
    and the demo-like inspection of A1 with its minutes in Vietnamese."""

    client: Client
    world: World
    settings: Settings
    record: dict[str, Any]
    pdf: bytes


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    settings = make_settings(tmp_path_factory.mktemp("minutes"))
    app = create_app(settings)
    db = connect_settings(settings)
    world = build_world(db, settings)
    db.conn.close()
    with TestClient(app) as client:
        record = inspection(client, world, settings)
        pdf = minutes(client, world, "insp_08", record["id"])
        yield Office(client, world, settings, record, pdf)


def vi(item_id: str) -> str:
    return ITEMS[item_id].text.vi


def test_the_minutes_say_everything_in_vietnamese(office: Office) -> None:
    record, texts = office.record, pages(office.pdf)
    text = " ".join(texts)
    assert "BIÊN BẢN KIỂM TRA" in text
    assert "Trường Mầm non A1" in text
    assert "Mầm non" in text and "Xã Một" in text
    assert "Ngày kiểm tra 12/01/2026" in text
    assert "Từ 08:55 12/01/2026 đến 10:30 12/01/2026" in text
    assert "Nguyễn Văn Thanh" in text and "Trưởng đoàn" in text and "Sở Y tế" in text
    assert "Tiêu chí bắt buộc không đạt: " + vi("gate_fence_secure") in text
    for item_id in FAILED:
        assert vi(item_id) in text
        assert f"Căn cứ: {ITEMS[item_id].legal_ref}" in text
    assert "Không đạt" in text and "Không xảy ra" in text
    assert "Khóa cổng phụ bị hỏng, cổng mở suốt buổi sáng." in text
    for action in ACTIONS:
        due = datetime.strptime(action["due"], "%Y-%m-%d").strftime("%d/%m/%Y")
        assert f"{action['requirement']} {due}" in text
    enrolled = record["answers"]["enrolled_children"]
    assert f"{enrolled} trẻ" in text
    for number, page in enumerate(texts, start=1):
        assert f"Mã biên bản: {record['id']}" in page
        assert f"Mã nội dung (SHA-256): {record['receipt']['content_hash']}" in page
        assert f"Trang {number}/{len(texts)}" in page
    assert len(texts) >= 2


def test_signatures_and_photos_are_embedded_as_images(office: Office) -> None:
    drawn = images(office.pdf)
    # Two team members, the representative and the inspector sign; one photo of evidence
    # (800 × 600, printed as a thumbnail of at most 480 pixels).
    assert drawn.count(SIGNATURE_SIZE) == 4
    assert (480, 360) in drawn


def test_a_missing_photo_is_named_not_fetched(office: Office) -> None:
    record = inspection(office.client, office.world, office.settings, seed=3)
    record["id"] = "00000000-0000-4000-8000-000000000001"
    record["photos"] = {"gate_fence_secure": ["f" * 64]}
    record["answers"]["representative_signature"] = "../../etc/passwd"
    del record["receipt"]
    sync(office.client, office.world, record)
    pdf = minutes(office.client, office.world, "insp_08", record["id"])
    assert " ".join(pages(pdf)).count("Chưa có ảnh trên máy chủ") == 2


@pytest.mark.parametrize("who", ["insp_08001", "fac_a1", "dept_08", "admin"])
def test_everyone_in_scope_may_download(office: Office, who: str) -> None:
    pdf = minutes(office.client, office.world, who, office.record["id"])
    assert "BIÊN BẢN KIỂM TRA" in pages(pdf)[0]


def test_out_of_scope_is_refused_as_the_inspection_is(office: Office) -> None:
    client, path = office.client, f"/api/inspections/{office.record['id']}"
    headers = office.world.auth("dept_79")
    pdf = client.get(f"{path}/minutes.pdf", headers=headers)
    json = client.get(path, headers=headers)
    assert pdf.status_code == json.status_code == 403
    assert pdf.json() == json.json()
    assert pdf.json()["error"]["code"] == "access.scope"


def test_unknown_inspection_is_not_found(office: Office) -> None:
    response = office.client.get(
        "/api/inspections/00000000-0000-4000-8000-00000000dead/minutes.pdf",
        headers=office.world.auth("admin"),
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "inspection.not_found"


def test_unknown_language_is_refused(office: Office) -> None:
    response = office.client.get(
        f"/api/inspections/{office.record['id']}/minutes.pdf?lang=fr",
        headers=office.world.auth("admin"),
    )
    assert response.status_code == 400


def test_no_actions_print_none(office: Office) -> None:
    record = inspection(office.client, office.world, office.settings, seed=4, actions=[])
    text = " ".join(pages(minutes(office.client, office.world, "insp_08", record["id"])))
    assert "Yêu cầu khắc phục Không có" in text
    assert "Yêu cầu khắc phục Không có" not in " ".join(pages(office.pdf))


def test_an_amendment_names_the_inspection_it_replaces(office: Office) -> None:
    client, world, settings = office.client, office.world, office.settings
    first = inspection(client, world, settings, seed=5)
    amended = inspection(client, world, settings, seed=6, supersedes=first["id"])
    text = " ".join(pages(minutes(client, world, "fac_a1", amended["id"])))
    assert "Bản sửa đổi." in text
    assert f"thay thế biên bản {first['id']} ngày 12/01/2026" in text
    old = " ".join(pages(minutes(client, world, "fac_a1", first["id"])))
    assert f"thay thế bởi biên bản {amended['id']}" in old
    assert "Bản sửa đổi." not in old


def test_the_minutes_in_english(office: Office) -> None:
    pdf = minutes(office.client, office.world, "dept_08", office.record["id"], "?lang=en")
    texts = pages(pdf)
    text = unicodedata.normalize("NFKC", " ".join(texts))
    assert "INSPECTION MINUTES" in text and "BIÊN BẢN" not in text
    assert "Mandatory criteria not met: " + ITEMS["gate_fence_secure"].text.en in text
    for item_id in FAILED:
        assert ITEMS[item_id].text.en in text
    assert "Sửa khóa cổng và rào chắn 15/03/2026" in text
    content_hash = office.record["receipt"]["content_hash"]
    for number, page in enumerate(texts, start=1):
        assert f"Inspection: {office.record['id']}" in page
        assert f"Content hash (SHA-256): {content_hash}" in page
        assert f"Page {number}/{len(texts)}" in page
