import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { RemoteSigner } from './keys.js';
import type { PadesLevel } from './sign.js';
import { fromPemOrDer } from './util.js';
import { reportErrors, usage, verify } from './verify-cli.js';
import * as x509 from './x509.js';

export { formatReport, PKI_HELP } from './verify-cli.js';

/**
 * `congso pki dev-ca`, `congso pki tsa`, `congso sign` and `congso verify`:
 * the command-line face of kernel/pki. No database; errors print the
 * catalogue's Vietnamese message. Only validation is imported up front: the
 * signing side (pdfkit, the CA, key stores) loads when a command needs it, so
 * `congso verify` starts fast (bin/pki.mjs runs this file as a bundle).
 */

const DEV_PASSWORD = 'congso-dev';

async function devCa(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' }, password: { type: 'string', default: DEV_PASSWORD } } });
  if (!values.out) throw usage('pki dev-ca --out DIR');
  const { createDevCa, exportP12, issueCertificate, issueCrl } = await import('./dev-ca.js');
  const { toPem } = await import('./util.js');
  mkdirSync(values.out, { recursive: true });
  const ca = await createDevCa();
  const crlUrl = 'http://127.0.0.1:3180/crl.der';
  const [signer, org, tsa] = await Promise.all([
    issueCertificate(ca, { kind: 'official', subject: 'CN=Nguyễn Văn An, T=Chủ tịch, O=UBND tỉnh Ninh Bình (thử nghiệm), C=VN', crlUrl }),
    issueCertificate(ca, { kind: 'organisation', subject: 'CN=UBND tỉnh Ninh Bình (thử nghiệm), O=UBND tỉnh Ninh Bình (thử nghiệm), C=VN', crlUrl }),
    issueCertificate(ca, { kind: 'tsa', subject: 'CN=congso Dev TSA, O=congso (development only), C=VN' }),
  ]);
  const out = (f: string, data: string | Uint8Array) => writeFileSync(path.join(values.out!, f), data, { mode: f.endsWith('.key') || f.endsWith('.p12') ? 0o600 : 0o644 });
  out('ca.pem', toPem('CERTIFICATE', ca.certificate));
  out('ca.key', toPem('PRIVATE KEY', ca.pkcs8));
  out('signer.p12', await exportP12(signer, [ca.certificate], values.password!));
  out('org.p12', await exportP12(org, [ca.certificate], values.password!));
  out('tsa.p12', await exportP12(tsa, [ca.certificate], values.password!));
  const crl = await issueCrl(ca, []);
  out('crl.der', crl);
  out('crl.pem', toPem('X509 CRL', crl));
  // Demo images for Decree 30 appearances: --appearance image --image chu-ky.png --seal con-dau.png
  const { demoSealPng, demoSignaturePng } = await import('./demo-images.js');
  out('chu-ky.png', await demoSignaturePng('Nguyễn Văn An'));
  out('con-dau.png', await demoSealPng('UBND tỉnh Ninh Bình', 'Thử nghiệm'));
  console.log(`Đã tạo CA thử nghiệm trong ${values.out} (mật khẩu các tệp .p12: ${values.password})`);
  console.log(`  signer.p12  ${signer.subject}\n  org.p12     ${org.subject}\n  tsa.p12     ${tsa.subject}`);
  console.log('  chu-ky.png  ảnh chữ ký mẫu / demo signature image;  con-dau.png  ảnh con dấu mẫu / demo seal image');
  console.log('CHỈ DÙNG ĐỂ PHÁT TRIỂN VÀ KIỂM THỬ / development and tests only');
  return 0;
}

async function tsaServer(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { dir: { type: 'string' }, port: { type: 'string', default: '3180' }, password: { type: 'string', default: DEV_PASSWORD } } });
  if (!values.dir) throw usage('pki tsa --dir DIR');
  const { P12Signer } = await import('@libpdf/core');
  const { loadP12 } = await import('./keys.js');
  const { createDevTsa, serveTsa } = await import('./tsa.js');
  const p12 = readFileSync(path.join(values.dir, 'tsa.p12'));
  const key = await loadP12(p12, values.password!);
  // The TSA signs with WebCrypto; the key as @libpdf/core decrypted it is in that form.
  const p = await P12Signer.create(p12, values.password!);
  const tsa = createDevTsa({ certificate: key.certificate, privateKey: (p as unknown as { privateKey: CryptoKey }).privateKey }, key.chain);
  const server = await serveTsa(tsa, Number(values.port));
  console.log(`TSA thử nghiệm đang chạy / dev TSA listening: ${server.url}`);
  return -1;
}

async function sign(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      p12: { type: 'string' },
      password: { type: 'string', default: '' },
      pkcs11: { type: 'string' },
      chain: { type: 'string', multiple: true, default: [] },
      remote: { type: 'string' },
      credential: { type: 'string' },
      level: { type: 'string' },
      tsa: { type: 'string' },
      appearance: { type: 'string' },
      image: { type: 'string' },
      seal: { type: 'string' },
      page: { type: 'string' },
      rect: { type: 'string' },
      reason: { type: 'string' },
      location: { type: 'string' },
      number: { type: 'string' },
    },
  });
  const [input, output] = positionals;
  const keys = [values.p12, values.pkcs11, values.remote].filter(Boolean).length;
  if (!input || !output || keys !== 1) throw usage('sign IN.pdf OUT.pdf (--p12 FILE --password P | --pkcs11 MODULE:TOKEN:KEY | --remote URL --credential ID)');
  const level = (values.level ?? (values.tsa ? 'B-T' : 'B-B')) as PadesLevel;
  if (level !== 'B-B' && level !== 'B-T') throw usage('sign … --level B-B|B-T');
  const pdfBytes = readFileSync(input);
  const signer = await openSigner(values);
  try {
    return await signWith(signer, pdfBytes, output, level, values);
  } finally {
    await signer.close?.();
  }
}

