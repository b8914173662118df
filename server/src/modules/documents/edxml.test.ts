import { describe, expect, it } from 'vitest';
import { buildDocumentPacket, buildStatusPacket, type DocumentPacket, documentIdOf, EDXML_NS, EdxmlError, parseDocumentId, parsePacket } from './edxml.js';

/** edXML packets: what we write parses back to the same thing, and what is not exactly an envelope is refused. */

const pdf = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const doc: DocumentPacket = {
  packetId: '6f1d7a40-0b5e-4c55-9a57-3a3f4b1f8a01',
  from: { organId: 'STP', organName: 'Sở Tư pháp' },
  to: { organId: 'SKHCN', organName: 'Sở Khoa học & Công nghệ <Ninh Bình>' },
  documentId: documentIdOf('STP', '2026-11-23', '05/STP-VP'),
  codeNumber: '05',
  codeNotation: 'STP-VP',
  place: 'Ninh Bình',
  promulgationDate: '2026-11-23',
  docType: 'cong_van',
  subject: 'V/v phối hợp "chữ ký số" & văn bản điện tử',
  signer: { competence: 'KT.', position: 'Phó Giám đốc', fullName: 'Lê Quang Huy' },
  dueDate: '2026-12-01',
  urgency: 'thuong_khan',
  secrecy: 'none',
  pages: 2,
  copies: null,
  business: '0',
  sentAt: new Date('2026-11-23T03:00:00Z'),
  attachment: { name: '05_STP-VP.pdf', data: pdf },
};

const refusal = (xml: string) => {
  try {
    parsePacket(xml);
  } catch (e) {
    if (e instanceof EdxmlError) return e;
    throw e;
  }
  throw new Error('accepted');
};

describe('edXML packets', () => {
  it('a document packet round-trips, with escaped text, leading zeros and the attachment intact', () => {
    const xml = buildDocumentPacket(doc);
    expect(xml).toContain(`xmlns="${EDXML_NS}"`);
    expect(xml).toContain('<DocumentId>STP,2026/11/23,05/STP-VP</DocumentId>');
    const back = parsePacket(xml);
    expect(back.kind).toBe('document');
    if (back.kind !== 'document') return;
    expect({ ...back, attachment: undefined }).toEqual({ ...doc, kind: 'document', attachment: undefined });
    expect(back.attachment.data.equals(pdf)).toBe(true);
  });

  it('a status packet round-trips', () => {
    const st = { packetId: '6f1d7a40-0b5e-4c55-9a57-3a3f4b1f8a02', from: { organId: 'SKHCN', organName: 'Sở KH&CN' }, to: 'STP', documentId: doc.documentId, code: '03' as const, description: 'Số đến 12', at: new Date('2026-11-23T04:00:00Z') };
    expect(parsePacket(buildStatusPacket(st))).toEqual({ ...st, kind: 'status' });
    expect(parseDocumentId(doc.documentId)).toEqual({ organId: 'STP', date: '2026-11-23', numberSymbol: '05/STP-VP' });
  });

  it('refuses DTDs and entities, other roots, other namespaces, repeated and unknown elements', () => {
    const xml = buildDocumentPacket(doc);
    expect(refusal(`<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>${xml.replace(/^<\?xml[^>]*>/, '')}`).message).toMatch(/DOCTYPE/);
    expect(refusal('<Envelope/>').message).toMatch(/edXMLEnvelope/);
    expect(refusal(xml.replace(EDXML_NS, 'urn:other')).message).toMatch(/không gian tên/);
    expect(refusal(xml.replace('<Subject>', '<Subject>a</Subject><Subject>')).field).toMatch(/Subject/);
    expect(refusal(xml.replace('<Subject>', '<Extra>x</Extra><Subject>')).message).toMatch(/Extra|Unrecognized|không/i);
    expect(refusal(xml.replace('<edXMLHeader>', '<edXMLHeader><broken>')).message).toMatch(/XML không hợp lệ/);
  });

  it('refuses wrong codes, dates, a DocumentId of another organisation, and an attachment that is not the PDF its hash names', () => {
    expect(refusal(buildDocumentPacket({ ...doc, docType: 'sac_lenh' })).field).toBe('edXMLHeader/MessageHeader/DocumentType/Type');
    expect(refusal(buildDocumentPacket({ ...doc, promulgationDate: '2026-13-45' })).field).toMatch(/PromulgationDate/);
    expect(refusal(buildDocumentPacket({ ...doc, packetId: 'not-a-uuid' })).field).toMatch(/PacketId/);
    expect(refusal(buildDocumentPacket({ ...doc, documentId: documentIdOf('UBND', '2026-11-23', '05/STP-VP') })).field).toMatch(/DocumentId/);
    const xml = buildDocumentPacket(doc);
    const other = Buffer.from('%PDF-1.7 other').toString('base64');
    expect(refusal(xml.replace(/<Value>[^<]+<\/Value>/, `<Value>${other}</Value>`)).field).toMatch(/Sha256/);
    expect(refusal(buildDocumentPacket({ ...doc, attachment: { name: 'x.pdf', data: Buffer.from('MZ not a pdf') } })).message).toMatch(/PDF/);
    const st = buildStatusPacket({ packetId: doc.packetId, from: doc.to, to: 'STP', documentId: doc.documentId, code: '06', description: '', at: new Date() });
    expect(refusal(st.replace('<StatusCode>06</StatusCode>', '<StatusCode>07</StatusCode>')).field).toMatch(/StatusCode/);
    expect(refusal(st.replace(/<ResponseFor>\s*<OrganId>STP</, '<ResponseFor><OrganId>UBND<')).field).toMatch(/ResponseFor/);
  });
});
