import { randomUUID, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet, { type HelmetOptions } from 'helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from '../config.js';
import { AppError, errors, type Lang } from '../errors.js';
import { type Access, type Actor, checkAccess } from './access.js';
import { errorHandler, pickLang, sendProblem } from './problems.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    lang: Lang;
  }
  interface FastifyContextConfig {
    /** Who may call this route: required on every API route. */
    access?: Access;
    /** Skip the CSRF check (for endpoints that establish a session, e.g. sign-in). */
    csrfExempt?: boolean;
  }
}

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const UPLOAD_MIMES = ['application/pdf', 'image/jpeg', 'image/png'];

export type App = FastifyInstance<any, any, any, any, ZodTypeProvider>;

export interface Authentication {
  actor: Actor;
  /** Set when the actor came from a browser session cookie: unsafe methods must echo it in `x-csrf-token`. */
  csrfToken?: string;
}

export interface HttpOptions {
  config: Config;
  authenticate?: (req: FastifyRequest) => Promise<Authentication | null>;
  /** Folder of the built web app, served with an SPA fallback. */
  webDir?: string;
  logger?: boolean | object;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Runs helmet once against a stand-in response and keeps the headers it sets. */
function computeSecurityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (k: string, v: string | number | string[]) => void (headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v)),
    removeHeader: (k: string) => void delete headers[k.toLowerCase()],
    getHeader: (k: string) => headers[k.toLowerCase()],
  };
  let failed: unknown;
  helmet(options)({} as never, res as never, (err?: unknown) => void (failed = err));
  if (failed) throw failed;
  return headers;
}

/** Masks 12-digit personal ID numbers and similar in logs (Decree 13/2023). */
function maskUrl(url: string): string {
  return url.replace(/\b(\d{3})\d{6}(\d{3})\b/g, '$1******$2');
}

export async function buildHttp(opts: HttpOptions): Promise<App> {
  const { config } = opts;
  const app = Fastify({
    logger:
      opts.logger === false
        ? false
        : {
            level: config.LOG_LEVEL,
            redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
            serializers: {
              req: (req: FastifyRequest) => ({ method: req.method, url: maskUrl(req.url), reqId: req.id }),
            },
          },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._-]{8,64}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Only behind a reverse proxy may X-Forwarded-For be believed (rate limits, lockout by address).
    trustProxy: config.TRUST_PROXY,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.decorateRequest('actor', null);
  app.decorateRequest('lang', 'vi');


  // Security headers computed once by helmet and set with one call per reply:
  // helmet as a per-request middleware halved the throughput of a small route.
  const securityHeaders = computeSecurityHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'", ...(config.OIDC_ISSUER ? [new URL(config.OIDC_ISSUER).origin] : [])],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  // JSON answers need fewer headers than pages (OWASP REST Security Cheat Sheet): no
  // document to frame or script, nothing to cache. Fewer bytes on every API call.
  const apiHeaders: Record<string, string> = {
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'strict-transport-security': securityHeaders['strict-transport-security']!,
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
    'cache-control': 'no-store',
  };
  app.addHook('onRequest', async (req, reply) => {
    reply.headers(req.url.startsWith('/api/') && !req.url.startsWith('/api/docs') ? apiHeaders : securityHeaders);
    reply.header('x-request-id', req.id);
    req.lang = pickLang(req);
  });
  await app.register(cookie);
  await app.register(formbody);
  await app.register(rateLimit, {
    max: config.RATE_LIMIT_MAX,
    timeWindow: '1 minute',
    // The limit answers through the error handler as problem+json.
    errorResponseBuilder: (_req, ctx) => {
      const e = new Error('rate limited') as Error & { statusCode: number };
      e.statusCode = 429;
      void ctx;
      return e;
    },
  });
  if (config.CORS_ORIGINS) {
    // Off by default; an explicit allow-list only.
    const allowed = new Set(config.CORS_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean));
    app.addHook('onRequest', async (req, reply) => {
      const origin = req.headers.origin;
      if (origin && allowed.has(origin)) {
        reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
        if (req.method === 'OPTIONS') {
          reply
            .header('access-control-allow-methods', 'GET,POST,PUT,PATCH,DELETE')
            .header('access-control-allow-headers', 'content-type,authorization,idempotency-key')
            .code(204)
            .send();
        }
      }
    });
  }

  // Spreadsheets uploaded as the raw request body (catalogue and register imports).
  app.addContentTypeParser(XLSX_MIME, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  // Files uploaded one per request as the raw body (dossier components, scans); the file store checks the content.
  app.addContentTypeParser(UPLOAD_MIMES, { parseAs: 'buffer', bodyLimit: config.UPLOAD_LIMIT_BYTES }, (_req, body, done) => done(null, body));

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'congso API',
        description: 'Cổng số / công sở — API của nền tảng chính quyền số cấp tỉnh. Lỗi trả về theo RFC 9457 (application/problem+json).',
        version: '0.1.0',
      },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'congso_session' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  // Every API route must say who may call it; a route without `config.access` is a programming error.
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/') || route.url.startsWith('/api/docs')) return;
    const access = (route.config as { access?: Access } | undefined)?.access;
    if (!access) throw new Error(`Route ${route.method} ${route.url} declares no access (config.access)`);
  });

  app.addHook('preHandler', async (req, reply) => {
    const access = req.routeOptions.config?.access;
    if (!access) return;
    let auth: Authentication | null = null;
    if (opts.authenticate) auth = await opts.authenticate(req);
    req.actor = auth?.actor ?? null;
    if (auth?.csrfToken && !SAFE.has(req.method) && !req.routeOptions.config.csrfExempt) {
      const sent = req.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !safeEqual(sent, auth.csrfToken)) throw new AppError('CSRF_FAILED');
    }
    checkAccess(req.actor, access);
    void reply;
  });

  app.setNotFoundHandler((req: FastifyRequest, reply: FastifyReply) => {
    if (req.url.startsWith('/api/') || !opts.webDir || !existsSync(path.join(opts.webDir, 'index.html'))) {
      return sendProblem(reply, req, new AppError('ROUTE_NOT_FOUND', { method: req.method, url: req.url.split('?')[0] }));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendProblem(reply, req, new AppError('METHOD_NOT_ALLOWED'));
    }
    // Client-side routes of the single-page app.
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').sendFile('index.html');
  });

  if (opts.webDir && existsSync(opts.webDir)) {
    await app.register(fastifyStatic, {
      root: path.resolve(opts.webDir),
      wildcard: false,
      setHeaders: (res, filePath) => {
        if (filePath.includes(`${path.sep}assets${path.sep}`)) {
          res.header('cache-control', 'public, max-age=31536000, immutable');
        } else {
          res.header('cache-control', 'no-cache');
        }
      },
    });
  }

  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());

  return app;
}

export { errors };
