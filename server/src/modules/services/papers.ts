import { type PdfSpec, renderPdf, vnDateTime, vnMoney, vnPlaceDate } from '../../kernel/pdf/index.js';
import type { Procedure } from './catalogue.schema.js';
import type { AttachedFile, DossierRow } from './dossier.repo.js';

/**
 * The papers of a dossier as Vietnamese PDFs: the receipt and appointment
 * slip (Circular 03/2025 form 01) and the electronic result. The result is
 * what the documents module's signing flow signs once it exists (kernel/pki):
 * the hand-off is the dossier's `result_file_id`, replaced by the signed file.
 */

const PROVINCE = 'Ủy ban nhân dân tỉnh Ninh Bình';
const PLACE = 'Ninh Bình';

function limitText(t: Procedure['timeLimit']): string {
  return 'days' in t ? `${t.days} ngày làm việc` : `${t.hours} giờ làm việc`;
}

function agencyLines(d: DossierRow): string[] {
  return [PROVINCE, d.handler_name];
}

const CHANNEL = { online: 'Trực tuyến', desk: 'Trực tiếp', post: 'Bưu chính' } as const;

/** Form 01: the receipt and appointment slip, one per received dossier. */
export function receiptSpec(d: DossierRow, p: Procedure, files: AttachedFile[], receiver: string | null, trackUrl: string): PdfSpec {
  const received = d.received_at ?? d.submitted_at;
  const rows = p.components.map((c, i) => {
    const n = files.filter((f) => f.component === c.key && f.kind === 'component').length;
    const form = c.form && d.forms[c.key] ? 'Biểu mẫu điện tử' : '';
    const kind = [c.copies.original ? `${c.copies.original} bản chính` : '', c.copies.copy ? `${c.copies.copy} bản sao` : '', form, n ? `${n} tệp điện tử` : ''].filter(Boolean).join('; ');
    return [String(i + 1), c.name, kind || '—', c.required ? 'Bắt buộc' : 'Nếu có'];
  });
  return {
    meta: { title: `Giấy tiếp nhận hồ sơ và hẹn trả kết quả ${d.code}`, author: d.handler_name, subject: d.procedure_name, keywords: ['hồ sơ', d.code], createdAt: received },
    header: { agency: agencyLines(d), number: `Số: ${d.code}`, placeDate: vnPlaceDate(PLACE, received) },
    blocks: [
      { kind: 'title', text: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả', subtitle: `Mã hồ sơ: ${d.code}` },
      { kind: 'text', text: `${d.handler_name} tiếp nhận hồ sơ của:`, align: 'left' },
      {
        kind: 'fields',
        rows: [
          ['Ông/Bà', d.applicant.name],
          ['Số định danh cá nhân / mã số thuế', d.applicant.idNumber ?? ''],
          ['Địa chỉ', d.applicant.address ?? ''],
          ['Số điện thoại', d.applicant.phone ?? ''],
          ['Thư điện tử', d.applicant.email ?? ''],
          ['Nội dung yêu cầu giải quyết', `${d.procedure_name} (mã thủ tục ${d.procedure_code})`],
          ['Kênh nộp hồ sơ', CHANNEL[d.channel]],
        ],
      },
      { kind: 'text', text: '1. Thành phần hồ sơ nộp gồm:', bold: true, align: 'left' },
      { kind: 'table', columns: [{ title: 'TT', width: 0.5 }, { title: 'Tên giấy tờ', width: 5 }, { title: 'Hình thức, số lượng', width: 2.2 }, { title: 'Ghi chú', width: 1.2 }], rows },
      {
        kind: 'fields',
        rows: [
          ['2. Số lượng hồ sơ', '01 bộ'],
          ['3. Thời gian giải quyết hồ sơ theo quy định', limitText(p.timeLimit)],
          ['4. Thời gian nhận hồ sơ', vnDateTime(received)],
          ['5. Thời gian trả kết quả giải quyết hồ sơ', d.due_at ? vnDateTime(d.due_at) : ''],
          ['6. Phí, lệ phí', p.fees.length ? p.fees.map((f) => `${f.name}: ${vnMoney(f.amount)}`).join('; ') : 'Không'],
          ['7. Nhận kết quả tại', d.channel === 'online' ? 'Tài khoản trên Cổng Dịch vụ công hoặc Bộ phận Một cửa' : 'Bộ phận Một cửa nơi nộp hồ sơ'],
        ],
      },
      { kind: 'text', text: `Vào Sổ theo dõi hồ sơ. Tra cứu tình trạng hồ sơ tại ${trackUrl}`, italic: true, align: 'left' },
      {
        kind: 'signatures',
        blocks: [
          { title: 'Người nộp hồ sơ', subtitle: '(Ký và ghi rõ họ tên)', name: d.channel === 'online' ? `${d.applicant.name} (nộp trực tuyến)` : d.applicant.name },
          { title: 'Người tiếp nhận hồ sơ', subtitle: '(Ký và ghi rõ họ tên)', name: receiver ?? '' },
        ],
      },
    ],
    footer: `${d.handler_name} · Mã hồ sơ ${d.code}`,
  };
}

export function receiptPdf(...args: Parameters<typeof receiptSpec>): Promise<Buffer> {
  return renderPdf(receiptSpec(...args));
}

/** The electronic result: what was decided, for whom, on which dossier, by whom. */
export function resultSpec(d: DossierRow, p: Procedure, approver: string, at: Date): PdfSpec {
  const formRows: [string, string][] = [];
  for (const c of p.components) {
    const values = d.forms[c.key];
    if (!c.form || !values) continue;
    for (const [key, schema] of Object.entries(c.form.properties)) {
      const v = values[key];
      if (v === undefined || v === null || v === '') continue;
      formRows.push([String((schema as { title?: string }).title ?? key), String(v)]);
    }
  }
  return {
    meta: { title: `${p.result} — hồ sơ ${d.code}`, author: d.handler_name, subject: d.procedure_name, keywords: ['kết quả', d.code], createdAt: at },
    header: { agency: agencyLines(d), number: `Số: ${d.code}/KQ`, placeDate: vnPlaceDate(PLACE, at) },
    blocks: [
      { kind: 'title', text: p.result, subtitle: `Kết quả giải quyết thủ tục «${d.procedure_name}»` },
      { kind: 'text', text: `Căn cứ ${p.legalBasis.join('; ')};`, italic: true },
      { kind: 'text', text: `Xét hồ sơ mã ${d.code} của Ông/Bà ${d.applicant.name} nộp ngày ${vnDateTime(d.submitted_at)},`, italic: true },
      { kind: 'text', text: `${d.handler_name} giải quyết hồ sơ với các nội dung sau:`, align: 'left' },
      { kind: 'fields', rows: formRows.length ? formRows : [['Người đề nghị', d.applicant.name]] },
      { kind: 'text', text: 'Kết quả này được cấp dưới dạng điện tử, có giá trị sử dụng như bản giấy khi được ký số theo quy định.', italic: true },
      { kind: 'signatures', blocks: [{ title: 'Người có thẩm quyền', subtitle: '(Ký số)', name: approver }] },
    ],
    footer: `${d.handler_name} · Mã hồ sơ ${d.code}`,
  };
}

export function resultPdf(...args: Parameters<typeof resultSpec>): Promise<Buffer> {
  return renderPdf(resultSpec(...args));
}

// ——— Forms 02–06 of Circular 03/2025 ———

export interface PaperAction {
  action: string;
  label: string;
  actor: string | null;
  at: Date;
  fromLabel: string | null;
  toLabel: string;
  payload: Record<string, unknown>;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

function letter(d: DossierRow, title: string, subtitle: string, at: Date, body: PdfSpec['blocks'], signer: string | null): PdfSpec {
  return {
    meta: { title: `${title} — hồ sơ ${d.code}`, author: d.handler_name, subject: d.procedure_name, keywords: [d.code], createdAt: at },
    header: { agency: agencyLines(d), number: `Số: ${d.code}`, placeDate: vnPlaceDate(PLACE, at) },
    blocks: [
      { kind: 'title', text: title, subtitle },
      { kind: 'text', text: `Kính gửi: Ông/Bà ${d.applicant.name}${d.applicant.address ? `, ${d.applicant.address}` : ''}.`, align: 'left' },
      ...body,
      { kind: 'text', text: `Mọi thắc mắc xin liên hệ ${d.handler_name}. Tra cứu hồ sơ theo mã ${d.code}.`, italic: true },
      { kind: 'signatures', blocks: [{ title: 'Người có thẩm quyền', subtitle: '(Ký, ghi rõ họ tên)', name: signer ?? '' }] },
    ],
    footer: `${d.handler_name} · Mã hồ sơ ${d.code}`,
  };
}

/** Form 02: every item to supplement, in one request; a second request is marked as such. */
export function supplementSpec(d: DossierRow, a: PaperAction, nth: number): PdfSpec {
  const items = Array.isArray(a.payload.items) ? (a.payload.items as string[]) : [];
  return letter(d, 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ', `Hồ sơ ${d.procedure_name}${nth > 1 ? ` — yêu cầu lần ${nth}` : ''}`, a.at, [
    { kind: 'text', text: `Ngày ${vnDateTime(d.submitted_at)}, ${d.handler_name} nhận hồ sơ mã ${d.code}. Sau khi xem xét, hồ sơ cần bổ sung, hoàn thiện các nội dung sau:` },
    { kind: 'list', items, numbered: true },
    ...(str(a.payload.reason) ? [{ kind: 'text' as const, text: `Lý do: ${str(a.payload.reason)}` }] : []),
    { kind: 'text', text: 'Thời gian bổ sung, hoàn thiện hồ sơ không tính vào thời hạn giải quyết. Đề nghị Ông/Bà bổ sung đầy đủ trong một lần.' },
  ], a.actor);
}

/** Form 03: refusal to receive, with the reasons. */
export function refusalSpec(d: DossierRow, a: PaperAction): PdfSpec {
  return letter(d, 'Phiếu từ chối tiếp nhận giải quyết hồ sơ', `Hồ sơ ${d.procedure_name}`, a.at, [
    { kind: 'text', text: `${d.handler_name} không tiếp nhận hồ sơ mã ${d.code} (nộp ngày ${vnDateTime(d.submitted_at)}) với lý do sau:` },
    { kind: 'text', text: str(a.payload.reason), bold: true },
  ], a.actor);
}

/** Form 04: apology and the new appointment date, sent before the deadline. */
export function extensionSpec(d: DossierRow, a: PaperAction): PdfSpec {
  const newDate = str(a.payload.newDate).split('-').reverse().join('/');
  return letter(d, 'Văn bản xin lỗi và hẹn lại ngày trả kết quả', `Hồ sơ ${d.procedure_name}`, a.at, [
    { kind: 'text', text: `Ngày ${vnDateTime(d.received_at ?? d.submitted_at)}, ${d.handler_name} tiếp nhận hồ sơ mã ${d.code}, hẹn trả kết quả ${d.due_at ? vnDateTime(d.due_at) : ''}.` },
    { kind: 'text', text: `Đến nay chưa giải quyết xong hồ sơ. Lý do: ${str(a.payload.reason)}.` },
    { kind: 'text', text: `${d.handler_name} thành thật xin lỗi Ông/Bà và hẹn trả kết quả vào ngày ${newDate}.`, bold: true },
  ], a.actor);
}

/** Form 05: notice of stopping the handling, with the reason. */
export function stopSpec(d: DossierRow, a: PaperAction): PdfSpec {
  return letter(d, 'Thông báo về việc dừng giải quyết hồ sơ', `Hồ sơ ${d.procedure_name}`, a.at, [
    { kind: 'text', text: `${d.handler_name} thông báo dừng giải quyết hồ sơ mã ${d.code} (tiếp nhận ngày ${d.received_at ? vnDateTime(d.received_at) : ''}).` },
    { kind: 'text', text: `Lý do: ${str(a.payload.reason)}`, bold: true },
  ], a.actor);
}

/** Form 06: the process-control sheet — who handed the dossier to whom, when, with what result. */
export function controlSheetSpec(d: DossierRow, actions: PaperAction[], at: Date): PdfSpec {
  return {
    meta: { title: `Phiếu kiểm soát quá trình giải quyết hồ sơ ${d.code}`, author: d.handler_name, subject: d.procedure_name, keywords: [d.code], createdAt: at },
    header: { agency: agencyLines(d), number: `Số: ${d.code}`, placeDate: vnPlaceDate(PLACE, at) },
    blocks: [
      { kind: 'title', text: 'Phiếu kiểm soát quá trình giải quyết hồ sơ', subtitle: `Mã hồ sơ: ${d.code}` },
      {
        kind: 'fields',
        rows: [
          ['Thủ tục', `${d.procedure_name} (${d.procedure_code})`],
          ['Người nộp', d.applicant.name],
          ['Ngày nhận', d.received_at ? vnDateTime(d.received_at) : ''],
          ['Ngày hẹn trả', d.due_at ? vnDateTime(d.due_at) : ''],
        ],
      },
      {
        kind: 'table',
        columns: [{ title: 'Bước', width: 0.5 }, { title: 'Thời gian', width: 1.4 }, { title: 'Việc', width: 2.4 }, { title: 'Người thực hiện', width: 1.9 }, { title: 'Chuyển sang', width: 1.6 }, { title: 'Ghi chú', width: 2.2 }],
        rows: actions.map((a, i) => [
          String(i + 1), vnDateTime(a.at), a.label, a.actor ?? '', a.toLabel,
          [str(a.payload.reason), Array.isArray(a.payload.items) ? (a.payload.items as string[]).join('; ') : '', str(a.payload.newDate) ? `Hẹn mới ${str(a.payload.newDate)}` : ''].filter(Boolean).join(' · '),
        ]),
      },
      { kind: 'text', text: d.finished_at ? `Hoàn thành: ${vnDateTime(d.finished_at)} (${d.due_at && d.finished_at > d.due_at ? 'quá hạn' : 'đúng hạn'}).` : 'Hồ sơ đang được giải quyết.', italic: true },
    ],
    footer: `${d.handler_name} · Mã hồ sơ ${d.code}`,
  };
}
