import { AppError, defineErrors } from '../errors.js';

defineErrors({
  WORKFLOW_ACTION_NOT_ALLOWED: {
    status: 409,
    vi: 'Không thể thực hiện thao tác «{action}» khi hồ sơ đang ở trạng thái «{state}»{reason}',
    en: 'The action "{action}" is not allowed while the case is in state "{state}"{reason}',
  },
  WORKFLOW_UNKNOWN_TYPE: { status: 400, vi: 'Loại hồ sơ «{type}» chưa được khai báo', en: 'Case type "{type}" is not registered' },
  WORKFLOW_DEFINITION_INVALID: { status: 422, vi: 'Quy trình «{type}» không hợp lệ: {reason}', en: 'Process definition "{type}" is invalid: {reason}' },
});

export const workflowErrors = {
  notAllowed: (state: string, action: string, reason?: string | null) =>
    new AppError('WORKFLOW_ACTION_NOT_ALLOWED', { state, action, reason: reason ? ` (${reason})` : '' }),
  unknownType: (type: string) => new AppError('WORKFLOW_UNKNOWN_TYPE', { type }),
  invalidDefinition: (type: string, problems: string[]) => new AppError('WORKFLOW_DEFINITION_INVALID', { type, reason: problems.join('; ') }),
};
