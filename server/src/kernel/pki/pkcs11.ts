import { createPublicKey } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Pkcs11Js from 'pkcs11js';
import { pkiErrors } from './errors.js';
import { SHA256_DIGEST_INFO, type RemoteSigner } from './keys.js';
import * as x509 from './x509.js';
import { ab } from './util.js';

/**
 * Keys held in a hardware security module or smart card, reached through
 * PKCS#11 (Cryptoki) with the `pkcs11js` binding. The private key never leaves
 * the token: it gets the DigestInfo of a SHA-256 hash and returns the RSA
 * PKCS#1 v1.5 signature (mechanism CKM_RSA_PKCS), exactly what `RemoteSigner`
 * asks of any key. Tested with SoftHSM 2 (Debian `softhsm2`); a real HSM is
 * the same calls with its vendor's module.
 *
 * The binding is a native addon loaded on first use, so nothing else in the
 * kernel (nor `congso verify`) pays for it.
 */

export interface Pkcs11KeyRef {
  /** Path of the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so. */
  module: string;
  /** CKA_LABEL of the token (the label given at --init-token). */
  token: string;
  /** CKA_LABEL of the private key. */
  key: string;
  /** User PIN. */
  pin: string;
  /** DER certificates above the signing certificate when the token does not hold them. */
  chain?: Uint8Array[];
}

export interface Pkcs11Signer extends RemoteSigner {
  /** Logs out, closes the session and, when no other signer uses the module, finalizes it. */
  close(): Promise<void>;
}

type Lib = typeof Pkcs11Js;
const require = createRequire(import.meta.url);
let lib: Lib | null = null;

function binding(): Lib {
  if (!lib) {
    try {
      lib = require('pkcs11js') as Lib;
    } catch (e) {
      throw pkiErrors.pkcs11Failed(`the pkcs11js binding is not available (${(e as Error).message})`);
    }
  }
  return lib;
}

/** One loaded, initialized module per path, shared by every signer and session in the process. */
const modules = new Map<string, { p11: Pkcs11Js.PKCS11; users: number }>();

function openModule(path: string): Pkcs11Js.PKCS11 {
  const open = modules.get(path);
  if (open) {
    open.users++;
    return open.p11;
  }
  const { PKCS11 } = binding();
  const p11 = new PKCS11();
  try {
    p11.load(path);
  } catch (e) {
    throw pkiErrors.pkcs11Failed(`cannot load module ${path}: ${(e as Error).message}`);
  }
  try {
    p11.C_Initialize();
  } catch (e) {
    if (!/CKR_CRYPTOKI_ALREADY_INITIALIZED/.test((e as Error).message)) throw wrap(e);
  }
  modules.set(path, { p11, users: 1 });
  return p11;
}

function releaseModule(path: string): void {
  const open = modules.get(path);
  if (!open || --open.users > 0) return;
  modules.delete(path);
  try {
    open.p11.C_Finalize();
    open.p11.close();
  } catch {
    // Finalizing a module that is already gone is not worth an error at shutdown.
  }
}

function wrap(e: unknown): Error {
  if ((e as { code?: string }).code?.toString().startsWith('PKI_')) return e as Error;
  return pkiErrors.pkcs11Failed((e as Error).message ?? String(e));
}

const trimLabel = (s: string) => s.replace(/[\s\0]+$/, '');

function findSlot(p11: Pkcs11Js.PKCS11, token: string): Pkcs11Js.Handle {
  for (const slot of p11.C_GetSlotList(true)) {
    if (trimLabel(p11.C_GetTokenInfo(slot).label) === token) return slot;
  }
  throw pkiErrors.pkcs11NotFound(`token «${token}»`);
}

function find(p11: Pkcs11Js.PKCS11, session: Pkcs11Js.Handle, template: Pkcs11Js.Template): Pkcs11Js.Handle[] {
  p11.C_FindObjectsInit(session, template);
  try {
    return p11.C_FindObjects(session, 100);
  } finally {
    p11.C_FindObjectsFinal(session);
  }
}

function attr(p11: Pkcs11Js.PKCS11, session: Pkcs11Js.Handle, obj: Pkcs11Js.Handle, type: number): Buffer {
  const [a] = p11.C_GetAttributeValue(session, obj, [{ type }]);
  return (a?.value as Buffer) ?? Buffer.alloc(0);
}

/** An RSA modulus without leading zero bytes, for comparing a token's key with a certificate. */
const unsigned = (b: Buffer) => {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
};

