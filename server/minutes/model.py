"""What the minutes say, worked out from one stored inspection: plain values in one
language, which the template only prints. Pictures come from ``Pictures`` (the photo store
in production), so this module reads no file."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from markupsafe import Markup

from server.forms.conditions import is_answered, visible_items
from server.forms.schema import Checklist, Item
from server.inspections.schemas import Location, TeamMember
from server.inspections.scoring import Reason, ScoreResult
from server.minutes.words import Lang, Words

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")

Pictures = Callable[[str], str | None]
"""A picture's sha256 to a URI the renderer may load (a data: URI), or None when the
server does not have it (not uploaded yet) or cannot read it."""


class Action(msgspec.Struct):
    """A corrective action as a record carries it (``actions``): the item concerned, what
    must be done and by when."""

    requirement: str
    due: date
    item: str | None = None
    """Absent for an action that concerns no one item."""


@dataclass(frozen=True)
class Source:
    """Everything the minutes of one inspection are made from."""

    inspection: Mapping[str, Any]
    """The stored row (``server.inspections.store.get_inspection``)."""
    facility: Mapping[str, Any]
    """The facility with its commune and province names (``get_facility``)."""
    checklist: Checklist
    summary: ScoreResult
    """The stored result, its reasons filled in (``reasons_of``)."""
    amended: Mapping[str, Any] | None = None
    """The stored row of the inspection this one supersedes, if any."""


@dataclass(frozen=True)
class Picture:
    src: str | None
    caption: str


@dataclass(frozen=True)
class Row:
    number: str
    text: str
    answer: str
    failed: bool = False
    mandatory: bool = False
    photos: list[Picture] = field(default_factory=list)


@dataclass(frozen=True)
class SectionView:
    number: str
    title: str
    rows: list[Row]


@dataclass(frozen=True)
class FailedView:
    number: str
    text: str
    legal_ref: str | None
    mandatory: bool


@dataclass(frozen=True)
class NoteView:
    number: str
    text: str
    note: str


@dataclass(frozen=True)
class ActionView:
    item: str
    requirement: str
    due: str


@dataclass(frozen=True)
class Signer:
    heading: str
    name: str
    detail: str
    signature: Picture | None


@dataclass(frozen=True)
class Minutes:
    """The minutes, every value already in words."""

    lang: Lang
    words: Words
    inspection_id: str
    content_hash: str
    amends: Markup | None
    superseded: Markup | None
    subtitle: str
    facility: list[tuple[str, str]]
    visit: list[tuple[str, str]]
    team: list[TeamMember]
    result: str
    reasons: list[str]
    failed: list[FailedView]
    recommendations: list[FailedView]
    sections: list[SectionView]
    notes: list[NoteView]
    actions: list[ActionView]
    signers: list[Signer]


def local(moment: str) -> datetime:
    return datetime.fromisoformat(moment).astimezone(LOCAL)


def day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


class Book:
    """The checklist's items numbered as printed ("2.3": section 2, item 3) and named in
    the language of the minutes."""

    def __init__(self, checklist: Checklist, words: Words) -> None:
        self.words = words
        self.numbers: dict[str, str] = {}
        self.items: dict[str, Item] = {}
        for s, section in enumerate(checklist.sections, start=1):
            for i, item in enumerate(section.items, start=1):
                self.numbers[item.id] = f"{s}.{i}"
                self.items[item.id] = item

    def text(self, item_id: str) -> str:
        item = self.items.get(item_id)
        return self.words.pick(item.text) if item else item_id

    def label(self, item_id: str) -> str:
        return f"{self.numbers.get(item_id, '?')}. {self.text(item_id)}"


def reason_text(reason: Reason, book: Book) -> str:
    """One reason in words, as pwa/js/explain.js says it."""
    words = book.words
    items = "; ".join(book.text(item_id) for item_id in reason.items)
    if reason.code in ("veto", "mandatory"):
        return words(f"reason.{reason.code}", items=items)
    if reason.code == "threshold":
        score, threshold = words.number(reason.score_display), words.number(reason.threshold)
        return words("reason.threshold", score=score, threshold=threshold)
    return words("reason.min_passed", n=reason.passed_count, min=reason.min_passed)


def build(source: Source, lang: Lang, pictures: Pictures) -> Minutes:
    words = Words(lang)
    book = Book(source.checklist, words)
    record: Mapping[str, Any] = msgspec.json.decode(source.inspection["payload"])
    answers: Mapping[str, Any] = record.get("answers") or {}
    notes: Mapping[str, str] = record.get("notes") or {}
    team = msgspec.convert(record.get("team") or [], list[TeamMember])
    row = source.inspection
    return Minutes(
        lang=lang,
        words=words,
        inspection_id=row["id"],
        content_hash=row["content_hash"],
        amends=_amends(source.amended, words),
        superseded=_superseded(row["superseded_by"], words),
        subtitle=words.pick(source.checklist.title),
        facility=_facility(source.facility, words),
        visit=_visit(source, record, words),
        team=team,
        result=_result(source, words),
        reasons=[reason_text(reason, book) for reason in source.summary.reasons],
        failed=[_failed(check.item_id, book) for check in source.summary.failed_checks],
        recommendations=[_failed(c.item_id, book) for c in source.summary.recommendations],
        sections=_sections(source.checklist, record, book, pictures),
        notes=_notes(notes, book),
        actions=_actions(record.get("actions"), book),
        signers=_signers(team, source.checklist, answers, book, pictures),
    )


def _notes(notes: Mapping[str, str], book: Book) -> list[NoteView]:
    """The notes in the checklist's order."""
    order = list(book.numbers)
    ids = sorted(notes, key=lambda k: order.index(k) if k in order else len(order))
    return [NoteView(book.numbers.get(k, "?"), book.text(k), notes[k]) for k in ids]


