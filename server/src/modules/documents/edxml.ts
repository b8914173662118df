import { createHash } from 'node:crypto';
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';
import { DOC_TYPE_CODES, docType, type Secrecy, type Urgency } from './types.js';

/**
 * edXML packets (QCVN 102:2016, the envelope the national document axis
 * carries) as congso writes and reads them: a document packet (header with
 * From/To OrganId, DocumentId, Code, PromulgationInfo, DocumentType, Subject,
 * SignerInfo, DueDate, OtherInfo, TraceHeaderList with the business type, and
 * the signed PDF as a base64 attachment) and a status packet (StatusCode 01
 * arrived … 06 finished, 13/15/16 recall). Pure: no I/O.
 *
 * Incoming packets are validated strictly: well-formed XML without DOCTYPE or
 * entity declarations, every required element present once, codes and dates
 * in their formats, the attachment a PDF no larger than the limit. Anything
 * else is refused before a byte is stored.
 */

export const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
export const MAX_PACKET_BYTES = 72 * 1_048_576;

export const STATUS_CODES = ['01', '02', '03', '04', '05', '06', '13', '15', '16'] as const;
export type StatusCode = (typeof STATUS_CODES)[number];
/** What each code means, as the sender shows it (Vietnamese first). */
export const STATUS_TEXT: Record<StatusCode, string> = {
  '01': 'Đã đến',
  '02': 'Từ chối tiếp nhận',
  '03': 'Đã vào sổ',
  '04': 'Đã phân công xử lý',
  '05': 'Đang xử lý',
  '06': 'Đã hoàn thành',
  '13': 'Yêu cầu thu hồi',
  '15': 'Đồng ý thu hồi',
  '16': 'Từ chối thu hồi',
};
/** Business type of a document packet (TraceHeaderList/Bussiness/BussinessDocType). */
export const BUSINESS = { new: '0', recall: '1', update: '2', replace: '3' } as const;

const URGENCY_PRIORITY: Record<Urgency, string> = { normal: '0', khan: '1', thuong_khan: '2', hoa_toc: '3' };
const SECRECY_LEVEL: Record<Secrecy, string> = { none: '0', mat: '1', toi_mat: '2', tuyet_mat: '3' };
const invert = <K extends string>(m: Record<K, string>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [v, k])) as Record<string, K>;
const PRIORITY_URGENCY = invert(URGENCY_PRIORITY);
const LEVEL_SECRECY = invert(SECRECY_LEVEL);

export interface Organ {
  organId: string;
  organName: string;
}

export interface DocumentPacket {
  packetId: string;
  from: Organ;
  to: Organ;
  /** "OrganId,yyyy/MM/dd,number/symbol". */
  documentId: string;
  codeNumber: string;
  codeNotation: string;
  place: string;
  /** YYYY-MM-DD. */
  promulgationDate: string;
  docType: string;
  subject: string;
  signer: { competence: string; position: string; fullName: string };
  dueDate: string | null;
  urgency: Urgency;
  secrecy: Secrecy;
  pages: number | null;
  copies: number | null;
  business: (typeof BUSINESS)[keyof typeof BUSINESS];
  sentAt: Date;
  attachment: { name: string; data: Buffer };
}

export interface StatusPacket {
  packetId: string;
  /** Who sends this packet: the recipient answering (01–06, 15, 16), or the issuer asking to recall (13). */
  from: Organ;
  /** Who it is for (To/OrganId). */
  to: string;
  /** The document it is about (ResponseFor: its issuer's OrganId and DocumentId). */
  documentId: string;
  code: StatusCode;
  description: string;
  at: Date;
}

export type Packet = ({ kind: 'document' } & DocumentPacket) | ({ kind: 'status' } & StatusPacket);

/** "STP,2026/11/23,05/QĐ-STP" (QCVN 102:2016's DocumentId). */
export function documentIdOf(organId: string, issuedOn: string, numberSymbol: string): string {
  return `${organId},${issuedOn.replace(/-/g, '/')},${numberSymbol}`;
}
export function parseDocumentId(id: string): { organId: string; date: string; numberSymbol: string } | null {
  const m = /^([A-Z0-9.-]{2,30}),(\d{4})\/(\d{2})\/(\d{2}),(.{1,100})$/u.exec(id);
  return m ? { organId: m[1]!, date: `${m[2]}-${m[3]}-${m[4]}`, numberSymbol: m[5]! } : null;
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, suppressEmptyNode: false });
const iso = (d: Date) => d.toISOString();

