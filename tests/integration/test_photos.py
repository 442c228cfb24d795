from __future__ import annotations

import hashlib
import random
import struct
import zlib

from litestar import Litestar
from litestar.testing import TestClient

from server.db import connect_settings
from server.migrations import migrate
from server.settings import Settings
from tests.conftest import World
from tests.integration.test_sync import make, sync

Client = TestClient[Litestar]


def png(width: int = 4, height: int = 4, seed: int = 0) -> bytes:
    """A real, tiny PNG."""
    rows = b"".join(b"\x00" + bytes([seed % 256, 80, 160]) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def put(client: Client, world: World, who: str, data: bytes, sha: str | None = None,
        media_type: str = "image/png") -> int:  # fmt: skip
    digest = sha or hashlib.sha256(data).hexdigest()
    response = client.put(
        f"/api/photos/{digest}",
        content=data,
        headers={**world.auth(who), "Content-Type": media_type},
    )
    return response.status_code


def test_upload_is_idempotent_and_checked(client: Client, world: World, settings: Settings) -> None:
    data = png()
    digest = hashlib.sha256(data).hexdigest()
    assert client.head(f"/api/photos/{digest}", headers=world.auth("insp_08")).status_code == 404
    assert put(client, world, "insp_08", data) == 201
    assert put(client, world, "insp_08", data) == 200
    assert client.head(f"/api/photos/{digest}", headers=world.auth("insp_08")).status_code == 200
    stored = settings.data_dir / "photos" / digest[:2] / digest
    assert stored.read_bytes() == data
    got = client.get(f"/api/photos/{digest}", headers=world.auth("insp_08"))
    assert got.status_code == 200 and got.content == data
    assert got.headers["content-type"] == "image/png"


def test_damaged_upload_is_refused(client: Client, world: World) -> None:
    data = png()
    wrong = hashlib.sha256(b"something else").hexdigest()
    response = client.put(f"/api/photos/{wrong}", content=data, headers=world.auth("insp_08"))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "photo.hash_mismatch"


def test_type_is_read_from_the_bytes_not_the_name(client: Client, world: World) -> None:
    fake = b"<html>not an image</html>"
    digest = hashlib.sha256(fake).hexdigest()
    response = client.put(
        f"/api/photos/{digest}", content=fake,
        headers={**world.auth("insp_08"), "Content-Type": "image/jpeg"},
    )  # fmt: skip
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "photo.type"


def test_photo_size_limit(client: Client, world: World, settings: Settings) -> None:
    big = png() + b"\x00" * settings.photo_max_bytes
    response = client.put(
        f"/api/photos/{hashlib.sha256(big).hexdigest()}", content=big,
        headers=world.auth("insp_08"),
    )  # fmt: skip
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request.too_large"
    # A photo bigger than other requests may be but within the photo limit is fine.
    medium = png() + b"\x00" * (settings.max_body_bytes + 10)
    assert put(client, world, "insp_08", medium) == 201


def test_departments_do_not_upload(client: Client, world: World) -> None:
    """Inspectors upload evidence and signatures, facilities photos of their fixes."""
    assert put(client, world, "dept_08", png(seed=3)) == 403
    assert put(client, world, "fac_a1", png(seed=3)) == 201


def test_who_may_download(client: Client, world: World) -> None:
    data = png(seed=9)
    digest = hashlib.sha256(data).hexdigest()
    assert put(client, world, "insp_08001", data) == 201
    path = f"/api/photos/{digest}"
    assert client.get(path, headers=world.auth("fac_a1")).status_code == 403
    record = make(random.Random(1), "A1")
    photo_item = next(
        k for k, v in record["answers"].items() if isinstance(v, list) and len(v[0]) == 64
    )
    record["answers"][photo_item] = [digest]
    (result,) = sync(client, world, "insp_08001", [record])
    assert result["outcome"] == "created"
    assert client.get(path, headers=world.auth("fac_a1")).status_code == 200
    assert client.get(path, headers=world.auth("dept_08")).status_code == 200
    assert client.get(path, headers=world.auth("dept_79")).status_code == 403
    assert client.get(path, headers=world.auth("admin")).status_code == 200


def test_evidence_attached_to_a_check_can_be_seen_by_the_facility(
    client: Client, world: World
) -> None:
    data = png(seed=21)
    digest = hashlib.sha256(data).hexdigest()
    assert put(client, world, "insp_08001", data) == 201
    path = f"/api/photos/{digest}"
    assert client.get(path, headers=world.auth("fac_a1")).status_code == 403
    record = make(random.Random(2), "A1", photos={"gate_fence_secure": [digest]})
    (result,) = sync(client, world, "insp_08001", [record])
    assert result["outcome"] == "created"
    assert client.get(path, headers=world.auth("fac_a1")).content == data


def test_a_hash_in_a_note_grants_no_access(client: Client, world: World) -> None:
    data = png(seed=31)
    digest = hashlib.sha256(data).hexdigest()
    assert put(client, world, "insp_08001", data) == 201
    record = make(random.Random(3), "A1", notes={"gate_fence_secure": f"see {digest}"})
    (result,) = sync(client, world, "insp_08", [record])
    assert result["outcome"] == "created"
    for verb in (client.get, client.head):
        assert verb(f"/api/photos/{digest}", headers=world.auth("fac_a1")).status_code == 403


def test_head_is_scoped_like_get(client: Client, world: World) -> None:
    data = png(seed=32)
    digest = hashlib.sha256(data).hexdigest()
    path = f"/api/photos/{digest}"
    assert put(client, world, "insp_08001", data) == 201
    assert client.head(path, headers=world.auth("fac_a1")).status_code == 403
    record = make(random.Random(4), "A1", photos={"gate_fence_secure": [digest]})
    (result,) = sync(client, world, "insp_08001", [record])
    assert result["outcome"] == "created"
    for who, status in [("fac_a1", 200), ("dept_08", 200), ("dept_79", 403), ("admin", 200)]:
        assert client.head(path, headers=world.auth(who)).status_code == status, who
        assert client.get(path, headers=world.auth(who)).status_code == status, who


def test_links_of_existing_inspections_are_backfilled(
    client: Client, world: World, settings: Settings
) -> None:
    answer, evidence = png(seed=33), png(seed=34)
    answer_sha, evidence_sha = (hashlib.sha256(d).hexdigest() for d in (answer, evidence))
    record = make(random.Random(5), "A1", photos={"gate_fence_secure": [evidence_sha]})
    photo_item = next(
        k for k, v in record["answers"].items() if isinstance(v, list) and len(v[0]) == 64
    )
    record["answers"][photo_item] = [answer_sha]
    record["notes"] = {"gate_fence_secure": "a" * 64}
    (result,) = sync(client, world, "insp_08", [record])
    assert result["outcome"] == "created"
    db = connect_settings(settings)
    try:
        links = "SELECT sha256 FROM inspection_photos ORDER BY sha256"
        signatures = [v for v in record["answers"].values() if isinstance(v, str) and len(v) == 64]
        assert signatures  # the minutes are signed; signatures are attached photos too
        expected = sorted([(answer_sha,), (evidence_sha,), *((s,) for s in signatures)])
        assert db.execute(links).fetchall() == expected
        # As a database from before the links table: the migrations rebuild them.
        db.execute("DROP TABLE inspection_photos")
        db.execute("DELETE FROM schema_migrations WHERE version IN (4, 5)")
        db.conn.commit()
        assert migrate(db) == [4, 5]
        assert db.execute(links).fetchall() == expected
    finally:
        db.conn.close()
