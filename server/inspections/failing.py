"""What the department list says of a failing current inspection, worked out once when the
inspection becomes current (``store.refresh_current``) and kept, as JSON, in
``current_inspections.failing``: the list then passes it on without reading the stored
result again. At national scale, reading the failing inspections' stored results and
decoding them into reasons was about 8.5 ms of a 500-row page (bench/department_list.py).
"""

from __future__ import annotations

import msgspec

from server.forms.schema import Checklist
from server.inspections.scoring import Reason as ScoredReason
from server.inspections.scoring import StoredOutcome, reasons_of


class Reason(msgspec.Struct):
    """One failing current inspection: why a facility is non-compliant. Checks are named by
    id only: their texts are in the checklist version (``GET /api/forms/{id}/{version}``),
    which phones and browsers already hold, and they made the list ten times heavier."""

    inspection_id: str
    form_id: str
    form_version: int
    score: float | None
    score_display: str | None
    completed_at: str
    failed_mandatory: list[str]
    """The ids of the failed mandatory checks, in the checklist's order."""
    reasons: list[ScoredReason]
    """Why this inspection failed, in order (docs/scoring.md), items by id."""


_outcome_decoder = msgspec.json.Decoder(StoredOutcome)
_encoder = msgspec.json.Encoder()
decoder = msgspec.json.Decoder(Reason)


def failing_json(
    inspection_id: str,
    form_id: str,
    form_version: int,
    score: float | None,
    score_display: str | None,
    completed_at: str,
    summary: str | bytes,
    checklist: Checklist,
) -> str:
    """The list's reason for a failed inspection, from its stored scoring summary and the
    checklist version that scored it, as JSON."""
    outcome = _outcome_decoder.decode(summary)
    return _encoder.encode(
        Reason(
            inspection_id=inspection_id,
            form_id=form_id,
            form_version=form_version,
            score=score,
            score_display=score_display,
            completed_at=completed_at,
            # The stored failed checks are mandatory first, then in the checklist's order.
            failed_mandatory=[f.item_id for f in outcome.failed_checks if f.mandatory],
            reasons=reasons_of(outcome, checklist),
        )
    ).decode()