export function buildDocumentPacket(p: DocumentPacket): string {
  const type = docType(p.docType);
  const obj = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    edXMLEnvelope: {
      '@_xmlns': EDXML_NS,
      edXMLHeader: {
        MessageHeader: {
          PacketId: p.packetId,
          From: { OrganId: p.from.organId, OrganName: p.from.organName },
          To: { OrganId: p.to.organId, OrganName: p.to.organName },
          DocumentId: p.documentId,
          Code: { CodeNumber: p.codeNumber, CodeNotation: p.codeNotation },
          PromulgationInfo: { Place: p.place, PromulgationDate: p.promulgationDate },
          DocumentType: { Type: p.docType, TypeName: type?.name ?? p.docType },
          Subject: p.subject,
          SignerInfo: { Competence: p.signer.competence, Position: p.signer.position, FullName: p.signer.fullName },
          DueDate: p.dueDate ?? '',
          SteeringType: '0',
          OtherInfo: {
            Priority: URGENCY_PRIORITY[p.urgency],
            SecurityLevel: SECRECY_LEVEL[p.secrecy],
            PageAmount: p.pages ?? '',
            PromulgationAmount: p.copies ?? '',
          },
        },
        TraceHeaderList: {
          TraceHeader: { OrganId: p.from.organId, Timestamp: iso(p.sentAt) },
          Bussiness: { BussinessDocType: p.business },
        },
      },
      edXMLBody: {
        Attachment: {
          ContentId: `${p.packetId}@edxml`,
          ContentType: 'application/pdf',
          AttachmentName: p.attachment.name,
          Sha256: createHash('sha256').update(p.attachment.data).digest('hex'),
          Value: p.attachment.data.toString('base64'),
        },
      },
    },
  };
  return builder.build(obj) as string;
}

export function buildStatusPacket(p: StatusPacket): string {
  const obj = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    edXMLEnvelope: {
      '@_xmlns': EDXML_NS,
      edXMLHeader: {
        Status: {
          PacketId: p.packetId,
          ResponseFor: { OrganId: parseDocumentId(p.documentId)?.organId ?? '', DocumentId: p.documentId },
          From: { OrganId: p.from.organId, OrganName: p.from.organName },
          To: { OrganId: p.to },
          StatusCode: p.code,
          Description: p.description,
          Timestamp: iso(p.at),
        },
      },
    },
  };
  return builder.build(obj) as string;
}

// ——— Parsing and strict validation ———

export class EdxmlError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  removeNSPrefix: true,
  // A repeated element comes back as an array, which the schemas below refuse: each element once.
  isArray: () => false,
});

const text = (max: number, what: string) => z.string({ message: `Thiếu ${what}` }).min(1, `Thiếu ${what}`).max(max, `${what} dài quá ${max} ký tự`)
  .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(s), `${what} chứa ký tự điều khiển`);
const optText = (max: number, what: string) => z.union([z.literal(''), text(max, what)]).optional().transform((s) => s || '');
const organId = z.string({ message: 'Thiếu mã cơ quan (OrganId)' }).regex(/^[A-Z0-9.-]{2,30}$/, 'Mã cơ quan (OrganId) không hợp lệ');
const organ = z.object({ OrganId: organId, OrganName: optText(300, 'tên cơ quan') }).strict();
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Ngày theo dạng YYYY-MM-DD').refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'Ngày không có thật');
const timestamp = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s)), 'Thời điểm theo ISO 8601');
const uuid = z.string().uuid('PacketId phải là UUID');
const smallInt = z.union([z.literal(''), z.string().regex(/^[1-9]\d{0,4}$/, 'Số nguyên dương')]).optional();

