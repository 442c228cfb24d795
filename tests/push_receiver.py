"""A push service on 127.0.0.1 for tests and the benchmark: devices with their own
subscription keys; what the server posts is decrypted (aes128gcm, RFC 8291) with the
device's private key and auth secret, as a phone would. Each device can be told to answer
some posts with an error status (and Retry-After) before accepting."""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from server.push.keys import b64url


@dataclass
class Device:
    name: str
    base_url: str
    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def endpoint(self) -> str:
        return f"{self.base_url}/push/{self.name}"

    def subscription(self) -> dict[str, Any]:
        """What a browser's ``PushSubscription.toJSON()`` gives."""
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "keys": {"p256dh": b64url(public), "auth": b64url(self.auth)},
        }


@dataclass(frozen=True)
class Post:
    device: str
    status: int
    headers: dict[str, str]
    payload: dict[str, Any] | None
    at: float


class Receiver:
    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.devices: dict[str, Device] = {}
        self.posts: list[Post] = []
        self._answers: dict[str, list[tuple[int, str | None]]] = {}
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the standard library's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, wait = receiver._receive(self.path, headers, body)
                self.send_response(status)
                if wait is not None:
                    self.send_header("Retry-After", wait)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def device(self, name: str) -> Device:
        if name not in self.devices:
            self.devices[name] = Device(name, self.url)
        return self.devices[name]

    def answer(self, name: str, *statuses: int, retry_after: str | None = None) -> None:
        """Answer the next posts to this device with these statuses, then accept."""
        with self._lock:
            self._answers.setdefault(name, []).extend((s, retry_after) for s in statuses)

    def _receive(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, str | None]:
        name = path.rsplit("/", 1)[-1]
        if self.delay:
            time.sleep(self.delay)
        with self._lock:
            queued = self._answers.get(name)
            status, wait = queued.pop(0) if queued else (201, None)
            device = self.devices.get(name)
            if device is None:
                status = 410
        payload = None
        if status == 201 and device is not None:
            clear = http_ece.decrypt(
                body, private_key=device.private_key, auth_secret=device.auth, version="aes128gcm"
            )
            payload = json.loads(clear)
        with self._lock:
            self.posts.append(Post(name, status, headers, payload, time.monotonic()))
        return status, wait

    def delivered(self, name: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [
                p.payload
                for p in self.posts
                if p.payload is not None and (name is None or p.device == name)
            ]
