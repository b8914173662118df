import path from 'node:path';
import { z } from 'zod';

/**
 * Every environment variable congso reads, with development defaults so that
 * `npm start` needs no setup. The README's configuration table is generated from
 * this list by hand: keep both in step.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  COOKIE_SECURE: bool.default(true),
  CORS_ORIGINS: z.string().default(''),
  RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(600),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).default(15),
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).default(12),
  SESSION_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(10_000),
  TRUST_PROXY: bool.default(false),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  UPLOAD_LIMIT_BYTES: z.coerce.number().int().min(1024).default(20 * 1_048_576),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().default('congso <no-reply@congso.local>'),
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  OIDC_NAME: z.string().default('VNeID'),
  OIDC_PERSONAL_ID_CLAIM: z.string().regex(/^[A-Za-z0-9_.:-]+$/, 'must be a claim name').optional(),
  JOBS: bool.default(true),
  JOBS_POLL_MS: z.coerce.number().int().min(10).default(500),
  JOBS_LANES: z.coerce.number().int().min(1).max(32).default(4),
  OUTBOX_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  SEED_DEMO: bool.default(true),
  TZ_DISPLAY: z.string().default('Asia/Ho_Chi_Minh'),
  // National Public Service Portal (docs/national-portal.md): status sync out, dossiers in. Off unless set.
  NATIONAL_SYNC_URL: z.string().url().regex(/^https?:\/\//, 'must start with http:// or https://').optional(),
  NATIONAL_SYNC_TOKEN: z.string().optional(),
  NATIONAL_SYNC_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  NATIONAL_INBOUND_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  // Fees: the beneficiary account of VietQR bank transfers, and the online payment gateway.
  PAYMENT_BANK_BIN: z.string().regex(/^[0-9]{6}$/, 'must be the 6-digit NAPAS BIN of the bank').default('970415'),
  PAYMENT_ACCOUNT_NO: z.string().regex(/^[0-9A-Za-z]{4,19}$/, 'must be a bank account number').default('113000000001'),
  PAYMENT_ACCOUNT_NAME: z.string().min(1).max(70).default('KHO BAC NHA NUOC NINH BINH'),
  PAYMENT_GATEWAY: z.enum(['dev', 'none']).optional(),
  PAYMENT_GATEWAY_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  // Feedback and petitions (docs/feedback.md).
  FEEDBACK_REOPEN_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  FEEDBACK_NEARBY_METERS: z.coerce.number().int().min(5).max(5000).default(50),
  FEEDBACK_ESCALATION_DEPTH: z.coerce.number().int().min(1).max(5).default(2),
  FEEDBACK_REPORTS_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(10),
  // Partner webhooks may target private, loopback or link-local addresses only when this is true
  // (a partner inside the province's own network; development and tests).
  EXCHANGE_WEBHOOK_PRIVATE: bool.default(false),
  FEEDBACK_INBOUND_EMAIL_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
});

export type Config = z.infer<typeof schema> & {
  dataDir: string;
  publicUrl: string;
  /** `dev`: the in-process simulator (default outside production); `none`: no online payment. */
  paymentGateway: 'dev' | 'none';
  /** Key of the HMAC-SHA256 signatures exchanged with the gateway. */
  paymentGatewaySecret: string;
};

const DEV_PAYMENT_SECRET = 'congso-dev-payment-secret-not-for-production';

export class ConfigError extends Error {}

/** Parses the environment; a bad value stops start-up with a message naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') input[key] = v;
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) => `  ${String(i.path[0])}=${JSON.stringify(input[String(i.path[0])])}: ${i.message}`,
    );
    throw new ConfigError(`Invalid configuration (cấu hình không hợp lệ):\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  if ((c.OIDC_ISSUER && !c.OIDC_CLIENT_ID) || (!c.OIDC_ISSUER && c.OIDC_CLIENT_ID)) {
    throw new ConfigError('Invalid configuration: OIDC_ISSUER and OIDC_CLIENT_ID must be set together');
  }
  const paymentGateway = c.PAYMENT_GATEWAY ?? (c.NODE_ENV === 'production' ? 'none' : 'dev');
  if (c.NODE_ENV === 'production' && paymentGateway !== 'none' && !c.PAYMENT_GATEWAY_SECRET) {
    throw new ConfigError('Invalid configuration: PAYMENT_GATEWAY_SECRET must be set in production when PAYMENT_GATEWAY is not none');
  }
  return {
    ...c,
    dataDir: path.resolve(c.DATA_DIR),
    publicUrl: c.PUBLIC_URL ?? `http://localhost:${c.PORT}`,
    paymentGateway,
    paymentGatewaySecret: c.PAYMENT_GATEWAY_SECRET ?? DEV_PAYMENT_SECRET,
  };
}

/** The documented variables, for the README table and `congso config`. */
export const configKeys = Object.keys(schema.shape);
