import { buildApp } from '../server/src/main.js';
import { ctxFor } from '../server/test/auth.js';
import { createDraft, saveDraft, submitDraft } from '../server/src/modules/services/dossier.service.js';
import { bareServer, benchKernel, load, result } from './lib.js';

/**
 * Public tracking by dossier code (GET /api/tracking/:code: code check, one
 * indexed lookup joined to the case, response schema, security headers, rate
 * limit) in requests/s, against a bare Fastify route returning a constant,
 * same process, loopback load from a second process. Target ratio ≥ 0.35.
 */
export default async function trackingLookup(args: string[]) {
  const seconds = Number(args[0] ?? 10);
  const b = await benchKernel({ seed: true });
  try {
    const desk = await ctxFor(b.k, 'motcua@ninhbinh.gov.vn');
    const d = await createDraft(b.k, desk, { procedureCode: '2.000488' });
    await saveDraft(b.k, desk, d.id, {
      version: d.version,
      applicant: { name: 'Nguyễn Văn An', idNumber: '037090000001' },
      forms: { to_khai: { ho_ten: 'Nguyễn Văn An', so_dinh_danh: '037090000001', loai_phieu: 'Phiếu số 1', so_ban: 1, muc_dich: 'Xin việc' } },
    });
    const { dossier } = await submitDraft(b.k, desk, d.id, { channel: 'desk' }, 'bench-tracking-0001');

    const bare = await bareServer();
    const bareUrl = bare.url;
    const app = await buildApp(b.k, { logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/api/tracking/${encodeURIComponent(dossier.code)}`;
    const check = await fetch(url);
    if (check.status !== 200) throw new Error(`tracking failed: ${check.status}`);

    await load(bareUrl, {}, 2);
    const baseline = await load(bareUrl, {}, seconds);
    await load(url, {}, 2);
    const value = await load(url, {}, seconds);
    console.log(`bare Fastify constant: ${baseline.rps.toFixed(0)} req/s (p99 ${baseline.p99} ms)`);
    console.log(`GET /api/tracking/${dossier.code}: ${value.rps.toFixed(0)} req/s (p99 ${value.p99} ms, non-2xx ${value.non2xx})`);
    if (value.non2xx > 0) throw new Error('tracking answered errors under load');
    await app.close();
    await bare.close();
    return result('tracking-lookup', 'requests_per_second', value.rps, baseline.rps, 'req/s');
  } finally {
    await b.close();
  }
}