const documentSchema = z.object({
  edXMLHeader: z.object({
    MessageHeader: z.object({
      PacketId: uuid,
      From: organ,
      To: organ,
      DocumentId: z.string().refine((s) => !!parseDocumentId(s), 'DocumentId dạng "OrganId,yyyy/MM/dd,số/ký hiệu"'),
      Code: z.object({ CodeNumber: z.string().regex(/^\d{1,6}$/, 'Số văn bản là số'), CodeNotation: z.string().regex(/^[\p{L}\p{N}./-]{1,90}$/u, 'Ký hiệu không hợp lệ') }).strict(),
      PromulgationInfo: z.object({ Place: optText(200, 'nơi ban hành'), PromulgationDate: date }).strict(),
      DocumentType: z.object({ Type: z.enum(DOC_TYPE_CODES, { message: 'Loại văn bản không hợp lệ' }), TypeName: optText(100, 'tên loại') }).strict(),
      Subject: text(1000, 'trích yếu (Subject)'),
      SignerInfo: z.object({ Competence: z.enum(['', 'TM.', 'KT.', 'Q.', 'TL.', 'TUQ.'], { message: 'Thẩm quyền ký không hợp lệ' }).optional().transform((s) => s ?? ''), Position: optText(200, 'chức vụ'), FullName: optText(200, 'người ký') }).strict(),
      DueDate: z.union([z.literal(''), date]).optional(),
      SteeringType: z.enum(['0', '1', '2'], { message: 'SteeringType 0, 1 hoặc 2' }),
      OtherInfo: z.object({
        Priority: z.enum(['0', '1', '2', '3'], { message: 'Độ khẩn (Priority) 0–3' }),
        SecurityLevel: z.enum(['0', '1', '2', '3'], { message: 'Độ mật (SecurityLevel) 0–3' }),
        PageAmount: smallInt,
        PromulgationAmount: smallInt,
      }).strict(),
    }).strict(),
    TraceHeaderList: z.object({
      TraceHeader: z.object({ OrganId: organId, Timestamp: timestamp }).strict(),
      Bussiness: z.object({ BussinessDocType: z.enum(['0', '1', '2', '3'], { message: 'BussinessDocType 0–3' }) }).strict(),
    }).strict(),
  }).strict(),
  edXMLBody: z.object({
    Attachment: z.object({
      ContentId: text(200, 'ContentId'),
      ContentType: z.literal('application/pdf', { message: 'Tệp đính kèm phải là PDF' }),
      AttachmentName: z.string().regex(/^[^/\\\u0000-\u001f]{1,255}\.pdf$/iu, 'Tên tệp đính kèm .pdf'),
      Sha256: z.string().regex(/^[0-9a-f]{64}$/, 'Sha256 của tệp'),
      Value: z.string().min(8, 'Tệp đính kèm rỗng').max(MAX_PACKET_BYTES, 'Tệp quá lớn').regex(/^[A-Za-z0-9+/\s]+=*$/, 'Tệp đính kèm phải mã hóa base64'),
    }).strict(),
  }).strict(),
}).strict();

const statusSchema = z.object({
  edXMLHeader: z.object({
    Status: z.object({
      PacketId: uuid,
      ResponseFor: z.object({ OrganId: organId, DocumentId: z.string().refine((s) => !!parseDocumentId(s), 'DocumentId dạng "OrganId,yyyy/MM/dd,số/ký hiệu"') }).strict(),
      From: organ,
      To: z.object({ OrganId: organId }).strict(),
      StatusCode: z.enum(STATUS_CODES, { message: 'StatusCode không hợp lệ' }),
      Description: optText(2000, 'mô tả'),
      Timestamp: timestamp,
    }).strict(),
  }).strict(),
}).strict();

function fail(issues: z.core.$ZodIssue[]): never {
  const i = issues[0]!;
  throw new EdxmlError(i.path.join('/'), i.message);
}