function login(p11: Pkcs11Js.PKCS11, session: Pkcs11Js.Handle, token: string, pin: string, userType: number): void {
  try {
    p11.C_Login(session, userType, pin);
  } catch (e) {
    const m = (e as Error).message;
    if (/CKR_USER_ALREADY_LOGGED_IN/.test(m)) return;
    if (/CKR_PIN_INCORRECT|CKR_PIN_LOCKED|CKR_PIN_INVALID|CKR_PIN_LEN_RANGE/.test(m)) throw pkiErrors.pkcs11Pin(token);
    throw wrap(e);
  }
}

/**
 * Opens a signer on a key in a PKCS#11 token. The signing certificate is the
 * token's certificate object with the key's CKA_ID (or, failing that, its
 * label), and must carry the key's public modulus; other certificates on the
 * token, then `ref.chain`, make the chain.
 */
export async function openPkcs11Signer(ref: Pkcs11KeyRef): Promise<Pkcs11Signer> {
  const l = binding();
  const p11 = openModule(ref.module);
  let session: Pkcs11Js.Handle | null = null;
  try {
    const slot = findSlot(p11, ref.token);
    session = p11.C_OpenSession(slot, l.CKF_SERIAL_SESSION | l.CKF_RW_SESSION);
    login(p11, session, ref.token, ref.pin, l.CKU_USER);
    const [key, ...more] = find(p11, session, [
      { type: l.CKA_CLASS, value: l.CKO_PRIVATE_KEY },
      { type: l.CKA_LABEL, value: ref.key },
    ]);
    if (!key) throw pkiErrors.pkcs11NotFound(`private key «${ref.key}» in token «${ref.token}»`);
    if (more.length) throw pkiErrors.pkcs11Failed(`${more.length + 1} private keys are labelled «${ref.key}»`);
    const kt = attr(p11, session, key, l.CKA_KEY_TYPE);
    const keyType = kt.length ? kt.readUIntLE(0, Math.min(6, kt.length)) : -1;
    if (keyType !== l.CKK_RSA) throw pkiErrors.unsupported('non-RSA keys in the token (RSA ≥ 2048 only, Decree 68/2024)');
    const modulus = unsigned(attr(p11, session, key, l.CKA_MODULUS));
    const id = attr(p11, session, key, l.CKA_ID);

    const certs = find(p11, session, [{ type: l.CKA_CLASS, value: l.CKO_CERTIFICATE }]).map((h) => ({
      id: attr(p11, session!, h, l.CKA_ID),
      label: attr(p11, session!, h, l.CKA_LABEL).toString('utf8'),
      der: new Uint8Array(attr(p11, session!, h, l.CKA_VALUE)),
    }));
    const candidates = [...certs.filter((c) => id.length && c.id.equals(id)), ...certs.filter((c) => c.label === ref.key)];
    const mine = candidates.find((c) => certModulus(c.der)?.equals(modulus));
    if (!mine) {
      if (candidates[0]) throw pkiErrors.keyMismatch(new x509.X509Certificate(ab(candidates[0].der)).subject);
      throw pkiErrors.pkcs11NotFound(`certificate for key «${ref.key}»`);
    }
    const chain = [...certs.filter((c) => c !== mine && c.der.length && !Buffer.from(c.der).equals(Buffer.from(mine.der))).map((c) => c.der), ...(ref.chain ?? [])];

    // A session runs one signing operation at a time: calls are queued.
    let queue: Promise<unknown> = Promise.resolve();
    let closed = false;
    const s = session;
    return {
      certificate: mine.der,
      chain,
      signHash(hash, algorithm) {
        if (algorithm !== 'SHA-256' || hash.length !== 32) return Promise.reject(pkiErrors.unsupported(`digest ${algorithm}`));
        const run = queue.then(
          () =>
            new Promise<Uint8Array>((resolve, reject) => {
              if (closed) return reject(pkiErrors.pkcs11Failed('the signer is closed'));
              try {
                p11.C_SignInit(s, { mechanism: l.CKM_RSA_PKCS }, key);
                p11.C_Sign(s, Buffer.concat([SHA256_DIGEST_INFO, hash]), Buffer.alloc(modulus.length + 16), (err, sig) => {
                  if (err) reject(wrap(err));
                  else resolve(new Uint8Array(sig));
                });
              } catch (e) {
                reject(wrap(e));
              }
            }),
        );
        queue = run.catch(() => undefined);
        return run;
      },
      async close() {
        if (closed) return;
        await queue;
        closed = true;
        try {
          p11.C_Logout(s);
        } catch {
          // already logged out (another session of the token logged out first)
        }
        try {
          p11.C_CloseSession(s);
        } catch {
          // the module may already be finalized
        }
        releaseModule(ref.module);
      },
    };
  } catch (e) {
    if (session !== null) {
      try {
        p11.C_CloseSession(session);
      } catch {
        // nothing more to do
      }
    }
    releaseModule(ref.module);
    throw wrap(e);
  }
}