type SignValues = {
  p12?: string;
  password?: string;
  pkcs11?: string;
  chain?: string[];
  remote?: string;
  credential?: string;
  level?: string;
  tsa?: string;
  appearance?: string;
  image?: string;
  seal?: string;
  page?: string;
  rect?: string;
  reason?: string;
  location?: string;
  number?: string;
};

/** The key, wherever it lives: a PKCS#12 file, a PKCS#11 token, or a remote signing service. */
async function openSigner(values: SignValues): Promise<RemoteSigner> {
  const chain = (values.chain ?? []).flatMap((f) => fromPemOrDer(readFileSync(f), 'CERTIFICATE'));
  if (values.pkcs11) {
    const { parsePkcs11Spec, openPkcs11Signer } = await import('./pkcs11.js');
    const ref = parsePkcs11Spec(values.pkcs11);
    if (!ref) throw usage('sign … --pkcs11 MODULE:TOKEN-LABEL:KEY-LABEL');
    const pin = process.env.CONGSO_PKCS11_PIN ?? (await askHidden(`Mã PIN của thiết bị «${ref.token}» / PIN: `));
    if (pin === null) throw usage('sign … --pkcs11 …: set CONGSO_PKCS11_PIN or run on a terminal to be asked for the PIN');
    return openPkcs11Signer({ ...ref, pin, chain });
  }
  if (values.remote) {
    if (!values.credential) throw usage('sign … --remote URL --credential ID');
    const { openCscSigner } = await import('./remote.js');
    return openCscSigner({
      baseUrl: values.remote,
      credentialId: values.credential,
      accessToken: process.env.CONGSO_REMOTE_TOKEN,
      pin: process.env.CONGSO_REMOTE_PIN,
    });
  }
  const { loadP12 } = await import('./keys.js');
  return loadP12(readFileSync(values.p12!), values.password!);
}

/** Reads a secret from the terminal without echoing it; null when there is no terminal. */
async function askHidden(question: string): Promise<string | null> {
  if (!process.stdin.isTTY) return null;
  process.stderr.write(question);
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.resume();
  let answer = '';
  try {
    return await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') {
            stdin.off('data', onData);
            return resolve(answer);
          }
          if (ch === '\u0003') {
            stdin.off('data', onData);
            return reject(usage('sign: cancelled'));
          }
          if (ch === '\u007f') answer = answer.slice(0, -1);
          else answer += ch;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}

async function signWith(signer: RemoteSigner, pdfBytes: Buffer, output: string, level: PadesLevel, values: SignValues): Promise<number> {
  const { decree30TextLines, signPdf } = await import('./sign.js');
  const { HttpTimestampAuthority } = await import('./tsa.js');
  const cert = new x509.X509Certificate(Buffer.from(signer.certificate));
  const time = new Date();
  let appearance: Parameters<typeof signPdf>[1]['appearance'];
  if (values.appearance === 'text') {
    appearance = {
      kind: 'text',
      lines: decree30TextLines({ signer: cert.subjectName.getField('CN')[0], organisation: cert.subjectName.getField('O')[0] ?? '', number: values.number, time }),
    };
  } else if (values.appearance === 'image') {
    if (!values.image && !values.seal) throw usage('sign … --appearance image --image PNG [--seal PNG]');
    appearance = { kind: 'image', image: values.image ? readFileSync(values.image) : undefined, seal: values.seal ? readFileSync(values.seal) : undefined };
  } else if (values.appearance) throw usage('sign … --appearance text|image');
  let placement;
  if (values.rect) {
    const [x, y, width, height] = values.rect.split(',').map(Number);
    if ([x, y, width, height].some((n) => n === undefined || !Number.isFinite(n))) throw usage('sign … --rect x,y,w,h (points)');
    placement = { page: Number(values.page ?? 1) - 1, x: x!, y: y!, width: width!, height: height! };
  }
  const r = await signPdf(pdfBytes, {
    signer,
    level,
    tsa: values.tsa ? new HttpTimestampAuthority(values.tsa) : undefined,
    signingTime: time,
    reason: values.reason,
    location: values.location,
    appearance,
    placement,
  });
  writeFileSync(output, r.bytes);
  console.log(`Đã ký ${output}: PAdES ${r.level}, trường «${r.fieldName}», người ký ${cert.subject}`);
  return 0;
}

/** Runs a pki command; catalogue errors print their Vietnamese message and exit 1, usage errors exit 2. */
export async function runPkiCommand(cmd: 'pki' | 'sign' | 'verify', args: string[]): Promise<number> {
  return reportErrors(async () => {
    if (cmd === 'sign') return await sign(args);
    if (cmd === 'verify') return await verify(args);
    if (args[0] === 'dev-ca') return await devCa(args.slice(1));
    if (args[0] === 'tsa') return await tsaServer(args.slice(1));
    throw usage('pki dev-ca|tsa …');
  });
}
