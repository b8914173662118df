import { execFile } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import * as asn1js from 'asn1js';
import { deflateSync } from 'node:zlib';
import { createDevCa, issueCertificate, type DevCa, type IssuedKey } from './dev-ca.js';
import { signerFromPkcs8, type RemoteSigner } from './keys.js';
import { createDevTsa, type DevTsa } from './tsa.js';
import { ab, toPem } from './util.js';

/**
 * Test and benchmark helpers: a dev PKI, the independent checkers (poppler's
 * pdfsig, qpdf, OpenSSL) and small PNGs. Not imported by production code.
 */
export const run = promisify(execFile);

export interface TestPki {
  ca: DevCa;
  official: IssuedKey;
  organisation: IssuedKey;
  tsaKey: IssuedKey;
  tsa: DevTsa;
  signer(k: IssuedKey): RemoteSigner;
}

export async function testPki(): Promise<TestPki> {
  const ca = await createDevCa();
  const [official, organisation, tsaKey] = await Promise.all([
    issueCertificate(ca, { kind: 'official', subject: 'CN=Nguyễn Văn An, T=Chủ tịch, O=UBND tỉnh Ninh Bình, C=VN' }),
    issueCertificate(ca, { kind: 'organisation', subject: 'CN=Ủy ban nhân dân tỉnh Ninh Bình, O=UBND tỉnh Ninh Bình, C=VN' }),
    issueCertificate(ca, { kind: 'tsa', subject: 'CN=congso Dev TSA, O=congso (development only), C=VN' }),
  ]);
  return { ca, official, organisation, tsaKey, tsa: createDevTsa(tsaKey, [ca.certificate]), signer: (k) => signerFromPkcs8(k.pkcs8, k.certificate, [ca.certificate]) };
}

/** The exact DER of a /Contents value (which is zero-padded to its reserved size). */
export function cmsOf(contents: Uint8Array): Uint8Array {
  const asn = asn1js.fromBER(ab(contents));
  if (asn.offset === -1) throw new Error('not DER');
  return contents.subarray(0, asn.offset);
}

export interface SignatureBytes {
  byteRange: number[];
  cms: Uint8Array;
  signedData: Uint8Array;
}

/** Every signature in a PDF, found by its /ByteRange as an independent checker would, without our parser. */
export function extractSignatures(pdf: Uint8Array): SignatureBytes[] {
  const text = Buffer.from(pdf).toString('latin1');
  const out: SignatureBytes[] = [];
  for (const m of text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)) {
    const br = m.slice(1, 5).map(Number) as [number, number, number, number];
    const hex = text.slice(br[1] + 1, br[2] - 1);
    const cms = cmsOf(new Uint8Array(Buffer.from(hex, 'hex')));
    const signedData = Buffer.concat([pdf.subarray(0, br[1]), pdf.subarray(br[2], br[2] + br[3])]);
    out.push({ byteRange: br, cms, signedData: new Uint8Array(signedData) });
  }
  return out;
}

/** pdfsig, qpdf --check and openssl cms -verify on every signature; throws with the tools' output on any failure. */
export async function independentChecks(pdf: Uint8Array, dir: string, ca: Uint8Array): Promise<{ pdfsig: string }> {
  const file = path.join(dir, `check-${Date.now()}-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  const caFile = `${file}.ca.pem`;
  writeFileSync(caFile, toPem('CERTIFICATE', ca));
  const { stdout: pdfsig } = await run('pdfsig', [file]);
  const sigs = extractSignatures(pdf);
  const valid = pdfsig.match(/Signature Validation: Signature is Valid\./g)?.length ?? 0;
  if (valid !== sigs.length) throw new Error(`pdfsig: ${valid}/${sigs.length} valid\n${pdfsig}`);
  await run('qpdf', ['--check', file]);
  for (const [i, s] of sigs.entries()) {
    writeFileSync(`${file}.${i}.p7s`, s.cms);
    writeFileSync(`${file}.${i}.data`, s.signedData);
    await run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', `${file}.${i}.p7s`, '-content', `${file}.${i}.data`, '-CAfile', caFile, '-purpose', 'any', '-out', '/dev/null']);
  }
  return { pdfsig };
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A small RGBA PNG: a coloured disc (a seal) or a slanted stroke (a signature) on transparency. */
export function testPng(kind: 'seal' | 'signature', size = 120): Uint8Array {
  const w = kind === 'seal' ? size : size * 2;
  const h = size;
  const raw = Buffer.alloc((w * 4 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 4 + 1)] = 0;
    for (let x = 0; x < w; x++) {
      const o = y * (w * 4 + 1) + 1 + x * 4;
      const inSeal = kind === 'seal' && Math.abs(Math.hypot(x - w / 2, y - h / 2) - h * 0.4) < h * 0.05;
      const inSig = kind === 'signature' && Math.abs(y - h / 2 - 0.3 * (x - w / 2) * Math.sin(x / 9)) < 3;
      const [r, g, b] = kind === 'seal' ? [220, 20, 30] : [20, 40, 200];
      if (inSeal || inSig) raw.set([r, g, b, 255], o);
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return new Uint8Array(Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]));
}

/** An incompressible RGB PNG (random noise) of about w*h*3 bytes, to make PDFs of a given size. */
export function noisePng(w: number, h: number): Uint8Array {
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0;
    randomFillSync(raw, y * (w * 3 + 1) + 1, w * 3);
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return new Uint8Array(Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 1 })), chunk('IEND', Buffer.alloc(0))]));
}

/** A `pages`-page PDF of about `bytes` bytes: Vietnamese text and a noise image on each page. */
export async function bigPdf(pages = 20, bytes = 1024 * 1024): Promise<Uint8Array> {
  const { PDF, rgb } = await import('@libpdf/core');
  const pdf = PDF.create();
  const side = Math.round(Math.sqrt(bytes / pages / 3));
  for (let i = 0; i < pages; i++) {
    const page = pdf.addPage({ size: 'a4' });
    page.drawText(`Trang ${i + 1} / ${pages}`, { x: 72, y: 780, size: 14, color: rgb(0, 0, 0) });
    page.drawImage(pdf.embedPng(noisePng(side, side)), { x: 72, y: 300, width: 400, height: 400 });
  }
  return pdf.save();
}
