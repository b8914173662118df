import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { pkiErrors } from './errors.js';
import type { RemoteSigner } from './keys.js';
import { OID } from './util.js';

/**
 * Remote signing: the hash goes to a signing service, the signature comes
 * back, and the private key stays with the service (a SIM-PKI card in a
 * phone, a cloud HSM). The wire shape is the Cloud Signature Consortium API
 * v2 (CSC), which remote-signing services commonly speak:
 *
 *   POST {base}/credentials/info       { credentialID, certificates: "chain" }
 *        → { key: { status, algo, len }, cert: { status, certificates: [base64 DER, …] } }
 *   POST {base}/credentials/authorize  { credentialID, numSignatures, hashes, hashAlgorithmOID, PIN? }
 *        → { SAD }                       (Signature Activation Data, one use)
 *   POST {base}/signatures/signHash    { credentialID, SAD, hashes: [base64], hashAlgorithmOID, signAlgo }
 *        → { signatures: [base64] }
 *
 * with an OAuth 2.0 bearer token on every call and CSC's error body
 * `{ error, error_description }`. `openCscSigner` is the client (a
 * `RemoteSigner` like any other key); `serveCscService` is a local
 * implementation for development and tests, a real HTTP server holding keys
 * in process.
 */

/** RSA PKCS#1 v1.5: CSC names the key algorithm and takes the hash algorithm apart. */
const RSA_PKCS1 = OID.rsaEncryption;

export interface CscClientOptions {
  /** Base URL of the CSC API, e.g. https://ky-so.example.vn/csc/v2 */
  baseUrl: string;
  credentialId: string;
  /** OAuth 2.0 access token (service scope). */
  accessToken?: string;
  /** PIN for explicit credential authorisation; services that confirm on the signer's phone need none. */
  pin?: string;
  /** How long to wait for each call: a SIM-PKI service waits for the signer to confirm on the phone. */
  timeoutMs?: number;
}

async function call<T>(o: CscClientOptions, method: string, body: object): Promise<T> {
  const url = `${o.baseUrl.replace(/\/+$/, '')}/${method}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(o.accessToken ? { authorization: `Bearer ${o.accessToken}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(o.timeoutMs ?? 120_000),
    });
  } catch (e) {
    throw pkiErrors.remoteSigner(`${url}: ${(e as Error).message}`);
  }
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    throw pkiErrors.remoteSigner(`${method}: HTTP ${res.status}, not JSON`);
  }
  if (!res.ok) {
    const why = `${method}: ${String(json.error ?? res.status)}${json.error_description ? ` (${String(json.error_description)})` : ''}`;
    if (res.status === 401 || res.status === 403 || /invalid_(pin|otp|token|sad)|access_denied/.test(String(json.error))) throw pkiErrors.remoteAuth(why);
    throw pkiErrors.remoteSigner(why);
  }
  return json as T;
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const unb64 = (s: unknown, what: string): Uint8Array => {
  if (typeof s !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(s)) throw pkiErrors.remoteSigner(`${what} is not base64`);
  return new Uint8Array(Buffer.from(s, 'base64'));
};

/**
 * A signer on a CSC credential. The certificate and chain come from the
 * service (`credentials/info`); each signature is one authorize + signHash.
 * `signPdf` checks every returned signature against the certificate before
 * writing anything.
 */
export async function openCscSigner(o: CscClientOptions): Promise<RemoteSigner> {
  const info = await call<{ key?: { status?: string; algo?: string[] }; cert?: { status?: string; certificates?: unknown[] } }>(o, 'credentials/info', {
    credentialID: o.credentialId,
    certificates: 'chain',
    certInfo: false,
    authInfo: false,
  });
  if (info.key?.status && info.key.status !== 'enabled') throw pkiErrors.remoteSigner(`credential ${o.credentialId}: key ${info.key.status}`);
  if (info.key?.algo && !info.key.algo.includes(RSA_PKCS1) && !info.key.algo.includes(OID.sha256WithRSA)) {
    throw pkiErrors.unsupported(`remote key algorithms ${info.key.algo.join(', ')} (RSA only)`);
  }
  const certs = (info.cert?.certificates ?? []).map((c, i) => unb64(c, `certificate ${i + 1}`));
  if (!certs[0]) throw pkiErrors.remoteSigner(`credential ${o.credentialId}: no certificate`);
  return {
    certificate: certs[0],
    chain: certs.slice(1),
    async signHash(hash, algorithm) {
      if (algorithm !== 'SHA-256' || hash.length !== 32) throw pkiErrors.unsupported(`digest ${algorithm}`);
      const hashes = [b64(hash)];
      const { SAD } = await call<{ SAD?: string }>(o, 'credentials/authorize', {
        credentialID: o.credentialId,
        numSignatures: 1,
        hashes,
        hashAlgorithmOID: OID.sha256,
        ...(o.pin !== undefined ? { PIN: o.pin } : {}),
      });
      if (!SAD) throw pkiErrors.remoteSigner('credentials/authorize returned no SAD');
      const { signatures } = await call<{ signatures?: unknown[] }>(o, 'signatures/signHash', {
        credentialID: o.credentialId,
        SAD,
        hashes,
        hashAlgorithmOID: OID.sha256,
        signAlgo: RSA_PKCS1,
      });
      if (!Array.isArray(signatures) || signatures.length !== 1) throw pkiErrors.remoteSigner('signatures/signHash did not return one signature');
      return unb64(signatures[0], 'signature');
    },
  };
}

