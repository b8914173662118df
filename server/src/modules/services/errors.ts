import { AppError, defineErrors } from '../../kernel/errors.js';

defineErrors({
  SERVICES_PROCEDURE_NOT_FOUND: { status: 404, vi: 'Không tìm thấy thủ tục hành chính mã {code}', en: 'No administrative procedure with code {code}' },
  SERVICES_PROCEDURE_VERSION_NOT_FOUND: { status: 404, vi: 'Thủ tục {code} không có phiên bản {version}', en: 'Procedure {code} has no version {version}' },
  SERVICES_CATALOGUE_INVALID: { status: 400, vi: 'Tệp danh mục thủ tục không hợp lệ: {reason}', en: 'Invalid procedure catalogue: {reason}' },
  SERVICES_PROCEDURE_NO_AGENCY: { status: 409, vi: 'Thủ tục {code} chưa gắn cơ quan giải quyết', en: 'Procedure {code} has no deciding agency' },
  SERVICES_PROCEDURE_NOT_ONLINE: { status: 409, vi: 'Thủ tục {code} không nhận hồ sơ trực tuyến; vui lòng nộp tại Bộ phận Một cửa', en: 'Procedure {code} is not offered online; please file at the one-stop desk' },
  SERVICES_DOSSIER_NOT_FOUND: { status: 404, vi: 'Không tìm thấy hồ sơ', en: 'Dossier not found' },
  SERVICES_DRAFT_NOT_FOUND: { status: 404, vi: 'Không tìm thấy hồ sơ nháp', en: 'Draft not found' },
  SERVICES_DRAFT_SUBMITTED: { status: 409, vi: 'Hồ sơ nháp này đã được nộp', en: 'This draft has already been submitted' },
  SERVICES_DOSSIER_NOT_RECEIVED: { status: 409, vi: 'Hồ sơ chưa được tiếp nhận nên chưa có giấy hẹn trả kết quả', en: 'The dossier has not been received yet, so it has no receipt' },
  SERVICES_EXTENSION_TOO_LATE: { status: 409, vi: 'Văn bản xin lỗi và hẹn lại phải gửi trước ngày hẹn trả kết quả', en: 'The apology and extension letter must be sent before the appointment date' },
  SERVICES_NO_SUCH_PAPER: { status: 404, vi: 'Hồ sơ không có văn bản này', en: 'The dossier has no such paper' },
  SERVICES_DOSSIER_NOT_SUPPLEMENTING: { status: 409, vi: 'Hồ sơ không ở trạng thái chờ bổ sung', en: 'The dossier is not waiting for a supplement' },
  SERVICES_DOSSIER_NOT_RATABLE: { status: 409, vi: 'Chỉ đánh giá được sau khi đã nhận kết quả', en: 'A dossier can be rated only after its result is returned' },
  SERVICES_PAYMENT_NOTHING_DUE: { status: 409, vi: 'Hồ sơ không còn khoản phí, lệ phí nào phải nộp lúc này', en: 'Nothing is due on this dossier now' },
  SERVICES_PAYMENT_GATEWAY_OFF: { status: 409, vi: 'Chưa bật thanh toán trực tuyến; vui lòng chuyển khoản bằng mã VietQR hoặc nộp tại Bộ phận Một cửa', en: 'Online payment is not enabled; pay by VietQR transfer or at the one-stop desk' },
  SERVICES_PAYMENT_SIGNATURE_INVALID: { status: 401, vi: 'Chữ ký của thông báo thanh toán không hợp lệ', en: 'The payment notification signature is not valid' },
  SERVICES_PAYMENT_NOT_FOUND: { status: 404, vi: 'Không tìm thấy giao dịch thanh toán {ref}', en: 'No payment with reference {ref}' },
  SERVICES_NATIONAL_INBOUND_OFF: { status: 404, vi: 'Chưa bật tiếp nhận hồ sơ từ Cổng Dịch vụ công quốc gia', en: 'Receiving dossiers from the National Public Service Portal is not enabled' },
  SERVICES_NATIONAL_TOKEN_INVALID: { status: 401, vi: 'Mã truy cập của Cổng Dịch vụ công quốc gia không hợp lệ', en: 'The National Public Service Portal token is not valid' },
});

/** Factories for the services module's codes. */
export const servicesErrors = {
  dossierNotFound: () => new AppError('SERVICES_DOSSIER_NOT_FOUND'),
  draftNotFound: () => new AppError('SERVICES_DRAFT_NOT_FOUND'),
  draftSubmitted: () => new AppError('SERVICES_DRAFT_SUBMITTED'),
  notOnline: (code: string) => new AppError('SERVICES_PROCEDURE_NOT_ONLINE', { code }),
  notReceived: () => new AppError('SERVICES_DOSSIER_NOT_RECEIVED'),
  extensionTooLate: () => new AppError('SERVICES_EXTENSION_TOO_LATE'),
  noSuchPaper: () => new AppError('SERVICES_NO_SUCH_PAPER'),
  notSupplementing: () => new AppError('SERVICES_DOSSIER_NOT_SUPPLEMENTING'),
  notRatable: () => new AppError('SERVICES_DOSSIER_NOT_RATABLE'),
  nothingDue: () => new AppError('SERVICES_PAYMENT_NOTHING_DUE'),
  gatewayOff: () => new AppError('SERVICES_PAYMENT_GATEWAY_OFF'),
  badSignature: () => new AppError('SERVICES_PAYMENT_SIGNATURE_INVALID'),
  paymentNotFound: (ref: string) => new AppError('SERVICES_PAYMENT_NOT_FOUND', { ref }),
  nationalInboundOff: () => new AppError('SERVICES_NATIONAL_INBOUND_OFF'),
  nationalTokenInvalid: () => new AppError('SERVICES_NATIONAL_TOKEN_INVALID'),
};
