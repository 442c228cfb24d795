"""Every code that can name a problem with one synced record: the catalogue.

A rejected record's error carries ``details``, one per problem, each with one of these
codes (and the item it concerns, when it concerns one). Codes are part of the API: the
phone shows its own words for each (``problem.<code>`` in ``pwa/js/i18n.js``; a test
holds the two together), so never rename one.

Problems with the answers, found by ``server.inspections.validation`` (item named):

- ``unknown_item``: an answer, note or photo for an id that is not an item of this
  checklist version.
- ``invalid_value``: a value of the wrong type or shape for the item's kind (see
  ``server.inspections.validation``), or the same photo attached twice to an item.
- ``na_not_allowed``: a check answered ``na`` where the item does not allow it.
- ``unknown_choice``: a choice value that is not among the item's choices.
- ``out_of_range``: a number below the item's ``min`` or above its ``max``.
- ``not_integer``: a number with a fraction where the item asks for an integer.
- ``required_missing``: a visible required item has no answer.

Problems with the record as a whole, found by ``server.inspections.intake`` (no item):

- ``malformed``: not an inspection record at all (a field missing or of the wrong type).
- ``facility_unknown``: no facility with that code on the server.
- ``facility_out_of_scope``: the facility is outside the sender's area.
- ``form_unknown``: no such checklist, or no such version of it.
- ``form_not_applicable``: the checklist does not apply to the facility's kind.
- ``invalid_time``: a time without a zone offset, out of range in UTC, or a start after
  the completion.
- ``completed_in_future``: completed later than now (beyond the allowed clock skew).
- ``team_lead``: the team named on the minutes has no lead, or more than one.
- ``team_duplicate``: a member is named twice in the team.
- ``supersedes_self``: the record says it amends itself.
- ``supersedes_unknown``: the inspection it amends is not on the server.
- ``supersedes_forbidden``: only the inspector who made an inspection, or an admin, may
  amend it.
- ``supersedes_mismatch``: an amendment is for another facility or checklist.
- ``supersedes_already_superseded``: the inspection it amends was amended already.

Problems with the corrective actions the record requires (item named):

- ``action_not_failed``: an action for an item that is not a failed check or a veto event
  that occurred.
- ``action_duplicate``: two actions for the same item.
- ``action_due_invalid``: a due date before the inspection day or more than three years
  after it.
"""

from __future__ import annotations

from typing import Literal, get_args

AnswerProblemCode = Literal[
    "unknown_item",
    "invalid_value",
    "na_not_allowed",
    "unknown_choice",
    "out_of_range",
    "not_integer",
    "required_missing",
]
"""The codes ``server.inspections.validation`` gives, each about one item."""

RecordProblemCode = Literal[
    "malformed",
    "facility_unknown",
    "facility_out_of_scope",
    "form_unknown",
    "form_not_applicable",
    "invalid_time",
    "completed_in_future",
    "team_lead",
    "team_duplicate",
    "supersedes_self",
    "supersedes_unknown",
    "supersedes_forbidden",
    "supersedes_mismatch",
    "supersedes_already_superseded",
    "action_not_failed",
    "action_duplicate",
    "action_due_invalid",
]
"""The codes intake gives about a record as a whole."""

ProblemCode = Literal[AnswerProblemCode, RecordProblemCode]
"""Any per-record problem code: the whole catalogue."""

ANSWER_PROBLEM_CODES: tuple[str, ...] = get_args(AnswerProblemCode)
PROBLEM_CODES: tuple[str, ...] = get_args(ProblemCode)
