import { defineErrors } from '../../kernel/errors.js';

export const identityErrors = defineErrors({
  INVALID_CREDENTIALS: {
    status: 401,
    vi: 'Tên đăng nhập hoặc mật khẩu không đúng',
    en: 'Wrong identifier or password',
  },
  TOTP_REQUIRED: {
    status: 401,
    vi: 'Vui lòng nhập mã xác thực 6 chữ số từ ứng dụng xác thực',
    en: 'Enter the 6-digit code from your authenticator app',
  },
  ACCOUNT_LOCKED: {
    status: 423,
    vi: 'Tài khoản tạm thời bị khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau {until}',
    en: 'The account is locked after too many failed sign-ins. Try again after {untilEn}',
  },
  LOGIN_THROTTLED: {
    status: 429,
    vi: 'Quá nhiều lần đăng nhập không thành công từ địa chỉ này, vui lòng thử lại sau {until}',
    en: 'Too many failed sign-ins from this address; try again after {untilEn}',
  },
  RESET_TOKEN_INVALID: {
    status: 400,
    vi: 'Liên kết đặt lại mật khẩu không hợp lệ hoặc đã hết hạn',
    en: 'The password reset link is invalid or has expired',
  },
  TOTP_INVALID: {
    status: 400,
    vi: 'Mã xác thực không đúng',
    en: 'The authentication code is wrong',
  },
  OIDC_DISABLED: {
    status: 404,
    vi: 'Đăng nhập qua {name} chưa được cấu hình',
    en: 'Sign-in with {name} is not configured',
  },
  OIDC_FAILED: {
    status: 400,
    vi: 'Đăng nhập qua {name} không thành công: {reason}',
    en: 'Sign-in with {name} failed: {reason}',
  },
  ROLE_ESCALATION: {
    status: 403,
    vi: 'Không thể gán vai trò có quyền mà bạn không có ({action})',
    en: 'You cannot grant a role with rights you do not hold ({action})',
  },
});
