// Every string of the interface, Vietnamese first, English second. Checklist texts come
// with both languages from the server ({vi, en}) and go through `tx`.

import { moment } from "./dates.js";

/** @type {Record<string, {vi: string, en: string}>} */
export const CATALOGUE = {
  "app.name": { vi: "Kiểm tra an toàn trẻ em", en: "Child-safety inspections" },
  "app.loading": { vi: "Đang mở…", en: "Opening…" },
  "app.error": { vi: "Đã có lỗi: {message}", en: "Something went wrong: {message}" },
  "net.offline": { vi: "Ngoại tuyến", en: "Offline" },
  "net.online": { vi: "Trực tuyến", en: "Online" },
  "nav.label": { vi: "Điều hướng chính", en: "Main navigation" },
  "nav.facilities": { vi: "Cơ sở", en: "Facilities" },
  "nav.drafts": { vi: "Phiếu nháp", en: "Drafts" },
  "nav.outbox": { vi: "Hộp thư đi", en: "Outbox" },
  "nav.settings": { vi: "Cài đặt", en: "Settings" },
  "nav.status": { vi: "Tình trạng", en: "Status" },
  "nav.list": { vi: "Danh sách", en: "List" },
  "badge.pending": { vi: "{n} phiếu chưa gửi xong", en: "{n} not yet received" },

  "update.available": { vi: "Có phiên bản mới.", en: "A new version is available." },
  "update.apply": { vi: "Cập nhật", en: "Update" },
  "update.later": { vi: "Để sau", en: "Later" },
  "update.blocked": {
    vi: "Hãy lưu hoặc xóa chữ ký đang ký dở trước khi cập nhật.",
    en: "Save or clear the signature in progress before updating.",
  },

  "auth.title": { vi: "Đăng nhập", en: "Sign in" },
  "auth.username": { vi: "Tên đăng nhập", en: "Username" },
  "auth.password": { vi: "Mật khẩu", en: "Password" },
  "auth.submit": { vi: "Đăng nhập", en: "Sign in" },
  "auth.working": { vi: "Đang đăng nhập…", en: "Signing in…" },
  "auth.needOnline": {
    vi: "Cần có kết nối mạng để đăng nhập lần đầu.",
    en: "Signing in needs a connection.",
  },
  "auth.bad_credentials": { vi: "Sai tên đăng nhập hoặc mật khẩu.", en: "Wrong username or password." },
  "auth.user_disabled": { vi: "Tài khoản này đã bị khóa.", en: "This account is disabled." },
  "auth.failed": { vi: "Không đăng nhập được ({code}).", en: "Could not sign in ({code})." },
  "auth.expired": {
    vi: "Phiên đăng nhập đã hết hạn hoặc bị thu hồi. Dữ liệu trên máy vẫn được giữ nguyên; hãy đăng nhập lại để gửi phiếu.",
    en: "Your sign-in expired or was revoked. Everything on this phone is kept; sign in again to send.",
  },
  "auth.again": { vi: "Đăng nhập lại", en: "Sign in again" },
  "auth.otherUser": {
    vi: "Trên máy còn phiếu chưa gửi của {user}. Phiếu sẽ được gửi bằng tài khoản đang đăng nhập.",
    en: "This phone holds unsent inspections of {user}. They will be sent with the account signed in.",
  },
  "auth.signedInAs": { vi: "Đăng nhập: {name} ({role})", en: "Signed in: {name} ({role})" },
  "auth.signOut": { vi: "Đăng xuất", en: "Sign out" },
  "auth.signOutConfirm": {
    vi: "Đăng xuất? Phiếu nháp và phiếu chưa gửi vẫn được giữ trên máy này.",
    en: "Sign out? Drafts and unsent inspections stay on this phone.",
  },
  "role.admin": { vi: "quản trị", en: "administrator" },
  "role.inspector": { vi: "thanh tra", en: "inspector" },
  "role.department": { vi: "sở", en: "department" },
  "role.facility": { vi: "cơ sở", en: "facility" },

  "common.cancel": { vi: "Hủy", en: "Cancel" },
  "common.ok": { vi: "Đồng ý", en: "OK" },
  "common.back": { vi: "Quay lại", en: "Back" },
  "common.none": { vi: "Không có", en: "None" },
  "common.more": { vi: "Xem thêm", en: "Show more" },
  "common.never": { vi: "chưa lần nào", en: "never" },

  "facilities.title": { vi: "Chọn cơ sở", en: "Choose a facility" },
  "facilities.search": { vi: "Tìm theo tên hoặc mã", en: "Search by name or code" },
  "facilities.commune": { vi: "Xã, phường", en: "Commune" },
  "facilities.kind": { vi: "Loại hình", en: "Kind" },
  "facilities.all": { vi: "Tất cả", en: "All" },
  "facilities.count": { vi: "{shown} / {total} cơ sở", en: "{shown} of {total} facilities" },
  "facilities.empty": {
    vi: "Chưa có danh sách cơ sở trên máy. Hãy kết nối mạng để tải về.",
    en: "No facility list on this phone yet. Connect to download it.",
  },
  "facilities.noMatch": { vi: "Không tìm thấy cơ sở phù hợp.", en: "No facility matches." },
  "facilities.updated": { vi: "Cập nhật danh sách: {time}", en: "List updated: {time}" },

  "kind.preschool": { vi: "Mầm non", en: "Preschool" },
  "kind.independent_childcare": { vi: "Nhóm trẻ độc lập", en: "Independent childcare" },
  "kind.primary": { vi: "Tiểu học", en: "Primary" },
  "kind.lower_secondary": { vi: "Trung học cơ sở", en: "Lower secondary" },
  "kind.upper_secondary": { vi: "Trung học phổ thông", en: "Upper secondary" },
  "kind.multi_level": { vi: "Nhiều cấp học", en: "Multi-level" },
  "kind.after_hours_childcare": { vi: "Giữ trẻ ngoài giờ", en: "After-hours childcare" },

  "status.compliant": { vi: "Đạt", en: "Compliant" },
  "status.non_compliant": { vi: "Không đạt", en: "Non-compliant" },
  "status.overdue": { vi: "Quá hạn kiểm tra", en: "Overdue" },
  "status.not_inspected": { vi: "Chưa kiểm tra", en: "Not inspected" },
  "status.unknown": { vi: "Chưa rõ tình trạng", en: "Status unknown" },
  "status.local": { vi: "Trên máy này: {result} {score}", en: "On this phone: {result} {score}" },

  "facility.title": { vi: "Cơ sở", en: "Facility" },
  "facility.notFound": { vi: "Không có cơ sở này trên máy.", en: "This facility is not on this phone." },
  "facility.checklists": { vi: "Bảng kiểm áp dụng", en: "Checklists that apply" },
  "facility.noForms": {
    vi: "Chưa có bảng kiểm nào cho loại hình này trên máy.",
    en: "No checklist for this kind of facility on this phone yet.",
  },
  "facility.start": { vi: "Bắt đầu kiểm tra", en: "Start inspection" },
  "facility.drafts": { vi: "Phiếu nháp của cơ sở này", en: "Drafts for this facility" },
  "facility.version": { vi: "phiên bản {v}", en: "version {v}" },

  "drafts.title": { vi: "Phiếu nháp", en: "Drafts" },
  "drafts.empty": { vi: "Không có phiếu nháp.", en: "No drafts." },
  "drafts.resume": { vi: "Tiếp tục", en: "Resume" },
  "drafts.updated": { vi: "Sửa lần cuối {time}", en: "Last changed {time}" },
  "drafts.progress": { vi: "Đã trả lời {done}/{total}", en: "Answered {done}/{total}" },
  "drafts.photos": { vi: "{n} ảnh", en: "{n} photos" },

  "insp.score": { vi: "Điểm tạm tính", en: "Provisional score" },
  "insp.remaining": { vi: "Còn {n} mục cần trả lời", en: "{n} items still to answer" },
  "insp.allAnswered": { vi: "Đã trả lời đủ các mục cần thiết", en: "All required items answered" },
  "insp.progress": { vi: "Tiến độ trả lời", en: "Answering progress" },
  "insp.sectionProgress": { vi: "{done}/{total} mục", en: "{done}/{total} items" },
  "insp.pass": { vi: "Đạt", en: "Pass" },
  "insp.fail": { vi: "Không đạt", en: "Fail" },
  "insp.na": { vi: "Không áp dụng", en: "Not applicable" },
  "insp.vetoNone": { vi: "Không xảy ra", en: "Did not occur" },
  "insp.vetoOccurred": { vi: "Có xảy ra", en: "Occurred" },
  "insp.veto": { vi: "Sự việc loại trừ", en: "Excluding event" },
  "insp.advisory": { vi: "Khuyến nghị, không tính điểm", en: "Recommendation, not scored" },
  "insp.mandatory": { vi: "Tiêu chí bắt buộc", en: "Mandatory criterion" },
  "insp.required": { vi: "cần trả lời", en: "required" },
  "insp.inferred": { vi: "Khuyến nghị", en: "Good practice" },
  "insp.moreInfo": { vi: "Căn cứ và hướng dẫn", en: "Legal basis and help" },
  "insp.legal": { vi: "Căn cứ: {ref}", en: "Legal basis: {ref}" },
  "insp.note": { vi: "Ghi chú", en: "Note" },
  "insp.noteFor": { vi: "Ghi chú cho mục: {item}", en: "Note on: {item}" },
  "insp.hasNote": { vi: "Ghi chú (đã có)", en: "Note (written)" },
  "insp.photoAdd": { vi: "Chụp hoặc chọn ảnh", en: "Take or choose a photo" },
  "insp.photoFor": { vi: "Thêm ảnh cho mục: {item}", en: "Add a photo for: {item}" },
  "insp.photoRemove": { vi: "Xóa ảnh {n}", en: "Remove photo {n}" },
  "insp.photoAlt": { vi: "Ảnh {n} của mục {item}", en: "Photo {n} of {item}" },
  "insp.photoWorking": { vi: "Đang xử lý ảnh…", en: "Processing the photo…" },
  "insp.photoError": { vi: "Không đọc được ảnh này.", en: "This image could not be read." },
  "insp.photoMax": { vi: "Tối đa {n} ảnh cho mỗi mục.", en: "At most {n} photos per item." },
  "insp.evidence": { vi: "Ảnh minh chứng", en: "Photo evidence" },
  "insp.evidenceCount": { vi: "Ảnh minh chứng ({n})", en: "Photo evidence ({n})" },
  "insp.evidenceFor": { vi: "Thêm ảnh minh chứng cho mục: {item}", en: "Add photo evidence for: {item}" },
  "insp.evidenceAlt": { vi: "Ảnh minh chứng {n} của mục {item}", en: "Evidence photo {n} of {item}" },
  "insp.signHere": { vi: "Ký vào ô bên dưới", en: "Sign in the box below" },
  "insp.signCanvas": { vi: "Ô ký tên: {item}", en: "Signature pad: {item}" },
  "insp.signClear": { vi: "Xóa chữ ký", en: "Clear signature" },
  "insp.signSave": { vi: "Lưu chữ ký", en: "Save signature" },
  "insp.signRedo": { vi: "Ký lại", en: "Sign again" },
  "insp.signSaved": { vi: "Chữ ký đã lưu", en: "Signature saved" },
  "insp.signEmpty": { vi: "Chưa ký", en: "Not signed yet" },
  "insp.signUnsaved": {
    vi: "Hãy lưu hoặc xóa chữ ký đang ký dở: {item}.",
    en: "Save or clear the signature in progress: {item}.",
  },
  "insp.locate": { vi: "Lấy vị trí hiện tại", en: "Use current location" },
  "insp.locating": { vi: "Đang lấy vị trí…", en: "Finding the location…" },
  "insp.locationValue": { vi: "{lat}, {lon} (±{acc} m)", en: "{lat}, {lon} (±{acc} m)" },
  "insp.locationError": { vi: "Không lấy được vị trí: {message}", en: "Location unavailable: {message}" },
  "insp.stamp": { vi: "Vị trí buổi kiểm tra", en: "Location of this inspection" },
  "insp.noLocation": { vi: "Chưa ghi vị trí", en: "No location yet" },
  "insp.choiceNone": { vi: "Chưa chọn", en: "Not chosen" },
  "insp.unit": { vi: "Đơn vị: {unit}", en: "Unit: {unit}" },
  "insp.complete": { vi: "Hoàn thành phiếu", en: "Complete inspection" },
  "insp.completeConfirm": {
    vi: "Hoàn thành phiếu này? Sau khi hoàn thành, phiếu được đưa vào hộp thư đi và không sửa được nữa.",
    en: "Complete this inspection? It moves to the outbox and can no longer be changed.",
  },
  "insp.missing": {
    vi: "Còn {n} mục chưa trả lời hoặc chưa hợp lệ. Đã chuyển đến mục đầu tiên.",
    en: "{n} items are missing or not valid. You were taken to the first one.",
  },
  "insp.discard": { vi: "Xóa phiếu nháp", en: "Discard draft" },
  "insp.discardConfirm": {
    vi: "Xóa phiếu nháp này? Mọi câu trả lời, ảnh và chữ ký của phiếu sẽ bị xóa khỏi máy.",
    en: "Discard this draft? Its answers, photos and signatures are removed from this phone.",
  },
  "insp.notFound": { vi: "Không có phiếu này trên máy.", en: "This inspection is not on this phone." },
  "insp.formMissing": {
    vi: "Bảng kiểm của phiếu này chưa có trên máy. Hãy kết nối mạng để tải về.",
    en: "The checklist of this inspection is not on this phone. Connect to download it.",
  },
  "insp.readonly": { vi: "Phiếu đã hoàn thành, chỉ xem.", en: "Completed inspection, read only." },
  "insp.amend": { vi: "Sửa phiếu này", en: "Correct this inspection" },
  "insp.amendExists": { vi: "Phiếu này đã có một bản sửa trên máy.", en: "A correction of this inspection is already on this phone." },
  "insp.amending": {
    vi: "Bản sửa của một phiếu đã gửi: khi hoàn thành, bản này thay thế phiếu cũ trên máy chủ.",
    en: "A correction of a sent inspection: once completed, it replaces the old one on the server.",
  },
  "insp.saved": { vi: "Đã lưu trên máy", en: "Saved on this phone" },

  "result.passed": { vi: "Đạt", en: "Passed" },
  "result.failed": { vi: "Không đạt", en: "Failed" },
  "result.not_assessed": { vi: "Chưa đánh giá", en: "Not assessed" },
  "result.progress": { vi: "{n}/{min} tiêu chí đạt", en: "{n}/{min} criteria met" },
  "result.reasons": { vi: "Lý do không đạt", en: "Why it failed" },
  "result.recommendations": { vi: "Khuyến nghị", en: "Recommendations" },
  "reason.veto": { vi: "Có sự việc loại trừ: {items}", en: "An excluding event occurred: {items}" },
  "reason.mandatory": { vi: "Tiêu chí bắt buộc không đạt: {items}", en: "Mandatory criteria not met: {items}" },
  "reason.threshold": {
    vi: "Điểm {score} thấp hơn ngưỡng đạt {threshold}",
    en: "Score {score} is below the pass mark of {threshold}",
  },
  "reason.min_passed": {
    vi: "Chỉ {n}/{min} tiêu chí đạt (cần ít nhất {min})",
    en: "Only {n}/{min} criteria met (at least {min} required)",
  },

  "problem.required_missing": { vi: "Chưa trả lời", en: "Not answered" },
  "problem.invalid_value": { vi: "Giá trị không hợp lệ", en: "Not a valid value" },
  "problem.na_not_allowed": { vi: "Mục này không được chọn “Không áp dụng”", en: "Not applicable is not allowed here" },
  "problem.unknown_choice": { vi: "Lựa chọn không có trong danh sách", en: "Not one of the choices" },
  "problem.out_of_range": { vi: "Số nằm ngoài khoảng cho phép", en: "Number out of range" },
  "problem.not_integer": { vi: "Cần nhập số nguyên", en: "A whole number is needed" },
  "problem.unknown_item": { vi: "Mục không có trong bảng kiểm", en: "Not an item of the checklist" },
  "problem.malformed": { vi: "Phiếu bị lỗi, máy chủ không đọc được", en: "The record is damaged and cannot be read" },
  "problem.facility_unknown": { vi: "Máy chủ không có cơ sở này", en: "This facility is not on the server" },
  "problem.facility_out_of_scope": { vi: "Cơ sở này không thuộc địa bàn của bạn", en: "This facility is outside your area" },
  "problem.form_unknown": { vi: "Máy chủ không có bảng kiểm này (hoặc phiên bản này)", en: "The server does not have this checklist version" },
  "problem.form_not_applicable": { vi: "Bảng kiểm này không dùng cho loại cơ sở này", en: "This checklist does not apply to this kind of facility" },
  "problem.invalid_time": { vi: "Thời gian ghi trên phiếu không đúng", en: "The times on the record are not valid" },
  "problem.completed_in_future": { vi: "Giờ hoàn thành chưa tới: hãy kiểm tra đồng hồ của điện thoại", en: "Completed in the future: check the phone's clock" },
  "problem.team_lead": { vi: "Đoàn kiểm tra phải có đúng một trưởng đoàn", en: "The team needs exactly one lead" },
  "problem.team_duplicate": { vi: "Một thành viên được ghi hai lần trong đoàn", en: "A member is named twice in the team" },
  "problem.supersedes_self": { vi: "Phiếu không thể sửa chính nó", en: "A record cannot amend itself" },
  "problem.supersedes_unknown": { vi: "Máy chủ không có phiếu cần sửa", en: "The inspection to amend is not on the server" },
  "problem.supersedes_forbidden": { vi: "Chỉ người lập phiếu hoặc quản trị viên được sửa phiếu này", en: "Only the inspector who made it, or an admin, may amend it" },
  "problem.supersedes_mismatch": { vi: "Phiếu sửa phải cùng cơ sở và cùng bảng kiểm", en: "An amendment must be for the same facility and checklist" },
  "problem.supersedes_already_superseded": { vi: "Phiếu này đã được sửa rồi; hãy sửa phiếu mới nhất", en: "That inspection was already amended; amend the newest one" },
  "problem.action_not_failed": { vi: "Yêu cầu khắc phục chỉ dành cho tiêu chí không đạt hoặc sự việc đã xảy ra", en: "A corrective action is only for a failed check or an event that occurred" },
  "problem.action_duplicate": { vi: "Một tiêu chí có hai yêu cầu khắc phục", en: "Two corrective actions for one check" },
  "problem.action_due_invalid": { vi: "Hạn khắc phục phải từ ngày kiểm tra đến tối đa ba năm sau", en: "The due date must be between the inspection day and three years after it" },
  "followUp.title": { vi: "Yêu cầu khắc phục", en: "Corrective actions" },
  "followUp.help": {
    vi: "Mỗi tiêu chí không đạt và mỗi sự việc đã xảy ra cần một yêu cầu khắc phục: ghi việc cơ sở phải làm và hạn hoàn thành. Có thể sửa nội dung gợi ý.",
    en: "Each failed check and each event that occurred needs a corrective action: what the facility must do and by when. The suggested text can be changed.",
  },
  "followUp.none": { vi: "Không có yêu cầu khắc phục.", en: "No corrective actions." },
  "followUp.requirement": { vi: "Yêu cầu khắc phục", en: "Corrective action" },
  "followUp.due": { vi: "Hạn khắc phục", en: "Due date" },
  "followUp.count": { vi: "{n} yêu cầu khắc phục sẽ được gửi cho cơ sở.", en: "{n} corrective actions will be sent to the facility." },
  "insp.outcome": { vi: "Kết quả: {result}", en: "Result: {result}" },
  "team.title": { vi: "Đoàn kiểm tra", en: "Inspection team" },
  "team.help": {
    vi: "Ghi họ tên, cơ quan và vai trò của từng thành viên; mỗi người ký tên. Đại diện cơ sở ký ở cuối phiếu.",
    en: "Write each member's name, agency and role; each member signs. The facility's representative signs at the end of the checklist.",
  },
  "team.member": { vi: "Thành viên {n}", en: "Member {n}" },
  "team.name": { vi: "Họ và tên", en: "Full name" },
  "team.agency": { vi: "Cơ quan", en: "Agency" },
  "team.role.lead": { vi: "Trưởng đoàn", en: "Team lead" },
  "team.role.member": { vi: "Thành viên", en: "Member" },
  "team.roleOf": { vi: "Vai trò của {name}", en: "Role of {name}" },
  "team.signature": { vi: "Chữ ký", en: "Signature" },
  "team.remove": { vi: "Bỏ {name} khỏi đoàn", en: "Remove {name} from the team" },
  "team.add": { vi: "Thêm thành viên", en: "Add a member" },
  "team.incomplete": { vi: "Hãy hoàn thiện thông tin đoàn kiểm tra.", en: "Complete the inspection team first." },
  "team.problem.empty": { vi: "Đoàn kiểm tra cần ít nhất một người.", en: "The team needs at least one person." },
  "team.problem.lead": { vi: "Đoàn cần đúng một trưởng đoàn.", en: "The team needs exactly one lead." },
  "team.problem.name": { vi: "Mỗi thành viên cần họ tên và cơ quan.", en: "Each member needs a name and an agency." },
  "team.problem.signature": { vi: "Mỗi thành viên cần ký tên.", en: "Each member needs to sign." },
  "team.problem.duplicate": { vi: "Một người được ghi hai lần.", en: "Someone is listed twice." },

  "outbox.title": { vi: "Hộp thư đi", en: "Outbox" },
  "outbox.empty": { vi: "Chưa có phiếu nào đã hoàn thành.", en: "No completed inspections yet." },
  "outbox.syncNow": { vi: "Đồng bộ ngay", en: "Sync now" },
  "outbox.syncing": { vi: "Đang đồng bộ…", en: "Syncing…" },
  "outbox.lastOk": { vi: "Đồng bộ thành công lần cuối: {time}", en: "Last successful sync: {time}" },
  "outbox.retryIn": { vi: "Sẽ thử lại sau {s} giây.", en: "Trying again in {s} s." },
  "outbox.offline": {
    vi: "Đang ngoại tuyến: phiếu được giữ trên máy và tự gửi khi có mạng.",
    en: "Offline: inspections are kept on this phone and sent when a connection returns.",
  },
  "outbox.transient": {
    vi: "Chưa gửi được (máy chủ hoặc mạng đang lỗi). Phiếu vẫn được giữ trên máy.",
    en: "Could not send (server or network problem). Everything is kept on this phone.",
  },
  "outbox.forbidden": { vi: "Máy chủ từ chối: {message}", en: "The server refused: {message}" },
  "outbox.state.queued": { vi: "Chỉ có trên máy này", en: "On this phone only" },
  "outbox.state.sending": { vi: "Đang gửi", en: "Sending" },
  "outbox.state.received": { vi: "Máy chủ đã nhận", en: "Received by the server" },
  "outbox.state.attention": { vi: "Cần xử lý", en: "Needs attention" },
  "outbox.receivedAt": { vi: "Máy chủ đã nhận lúc {time}", en: "Received at {time}" },
  "outbox.serverScore": { vi: "Kết quả của máy chủ: {result}", en: "Server's result: {result}" },
  "outbox.preview": { vi: "Kết quả trên máy: {result}", en: "Result on the phone: {result}" },
  "outbox.completedAt": { vi: "Hoàn thành {time}", en: "Completed {time}" },
  "outbox.photosWaiting": { vi: "Còn {n} ảnh chờ gửi", en: "{n} photos waiting to upload" },
  "outbox.photoError": { vi: "Ảnh không gửi được: {message}", en: "A photo could not be uploaded: {message}" },
  "outbox.conflict": {
    vi: "Máy chủ đã có một phiếu khác cùng mã này. Phiếu trên máy được giữ nguyên.",
    en: "The server holds different content under this inspection's id. The phone's copy is kept.",
  },
  "outbox.rejected": { vi: "Máy chủ không nhận phiếu này.", en: "The server did not accept this inspection." },
  "outbox.serverSays": { vi: "Lý do từ máy chủ: {message}", en: "The server's reason: {message}" },
  "outbox.reopen": { vi: "Mở lại để sửa", en: "Reopen to correct" },
  "outbox.resendNew": { vi: "Gửi thành phiếu mới", en: "Send as a new inspection" },
  "outbox.remove": { vi: "Xóa khỏi máy này", en: "Remove from this phone" },
  "outbox.removeConfirm": {
    vi: "Xóa phiếu này khỏi máy? Phiếu chưa được máy chủ nhận sẽ mất hẳn. Hãy xuất tệp trước nếu cần.",
    en: "Remove this inspection from the phone? If the server has not received it, it is lost. Export it first if needed.",
  },
  "outbox.removeReceivedConfirm": {
    vi: "Xóa phiếu đã được máy chủ nhận khỏi danh sách trên máy này?",
    en: "Remove this inspection, already received by the server, from this phone's list?",
  },
  "outbox.open": { vi: "Xem phiếu", en: "View" },

  "settings.title": { vi: "Cài đặt", en: "Settings" },
  "settings.language": { vi: "Ngôn ngữ", en: "Language" },
  "settings.storage": { vi: "Lưu trữ trên máy", en: "Storage on this phone" },
  "settings.persisted": {
    vi: "Trình duyệt đã cho phép lưu trữ bền vững: dữ liệu không bị tự động xóa khi máy thiếu dung lượng.",
    en: "Persistent storage granted: the browser will not clear this data when space runs low.",
  },
  "settings.notPersisted": {
    vi: "Chưa được cấp lưu trữ bền vững: khi máy thiếu dung lượng, trình duyệt có thể xóa dữ liệu. Hãy gửi phiếu thường xuyên hoặc cài ứng dụng lên màn hình chính.",
    en: "Persistent storage not granted: the browser may clear this data when space runs low. Sync often, or install the app on the home screen.",
  },
  "settings.persistAsk": { vi: "Yêu cầu lưu trữ bền vững", en: "Ask for persistent storage" },
  "settings.usage": { vi: "Đang dùng {used} trên {quota}", en: "Using {used} of {quota}" },
  "settings.export": { vi: "Xuất phiếu chưa gửi ra tệp", en: "Export unsent inspections to a file" },
  "settings.exportHelp": {
    vi: "Tạo một tệp JSON chứa mọi phiếu nháp, phiếu chưa được máy chủ nhận và ảnh chưa gửi: dùng khi phải bàn giao điện thoại.",
    en: "Saves one JSON file with every draft, every inspection the server has not received and photos not uploaded: for when a phone must be handed in.",
  },
  "settings.exported": { vi: "Đã xuất {n} phiếu.", en: "Exported {n} inspections." },
  "settings.refresh": { vi: "Tải lại bảng kiểm và danh sách cơ sở", en: "Download checklists and facilities again" },
  "settings.refreshed": { vi: "Đã tải lại dữ liệu.", en: "Data downloaded again." },
  "settings.refreshFailed": { vi: "Chưa tải được dữ liệu ({code}).", en: "Could not download the data ({code})." },
  "settings.version": { vi: "Phiên bản ứng dụng: {v}", en: "App version: {v}" },
  "settings.account": { vi: "Tài khoản", en: "Account" },

  "compliance.title": { vi: "Tình trạng an toàn của cơ sở", en: "Facility safety status" },
  "compliance.listTitle": { vi: "Cơ sở không đạt trong tỉnh", en: "Non-compliant facilities in the province" },
  "compliance.unavailable": {
    vi: "Chưa có dữ liệu tình trạng (cần kết nối mạng, hoặc máy chủ chưa cung cấp).",
    en: "No status data yet (a connection is needed, or the server does not provide it yet).",
  },
  "compliance.asOf": { vi: "Dữ liệu lúc {time}", en: "Data as of {time}" },
  "compliance.current": { vi: "Lần kiểm tra gần nhất: {time}", en: "Latest inspection: {time}" },
  "compliance.never": { vi: "Chưa được kiểm tra theo bảng kiểm này.", en: "Never inspected with this checklist." },
  "compliance.failed": { vi: "Tiêu chí không đạt", en: "Criteria not met" },
  "compliance.none": { vi: "Không có cơ sở nào không đạt.", en: "No non-compliant facility." },
  "compliance.total": { vi: "{n} cơ sở", en: "{n} facilities" },

  // The facility's screen (views/site.js): results, corrective actions, reports of a fix.
  "site.updated": { vi: "Cập nhật lúc {time}", en: "Updated {time}" },
  "site.offline": { vi: "Đang ngoại tuyến: hiển thị dữ liệu đã tải lần trước.", en: "Offline: showing the last download." },
  "site.unavailable": {
    vi: "Chưa có dữ liệu của cơ sở này trên máy. Hãy kết nối mạng để tải.",
    en: "Nothing about this site on this phone yet. Connect to download it.",
  },
  "site.open": { vi: "Xem kết quả và yêu cầu khắc phục", en: "Results and corrective actions" },
  "site.latest": { vi: "Kết quả gần nhất", en: "Latest results" },
  "site.inspected": { vi: "Kiểm tra ngày {date}, thanh tra: {who}", en: "Inspected {date} by {who}" },
  "site.nextDue": { vi: "Hạn kiểm tra tiếp theo: {date}", en: "Next inspection due: {date}" },
  "site.nextOverdue": { vi: "Đã quá hạn kiểm tra lại từ {date}", en: "Re-inspection overdue since {date}" },
  "site.sections": { vi: "Điểm từng phần", en: "Section scores" },
  "site.failed": { vi: "Tiêu chí không đạt ({n})", en: "Criteria not met ({n})" },
  "site.legal": { vi: "Căn cứ: {ref}", en: "Legal source: {ref}" },
  "site.note": { vi: "Ghi chú của thanh tra: {note}", en: "Inspector's note: {note}" },
  "site.photoAlt": { vi: "Ảnh {n}: {item}", en: "Photo {n}: {item}" },
  "site.photoOffline": { vi: "Ảnh chưa tải về máy", en: "Photo not on this phone yet" },
  "site.recommendations": { vi: "Khuyến nghị (không tính điểm) ({n})", en: "Recommendations (not scored) ({n})" },
  "site.minutes": { vi: "Tải biên bản (PDF)", en: "Download the minutes (PDF)" },
  "site.minutesFailed": { vi: "Chưa tải được biên bản ({code}).", en: "Could not download the minutes ({code})." },
  "site.minutesOffline": { vi: "Cần kết nối mạng để tải biên bản.", en: "Downloading the minutes needs a connection." },
  "site.actions": { vi: "Yêu cầu khắc phục ({n})", en: "Corrective actions ({n})" },
  "site.noActions": { vi: "Không có yêu cầu khắc phục nào.", en: "No corrective actions." },
  "site.due": { vi: "Hạn khắc phục: {date}", en: "Due: {date}" },
  "site.overdue": { vi: "Quá hạn", en: "Overdue" },
  "site.pending": { vi: "Đang chờ gửi", en: "Waiting to be sent" },
  "site.problem": { vi: "Chưa gửi được: {message}", en: "Not sent: {message}" },
  "site.retry": { vi: "Gửi lại", en: "Send again" },
  "site.history": { vi: "Lịch sử kiểm tra", en: "Inspection history" },
  "site.noHistory": { vi: "Chưa có lần kiểm tra nào.", en: "No inspections yet." },
  "site.chart": { vi: "Biểu đồ điểm theo thời gian: {points}", en: "Score over time: {points}" },
  "site.amended": { vi: "Đã được sửa đổi", en: "Amended" },
  "action.state.open": { vi: "Chưa khắc phục", en: "Not fixed" },
  "action.state.fix_reported": { vi: "Đã báo khắc phục", en: "Fix reported" },
  "action.state.verified": { vi: "Đã xác nhận", en: "Verified" },
  "action.state.withdrawn": { vi: "Đã hủy", en: "Withdrawn" },
  "action.title": { vi: "Yêu cầu khắc phục", en: "Corrective action" },
  "action.requirement": { vi: "Yêu cầu", en: "Requirement" },
  "action.check": { vi: "Tiêu chí", en: "Criterion" },
  "action.legal": { vi: "Căn cứ pháp lý", en: "Legal source" },
  "action.dueLabel": { vi: "Hạn khắc phục", en: "Due date" },
  "action.state": { vi: "Trạng thái", en: "State" },
  "action.history": { vi: "Diễn biến", en: "History" },
  "action.system": { vi: "Hệ thống", en: "System" },
  "action.event.opened": { vi: "Mở yêu cầu", en: "Opened" },
  "action.event.fix_reported": { vi: "Cơ sở báo đã khắc phục", en: "Fix reported" },
  "action.event.verified": { vi: "Xác nhận đã khắc phục", en: "Verified" },
  "action.event.verified_by_inspection": { vi: "Lần kiểm tra sau xác nhận đã đạt", en: "Verified by a later inspection" },
  "action.event.reopened": { vi: "Mở lại", en: "Reopened" },
  "action.event.due_changed": { vi: "Đổi hạn khắc phục", en: "Due date changed" },
  "action.event.failed_again": { vi: "Lần kiểm tra sau vẫn không đạt", en: "Failed again" },
  "action.event.amended": { vi: "Biên bản được sửa đổi", en: "Inspection amended" },
  "action.event.withdrawn": { vi: "Hủy yêu cầu", en: "Withdrawn" },
  "action.eventDue": { vi: "Hạn mới: {date}", en: "New due date: {date}" },
  "action.notFound": { vi: "Không tìm thấy yêu cầu này trên máy.", en: "This action is not on this phone." },
  "action.report": { vi: "Báo đã khắc phục", en: "Report the fix" },
  "action.verify": { vi: "Xác nhận đã khắc phục", en: "Confirm the fix" },
  "action.verifyNote": { vi: "Ghi chú (không bắt buộc)", en: "Note (optional)" },
  "action.reopen": { vi: "Mở lại", en: "Reopen" },
  "action.reopenReason": { vi: "Lý do mở lại", en: "Why reopen" },
  "action.changeDue": { vi: "Đổi hạn", en: "Change the due date" },
  "action.newDue": { vi: "Hạn mới", en: "New due date" },
  "action.dueReason": { vi: "Lý do đổi hạn", en: "Why change it" },
  "action.needReason": { vi: "Hãy ghi lý do.", en: "Write the reason." },
  "action.needDue": { vi: "Hãy chọn hạn mới.", en: "Pick the new due date." },
  "action.needOnline": {
    vi: "Cần kết nối mạng để gửi quyết định này. Nội dung đã nhập vẫn được giữ; hãy thử lại khi có mạng.",
    en: "This decision needs a connection. What you typed is kept; try again when online.",
  },
  "action.working": { vi: "Đang gửi…", en: "Sending…" },
  "action.done": { vi: "Đã lưu.", en: "Saved." },
  "action.failed": { vi: "Không gửi được: {message}", en: "Not sent: {message}" },
  "fix.title": { vi: "Báo đã khắc phục", en: "Report the fix" },
  "fix.description": { vi: "Đã khắc phục những gì", en: "What was fixed" },
  "fix.needDescription": { vi: "Hãy mô tả việc đã khắc phục.", en: "Describe what was fixed." },
  "fix.photos": { vi: "Ảnh sau khắc phục", en: "Photos of the fix" },
  "fix.photoAdd": { vi: "Chụp hoặc chọn ảnh", en: "Take or choose a photo" },
  "fix.photoAlt": { vi: "Ảnh khắc phục {n}", en: "Photo of the fix {n}" },
  "fix.photoRemove": { vi: "Bỏ ảnh {n}", en: "Remove photo {n}" },
  "fix.photoMax": { vi: "Tối đa {n} ảnh.", en: "At most {n} photos." },
  "fix.submit": { vi: "Gửi báo cáo", en: "Send the report" },
  "fix.saved": {
    vi: "Đã lưu trên máy. Báo cáo sẽ tự gửi khi có mạng.",
    en: "Saved on this phone. It will be sent when online.",
  },
  "outbox.fixFor": { vi: "Khắc phục: {what}", en: "Fix: {what}" },
  "outbox.fixCreated": { vi: "Ghi lúc {time}", en: "Written {time}" },
  "outbox.fixOpen": { vi: "Xem yêu cầu", en: "View the action" },
  // --- issue 13: the compact checklist, the facility list's status, honest sync, offline sign-in
  "insp.noteAdd": { vi: "Thêm ghi chú hoặc ảnh", en: "Add a note or photo" },
  "insp.noteHas": { vi: "Ghi chú và ảnh: {n} ảnh, {note}", en: "Note and photos: {n} photos, {note}" },
  "insp.noteYes": { vi: "có ghi chú", en: "with a note" },
  "insp.noteNo": { vi: "chưa có ghi chú", en: "no note" },
  "insp.notePlaceholder": { vi: "Ghi chú", en: "Note" },
  "insp.nextUnanswered": { vi: "Câu chưa trả lời tiếp theo", en: "Next unanswered" },
  "insp.index": { vi: "Mục lục", en: "Sections" },
  "insp.sectionFailed": { vi: "{n} không đạt", en: "{n} failed" },
  "insp.scoreDone": { vi: "Kết quả tính trên máy", en: "Result on this phone" },
  "insp.scoreReceived": { vi: "Kết quả đã gửi", en: "Result as received" },
  "insp.summary": { vi: "Tóm tắt phiếu", en: "Summary" },
  "insp.sumAnswered": { vi: "Đã trả lời", en: "Answered" },
  "insp.sumOf": { vi: "{n}/{total}", en: "{n}/{total}" },
  "insp.sumFailed": { vi: "Không đạt", en: "Failed" },
  "insp.sumMandatory": { vi: "Bắt buộc không đạt", en: "Mandatory failed" },
  "insp.sumMissing": { vi: "Chưa trả lời", en: "Missing" },
  "insp.signStart": { vi: "Ký tên", en: "Sign" },
  "insp.sectionHelp": { vi: "Hướng dẫn cho phần này", en: "About this section" },
  "facilities.pending": { vi: "Chờ gửi", en: "Waiting to send" },
  "facilities.attention": { vi: "Cần xem lại", en: "Needs attention" },
  "facilities.received": { vi: "Đã gửi: {result} {score}", en: "Sent: {result} {score}" },
  "sync.failedAt": { vi: "Lần gửi cuối thất bại lúc {time}", en: "Last attempt failed at {time}" },
  "auth.offlineContinue": { vi: "Tiếp tục làm việc ngoại tuyến", en: "Continue working offline" },
  "auth.offlineHelp": {
    vi: "Không có mạng. {user} có thể nhập mật khẩu để tiếp tục với phiếu trên máy; phiếu sẽ được gửi sau khi đăng nhập lại.",
    en: "No connection. {user} can enter the password to carry on with the inspections on this phone; they are sent after signing in again.",
  },
  "auth.offlineWrong": { vi: "Sai mật khẩu.", en: "Wrong password." },
  "auth.offlineNone": {
    vi: "Không có mạng. Lần đầu đăng nhập trên máy này cần có kết nối.",
    en: "No connection. The first sign-in on this phone needs one.",
  },
  "auth.offlineMode": {
    vi: "Đang làm việc ngoại tuyến. Đăng nhập lại khi có mạng để gửi phiếu.",
    en: "Working offline. Sign in again when online to send.",
  },
  // --- web push (docs/push.md) ---
  "push.title": { vi: "Thông báo", en: "Notifications" },
  "push.switch": { vi: "Nhận thông báo", en: "Receive notifications" },
  "push.help": {
    vi: "Khi bật, máy này sẽ nhận thông báo về:",
    en: "When on, this phone is told about:",
  },
  "push.none": { vi: "Vai trò của bạn không có thông báo nào.", en: "Your role receives no notifications." },
  "push.unsupported": {
    vi: "Trình duyệt này không nhận được thông báo. Hãy cài ứng dụng vào màn hình chính.",
    en: "This browser cannot receive notifications. Install the app on the home screen.",
  },
  "push.denied": {
    vi: "Bạn đã chặn thông báo. Hãy cho phép trong cài đặt của trình duyệt.",
    en: "Notifications are blocked. Allow them in the browser's settings.",
  },
  "push.on": { vi: "Đã bật thông báo trên máy này.", en: "Notifications are on for this phone." },
  "push.off": { vi: "Đã tắt thông báo trên máy này.", en: "Notifications are off for this phone." },
  "push.failed": { vi: "Không bật được thông báo ({code}).", en: "Could not turn notifications on ({code})." },
  "push.needOnline": { vi: "Cần có mạng để bật hoặc tắt thông báo.", en: "Turning notifications on or off needs a connection." },
  "push.type.result": { vi: "Kết quả kiểm tra mới hoặc đã sửa", en: "A new or amended inspection result" },
  "push.type.actions_opened": { vi: "Yêu cầu khắc phục mới", en: "New corrective actions" },
  "push.type.action_due_soon": { vi: "Yêu cầu sắp đến hạn (3 ngày)", en: "An action due in 3 days" },
  "push.type.action_overdue": { vi: "Yêu cầu quá hạn", en: "An overdue action" },
  "push.type.fix_verified": { vi: "Khắc phục được xác nhận", en: "A fix verified" },
  "push.type.fix_reopened": { vi: "Khắc phục bị mở lại", en: "A fix reopened" },
  "push.type.site_noncompliant": {
    vi: "Cơ sở không đạt hoặc có sự việc nghiêm trọng",
    en: "A site not compliant or with a veto event",
  },
  "push.type.fix_waiting": { vi: "Khắc phục chờ xác nhận", en: "A fix awaiting verification" },
  "push.type.overdue_digest": { vi: "Tổng hợp yêu cầu quá hạn, mỗi ngày một lần", en: "Overdue actions, one daily summary" },
  "push.type.kept_aside": { vi: "Phiếu của bạn bị giữ lại, cần xử lý", en: "A record of yours kept aside, needing you" },
  // --- end web push ---
};

