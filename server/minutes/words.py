"""The words of the minutes, Vietnamese first and English second.

Keys that the phone also shows (answers, results, reasons, the team, facility kinds, and
facility statuses for the compliance workbook) carry the same key and the same words as
``pwa/js/i18n.js``; ``tests/unit/test_minutes_words.py`` holds the two catalogues equal, so
a reason reads the same on the phone and on paper.
Placeholders are ``{name}``, as in the app.
"""

from __future__ import annotations

from typing import Literal

from markupsafe import Markup, escape

from server.forms.schema import Text

Lang = Literal["vi", "en"]
LANGS: tuple[str, ...] = Lang.__args__  # type: ignore[attr-defined]

SHARED: dict[str, tuple[str, str]] = {
    "insp.pass": ("Đạt", "Pass"),
    "insp.fail": ("Không đạt", "Fail"),
    "insp.na": ("Không áp dụng", "Not applicable"),
    "insp.vetoNone": ("Không xảy ra", "Did not occur"),
    "insp.vetoOccurred": ("Có xảy ra", "Occurred"),
    "insp.mandatory": ("Tiêu chí bắt buộc", "Mandatory criterion"),
    "insp.legal": ("Căn cứ: {ref}", "Legal basis: {ref}"),
    "insp.note": ("Ghi chú", "Note"),
    "insp.signEmpty": ("Chưa ký", "Not signed yet"),
    "insp.locationValue": ("{lat}, {lon} (±{acc} m)", "{lat}, {lon} (±{acc} m)"),
    "insp.advisory": ("Khuyến nghị, không tính điểm", "Recommendation, not scored"),
    "facility.version": ("phiên bản {v}", "version {v}"),
    "result.passed": ("Đạt", "Passed"),
    "result.failed": ("Không đạt", "Failed"),
    "result.not_assessed": ("Chưa đánh giá", "Not assessed"),
    "result.progress": ("{n}/{min} tiêu chí đạt", "{n}/{min} criteria met"),
    "result.reasons": ("Lý do không đạt", "Why it failed"),
    "result.recommendations": ("Khuyến nghị", "Recommendations"),
    "reason.veto": ("Có sự việc loại trừ: {items}", "An excluding event occurred: {items}"),
    "reason.mandatory": (
        "Tiêu chí bắt buộc không đạt: {items}",
        "Mandatory criteria not met: {items}",
    ),
    "reason.threshold": (
        "Điểm {score} thấp hơn ngưỡng đạt {threshold}",
        "Score {score} is below the pass mark of {threshold}",
    ),
    "reason.min_passed": (
        "Chỉ {n}/{min} tiêu chí đạt (cần ít nhất {min})",
        "Only {n}/{min} criteria met (at least {min} required)",
    ),
    "team.title": ("Đoàn kiểm tra", "Inspection team"),
    "team.name": ("Họ và tên", "Full name"),
    "team.agency": ("Cơ quan", "Agency"),
    "team.role.lead": ("Trưởng đoàn", "Team lead"),
    "team.role.member": ("Thành viên", "Member"),
    "team.signature": ("Chữ ký", "Signature"),
    "kind.preschool": ("Mầm non", "Preschool"),
    "kind.independent_childcare": ("Nhóm trẻ độc lập", "Independent childcare"),
    "kind.primary": ("Tiểu học", "Primary"),
    "kind.lower_secondary": ("Trung học cơ sở", "Lower secondary"),
    "kind.upper_secondary": ("Trung học phổ thông", "Upper secondary"),
    "kind.multi_level": ("Nhiều cấp học", "Multi-level"),
    "kind.after_hours_childcare": ("Giữ trẻ ngoài giờ", "After-hours childcare"),
    "status.compliant": ("Đạt", "Compliant"),
    "status.non_compliant": ("Không đạt", "Non-compliant"),
    "status.overdue": ("Quá hạn kiểm tra", "Overdue"),
    "status.not_inspected": ("Chưa kiểm tra", "Not inspected"),
}