def _amends(amended: Mapping[str, Any] | None, words: Words) -> Markup | None:
    if amended is None:
        return None
    when = day(local(amended["completed_at"]))
    return words.kept_whole("amends", id=amended["id"], date=when)


def _superseded(by: str | None, words: Words) -> Markup | None:
    return None if by is None else words.kept_whole("superseded", id=by)


def _facility(facility: Mapping[str, Any], words: Words) -> list[tuple[str, str]]:
    area = ", ".join(str(facility[key]) for key in ("commune_name", "province_name"))
    return [
        (words("name"), str(facility["name"])),
        (words("code"), str(facility["code"])),
        (words("kind"), words(f"kind.{facility['kind']}")),
        (words("address"), str(facility.get("address") or "—")),
        (words("area"), area),
    ]


def _visit(source: Source, record: Mapping[str, Any], words: Words) -> list[tuple[str, str]]:
    start, end = local(source.inspection["started_at"]), local(source.inspection["completed_at"])
    checklist = source.checklist
    version = words("facility.version", v=checklist.version)
    return [
        (words("date"), day(start)),
        (words("time"), words("from_to", start=_clock(start), end=_clock(end))),
        (words("place"), str(source.facility.get("address") or source.facility["name"])),
        (words("gps"), _gps(_where(record, checklist), words)),
        (words("checklist"), f"{words.pick(checklist.title)} ({version})"),
        (words("account"), str(source.inspection["inspector"])),
    ]


def _where(record: Mapping[str, Any], checklist: Checklist) -> object:
    """Where the phone was: the record's stamp, else the first location item answered."""
    if record.get("location"):
        return record["location"]
    answers: Mapping[str, Any] = record.get("answers") or {}
    located = (answers.get(i.id) for i in checklist.items() if i.kind == "location")
    return next((value for value in located if is_answered(value)), None)


def _clock(moment: datetime) -> str:
    """A local time; a visit that ran past midnight names both days."""
    return moment.strftime("%H:%M %d/%m/%Y")


def _gps(value: object, words: Words) -> str:
    if not isinstance(value, Mapping):
        return words("no_gps")
    where = msgspec.convert(value, Location)
    accuracy = "?" if where.accuracy is None else words.number(round(where.accuracy))
    lat, lon = (words.number(round(x, 5)) for x in (where.lat, where.lon))
    return words("insp.locationValue", lat=lat, lon=lon, acc=accuracy)


def _result(source: Source, words: Words) -> str:
    summary, checklist = source.summary, source.checklist
    parts = [words(f"result.{summary.result}")]
    if summary.score_display is not None:
        parts.insert(0, f"{words('score')} {words.number(summary.score_display)}")
    if checklist.min_passed is not None:
        parts.append(words("result.progress", n=summary.passed_count, min=checklist.min_passed))
    return " · ".join(parts)