function certModulus(der: Uint8Array): Buffer | null {
  try {
    const spki = Buffer.from(new x509.X509Certificate(ab(der)).publicKey.rawData);
    const jwk = createPublicKey({ key: spki, format: 'der', type: 'spki' }).export({ format: 'jwk' });
    return jwk.n ? unsigned(Buffer.from(jwk.n, 'base64url')) : null;
  } catch {
    return null;
  }
}

/**
 * Provisioning helpers for a token (what an HSM's own tools do; here so that
 * tests and `softhsm2` setups need nothing else): generate a non-extractable
 * RSA key pair in the token, and store the certificate a CA issued for it.
 */
export async function pkcs11GenerateRsaKey(p: { module: string; token: string; pin: string; label: string; id: Uint8Array; bits?: number }): Promise<{ spki: Uint8Array }> {
  return withSession(p, (p11, l, session) => {
    const { publicKey } = p11.C_GenerateKeyPair(
      session,
      { mechanism: l.CKM_RSA_PKCS_KEY_PAIR_GEN },
      [
        { type: l.CKA_TOKEN, value: true },
        { type: l.CKA_LABEL, value: p.label },
        { type: l.CKA_ID, value: Buffer.from(p.id) },
        { type: l.CKA_VERIFY, value: true },
        { type: l.CKA_MODULUS_BITS, value: p.bits ?? 2048 },
        { type: l.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
      ],
      [
        { type: l.CKA_TOKEN, value: true },
        { type: l.CKA_LABEL, value: p.label },
        { type: l.CKA_ID, value: Buffer.from(p.id) },
        { type: l.CKA_SIGN, value: true },
        { type: l.CKA_PRIVATE, value: true },
        { type: l.CKA_SENSITIVE, value: true },
        { type: l.CKA_EXTRACTABLE, value: false },
      ],
    );
    const n = attr(p11, session, publicKey, l.CKA_MODULUS);
    const e = attr(p11, session, publicKey, l.CKA_PUBLIC_EXPONENT);
    const spki = createPublicKey({ key: { kty: 'RSA', n: unsigned(n).toString('base64url'), e: unsigned(e).toString('base64url') }, format: 'jwk' }).export({ type: 'spki', format: 'der' });
    return { spki: new Uint8Array(spki) };
  });
}

export async function pkcs11StoreCertificate(p: { module: string; token: string; pin: string; label: string; id: Uint8Array; certificate: Uint8Array }): Promise<void> {
  const cert = new x509.X509Certificate(ab(p.certificate));
  await withSession(p, (p11, l, session) => {
    p11.C_CreateObject(session, [
      { type: l.CKA_CLASS, value: l.CKO_CERTIFICATE },
      { type: l.CKA_CERTIFICATE_TYPE, value: l.CKC_X_509 },
      { type: l.CKA_TOKEN, value: true },
      { type: l.CKA_PRIVATE, value: false },
      { type: l.CKA_LABEL, value: p.label },
      { type: l.CKA_ID, value: Buffer.from(p.id) },
      { type: l.CKA_SUBJECT, value: Buffer.from(cert.subjectName.toArrayBuffer()) },
      { type: l.CKA_ISSUER, value: Buffer.from(cert.issuerName.toArrayBuffer()) },
      { type: l.CKA_SERIAL_NUMBER, value: Buffer.from(cert.serialNumber, 'hex') },
      { type: l.CKA_VALUE, value: Buffer.from(p.certificate) },
    ]);
  });
}

async function withSession<T>(p: { module: string; token: string; pin: string }, fn: (p11: Pkcs11Js.PKCS11, l: Lib, session: Pkcs11Js.Handle) => T): Promise<T> {
  const l = binding();
  const p11 = openModule(p.module);
  try {
    const session = p11.C_OpenSession(findSlot(p11, p.token), l.CKF_SERIAL_SESSION | l.CKF_RW_SESSION);
    try {
      login(p11, session, p.token, p.pin, l.CKU_USER);
      return fn(p11, l, session);
    } finally {
      p11.C_CloseSession(session);
    }
  } catch (e) {
    throw wrap(e);
  } finally {
    releaseModule(p.module);
  }
}

/**
 * Parses the command line's `--pkcs11 MODULE:TOKEN:KEY`. The module path may
 * itself contain colons; the token and key labels are the last two fields.
 */
export function parsePkcs11Spec(spec: string): { module: string; token: string; key: string } | null {
  const parts = spec.split(':');
  if (parts.length < 3) return null;
  const key = parts.pop()!;
  const token = parts.pop()!;
  const module = parts.join(':');
  if (!module || !token || !key) return null;
  return { module, token, key };
}