OWN: dict[str, tuple[str, str]] = {
    "nation": ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM"),
    "motto": ("Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness"),
    "title": ("BIÊN BẢN KIỂM TRA", "INSPECTION MINUTES"),
    "amendment": ("Bản sửa đổi", "Amendment"),
    "amends": (
        "Biên bản này sửa đổi và thay thế biên bản {id} ngày {date}.",
        "These minutes amend and replace inspection {id} of {date}.",
    ),
    "superseded": (
        "Biên bản này đã được sửa đổi, thay thế bởi biên bản {id}.",
        "These minutes were amended and replaced by inspection {id}.",
    ),
    "facility": ("Cơ sở được kiểm tra", "Facility inspected"),
    "name": ("Tên cơ sở", "Name"),
    "code": ("Mã cơ sở", "Code"),
    "kind": ("Loại hình", "Kind"),
    "address": ("Địa chỉ", "Address"),
    "area": ("Xã/phường, tỉnh/thành phố", "Commune, province"),
    "visit": ("Buổi kiểm tra", "The visit"),
    "date": ("Ngày kiểm tra", "Date"),
    "time": ("Thời gian", "Time"),
    "from_to": ("Từ {start} đến {end}", "From {start} to {end}"),
    "place": ("Địa điểm", "Place"),
    "gps": ("Vị trí GPS", "GPS position"),
    "no_gps": ("Không ghi vị trí GPS", "No GPS position recorded"),
    "checklist": ("Bảng kiểm", "Checklist"),
    "account": ("Tài khoản gửi phiếu", "Sent by account"),
    "role": ("Vai trò", "Role"),
    "no_team": ("Phiếu không ghi thành phần đoàn.", "The record names no team."),
    "result": ("Kết quả kiểm tra", "Result"),
    "score": ("Điểm", "Score"),
    "failed": ("Các tiêu chí không đạt", "Failed checks"),
    "no_failed": ("Không có tiêu chí nào không đạt.", "No check failed."),
    "findings": ("Nội dung kiểm tra", "Findings"),
    "item": ("Nội dung", "Item"),
    "answer": ("Kết quả", "Answer"),
    "unanswered": ("Chưa trả lời", "Not answered"),
    "signed": ("Đã ký (xem phần chữ ký)", "Signed (see the signatures)"),
    "notes": ("Ghi chú của đoàn kiểm tra", "Inspectors' notes"),
    "actions": ("Yêu cầu khắc phục", "Corrective actions"),
    "requirement": ("Yêu cầu", "Requirement"),
    "due": ("Thời hạn", "Due"),
    "none": ("Không có", "None"),
    "signatures": ("Chữ ký", "Signatures"),
    "photo_missing": ("Chưa có ảnh trên máy chủ", "Photo not on the server"),
    "footer_id": ("Mã biên bản: {id}", "Inspection: {id}"),
    "footer_hash": ("Mã nội dung (SHA-256): {hash}", "Content hash (SHA-256): {hash}"),
    "page": ("Trang", "Page"),
}

CATALOGUE: dict[str, tuple[str, str]] = {**SHARED, **OWN}


class Words:
    """A catalogue (the minutes' unless told) in one language."""

    def __init__(self, lang: Lang, catalogue: dict[str, tuple[str, str]] = CATALOGUE) -> None:
        self.lang = lang
        self._index = LANGS.index(lang)
        self._catalogue = catalogue

    def __call__(self, key: str, **values: object) -> str:
        text = self._catalogue[key][self._index]
        return text.format(**values) if values else text

    def kept_whole(self, key: str, **values: str) -> Markup:
        """The text with each value kept on one line (an id must not break at its dashes,
        or it cannot be copied from the page); for the HTML template."""
        spans = {k: Markup('<span class="whole">{}</span>').format(v) for k, v in values.items()}
        return escape(self._catalogue[key][self._index]).format(**spans)

    def pick(self, text: Text) -> str:
        """A checklist's text in this language."""
        return text.vi if self.lang == "vi" else text.en

    def number(self, value: object) -> str:
        """A number as the language writes it: "12,5" in Vietnamese; whole numbers bare."""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value)
        return text.replace(".", ",") if self.lang == "vi" else text

    def count(self, value: int) -> str:
        """A count with its thousands grouped as the language does: "12.345" in Vietnamese,
        "12,345" in English."""
        text = f"{value:,}"
        return text.replace(",", ".") if self.lang == "vi" else text
