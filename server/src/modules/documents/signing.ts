import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Ctx } from '../../kernel/context.js';
import { transaction } from '../../kernel/db/index.js';
import { AppError, errors, messageOf } from '../../kernel/errors.js';
import type { Kernel } from '../../kernel/index.js';
import { type CscService, loadP12, openCscSigner, type RemoteSigner, serveCscService } from '../../kernel/pki/index.js';
import { getAccount } from '../identity/index.js';
import type { DocumentRow } from './document.repo.js';
import { maySign, prepareSignature, storeSignature, view } from './document.service.js';
import { documentsErrors } from './errors.js';
import { DEV_PASSWORD, pkiRoot } from './pki.js';
import * as repo from './signing.repo.js';

/**
 * The leader's signing screen: their handwritten-signature images (Decree 30
 * appendix I) and remote signing (CSC API v2: SIM-PKI on the phone, cloud
 * HSM), where the request waits for the signer's confirmation and the web
 * page polls it. See docs/documents.md, "Signing screen".
 */

export const SIGN = 'documents.outgoing.sign';
const MAX_IMAGE = 500 * 1024;

// ——— Signature images ———

const imageView = (r: repo.SignatureImageRow) => ({ id: r.id, label: r.label, width: r.width, height: r.height, createdAt: r.created_at });

export async function myImages(k: Kernel, ctx: Ctx) {
  return (await repo.images(k.db, ctx.actor!.id)).map(imageView);
}

