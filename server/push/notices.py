"""What a web-push notice says, to whom, in Vietnamese and English (docs/push.md).

A notice is written to ``push_outbox`` once per device of each recipient who has not muted
its type, inside the transaction of the event that causes it; its ``key`` makes the same
event (or a scheduler run repeated) write nothing new. Payloads carry what the phone
shows and the screen to open: no names of people, no notes, no free text an inspector
typed; a facility's name and code only.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Literal

import msgspec
import sqlite_utils

from server.auth import store as users
from server.clock import utcnow
from server.facilities import store as facilities
from server.push import store as push
from server.push.types import NoticeType

Lang = Literal["vi", "en"]

# (title, body) per notice type and variant, per language; {placeholders} filled from
# the notice's params.
TEXTS: dict[str, dict[Lang, tuple[str, str]]] = {
    "result": {
        "vi": ("Kết quả kiểm tra: {result}", "{site}. {score}{reasons}"),
        "en": ("Inspection result: {result}", "{site}. {score}{reasons}"),
    },
    "result.amended": {
        "vi": ("Kết quả kiểm tra đã sửa: {result}", "{site}. {score}{reasons}"),
        "en": ("Amended inspection result: {result}", "{site}. {score}{reasons}"),
    },
    "actions_opened": {
        "vi": ("{n} yêu cầu khắc phục mới", "{site}: hạn sớm nhất {due}."),
        "en": ("{n} new corrective actions", "{site}: earliest due {due}."),
    },
    "action_due_soon": {
        "vi": ("Sắp đến hạn khắc phục", "{site}: một yêu cầu khắc phục đến hạn ngày {due}."),
        "en": ("Corrective action due soon", "{site}: a corrective action is due on {due}."),
    },
    "action_overdue": {
        "vi": ("Yêu cầu khắc phục quá hạn", "{site}: yêu cầu hạn {due} đã quá hạn."),
        "en": ("Corrective action overdue", "{site}: the action due {due} is overdue."),
    },
    "fix_verified": {
        "vi": ("Khắc phục đã được xác nhận", "{site}: một yêu cầu khắc phục đã hoàn thành."),
        "en": ("Fix verified", "{site}: a corrective action was verified as done."),
    },
    "fix_reopened": {
        "vi": ("Yêu cầu khắc phục được mở lại", "{site}: khắc phục chưa đạt, cần làm tiếp."),
        "en": ("Corrective action reopened", "{site}: the fix was not accepted; it is open again."),
    },
    "site_noncompliant": {
        "vi": ("Cơ sở không đạt", "{site}. {score}{reasons}"),
        "en": ("Site not compliant", "{site}. {score}{reasons}"),
    },
    "site_noncompliant.veto": {
        "vi": ("Sự việc nghiêm trọng tại cơ sở", "{site}. {score}{reasons}"),
        "en": ("Veto event at a site", "{site}. {score}{reasons}"),
    },
    "fix_waiting": {
        "vi": ("Khắc phục chờ xác nhận", "{site} đã báo cáo khắc phục, chờ xác nhận."),
        "en": ("Fix awaiting verification", "{site} reported a fix; it awaits verification."),
    },
    "overdue_digest": {
        "vi": ("{n} yêu cầu khắc phục quá hạn", "Tại {sites} cơ sở trong tỉnh, ngày {day}."),
        "en": ("{n} corrective actions overdue", "At {sites} sites in the province, {day}."),
    },
    "kept_aside.conflict": {
        "vi": ("Phiếu cần bạn xử lý", "Một phiếu bị giữ lại vì khác bản đã gửi trước."),
        "en": (
            "An inspection needs you",
            "An inspection was kept aside: it differs from one sent.",
        ),
    },
    "kept_aside.rejected": {
        "vi": ("Phiếu cần bạn xử lý", "Một phiếu bị từ chối; xem lý do trong Hộp thư đi."),
        "en": ("An inspection needs you", "An inspection was rejected; see why in the Outbox."),
    },
    "visit_assigned": {
        "vi": ("Lịch kiểm tra mới", "{site}, từ {start} đến {end}."),
        "en": ("New inspection visit", "{site}, from {start} to {end}."),
    },
    "visit_assigned.many": {
        "vi": ("{n} lượt kiểm tra mới", "Sớm nhất: {site}, từ {start}."),
        "en": ("{n} new inspection visits", "The first: {site}, from {start}."),
    },
    "visit_changed": {
        "vi": ("Lịch kiểm tra thay đổi", "{site}: nay từ {start} đến {end}."),
        "en": ("Inspection visit changed", "{site}: now from {start} to {end}."),
    },
    "visit_changed.many": {
        "vi": ("{n} lượt kiểm tra thay đổi", "Sớm nhất: {site}, từ {start}."),
        "en": ("{n} inspection visits changed", "The first: {site}, from {start}."),
    },
    "visit_late": {
        "vi": ("Lượt kiểm tra trễ hạn", "{site}: chưa được kiểm tra, hạn {end} đã qua."),
        "en": ("Inspection visit late", "{site}: not inspected; the window ended {end}."),
    },
}

RESULTS: dict[str, dict[Lang, str]] = {
    "passed": {"vi": "Đạt", "en": "Passed"},
    "failed": {"vi": "Không đạt", "en": "Failed"},
    "not_assessed": {"vi": "Chưa đánh giá", "en": "Not assessed"},
}
REASONS: dict[str, dict[Lang, str]] = {
    "veto": {"vi": "có sự việc nghiêm trọng", "en": "a veto event occurred"},
    "mandatory": {"vi": "tiêu chí bắt buộc không đạt", "en": "a mandatory check failed"},
    "threshold": {"vi": "điểm dưới ngưỡng", "en": "score below the threshold"},
    "min_passed": {"vi": "quá ít tiêu chí đạt", "en": "too few checks passed"},
}
SCORE: dict[Lang, str] = {"vi": "Điểm {score}. ", "en": "Score {score}. "}
BECAUSE: dict[Lang, str] = {"vi": "Lý do: {list}.", "en": "Because: {list}."}


@dataclass(frozen=True)
class Audience:
    """Who receives a notice: the users of a facility, the department of a province, or
    one user."""

    facility_code: str | None = None
    province_code: str | None = None
    user_id: int | None = None

    def users(self) -> tuple[str, list[object]]:
        """A subquery over the enabled users this audience names, and its arguments."""
        if self.facility_code is not None:
            return users.enabled_ids(role="facility", facility_code=self.facility_code)
        if self.province_code is not None:
            return users.enabled_ids(role="department", province_code=self.province_code)
        return users.enabled_ids(id=self.user_id)


@dataclass(frozen=True)
class Notice:
    type: NoticeType
    key: str
    """Unique per event: the same event notified twice writes nothing new."""
    url: str
    variant: str | None = None
    params: Mapping[str, str] = field(default_factory=dict)
    reasons: tuple[str, ...] = ()
    score: str | None = None
    result: str | None = None


class Payload(msgspec.Struct):
    """What the phone receives (the sender adds ``id`` and ``tag``)."""

    type: str
    title: str
    body: str
    url: str


def render(notice: Notice, lang: Lang) -> Payload:
    template = TEXTS[f"{notice.type}.{notice.variant}" if notice.variant else notice.type][lang]
    values = dict(notice.params)
    values["result"] = RESULTS[notice.result][lang] if notice.result else ""
    values["score"] = SCORE[lang].format(score=notice.score) if notice.score else ""
    named = ", ".join(REASONS[code][lang] for code in notice.reasons if code in REASONS)
    values["reasons"] = BECAUSE[lang].format(list=named) if named else ""
    title, body = (part.format(**values).strip() for part in template)
    return Payload(notice.type, title, body, notice.url)


def site_url(facility_code: str) -> str:
    return f"/#/site/{facility_code}"


def site_label(db: sqlite_utils.Database, facility_code: str) -> tuple[str, str]:
    """A facility's "name (code)" and province."""
    return label_among(site_labels(db, [facility_code]), facility_code)


