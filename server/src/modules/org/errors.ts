import { defineErrors } from '../../kernel/errors.js';

export const orgErrors = defineErrors({
  ORG_UNIT_NOT_FOUND: { status: 404, vi: 'Không tìm thấy đơn vị hành chính mã {code}', en: 'No administrative unit with code {code}' },
  ORG_UNIT_CODE_TAKEN: { status: 409, vi: 'Mã đơn vị hành chính {code} đã được dùng', en: 'Unit code {code} is already in use' },
  ORG_UNIT_TYPE_MISMATCH: { status: 400, vi: 'Loại đơn vị "{type}" không phù hợp với mã {code} (tỉnh: 2 chữ số, xã/phường: 5 chữ số)', en: 'Unit type "{type}" does not fit code {code} (province: 2 digits, commune: 5 digits)' },
  ORG_UNIT_ENDED: { status: 409, vi: 'Đơn vị {code} đã chấm dứt hoạt động', en: 'Unit {code} has ended' },
  ORG_AGENCY_NOT_FOUND: { status: 404, vi: 'Không tìm thấy cơ quan', en: 'Agency not found' },
  ORG_AGENCY_CODE_TAKEN: { status: 409, vi: 'Mã cơ quan {code} đã được dùng', en: 'Agency code {code} is already in use' },
  ORG_DIVISION_CODE_TAKEN: { status: 409, vi: 'Mã phòng/ban {code} đã có trong cơ quan này', en: 'Division code {code} already exists in this agency' },
  ORG_POSITION_NOT_FOUND: { status: 400, vi: 'Không có chức vụ mã {code}', en: 'No position with code {code}' },
  ORG_OFFICIAL_NOT_FOUND: { status: 404, vi: 'Không tìm thấy cán bộ', en: 'Official not found' },
  ORG_OFFICIAL_EMAIL_TAKEN: { status: 409, vi: 'Thư điện tử {email} đã được dùng cho cán bộ khác', en: 'Email {email} is already used by another official' },
  ORG_IMPORT_INVALID: { status: 400, vi: 'Tệp danh mục đơn vị hành chính không hợp lệ: {reason}', en: 'Invalid unit list: {reason}' },
});
