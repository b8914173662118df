import { AppError, defineErrors } from '../../kernel/errors.js';

defineErrors({
  FEEDBACK_REPORT_NOT_FOUND: { status: 404, vi: 'Không tìm thấy phản ánh, kiến nghị', en: 'Report not found' },
  FEEDBACK_CATEGORY_NOT_FOUND: { status: 400, vi: 'Lĩnh vực phản ánh «{code}» không tồn tại', en: 'No report category «{code}»' },
  FEEDBACK_OUTSIDE_PROVINCE: { status: 400, vi: 'Vị trí phản ánh nằm ngoài địa giới tỉnh', en: 'The location is outside the province' },
  FEEDBACK_BLOCKED: { status: 403, vi: 'Tài khoản đã bị tạm khóa gửi phản ánh do vi phạm quy định sử dụng', en: 'This account may not send reports (blocked by a moderator)' },
  FEEDBACK_REOPEN_CLOSED: { status: 409, vi: 'Đã hết thời hạn {days} ngày để mở lại phản ánh', en: 'The {days}-day window to reopen has passed' },
  FEEDBACK_BOUNDARIES_INVALID: { status: 400, vi: 'Tệp địa giới không hợp lệ: {reason}', en: 'Invalid boundary file: {reason}' },
  FEEDBACK_INBOUND_EMAIL_OFF: { status: 404, vi: 'Chưa bật tiếp nhận phản ánh qua thư điện tử', en: 'Reports by email are not enabled' },
  FEEDBACK_INBOUND_EMAIL_TOKEN: { status: 401, vi: 'Mã truy cập của máy chủ thư không hợp lệ', en: 'Invalid mail gateway token' },
  FEEDBACK_API_KEY_INVALID: { status: 403, vi: 'Khóa API (api_key) không hợp lệ', en: 'Invalid api_key' },
});

export const feedbackErrors = {
  notFound: () => new AppError('FEEDBACK_REPORT_NOT_FOUND'),
  category: (code: string) => new AppError('FEEDBACK_CATEGORY_NOT_FOUND', { code }),
  outside: () => new AppError('FEEDBACK_OUTSIDE_PROVINCE'),
  blocked: () => new AppError('FEEDBACK_BLOCKED'),
  reopenClosed: (days: number) => new AppError('FEEDBACK_REOPEN_CLOSED', { days }),
  boundaries: (reason: string) => new AppError('FEEDBACK_BOUNDARIES_INVALID', { reason }),
  apiKey: () => new AppError('FEEDBACK_API_KEY_INVALID'),
  inboundOff: () => new AppError('FEEDBACK_INBOUND_EMAIL_OFF'),
  inboundToken: () => new AppError('FEEDBACK_INBOUND_EMAIL_TOKEN'),
};
