import { z } from 'zod';

/** Schemas shared by the feedback routes. */
export const TAG = 'feedback';
export const MANAGE_BOUNDARIES = 'feedback.boundaries.manage';

export const uuidParam = z.string().uuid('Mã không hợp lệ');
export const reportCode = z.string().regex(/^(PA|KN|TC)-\d{4}-\d{6}$/, 'Mã phản ánh có dạng PA-2026-000123');
export const idempotencyHeaders = z.object({
  'idempotency-key': z.string().regex(/^[A-Za-z0-9._:-]{8,128}$/, 'Khóa chống lặp (Idempotency-Key) gồm 8–128 ký tự chữ, số, dấu chấm, gạch'),
});
export const latitude = z.number().gte(-90, 'Vĩ độ từ -90 đến 90').lte(90, 'Vĩ độ từ -90 đến 90');
export const longitude = z.number().gte(-180, 'Kinh độ từ -180 đến 180').lte(180, 'Kinh độ từ -180 đến 180');
/** Plain text: stored as typed, rendered escaped; control characters other than line breaks refused. */
export const plainText = (min: number, max: number, what: string) =>
  z.string().trim().min(min, `${what} quá ngắn`).max(max, `${what} dài quá ${max} ký tự`).refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(s), `${what} chứa ký tự điều khiển`);

export const submitBody = z.object({
  categoryCode: z.string().regex(/^[a-z][a-z0-9_]{1,40}$/, 'Lĩnh vực không hợp lệ'),
  title: plainText(5, 200, 'Tiêu đề'),
  body: plainText(10, 5000, 'Nội dung'),
  lat: latitude.nullable().optional(),
  lon: longitude.nullable().optional(),
  address: plainText(3, 500, 'Địa chỉ').nullable().optional(),
  showName: z.boolean().optional(),
  keepPhotoLocation: z.boolean().optional(),
  channel: z.enum(['web', 'app', 'hotline', 'desk', 'email']).optional(),
  reporter: z.object({
    name: plainText(2, 200, 'Họ tên'),
    phone: z.string().regex(/^\+?[0-9 .-]{8,15}$/, 'Số điện thoại không hợp lệ').nullable().optional(),
    email: z.string().email('Email không hợp lệ').max(200).nullable().optional(),
  }).strict().optional(),
  unitCode: z.string().regex(/^\d{5}$/, 'Mã xã, phường gồm 5 chữ số').nullable().optional(),
  photos: z.array(z.object({ name: z.string().min(1).max(255), data: z.string().max(15_000_000, 'Ảnh quá lớn').base64('Ảnh phải mã hóa base64') }).strict()).max(5, 'Tối đa 5 ảnh').optional(),
  videos: z.array(z.object({ name: z.string().min(1).max(255), data: z.string().max(42_000_000, 'Video quá lớn').base64('Video phải mã hóa base64') }).strict()).max(1, 'Tối đa 1 video').optional(),
}).strict();

const clock = z.object({ step: z.string(), dueAt: z.date(), pausedAt: z.date().nullable(), stoppedAt: z.date().nullable(), breachedAt: z.date().nullable() });
const location = z.object({ lat: z.number(), lon: z.number() }).nullable();
const category = z.object({ code: z.string(), name: z.string() });

export const reportViewSchema = z.object({
  id: z.string(),
  code: z.string(),
  kind: z.enum(['pakn', 'complaint', 'denunciation']),
  category,
  title: z.string(),
  body: z.string(),
  location,
  address: z.string().nullable(),
  unitCode: z.string().nullable(),
  channel: z.string(),
  reporterName: z.string().nullable(),
  reporterContact: z.object({ phone: z.string().nullable(), email: z.string().nullable() }).nullable(),
  reporterId: z.string().nullable(),
  showName: z.boolean(),
  state: z.string(),
  stateLabel: z.string(),
  dueAt: z.date().nullable(),
  overdue: z.boolean(),
  escalationLevel: z.number(),
  assigneeId: z.string().nullable(),
  answer: z.string().nullable(),
  answeredAt: z.date().nullable(),
  publishedAt: z.date().nullable(),
  rating: z.object({ value: z.enum(['satisfied', 'unsatisfied']), reason: z.string().nullable() }).nullable(),
  duplicateOf: z.string().nullable(),
  hidden: z.boolean(),
  createdAt: z.date(),
  photos: z.array(z.object({ position: z.number(), url: z.string(), width: z.number().nullable(), height: z.number().nullable(), kind: z.enum(['photo', 'video']), status: z.string() })),
  answerFiles: z.array(z.object({ name: z.string(), url: z.string() })),
  followers: z.number(),
  following: z.boolean(),
  version: z.number(),
  allowedActions: z.array(z.object({ action: z.string(), label: z.string() })),
  history: z.array(z.object({ seq: z.number(), action: z.string(), label: z.string(), toLabel: z.string(), actor: z.string().nullable(), at: z.date(), note: z.string().nullable() })),
  clocks: z.array(clock),
});

export const publicReportSchema = z.object({
  code: z.string(),
  category,
  title: z.string(),
  body: z.string(),
  location,
  address: z.string().nullable(),
  unitCode: z.string().nullable(),
  reporterName: z.string().nullable(),
  state: z.string(),
  stateLabel: z.string(),
  createdAt: z.date(),
  answer: z.string().nullable(),
  publishedAt: z.date().nullable(),
  rating: z.enum(['satisfied', 'unsatisfied']).nullable(),
  photos: z.array(z.object({ position: z.number(), url: z.string(), kind: z.enum(['photo', 'video']) })),
  answerFiles: z.array(z.object({ name: z.string(), url: z.string() })),
  followers: z.number(),
});

export const reportSummarySchema = z.object({
  id: z.string(), code: z.string(), kind: z.string(), categoryCode: z.string(), title: z.string(), state: z.string(), stateLabel: z.string(),
  unitCode: z.string().nullable(), channel: z.string(), createdAt: z.date(), dueAt: z.date().nullable(), escalationLevel: z.number(), overdue: z.boolean(), location,
});