export interface CscCredential {
  /** The key behind the credential: for the local service, usually a PKCS#12 or PKCS#11 signer. */
  signer: RemoteSigner;
  /** When set, credentials/authorize requires this PIN (explicit authorisation). */
  pin?: string;
}

export interface CscService {
  /** Base URL to give `openCscSigner`, e.g. http://127.0.0.1:PORT/csc/v2 */
  url: string;
  /** Number of signatures made, for tests. */
  readonly signed: number;
  close(): Promise<void>;
}

class CscError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

/**
 * A local CSC signing service on 127.0.0.1 (development and tests; a stand-in
 * for SIM-PKI or a cloud HSM). Bearer token required; SAD is single-use,
 * bound to the credential and the exact hashes, valid five minutes.
 */
export async function serveCscService(opts: { credentials: Record<string, CscCredential>; accessToken: string; port?: number; host?: string }): Promise<CscService> {
  const sads = new Map<string, { credentialID: string; hashes: string; expires: number }>();
  let signed = 0;
  const expected = Buffer.from(`Bearer ${opts.accessToken}`);
  const credential = (id: unknown): CscCredential => {
    const c = typeof id === 'string' ? opts.credentials[id] : undefined;
    if (!c) throw new CscError(400, 'invalid_request', 'Invalid parameter credentialID');
    return c;
  };
  const handlers: Record<string, (b: Record<string, unknown>) => Promise<object>> = {
    async info() {
      return { specs: '2.0.0.2', name: 'congso local signing service', region: 'VN', lang: 'vi', authType: ['oauth2client'], methods: Object.keys(handlers) };
    },
    async 'credentials/list'() {
      return { credentialIDs: Object.keys(opts.credentials) };
    },
    async 'credentials/info'(b) {
      const c = credential(b.credentialID);
      const certs = b.certificates === 'none' ? [] : b.certificates === 'chain' ? [c.signer.certificate, ...c.signer.chain] : [c.signer.certificate];
      return {
        key: { status: 'enabled', algo: [RSA_PKCS1, OID.sha256WithRSA], len: 2048 },
        cert: { status: 'valid', certificates: certs.map(b64) },
        authMode: c.pin ? 'explicit' : 'implicit',
        multisign: 1,
      };
    },
    async 'credentials/authorize'(b) {
      const c = credential(b.credentialID);
      if (b.numSignatures !== 1 || !Array.isArray(b.hashes) || b.hashes.length !== 1) throw new CscError(400, 'invalid_request', 'One hash per authorisation');
      if (c.pin !== undefined && b.PIN !== c.pin) throw new CscError(400, 'invalid_pin', 'The PIN is invalid');
      const SAD = randomBytes(24).toString('base64url');
      sads.set(SAD, { credentialID: String(b.credentialID), hashes: JSON.stringify(b.hashes), expires: Date.now() + 300_000 });
      return { SAD, expiresIn: 300 };
    },
    async 'signatures/signHash'(b) {
      const c = credential(b.credentialID);
      const sad = typeof b.SAD === 'string' ? sads.get(b.SAD) : undefined;
      if (typeof b.SAD === 'string') sads.delete(b.SAD);
      if (!sad || sad.expires < Date.now() || sad.credentialID !== b.credentialID || sad.hashes !== JSON.stringify(b.hashes)) {
        throw new CscError(400, 'invalid_request', 'Invalid SAD');
      }
      if (b.hashAlgorithmOID !== OID.sha256 || (b.signAlgo !== RSA_PKCS1 && b.signAlgo !== OID.sha256WithRSA)) throw new CscError(400, 'invalid_request', 'Unsupported algorithm');
      const out: string[] = [];
      for (const h of b.hashes as unknown[]) {
        const hash = typeof h === 'string' ? Buffer.from(h, 'base64') : Buffer.alloc(0);
        if (hash.length !== 32) throw new CscError(400, 'invalid_request', 'Invalid hash length');
        out.push(b64(await c.signer.signHash(new Uint8Array(hash), 'SHA-256')));
        signed++;
      }
      return { signatures: out };
    },
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1 << 20) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      void (async () => {
        try {
          const method = (req.url ?? '').replace(/^\/csc\/v2\//, '').replace(/\?.*$/, '');
          const handler = Object.hasOwn(handlers, method) ? handlers[method] : undefined;
          if (req.method !== 'POST' || !handler) throw new CscError(404, 'invalid_request', 'Unknown method');
          const auth = Buffer.from(req.headers.authorization ?? '');
          if (method !== 'info' && (auth.length !== expected.length || !timingSafeEqual(auth, expected))) throw new CscError(401, 'invalid_token', 'Missing or invalid access token');
          let body: Record<string, unknown>;
          try {
            body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
          } catch {
            throw new CscError(400, 'invalid_request', 'Body is not JSON');
          }
          send(200, await handler(body));
        } catch (e) {
          if (e instanceof CscError) send(e.status, { error: e.error, error_description: e.description });
          else send(500, { error: 'server_error', error_description: (e as Error).message });
        }
      })();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as { port: number };
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${address.port}/csc/v2`,
    get signed() {
      return signed;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