def label_among(labels: Mapping[str, tuple[str, str]], facility_code: str) -> tuple[str, str]:
    """A facility's label from ``site_labels``: an unknown one is named by its code alone,
    with no province."""
    return labels.get(facility_code, (facility_code, ""))


def site_labels(db: sqlite_utils.Database, codes: Collection[str]) -> dict[str, tuple[str, str]]:
    """``site_label`` of several facilities, by code, in one query (unknown codes left out)."""
    return {
        code: (f"{site['facility_name']} ({code})", str(site["province_code"]))
        for code, site in facilities.labels(db, codes).items()
    }


def enqueue(db: sqlite_utils.Database, notice: Notice, audience: Audience) -> int:
    """Write the notice once per device of each recipient who has not muted its type and
    whose session on it is still valid; returns how many rows were new. Call inside the
    event's transaction."""
    now = utcnow()
    devices = push.devices_for(
        db, audience.users(), lambda column: users.live_session(column, now), notice.type
    )
    written = 0
    for subscription_id, user_id, lang in devices:
        payload = msgspec.json.encode(render(notice, "en" if lang == "en" else "vi")).decode()
        written += push.add_to_outbox(
            db, subscription_id, user_id, notice.type, f"{notice.key}@{subscription_id}",
            payload, now,
        )  # fmt: skip
    return written
