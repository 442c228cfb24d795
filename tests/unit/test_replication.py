"""Litestream's generated configuration and the files replica (photos and the push key)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

from server.auth.store import NewUser, create_user
from server.db import connect_settings
from server.photos.replica import copy_photo, restore_files, sweep
from server.photos.store import photo_path, write_durably
from server.push.keys import KEY_FILE
from server.replication import config_text
from tests.conftest import make_settings


def test_config_names_the_database_and_its_replica(tmp_path: Path) -> None:
    config = yaml.safe_load(config_text(tmp_path / "db.sqlite3", "s3://bucket/province"))
    assert config["dbs"] == [
        {
            "path": str((tmp_path / "db.sqlite3").resolve()),
            "replica": {"url": "s3://bucket/province"},
        }
    ]


def _store(photos_dir: Path, data: bytes) -> str:
    sha256 = hashlib.sha256(data).hexdigest()
    write_durably(photo_path(photos_dir, sha256), data)
    return sha256


def test_sweep_copies_each_stored_photo_and_the_key_once(tmp_path: Path) -> None:
    from server.app import prepare_database

    settings = make_settings(tmp_path / "data", files_replica_dir=tmp_path / "replica")
    prepare_database(settings)
    (settings.data_dir / KEY_FILE).write_text("key")
    hashes = [_store(settings.photos_dir, bytes([n]) * 100) for n in range(3)]
    db = connect_settings(settings)
    uploader = NewUser(username="uploader", password="long enough pw", role="admin")
    user = create_user(db, uploader, min_password_length=10)
    with db.conn:
        for sha256 in hashes[:2]:  # the third has no row: an upload that never committed
            db.execute("INSERT INTO photos VALUES (?, 'image/png', 100, ?, 'now')", [sha256, user])
    db.conn.close()
    assert sweep(settings) == 3  # two photos and the key
    assert sweep(settings) == 0
    replica = tmp_path / "replica"
    assert sorted(p.name for p in (replica / "photos").rglob("*") if p.is_file()) == sorted(
        hashes[:2]
    )
    (replica / "lost+found").mkdir()
    (replica / "lost+found" / "stray").write_text("not ours")
    restored = tmp_path / "restored"
    assert restore_files(replica, restored) == 3
    assert not (restored / "lost+found").exists()
    assert photo_path(restored / "photos", hashes[0]).read_bytes() == bytes([0]) * 100
    assert (restored / KEY_FILE).read_text() == "key"


def test_a_damaged_photo_is_not_copied(tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    sha256 = _store(photos, b"original bytes")
    photo_path(photos, sha256).write_bytes(b"bit rot")
    assert copy_photo(photos, tmp_path / "replica", sha256) is False
    assert not photo_path(tmp_path / "replica" / "photos", sha256).exists()
