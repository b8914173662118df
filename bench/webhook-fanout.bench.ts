import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { transaction } from '../server/src/kernel/db/index.js';
import * as repo from '../server/src/modules/exchange/partner.repo.js';
import { DELIVER_TOPIC, DELIVERY_ATTEMPTS } from '../server/src/modules/exchange/partner.service.js';
import { benchKernel, result } from './lib.js';

/**
 * Webhook deliveries per second to 50 subscribers, each a real HTTP receiver
 * on loopback: every delivery is what production does (an outbox job claimed
 * and archived, the delivery and subscription read, the target checked, the
 * body signed with HMAC-SHA256, POSTed, the attempt recorded, the exchange log
 * appended to its hash chain), run by one outbox worker. Baseline in the same
 * run and process: the same number of bare POSTs of the same bodies to the
 * same receivers, one at a time, nothing else. `npm run bench -- webhook-fanout [EVENTS]`.
 */

export default async function webhookFanout(args: string[] = []) {
  const events = Number(args[0] ?? 40);
  const subscribers = 50;
  const b = await benchKernel({ env: { EXCHANGE_WEBHOOK_PRIVATE: 'true' } });
  const servers: Server[] = [];
  let received = 0;
  try {
    const urls: string[] = [];
    for (let i = 0; i < subscribers; i++) {
      const s = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          received++;
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
      servers.push(s);
      urls.push(`http://127.0.0.1:${(s.address() as AddressInfo).port}/hook`);
    }
    const partner = await repo.insertPartner(b.k.db, {
      member_class: 'GOV', member_code: '000.00.37.H40', subsystem: 'BENCH', agency_name: 'Bench', system_name: 'Bench', contact_name: 'Bench', contact_email: 'bench@example.vn',
      client_id: 'GOV/000.00.37.H40/BENCH', secret_hash: createHash('sha256').update('x').digest(), created_by: null,
    });
    const subs: repo.SubscriptionRow[] = [];
    for (const url of urls) subs.push(await repo.insertSubscription(b.k.db, { partner_id: partner.id, event_type: 'dossier.state_changed', url, secret: `secret-${url}`, signature: 'hmac' }));
    const body = (e: number) => ({
      id: `bench-${e}`, type: 'dossier.state_changed', occurredAt: new Date().toISOString(),
      data: { code: `000.00.37.H40-261123-${String(e).padStart(4, '0')}`, procedureCode: '1.001193', action: 'receive', from: 'submitted', to: 'received' },
    });

    // Baseline: bare POSTs, same bodies, same receivers, one at a time.
    const total = events * subscribers;
    let t0 = performance.now();
    for (let e = 0; e < events; e++) {
      const payload = JSON.stringify(body(e));
      for (const url of urls) {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload });
        await res.body?.cancel().catch(() => undefined);
      }
    }
    const rawSecs = (performance.now() - t0) / 1000;
    const raw = total / rawSecs;
    console.log(`baseline: ${total} bare POSTs to ${subscribers} loopback receivers in ${rawSecs.toFixed(2)} s = ${raw.toFixed(0)}/s`);

    // The fan-out's output for `events` events (a delivery row and a job per subscription, in one transaction per event), then one worker delivers them.
    received = 0;
    for (let e = 0; e < events; e++) {
      await transaction(b.k.db, async (tx) => {
        for (const s of subs) {
          const id = await repo.insertDelivery(tx, { subscription_id: s.id, partner_id: partner.id, event_id: `bench-${e}`, event_type: 'dossier.state_changed', payload: body(e) });
          if (id) await b.k.outbox.enqueue(tx, DELIVER_TOPIC, { deliveryId: id }, { maxAttempts: DELIVERY_ATTEMPTS });
        }
      });
    }
    t0 = performance.now();
    const handled = await b.k.outbox.drain(100_000);
    const ourSecs = (performance.now() - t0) / 1000;
    if (handled !== total || received !== total) throw new Error(`delivered ${received} of ${total} (handled ${handled})`);
    const ours = total / ourSecs;
    console.log(`webhooks: ${total} signed deliveries (${events} events × ${subscribers} subscribers) by one outbox worker in ${ourSecs.toFixed(2)} s = ${ours.toFixed(0)}/s`);
    return result('webhook-fanout', 'deliveries_per_s', ours, raw, 'deliveries/s');
  } finally {
    for (const s of servers) await new Promise((r) => s.close(r));
    await b.close();
  }
}