/** Checks a PNG the way the appearance will draw it: a real PNG, of a signature's proportions, not huge. */
async function checkPng(data: Buffer): Promise<{ width: number; height: number }> {
  if (data.length > MAX_IMAGE) throw errors.field('body.data', 'size', 'Ảnh chữ ký quá lớn (tối đa 500 KB)');
  if (data.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') throw errors.field('body.data', 'png', 'Ảnh chữ ký phải là tệp PNG');
  const { default: sharp } = await import('sharp');
  let meta;
  try {
    meta = await sharp(data).metadata();
  } catch {
    throw errors.field('body.data', 'png', 'Tệp PNG bị hỏng, không đọc được');
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (meta.format !== 'png' || width < 60 || height < 20 || width > 4000 || height > 2000) {
    throw errors.field('body.data', 'size', 'Ảnh chữ ký từ 60×20 đến 4000×2000 điểm ảnh');
  }
  return { width, height };
}

/** The official registers an image of their handwritten signature (PNG, transparent background preferred). */
export async function addImage(k: Kernel, ctx: Ctx, input: { label: string; data: Buffer }) {
  const size = await checkPng(input.data);
  return transaction(k.db, async (tx) => {
    const stored = await k.files.put(tx, ctx, 'chu-ky.png', input.data, { allow: ['image/png'], maxBytes: MAX_IMAGE });
    const same = await repo.hasImageWithHash(tx, ctx.actor!.id, stored.sha256);
    if (same) return imageView(same);
    const r = await repo.insertImage(tx, { account_id: ctx.actor!.id, label: input.label, file_id: stored.id, sha256: stored.sha256, ...size });
    await k.audit.record(tx, ctx, { action: 'documents.signature_image.add', entity: 'doc_signature_image', entityId: r.id, after: { label: r.label, sha256: r.sha256 } });
    return imageView(r);
  });
}

/** One of the actor's own images (nobody else's: 404). */
async function ownImage(k: Kernel, ctx: Ctx, id: string): Promise<repo.SignatureImageRow> {
  const r = /^[0-9a-f-]{36}$/i.test(id) ? await repo.image(k.db, id) : undefined;
  if (!r || r.account_id !== ctx.actor?.id) throw documentsErrors.imageNotFound();
  return r;
}

export async function imagePng(k: Kernel, ctx: Ctx, id: string): Promise<Buffer> {
  return k.files.read((await ownImage(k, ctx, id)).sha256);
}

export async function imageBytes(k: Kernel, ctx: Ctx, id: string | undefined): Promise<Uint8Array | undefined> {
  return id ? new Uint8Array(await imagePng(k, ctx, id)) : undefined;
}

export async function removeImage(k: Kernel, ctx: Ctx, id: string): Promise<void> {
  const r = await ownImage(k, ctx, id);
  await transaction(k.db, async (tx) => {
    await repo.deleteImage(tx, r.id);
    await k.audit.record(tx, ctx, { action: 'documents.signature_image.remove', entity: 'doc_signature_image', entityId: r.id, before: { label: r.label } });
  });
}

/** Demo: the dev PKI's drawing of each demo leader's signature becomes their first registered image. */
export async function seedDemoImage(k: Kernel, accountId: string, png: Uint8Array, label: string): Promise<void> {
  const have = await repo.images(k.db, accountId);
  const readable = async (r: repo.SignatureImageRow) => k.files.read(r.sha256).then(() => true, () => false);
  // The official's own images stay; rows whose file is not in this data directory (a database restored
  // without its files, a test's template) are replaced by the dev PKI's drawing.
  for (const r of have) if (await readable(r)) return;
  await transaction(k.db, async (tx) => {
    for (const r of have) await repo.deleteImage(tx, r.id);
    const stored = await k.files.put(tx, null, 'chu-ky.png', Buffer.from(png), { allow: ['image/png'], maxBytes: MAX_IMAGE });
    const { default: sharp } = await import('sharp');
    const m = await sharp(Buffer.from(png)).metadata();
    await repo.insertImage(tx, { account_id: accountId, label, file_id: stored.id, sha256: stored.sha256, width: m.width ?? 0, height: m.height ?? 0 });
  });
}

// ——— Remote signing (CSC) ———

/**
 * `DATA_DIR/pki/remote.json`: `{ "url": "https://…/csc/v2", "token": "…", "name": "…",
 * "timeoutSeconds": 120, "credentials": { "<account e-mail>": "<credentialID>" } }`.
 * Outside production, without that file, a local CSC service in this process
 * holds the dev PKI's demo leaders' keys (credential = e-mail) and "asks the
 * phone": it answers after DEV_CONFIRM_MS, the time a signer takes to confirm.
 */
interface RemoteConfig {
  url: string;
  token: string;
  name: string;
  timeoutSeconds: number;
  credentials: Record<string, string>;
}

export const devRemote = { confirmMs: 3000, service: null as Promise<CscService> | null, credentials: [] as string[] };

async function devService(k: Kernel): Promise<{ service: CscService; token: string; credentials: string[] } | null> {
  const dir = path.join(pkiRoot(k), 'dev', 'officials');
  if (k.config.NODE_ENV === 'production' || !existsSync(dir)) return null;
  const token = devToken;
  if (!devRemote.service) {
    const credentials: Record<string, { signer: RemoteSigner }> = {};
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.p12'))) {
      const key = await loadP12(readFileSync(path.join(dir, f)), DEV_PASSWORD);
      credentials[f.slice(0, -4)] = {
        signer: {
          certificate: key.certificate, chain: key.chain,
          // The signer confirms on the phone: the service answers only then.
          signHash: async (hash, alg) => {
            await new Promise((r) => setTimeout(r, devRemote.confirmMs));
            return key.signHash(hash, alg);
          },
        },
      };
    }
    devRemote.credentials = Object.keys(credentials);
    devRemote.service = serveCscService({ credentials, accessToken: token });
    devRemote.service.catch(() => (devRemote.service = null));
  }
  return { service: await devRemote.service, token, credentials: devRemote.credentials };
}
const devToken = randomBytes(18).toString('base64url');

/** Stops the development service (tests). */
export async function closeDevRemote(): Promise<void> {
  const s = devRemote.service;
  devRemote.service = null;
  if (s) await (await s).close();
}

async function remoteConfig(k: Kernel): Promise<RemoteConfig | null> {
  const file = path.join(pkiRoot(k), 'remote.json');
  if (existsSync(file)) {
    let c: Partial<RemoteConfig>;
    try {
      c = JSON.parse(readFileSync(file, 'utf8')) as Partial<RemoteConfig>;
    } catch (err) {
      k.log.error({ err, file }, 'remote signing: remote.json is not JSON');
      return null;
    }
    if (!c.url || !c.credentials) return null;
    return { url: c.url, token: c.token ?? '', name: c.name ?? 'Dịch vụ ký số từ xa', timeoutSeconds: c.timeoutSeconds ?? 120, credentials: c.credentials };
  }
  const dev = await devService(k);
  if (!dev) return null;
  return {
    url: dev.service.url, token: dev.token, name: 'Ký số trên điện thoại (mô phỏng, môi trường phát triển)', timeoutSeconds: 120,
    credentials: Object.fromEntries(dev.credentials.map((c) => [c, c])),
  };
}

async function credentialOf(k: Kernel, ctx: Ctx): Promise<{ config: RemoteConfig; credential: string } | null> {
  const config = await remoteConfig(k);
  const email = (await getAccount(k, ctx.actor!.id))?.email;
  const credential = email ? config?.credentials[email.toLowerCase()] ?? config?.credentials[email] : undefined;
  return config && credential ? { config, credential } : null;
}

/** What the signing screen may offer this account: remote signing (and its service), how long the phone is given. */
export async function signingOptions(k: Kernel, ctx: Ctx) {
  const c = await credentialOf(k, ctx);
  return { remote: c ? { service: c.config.name, timeoutSeconds: c.config.timeoutSeconds } : null, images: await myImages(k, ctx) };
}

const requestView = (r: repo.SignRequestRow) => ({
  id: r.id, documentId: r.document_id, state: r.state, createdAt: r.created_at, expiresAt: r.expires_at, finishedAt: r.finished_at,
  versionId: r.version_id, error: r.error ? { code: r.error_code, message: r.error } : null,
});

function problem(e: unknown): { code: string; message: string } {
  if (e instanceof AppError) return { code: e.code, message: messageOf(e.code, e.params, 'vi') };
  return { code: 'INTERNAL', message: 'Lỗi không mong đợi khi ký số' };
}

/**
 * Starts a remote signature: the hash goes to the signing service, which asks
 * the signer to confirm on the phone; the request is answered at once (202)
 * and the work goes on in this process. Poll `signRequest` for its end.
 */
export async function startRemoteSign(k: Kernel, ctx: Ctx, id: string, input: { imageId?: string }, key: string) {
  const d = await maySign(k, ctx, id);
  const image = await imageBytes(k, ctx, input.imageId);
  const remote = await credentialOf(k, ctx);
  if (!remote) throw documentsErrors.noRemote();
  await repo.expireRequests(k.db, id);
  const expires = new Date(Date.now() + (remote.config.timeoutSeconds + 30) * 1000);
  const req = await repo.insertRequest(k.db, { document_id: id, account_id: ctx.actor!.id, image_id: input.imageId ?? null, credential: remote.credential, expires_at: expires });
  if (!req) throw documentsErrors.signPending();
  void runRemote(k, ctx, req, d, image, remote, key);
  return requestView(req);
}

async function runRemote(k: Kernel, ctx: Ctx, req: repo.SignRequestRow, d: DocumentRow, image: Uint8Array | undefined, remote: { config: RemoteConfig; credential: string }, key: string) {
  try {
    const signer = await openCscSigner({ baseUrl: remote.config.url, credentialId: remote.credential, accessToken: remote.config.token, timeoutMs: remote.config.timeoutSeconds * 1000 });
    const prepared = await prepareSignature(k, k.db, ctx, d, signer, image);
    const versionId = await transaction(k.db, (tx) => storeSignature(k, tx, ctx, d.id, prepared, key));
    await repo.finishRequest(k.db, req.id, { state: 'signed', version_id: versionId });
  } catch (e) {
    const p = problem(e);
    if (p.code === 'INTERNAL') k.log.error({ err: e, request: req.id }, 'remote signing failed');
    await repo.finishRequest(k.db, req.id, { state: 'failed', error_code: p.code, error: p.message }).catch((err) => k.log.error({ err }, 'remote signing: could not record the failure'));
  }
}

/** A signing request, for the signer who made it (anyone else: 404). */
export async function signRequest(k: Kernel, ctx: Ctx, id: string) {
  await repo.expireRequests(k.db);
  const r = /^[0-9a-f-]{36}$/i.test(id) ? await repo.request(k.db, id) : undefined;
  if (!r || r.account_id !== ctx.actor?.id) throw documentsErrors.signRequestNotFound();
  return { ...requestView(r), document: r.state === 'signed' ? await view(k, ctx, r.document_id) : undefined };
}
