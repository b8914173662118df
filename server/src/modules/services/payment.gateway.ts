import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Config } from '../../kernel/config.js';

/**
 * Online payment gateways behind one interface. A gateway receives the payer
 * at its own page (`createPayment` gives the address), takes the money, and
 * tells us in a server-to-server callback whose parameters it signs; we trust
 * a callback only when `verifyCallback` accepts its signature.
 *
 * The development gateway is a simulator inside congso, so the demo works with
 * no external service: its page (GET /api/payment-gateway/dev/pay) pays at once
 * and calls back. A real gateway (the National Public Service Portal's payment
 * platform, VNPay, a bank) is another implementation of this interface.
 */

export interface GatewayPaymentRequest {
  /** Our reference of the attempt (alphanumeric, unique per gateway). */
  ref: string;
  /** VND. */
  amount: number;
  /** What the payer sees, e.g. "Thanh toan ho so 000.00.04.H42-260101-0001". */
  description: string;
  /** Where the gateway sends the payer back. */
  returnUrl: string;
}

export interface GatewayCallback {
  ref: string;
  /** The gateway's transaction number. */
  txn: string;
  /** What the gateway says was paid, VND. */
  amount: number;
  status: 'paid' | 'failed';
}

export interface PaymentGateway {
  /** Stored with each attempt (`dossier_payment.provider`). */
  readonly name: string;
  createPayment(p: GatewayPaymentRequest): Promise<{ redirectUrl: string }>;
  /** The callback's content when its signature over the parameters is right; null otherwise. */
  verifyCallback(params: Record<string, string>): GatewayCallback | null;
}

/** The text signed: every parameter but the signature, sorted by name, URL-encoded, joined with '&'. */
export function canonicalParams(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== 'signature')
    .sort()
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(params[k]!)}`)
    .join('&');
}

/** HMAC-SHA256 of the parameters, hex. */
export function signParams(params: Record<string, string>, secret: string): string {
  return createHmac('sha256', secret).update(canonicalParams(params)).digest('hex');
}

/** Constant-time check of a hex signature over the parameters. */
export function signatureValid(params: Record<string, string>, secret: string): boolean {
  const given = params.signature;
  if (typeof given !== 'string' || !/^[0-9a-f]{64}$/i.test(given)) return false;
  const want = Buffer.from(signParams(params, secret), 'hex');
  const got = Buffer.from(given.toLowerCase(), 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}

export const DEV_GATEWAY = 'dev';
export const DEV_PAY_PATH = '/api/payment-gateway/dev/pay';

/** The in-process simulator: same signatures a real gateway would use, with the configured secret. */
export function devGateway(config: Config): PaymentGateway {
  const secret = config.paymentGatewaySecret;
  return {
    name: DEV_GATEWAY,
    async createPayment(p) {
      const params: Record<string, string> = { ref: p.ref, amount: String(p.amount), description: p.description, returnUrl: p.returnUrl };
      const q = new URLSearchParams({ ...params, signature: signParams(params, secret) });
      return { redirectUrl: `${config.publicUrl}${DEV_PAY_PATH}?${q}` };
    },
    verifyCallback(params) {
      if (!signatureValid(params, secret)) return null;
      const { ref, txn, amount, status } = params;
      if (!ref || !txn || !amount || !/^[0-9]{1,13}$/.test(amount) || (status !== 'paid' && status !== 'failed')) return null;
      return { ref, txn, amount: Number(amount), status };
    },
  };
}

/** The configured gateway, or null when online payment is off. */
export function gatewayOf(config: Config): PaymentGateway | null {
  return config.paymentGateway === 'dev' ? devGateway(config) : null;
}