const KEY = "safeschool.lang";
/** @type {"vi"|"en"} */
let current = "vi";
try {
  current = globalThis.localStorage?.getItem(KEY) === "en" ? "en" : "vi";
} catch {
  current = "vi";
}

export function lang() {
  return current;
}

/** @param {"vi"|"en"} value */
export function setLang(value) {
  current = value === "en" ? "en" : "vi";
  try {
    localStorage.setItem(KEY, current);
  } catch {
    // private mode: the choice lasts for this visit
  }
  document.documentElement.lang = current;
}

/**
 * A catalogue string in the current language, with {name} placeholders filled in.
 * @param {string} key @param {Record<string, unknown>} [vars]
 */
export function t(key, vars) {
  const entry = CATALOGUE[key];
  if (!entry) {
    console.warn("missing string", key);
    return key;
  }
  let text = entry[current];
  if (vars) text = text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
  return text;
}

/** @param {string} key */
export function has(key) {
  return key in CATALOGUE;
}

/** A checklist text ({vi, en}) in the current language. @param {{vi: string, en: string}|null|undefined} text */
export function tx(text) {
  return text ? text[current] || text.vi : "";
}

/** A local date and time, short: "01/12/2026 09:30" in both languages. @param {string|null|undefined} iso */
export function when(iso) {
  return iso ? moment(iso) : t("common.never");
}
