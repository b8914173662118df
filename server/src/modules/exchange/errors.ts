import { AppError, defineErrors } from '../../kernel/errors.js';

defineErrors({
  EXCHANGE_DATASET_NOT_FOUND: { status: 404, vi: 'Không tìm thấy bộ dữ liệu {id}', en: 'No dataset {id}' },
  EXCHANGE_ORGANIZATION_NOT_FOUND: { status: 404, vi: 'Không tìm thấy cơ quan công bố dữ liệu {id}', en: 'No publishing organization {id}' },
  EXCHANGE_RESOURCE_NOT_FOUND: { status: 404, vi: 'Không tìm thấy tài nguyên dữ liệu {id}', en: 'No resource {id}' },
  EXCHANGE_DATASET_PERSONAL_DATA: {
    status: 422,
    vi: 'Bộ dữ liệu {id} có dữ liệu cá nhân ở cột {field} (dòng {row}); không công bố',
    en: 'Dataset {id} holds personal data in column {field} (row {row}); not published',
  },
  EXCHANGE_RUN_NOT_FOUND: { status: 404, vi: 'Không tìm thấy lượt cập nhật dữ liệu mở {id}', en: 'No open-data run {id}' },
  EXCHANGE_PARTNER_NOT_FOUND: { status: 404, vi: 'Không tìm thấy hệ thống đối tác {id}', en: 'No partner system {id}' },
  EXCHANGE_TOKEN_INVALID: { status: 401, vi: 'Mã truy cập của hệ thống đối tác không hợp lệ hoặc đã hết hạn', en: 'The partner access token is invalid or expired' },
  EXCHANGE_CLIENT_INVALID: { status: 401, vi: 'Sai mã hệ thống (client_id) hoặc khóa bí mật (client_secret)', en: 'Wrong client_id or client_secret' },
  EXCHANGE_SCOPE_NOT_GRANTED: {
    status: 403,
    vi: 'Hệ thống đối tác chưa được cơ quan chủ quản dữ liệu cấp quyền {scope}',
    en: 'The partner system has not been granted {scope} by the data owner',
  },
  EXCHANGE_GRANT_NOT_FOUND: { status: 404, vi: 'Không tìm thấy yêu cầu cấp quyền {id}', en: 'No access request {id}' },
  EXCHANGE_GRANT_DECIDED: { status: 409, vi: 'Yêu cầu cấp quyền này đã được trả lời ({status})', en: 'This access request has already been answered ({status})' },
  EXCHANGE_GRANT_PENDING: { status: 409, vi: 'Đã có yêu cầu quyền {scope} đang chờ trả lời', en: 'A request for {scope} is already waiting for an answer' },
  EXCHANGE_SUBSCRIPTION_NOT_FOUND: { status: 404, vi: 'Không tìm thấy đăng ký nhận sự kiện {id}', en: 'No webhook subscription {id}' },
  EXCHANGE_DELIVERY_NOT_FOUND: { status: 404, vi: 'Không tìm thấy lần gửi sự kiện {id}', en: 'No delivery {id}' },
});

/** Factories for the exchange module's codes. */
export const exchangeErrors = {
  datasetNotFound: (id: string) => new AppError('EXCHANGE_DATASET_NOT_FOUND', { id }),
  organizationNotFound: (id: string) => new AppError('EXCHANGE_ORGANIZATION_NOT_FOUND', { id }),
  resourceNotFound: (id: string) => new AppError('EXCHANGE_RESOURCE_NOT_FOUND', { id }),
  personalData: (id: string, field: string, row: number) => new AppError('EXCHANGE_DATASET_PERSONAL_DATA', { id, field, row }),
  runNotFound: (id: string | number) => new AppError('EXCHANGE_RUN_NOT_FOUND', { id }),
  partnerNotFound: (id: string) => new AppError('EXCHANGE_PARTNER_NOT_FOUND', { id }),
  tokenInvalid: () => new AppError('EXCHANGE_TOKEN_INVALID'),
  clientInvalid: () => new AppError('EXCHANGE_CLIENT_INVALID'),
  scopeNotGranted: (scope: string) => new AppError('EXCHANGE_SCOPE_NOT_GRANTED', { scope }),
  grantNotFound: (id: string) => new AppError('EXCHANGE_GRANT_NOT_FOUND', { id }),
  grantDecided: (status: string) => new AppError('EXCHANGE_GRANT_DECIDED', { status }),
  grantPending: (scope: string) => new AppError('EXCHANGE_GRANT_PENDING', { scope }),
  subscriptionNotFound: (id: string) => new AppError('EXCHANGE_SUBSCRIPTION_NOT_FOUND', { id }),
  deliveryNotFound: (id: string) => new AppError('EXCHANGE_DELIVERY_NOT_FOUND', { id }),
};
