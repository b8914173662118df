import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { z } from 'zod';
import { AppError, toProblem } from '../../kernel/errors.js';
import type { Kernel } from '../../kernel/index.js';
import { MAX_PACKET_BYTES } from './edxml.js';
import { receivePacket, registerSelf } from './exchange-service.js';
import { ensureDevTlsIdentity, exchangeDir, loadTlsIdentity } from './exchange-tls.js';

/**
 * The exchange endpoint: an HTTPS server of its own (not the public web
 * server), asking every client for its certificate. `POST /edxml` takes one
 * packet (application/xml). The TLS handshake proves the client holds the key
 * of the certificate it shows; which agency that certificate speaks for is the
 * registry's business (exchange-service.ts), checked per packet.
 *
 * Configuration (environment, read once at start):
 *   DOCUMENTS_EXCHANGE_PORT   port to listen on (unset: no endpoint, except in the demo)
 *   DOCUMENTS_EXCHANGE_HOST   address (default HOST)
 *   DOCUMENTS_EXCHANGE_URL    the URL peers reach us at (default https://HOST:PORT/edxml)
 */

export interface ExchangeServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

const EDXML_PATH = '/edxml';

function send(res: ServerResponse, status: number, body: unknown) {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json; charset=utf-8' : 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

function refuse(res: ServerResponse, e: AppError) {
  send(res, e.status, toProblem(e, 'vi', undefined, EDXML_PATH));
}

async function handle(k: Kernel, req: IncomingMessage, res: ServerResponse) {
  if (req.url !== EDXML_PATH || req.method !== 'POST') {
    send(res, 404, { status: 404, code: 'NOT_FOUND', detail: 'POST /edxml' });
    return;
  }
  if (!/^(application|text)\/xml\b/i.test(req.headers['content-type'] ?? '')) {
    refuse(res, new AppError('DOCUMENTS_EDXML_INVALID', { field: 'Content-Type', reason: 'phải là application/xml' }));
    return;
  }
  const cert = (req.socket as TLSSocket).getPeerCertificate?.();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_PACKET_BYTES) {
      refuse(res, new AppError('DOCUMENTS_EDXML_INVALID', { field: 'body', reason: 'Gói tin quá lớn' }));
      req.destroy();
      return;
    }
    chunks.push(c);
  }
  const answer = await receivePacket(k, cert?.raw ?? null, Buffer.concat(chunks));
  if (answer.status >= 400 && typeof answer.body.code === 'string' && answer.body.code !== 'INTERNAL') {
    refuse(res, new AppError(answer.body.code, (answer.body.params ?? {}) as Record<string, string>));
    return;
  }
  send(res, answer.status, answer.body);
}

export async function startExchangeServer(k: Kernel, opts: { port: number; host?: string; publicUrl?: string }): Promise<ExchangeServer> {
  const id = loadTlsIdentity(k);
  if (!id) throw new AppError('DOCUMENTS_EXCHANGE_NOT_CONFIGURED', { path: exchangeDir(k) });
  const server = https.createServer(
    {
      key: id.key, cert: id.cert, ca: id.ca,
      // Ask for a certificate always; which ones are acceptable is decided per packet from the registry,
      // so the registry can change without restarting (and any instance sees the same registry).
      requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2',
    },
    (req, res) => {
      handle(k, req, res).catch((e) => {
        k.log.error({ err: e }, 'edxml endpoint');
        if (!res.headersSent) send(res, 500, { status: 500, code: 'INTERNAL' });
      });
    },
  );
  server.requestTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1';
  return {
    port,
    url: opts.publicUrl ?? `https://${host}:${port}${EDXML_PATH}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

const env = z.object({
  DOCUMENTS_EXCHANGE_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  DOCUMENTS_EXCHANGE_HOST: z.string().min(1).optional(),
  DOCUMENTS_EXCHANGE_URL: z.string().url().startsWith('https://').optional(),
});

/** Agencies the single-instance demo reaches over its own exchange endpoint. */
export const DEMO_EXCHANGE_AGENCIES = ['STP', 'SKHCN'];

/**
 * Started by main.ts after the web server. With DOCUMENTS_EXCHANGE_PORT, the
 * endpoint listens there. In the demo (SEED_DEMO) without it, the endpoint
 * listens on a free port and the registry maps the demo agencies STP and
 * SKHCN to it: one server shows the whole exchange over real mutual TLS.
 */
export async function startDocumentsExchange(k: Kernel, opts: { host: string; demo: boolean }): Promise<ExchangeServer | null> {
  const e = env.parse(process.env);
  if (e.DOCUMENTS_EXCHANGE_PORT === undefined && !opts.demo) return null;
  if (opts.demo) await ensureDevTlsIdentity(k);
  const server = await startExchangeServer(k, { port: e.DOCUMENTS_EXCHANGE_PORT ?? 0, host: e.DOCUMENTS_EXCHANGE_HOST ?? opts.host, publicUrl: e.DOCUMENTS_EXCHANGE_URL });
  if (opts.demo && e.DOCUMENTS_EXCHANGE_PORT === undefined) await registerSelf(k, server.url, DEMO_EXCHANGE_AGENCIES);
  k.log.info({ url: server.url }, 'edXML exchange endpoint');
  return server;
}
