import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { servicesErrors } from '../errors.js';
import { procedureCode, TAG } from '../http.js';
import { fileFromNational, NATIONAL_ACTOR } from '../national.service.js';
import { nationalDate, nationalStatus, parseNationalDate } from '../national.sync.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The bearer token, compared in constant time (digests, so the length leaks nothing either). */
function checkToken(k: Kernel, req: FastifyRequest): void {
  const want = k.config.NATIONAL_INBOUND_TOKEN;
  if (!want) throw servicesErrors.nationalInboundOff();
  const got = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
  if (!timingSafeEqual(digest(got), digest(want))) throw servicesErrors.nationalTokenInvalid();
}

const nationalDateField = z
  .string()
  .regex(/^[0-9]{14}$/, 'Ngày giờ theo định dạng yyyyMMddHHmmss (giờ Việt Nam)')
  .refine((s) => parseNationalDate(s) !== null, 'Ngày giờ không có thật');

/** A dossier filed on the national portal, in its field names; fields this adapter does not use are ignored. */
const body = z.object({
  MaHoSoQuocGia: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z.\-_/]{3,60}$/, 'Mã hồ sơ trên Cổng Dịch vụ công quốc gia không hợp lệ'),
  MaTTHC: procedureCode,
  MaCoQuan: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z.\-]{0,39}$/, 'Mã cơ quan, đơn vị không hợp lệ').optional(),
  ChuHoSo: z.string().trim().min(1, 'Chưa có họ tên chủ hồ sơ').max(200),
  SoGiayToChuHoSo: z.string().regex(/^([0-9]{12}|[0-9]{10}(-[0-9]{3})?)$/, 'Số định danh cá nhân gồm 12 chữ số (mã số thuế: 10 hoặc 13 chữ số)').optional(),
  SoDienThoai: z.string().regex(/^(\+84|0)[0-9]{9,10}$/, 'Số điện thoại không hợp lệ').optional(),
  Email: z.string().max(200).regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'Địa chỉ thư điện tử không hợp lệ').optional(),
  DiaChiChuHoSo: z.string().trim().max(500).optional(),
  NgayNopHoSo: nationalDateField.optional(),
  // Filed on the national portal: online whatever the marker says (1 desk, 2 online, 3 post in the national sync).
  KenhThucHien: z.union([z.enum(['1', '2', '3']), z.literal(1), z.literal(2), z.literal(3)]).optional(),
  BieuMau: z.record(z.string().max(60), z.record(z.string(), z.unknown())).optional(),
  // Attached files by link: downloaded from the portal (configured origins only), checked as any upload, stored here.
  TepDinhKem: z.array(z.object({
    MaThanhPhan: z.string().regex(/^[a-z][a-z0-9_]{1,40}$/, 'Mã thành phần hồ sơ không hợp lệ'),
    TenTep: z.string().trim().min(1, 'Chưa có tên tệp').max(255, 'Tên tệp tối đa 255 ký tự'),
    DuongDan: z.string().max(2000, 'Đường dẫn quá dài').regex(/^https?:\/\/\S+$/, 'Đường dẫn tải tệp phải là địa chỉ http(s)'),
    MaBam: z.string().regex(/^[0-9a-fA-F]{64}$/, 'Mã băm SHA-256 gồm 64 ký tự thập lục phân').optional(),
  })).max(50, 'Tối đa 50 tệp đính kèm').optional(),
});

const filed = z.object({
  id: z.string(),
  MaHoSo: z.string(),
  MaHoSoQuocGia: z.string(),
  TrangThaiHoSo: z.string(),
  state: z.string(),
  NgayNopHoSo: z.string(),
  /** How many attached files the dossier holds (downloaded from the portal's links). */
  SoTepDinhKem: z.number(),
});

export function nationalDossierCreateRoute(app: App, k: Kernel) {
  app.post(
    '/api/national/dossiers',
    {
      // Not a person's session: the national portal (or its relay) with its bearer token, checked before the body is read.
      config: { access: 'public', csrfExempt: true },
      onRequest: async (req) => checkToken(k, req),
      schema: {
        tags: [TAG],
        summary: 'Cổng Dịch vụ công quốc gia chuyển hồ sơ công dân đã nộp trên Cổng về tỉnh giải quyết (Bearer NATIONAL_INBOUND_TOKEN). Cùng MaHoSoQuocGia → cùng một hồ sơ',
        security: [{ bearer: [] }],
        body,
        response: { 201: filed, 200: filed },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const r = await fileFromNational(
        k,
        { ...ctxOf(req), actor: NATIONAL_ACTOR },
        {
          MaHoSoQuocGia: b.MaHoSoQuocGia, MaTTHC: b.MaTTHC, MaCoQuan: b.MaCoQuan, ChuHoSo: b.ChuHoSo, SoGiayToChuHoSo: b.SoGiayToChuHoSo,
          SoDienThoai: b.SoDienThoai, Email: b.Email, DiaChiChuHoSo: b.DiaChiChuHoSo,
          NgayNopHoSo: b.NgayNopHoSo ? parseNationalDate(b.NgayNopHoSo)! : undefined, BieuMau: b.BieuMau, TepDinhKem: b.TepDinhKem,
        },
        b.MaHoSoQuocGia,
      );
      const d = r.dossier;
      return reply.code(r.replayed ? 200 : 201).send({
        id: d.id, MaHoSo: d.code, MaHoSoQuocGia: d.nationalCode, TrangThaiHoSo: nationalStatus(d.state, ''), state: d.state, NgayNopHoSo: nationalDate(d.submittedAt), SoTepDinhKem: d.files,
      });
    },
  );
}
