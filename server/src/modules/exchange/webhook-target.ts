import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Where a partner's webhook may point. A partner chooses the URL, and congso's
 * server makes the request: without a check, a partner could aim it at the
 * cloud metadata service (169.254.169.254), the database port on localhost or
 * any machine of the province's internal network (server-side request forgery).
 * The host is resolved and every address must be public — at subscription
 * and again at each delivery (the DNS answer can change in between). Private
 * targets are allowed only with EXCHANGE_WEBHOOK_PRIVATE=true.
 */

const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) blocked.addSubnet(net, bits, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (!family) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The reason (Vietnamese) a webhook URL may not be called, or null. */
export async function webhookTargetProblem(url: string, allowPrivate: boolean): Promise<string | null> {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return 'Địa chỉ nhận không phải URL hợp lệ';
  }
  if (allowPrivate) return null;
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    return `Không phân giải được tên miền ${host}`;
  }
  if (!addresses.length || addresses.some(isPrivateAddress)) return 'Địa chỉ nhận trỏ vào mạng nội bộ, máy chủ cục bộ hoặc địa chỉ dành riêng';
  return null;
}
