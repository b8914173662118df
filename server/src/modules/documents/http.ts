import { z } from 'zod';
import { isoDate } from '../../kernel/http/schemas.js';
import { AUTHORITIES, DOC_TYPE_CODES } from './types.js';

/** Schemas shared by the documents routes. */
export const TAG = 'documents';

export const uuidParam = z.string().uuid('Mã không hợp lệ');
export const idempotencyHeaders = z.object({
  'idempotency-key': z.string().regex(/^[A-Za-z0-9._:-]{8,128}$/, 'Khóa chống lặp (Idempotency-Key) gồm 8–128 ký tự chữ, số, dấu chấm, gạch'),
});
export const plainText = (min: number, max: number, what: string) =>
  z.string().trim().min(min, `${what} quá ngắn`).max(max, `${what} dài quá ${max} ký tự`).refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(s), `${what} chứa ký tự điều khiển`);

/** A file sent inside JSON: its name and base64 content (≤ 50 MB). */
export const fileBody = z.object({
  name: z.string().min(1, 'Thiếu tên tệp').max(255, 'Tên tệp quá dài'),
  data: z.string().min(1, 'Tệp rỗng').max(70_000_000, 'Tệp quá lớn (tối đa 50 MB)').base64('Nội dung tệp phải mã hóa base64'),
}).strict();
export const UPLOAD_BODY_LIMIT = 72 * 1_048_576;
export const toFile = (f: z.infer<typeof fileBody>) => ({ name: f.name, data: Buffer.from(f.data, 'base64') });

export const metadata = {
  docType: z.enum(DOC_TYPE_CODES, { message: 'Loại văn bản không hợp lệ (theo Phụ lục III Nghị định 30/2020)' }),
  normative: z.boolean().optional(),
  summary: plainText(5, 1000, 'Trích yếu'),
  secrecy: z.enum(['none', 'mat', 'toi_mat', 'tuyet_mat'], { message: 'Độ mật: none, mat, toi_mat, tuyet_mat' }).optional(),
  urgency: z.enum(['normal', 'khan', 'thuong_khan', 'hoa_toc'], { message: 'Độ khẩn: normal, khan, thuong_khan, hoa_toc' }).optional(),
  pages: z.number().int('Số trang là số nguyên').positive('Số trang phải lớn hơn 0').max(10000).nullable().optional(),
  copies: z.number().int('Số bản là số nguyên').positive('Số bản phải lớn hơn 0').max(10000).nullable().optional(),
  dueDate: isoDate.nullable().optional(),
  signerName: plainText(2, 200, 'Người ký').nullable().optional(),
  signerTitle: plainText(2, 200, 'Chức vụ người ký').nullable().optional(),
  authority: z.enum(AUTHORITIES, { message: 'Thẩm quyền ký: TM., KT., Q., TL., TUQ. hoặc để trống' }).optional(),
  draftingUnit: z.string().regex(/^[A-ZĐ0-9]{1,10}$/, 'Đơn vị soạn thảo viết tắt, chữ in hoa (ví dụ VP)').nullable().optional(),
};

export const createOutgoingBody = z.object({
  ...metadata,
  recipients: z.array(z.object({
    agencyCode: z.string().regex(/^[A-Z0-9-]{2,30}$/, 'Mã cơ quan nhận không hợp lệ').optional(),
    name: plainText(2, 300, 'Tên nơi nhận').optional(),
  }).strict().refine((r) => !!r.agencyCode || !!r.name, 'Cần mã cơ quan hoặc tên nơi nhận')).max(200, 'Tối đa 200 nơi nhận'),
  file: fileBody.optional(),
}).strict();

export const receiveBody = z.object({
  ...metadata,
  numberSymbol: z.string().trim().min(1, 'Thiếu số, ký hiệu').max(100, 'Số, ký hiệu quá dài').regex(/^[\p{L}\p{N}./-]+$/u, 'Số, ký hiệu chỉ gồm chữ, số và các dấu / . -'),
  issuedOn: isoDate.nullable().optional(),
  issuerName: plainText(2, 300, 'Cơ quan ban hành'),
  file: fileBody,
}).strict();

export const listQuery = z.object({
  box: z.enum(['outgoing', 'incoming', 'mine', 'all']).default('all'),
  q: z.string().trim().max(200, 'Từ khóa quá dài').optional(),
  state: z.string().regex(/^[a-z_]+(,[a-z_]+)*$/, 'Trạng thái không hợp lệ').optional(),
  overdue: z.enum(['0', '1', 'true', 'false'], { message: 'overdue: 1 hoặc 0' }).transform((v) => v === '1' || v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
}).strict();