/** Parses and validates a packet; throws EdxmlError naming the element and the rule. */
export function parsePacket(xml: Buffer | string): Packet {
  const s = typeof xml === 'string' ? xml : xml.toString('utf8');
  if (Buffer.byteLength(s) > MAX_PACKET_BYTES) throw new EdxmlError('', 'Gói tin quá lớn');
  // No DTDs: no entity expansion, no external entities, nothing but the envelope.
  if (/<!DOCTYPE|<!ENTITY/i.test(s)) throw new EdxmlError('', 'Gói tin không được chứa DOCTYPE hay khai báo ENTITY');
  const valid = XMLValidator.validate(s, { allowBooleanAttributes: false });
  if (valid !== true) throw new EdxmlError(`line ${valid.err.line}`, `XML không hợp lệ: ${valid.err.msg}`);
  const root = parser.parse(s) as Record<string, unknown>;
  const keys = Object.keys(root).filter((k) => k !== '?xml');
  if (keys.length !== 1 || keys[0] !== 'edXMLEnvelope') throw new EdxmlError('', 'Phần tử gốc phải là edXMLEnvelope');
  if (!new RegExp(`<(\\w+:)?edXMLEnvelope[^>]*xmlns(:\\w+)?="${EDXML_NS.replace(/[./]/g, '\\$&')}"`).test(s)) throw new EdxmlError('edXMLEnvelope', `Thiếu không gian tên ${EDXML_NS}`);
  const env = root.edXMLEnvelope as Record<string, unknown>;
  const header = (env?.edXMLHeader ?? {}) as Record<string, unknown>;
  if (header && typeof header === 'object' && 'Status' in header) {
    const r = statusSchema.safeParse(env);
    if (!r.success) fail(r.error.issues);
    const st = r.data.edXMLHeader.Status;
    if (parseDocumentId(st.ResponseFor.DocumentId)!.organId !== st.ResponseFor.OrganId) throw new EdxmlError('edXMLHeader/Status/ResponseFor/OrganId', 'ResponseFor: OrganId không khớp DocumentId');
    return {
      kind: 'status', packetId: st.PacketId, from: { organId: st.From.OrganId, organName: st.From.OrganName }, to: st.To.OrganId,
      documentId: st.ResponseFor.DocumentId, code: st.StatusCode, description: st.Description, at: new Date(st.Timestamp),
    };
  }
  const r = documentSchema.safeParse(env);
  if (!r.success) fail(r.error.issues);
  const h = r.data.edXMLHeader.MessageHeader;
  const a = r.data.edXMLBody.Attachment;
  const data = Buffer.from(a.Value.replace(/\s+/g, ''), 'base64');
  if (createHash('sha256').update(data).digest('hex') !== a.Sha256) throw new EdxmlError('edXMLBody/Attachment/Sha256', 'Mã băm tệp đính kèm không khớp nội dung');
  if (data.subarray(0, 5).toString('latin1') !== '%PDF-') throw new EdxmlError('edXMLBody/Attachment/Value', 'Tệp đính kèm không phải PDF');
  const id = parseDocumentId(h.DocumentId)!;
  if (id.organId !== h.From.OrganId) throw new EdxmlError('edXMLHeader/MessageHeader/DocumentId', 'DocumentId không thuộc cơ quan gửi');
  if (r.data.edXMLHeader.TraceHeaderList.TraceHeader.OrganId !== h.From.OrganId) throw new EdxmlError('edXMLHeader/TraceHeaderList/TraceHeader/OrganId', 'TraceHeader không khớp cơ quan gửi');
  const num = (s?: string) => (s ? Number(s) : null);
  return {
    kind: 'document', packetId: h.PacketId, from: { organId: h.From.OrganId, organName: h.From.OrganName }, to: { organId: h.To.OrganId, organName: h.To.OrganName },
    documentId: h.DocumentId, codeNumber: h.Code.CodeNumber, codeNotation: h.Code.CodeNotation, place: h.PromulgationInfo.Place,
    promulgationDate: h.PromulgationInfo.PromulgationDate, docType: h.DocumentType.Type, subject: h.Subject,
    signer: { competence: h.SignerInfo.Competence, position: h.SignerInfo.Position, fullName: h.SignerInfo.FullName },
    dueDate: h.DueDate || null, urgency: PRIORITY_URGENCY[h.OtherInfo.Priority]!, secrecy: LEVEL_SECRECY[h.OtherInfo.SecurityLevel]!,
    pages: num(h.OtherInfo.PageAmount), copies: num(h.OtherInfo.PromulgationAmount),
    business: r.data.edXMLHeader.TraceHeaderList.Bussiness.BussinessDocType, sentAt: new Date(r.data.edXMLHeader.TraceHeaderList.TraceHeader.Timestamp),
    attachment: { name: a.AttachmentName, data },
  };
}
