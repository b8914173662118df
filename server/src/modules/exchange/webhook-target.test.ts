import { describe, expect, it } from 'vitest';
import { isPrivateAddress, webhookTargetProblem } from './webhook-target.js';

describe('webhook targets (no server-side request forgery)', () => {
  it('knows private, loopback, link-local and reserved addresses, in IPv4, IPv6 and mapped form', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', 'not-an-ip']) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '203.162.4.190', '2001:4860:4860::8888', '::ffff:8.8.8.8']) expect(isPrivateAddress(a), a).toBe(false);
  });

  it('refuses URLs that lead inside, by literal or by name, unless private targets are allowed', async () => {
    expect(await webhookTargetProblem('http://169.254.169.254/latest/meta-data/', false)).toMatch(/mạng nội bộ/);
    expect(await webhookTargetProblem('http://[::1]:5432/', false)).toMatch(/mạng nội bộ/);
    // A name that resolves to loopback is caught after resolution, not by its spelling.
    expect(await webhookTargetProblem('http://localhost:8080/hook', false)).toMatch(/mạng nội bộ/);
    expect(await webhookTargetProblem('https://203.162.4.190/hooks/congso', false)).toBeNull();
    expect(await webhookTargetProblem('http://127.0.0.1:9000/hook', true)).toBeNull();
    expect(await webhookTargetProblem('https://khong-ton-tai.invalid/hook', false)).toMatch(/Không phân giải/);
  });
});