def _failed(item_id: str, book: Book) -> FailedView:
    item = book.items.get(item_id)
    legal_ref = item.legal_ref if item else None
    mandatory = bool(item and item.mandatory)
    return FailedView(book.numbers.get(item_id, "?"), book.text(item_id), legal_ref, mandatory)


def _sections(
    checklist: Checklist, record: Mapping[str, Any], book: Book, pictures: Pictures
) -> list[SectionView]:
    visible = visible_items(checklist, record.get("answers") or {})
    views = []
    for s, section in enumerate(checklist.sections, start=1):
        rows = [_row(item, record, book, pictures) for item in section.items if item.id in visible]
        if rows:
            views.append(SectionView(str(s), book.words.pick(section.title), rows))
    return views


def _row(item: Item, record: Mapping[str, Any], book: Book, pictures: Pictures) -> Row:
    answer = (record.get("answers") or {}).get(item.id)
    hashes = list(answer or []) if item.kind == "photo" else []
    hashes += (record.get("photos") or {}).get(item.id, [])
    return Row(
        number=book.numbers[item.id],
        text=book.words.pick(item.text),
        answer=answer_text(item, answer, book.words),
        failed=answer in ("fail", "occurred"),
        mandatory=bool(item.mandatory),
        photos=[Picture(pictures(sha256), book.label(item.id)) for sha256 in hashes],
    )


_CHECK = {"pass": "insp.pass", "fail": "insp.fail", "na": "insp.na"}
_VETO = {"none": "insp.vetoNone", "occurred": "insp.vetoOccurred"}


def answer_text(item: Item, answer: object, words: Words) -> str:
    """An answer in words; photos and signatures are shown as pictures elsewhere."""
    if not is_answered(answer):
        return words("insp.signEmpty") if item.kind == "signature" else words("unanswered")
    if item.kind == "check":
        return words(_CHECK.get(str(answer), "unanswered"))
    if item.kind == "veto":
        return words(_VETO.get(str(answer), "unanswered"))
    if item.kind == "number":
        unit = f" {words.pick(item.unit)}" if item.unit else ""
        return f"{words.number(answer)}{unit}"
    if item.kind == "choice":
        return _choices(item, answer, words)
    if item.kind == "date":
        return day(date.fromisoformat(str(answer)))
    if item.kind == "location":
        return _gps(answer, words)
    if item.kind == "signature":
        return words("signed")
    if item.kind == "photo":
        return ""
    return str(answer)


def _choices(item: Item, answer: object, words: Words) -> str:
    labels = {choice.value: words.pick(choice.label) for choice in item.choices or []}
    values = answer if isinstance(answer, list) else [answer]
    return "; ".join(labels.get(str(value), str(value)) for value in values)


def _actions(value: object, book: Book) -> list[ActionView]:
    """The corrective actions, in the record's order; none when the record has none."""
    if not value:
        return []
    actions = msgspec.convert(value, list[Action])
    return [
        ActionView(book.label(a.item) if a.item else "—", a.requirement, day(a.due))
        for a in actions
    ]


def _signers(
    team: list[TeamMember],
    checklist: Checklist,
    answers: Mapping[str, Any],
    book: Book,
    pictures: Pictures,
) -> list[Signer]:
    """The team, lead first, then every signature item of the checklist (the facility's
    representative above all); an ``X_signature`` item takes its name from ``X_name``."""
    words = book.words
    ordered = sorted(team, key=lambda member: member.role != "lead")
    signers = [
        Signer(
            heading=words(f"team.role.{member.role}"),
            name=member.name,
            detail=member.agency,
            signature=Picture(pictures(member.signature), member.name),
        )
        for member in ordered
    ]
    for item in checklist.items():
        if item.kind != "signature":
            continue
        name = answers.get(item.id.removesuffix("_signature") + "_name")
        sha256 = answers.get(item.id)
        picture = Picture(pictures(sha256), book.text(item.id)) if sha256 else None
        signers.append(Signer(book.text(item.id), str(name or ""), "", picture))
    return signers
