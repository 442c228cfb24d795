"""The server's VAPID key pair: made on first start, kept with the server's data (never in
the repository), readable by the server's user only."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid

KEY_FILE = "vapid_private.pem"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def on_curve(point: bytes) -> bool:
    """Whether an uncompressed point is one of P-256 (a device's key the notices are
    encrypted to)."""
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class VapidKeys:
    vapid: Vapid
    public_key: str
    """The uncompressed P-256 point, base64url: the app's ``applicationServerKey``."""


def _create(path: Path) -> None:
    """Write a new private key with mode 0600; a key written meanwhile by another process
    wins (O_EXCL)."""
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
        out.flush()
        os.fsync(out.fileno())


def load_or_create(data_dir: Path) -> VapidKeys:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / KEY_FILE
    if not path.exists():
        _create(path)
    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(private, ec.EllipticCurvePrivateKey):
        raise ValueError(f"{path} does not hold a P-256 key")
    public = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    vapid = Vapid.from_pem(path.read_bytes())
    return VapidKeys(vapid, b64url(public))
