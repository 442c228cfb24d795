"""Sign-in throttling: limits per account and address, per account, per address."""

from __future__ import annotations

from server.auth.throttle import LIMITS, WINDOW_SECONDS, LoginThrottle


def test_account_and_address_is_stricter_than_account_alone() -> None:
    now = [0.0]
    throttle = LoginThrottle(clock=lambda: now[0])
    for _ in range(LIMITS["account_address"]):
        assert throttle.check("Ana", "10.0.0.1") is None
        throttle.failed("Ana", "10.0.0.1")
    wait, limits = throttle.check("ana", "10.0.0.1") or (0, [])
    assert wait == WINDOW_SECONDS and limits == ["account_address"]
    assert throttle.check("ana", "10.0.0.1") == (WINDOW_SECONDS, [])  # reported once
    assert throttle.check("ana", "10.0.0.2") is None  # the owner elsewhere still signs in
    for n in range(LIMITS["account"] - LIMITS["account_address"]):
        throttle.failed("ana", f"10.0.1.{n}")
    throttled = throttle.check("ana", "10.0.0.2")
    assert throttled is not None and throttled[1] == ["account"]
    assert throttle.check("bob", "10.0.0.2") is None
    now[0] += WINDOW_SECONDS + 1  # a sliding window: never locked out for long
    assert throttle.check("ana", "10.0.0.1") is None


def test_one_address_trying_many_accounts_is_throttled() -> None:
    throttle = LoginThrottle(clock=lambda: 5.0)
    for n in range(LIMITS["address"]):
        throttle.failed(f"user{n}", "10.9.9.9")
    throttled = throttle.check("someone", "10.9.9.9")
    assert throttled is not None and throttled[1] == ["address"]


def test_success_clears_the_failures_of_that_account_and_address() -> None:
    throttle = LoginThrottle(clock=lambda: 5.0)
    for _ in range(LIMITS["account_address"] - 1):
        throttle.failed("ana", "10.0.0.1")
    throttle.succeeded("ana", "10.0.0.1")
    throttle.failed("ana", "10.0.0.1")
    assert throttle.check("ana", "10.0.0.1") is None
