"""Sign-in throttling: failed sign-ins counted in a short sliding window, per account and
address (strictest), per account and per address. Past a limit the server answers 429 with
Retry-After without checking the password, so guessing is slow while the real user, at
worst, waits out the window (a minute), never a lockout."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

WINDOW_SECONDS = 60.0
# (key kind, failures allowed in the window)
LIMITS: dict[str, int] = {"account_address": 5, "account": 20, "address": 100}
_SWEEP_ABOVE = 10_000


class LoginThrottle:
    """In-process counters, so a restart forgets them: fine for a one-process server."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._reported: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _keys(username: str, address: str) -> list[tuple[str, str]]:
        account = username.strip().lower()
        return [
            ("account_address", f"{account}@{address}"),
            ("account", account),
            ("address", address),
        ]

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        times = self._failures.get(key, deque())
        while times and times[0] <= now - WINDOW_SECONDS:
            times.popleft()
        if not times:
            self._failures.pop(key, None)
        return times

    def check(self, username: str, address: str) -> tuple[int, list[str]] | None:
        """None when a sign-in may be tried; else the seconds to wait and the limits hit
        that were not reported yet in this window (to audit once, not per guess)."""
        now = self.clock()
        wait = 0.0
        new: list[str] = []
        with self._lock:
            for key in self._keys(username, address):
                times = self._recent(key, now)
                if len(times) >= LIMITS[key[0]]:
                    wait = max(wait, times[-LIMITS[key[0]]] + WINDOW_SECONDS - now)
                    if self._reported.get(key, -math.inf) <= now - WINDOW_SECONDS:
                        self._reported[key] = now
                        new.append(key[0])
        return None if wait <= 0 else (max(1, math.ceil(wait)), new)

    def failed(self, username: str, address: str) -> None:
        now = self.clock()
        with self._lock:
            if len(self._failures) + len(self._reported) > _SWEEP_ABOVE:  # many accounts tried
                for key in list(self._failures):
                    self._recent(key, now)
                for key, at in list(self._reported.items()):
                    if at <= now - WINDOW_SECONDS:
                        del self._reported[key]
            for key in self._keys(username, address):
                self._recent(key, now)
                self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, username: str, address: str) -> None:
        """The right password from this address clears that address's failures for it."""
        with self._lock:
            self._failures.pop(self._keys(username, address)[0], None)
