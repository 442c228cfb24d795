"""Plausible inspection records for the demo, the benchmarks and tests. They go through the
real intake like any phone's records; only the answers are invented."""

from __future__ import annotations

import hashlib
import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from server.forms.schema import Checklist, Item


def _value(item: Item, rng: random.Random, fail_rate: float) -> Any:
    if item.kind == "check":
        roll = rng.random()
        if item.allow_na and roll < 0.05:
            return "na"
        return "fail" if roll < fail_rate else "pass"
    if item.kind == "veto":  # events are rarer than failed checks
        return "occurred" if rng.random() < fail_rate / 5 else "none"
    if item.kind == "number":
        low = item.min if item.min is not None else 0
        high = item.max if item.max is not None else max(low, 0) + 200
        number = rng.uniform(low, high)
        return int(number) if item.integer else round(number, 1)
    if item.kind == "choice":
        values = [choice.value for choice in item.choices or []]
        return rng.sample(values, k=1) if item.multiple else rng.choice(values)
    if item.kind in ("photo",):
        return [hashlib.sha256(rng.randbytes(16)).hexdigest()]
    if item.kind == "signature":
        return hashlib.sha256(rng.randbytes(16)).hexdigest()
    if item.kind == "location":
        return {"lat": 21.8 + rng.random(), "lon": 105.0 + rng.random(), "accuracy": 12.0}
    if item.kind == "date":
        return (datetime(2026, 1, 1) + timedelta(days=rng.randint(0, 300))).date().isoformat()
    return rng.choice(["Nguyễn Thị Hoa", "Trần Văn Minh", "Lê Thị Thu", "Phạm Quốc Bảo"])


def answers(checklist: Checklist, rng: random.Random, fail_rate: float = 0.05) -> dict[str, Any]:
    """A valid answer for every item (hidden ones too: intake keeps but does not score
    them), with about ``fail_rate`` of the checks failed and a fifth of that of the veto
    events occurred."""
    return {item.id: _value(item, rng, fail_rate) for item in checklist.items()}


def record(
    checklist: Checklist,
    facility_code: str,
    rng: random.Random,
    *,
    completed_at: datetime | None = None,
    fail_rate: float = 0.05,
    supersedes: str | None = None,
) -> dict[str, Any]:
    """One record as a phone would send it (JSON-ready)."""
    completed = completed_at or datetime.now(UTC) - timedelta(minutes=rng.randint(5, 600))
    started = completed - timedelta(minutes=rng.randint(20, 120))
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "facility_code": facility_code,
        "form_id": checklist.id,
        "form_version": checklist.version,
        "started_at": started.isoformat(),
        "completed_at": completed.isoformat(),
        "answers": answers(checklist, rng, fail_rate),
        "notes": {},
        "location": {"lat": 21.8 + rng.random(), "lon": 105.0 + rng.random(), "accuracy": 15.0},
        "supersedes": supersedes,
    }
