import type { Kernel, Module } from '../../kernel/index.js';
import { registerBuiltinDatasets } from './builtin-datasets.js';
import './errors.js';
import { registerOpenDataJobs } from './opendata.service.js';
import { ckanDatastoreSearchRoute } from './routes/ckan-datastore-search.js';
import { ckanOrganizationListRoute } from './routes/ckan-organization-list.js';
import { ckanPackageListRoute } from './routes/ckan-package-list.js';
import { ckanPackageSearchRoute } from './routes/ckan-package-search.js';
import { ckanPackageShowRoute } from './routes/ckan-package-show.js';
import { dcatRoutes } from './routes/dcat.js';
import { openDataDownloadRoute } from './routes/opendata-download.js';
import { openDataPagesRoutes } from './routes/opendata-pages.js';
import { openDataRunCreateRoute, openDataRunGetRoute } from './routes/opendata-runs.js';
import { deliveryReplayRoute } from './routes/delivery-replay.js';
import { exchangeFiguresRoute, exchangeLogVerifyRoute } from './routes/exchange-figures.js';
import { grantDecideRoute } from './routes/grant-decide.js';
import { grantRequestRoute } from './routes/grant-request.js';
import { grantsListRoute } from './routes/grants-list.js';
import { partnerGrantsListRoute } from './routes/partner-grants-list.js';
import { oauthTokenRoute } from './routes/oauth-token.js';
import { partnerCreateRoute } from './routes/partner-create.js';
import { partnerDossierStatusRoute } from './routes/partner-dossier-status.js';
import { subscriptionCreateRoute } from './routes/subscription-create.js';
import { subscriptionDeliveriesRoute } from './routes/subscription-deliveries.js';
import { jwksRoute } from './routes/jwks.js';
import { ckanShowRoutes } from './routes/ckan-show.js';
import { adminExchangeRoutes } from './routes/admin-exchange.js';
import { registerGrantClock, registerWebhooks } from './partner.service.js';
import { partnerFigures, verifyLog } from './exchange-log.js';
import { partnerById } from './partner.repo.js';
import { JWKS_OVERLAP_DAYS, rotateSigningKey } from './jws.js';

/**
 * Data exchange and open data: the open-data catalogue generated from live
 * data (CKAN Action API, DCAT-AP, public pages), partner systems with
 * OAuth 2.0 client credentials and access grants, signed webhooks, and a
 * hash-chained exchange log.
 */

export { registerDataset, type DatasetDef, type DatasetField, type Row as DatasetRowValues } from './datasets.js';
export { generateDataset } from './opendata.service.js';

/** Per-partner volume, latency and errors over a period, for the operations centre. */
export const exchangeFigures = (k: Kernel, from: Date, to: Date) => partnerFigures(k, from, to);

/**
 * The same figures with each partner system's name and identifier, one row per partner and kind of
 * exchange, for the operations centre's data-exchange card (read-only; no secrets, no contacts).
 */
export async function exchangePartnerFigures(k: Kernel, from: Date, to: Date) {
  const rows = await partnerFigures(k, from, to);
  const names = new Map<string, { name: string; member: string } | null>();
  for (const id of new Set(rows.map((r) => r.partner_id))) {
    const p = await partnerById(k.db, id);
    names.set(id, p ? { name: `${p.system_name} — ${p.agency_name}`, member: `${p.member_class}/${p.member_code}/${p.subsystem}` } : null);
  }
  return rows.map((r) => ({ partnerId: r.partner_id, name: names.get(r.partner_id)?.name ?? r.partner_id, member: names.get(r.partner_id)?.member ?? null,
    kind: r.kind, total: r.total, errors: r.errors, avgMs: Math.round(r.avg_ms * 10) / 10, p95Ms: Math.round(r.p95_ms * 10) / 10 }));
}

export const exchangeModule: Module = {
  name: 'exchange',
  routes(app, k) {
    ckanPackageListRoute(app, k);
    ckanPackageSearchRoute(app, k);
    ckanPackageShowRoute(app, k);
    ckanOrganizationListRoute(app, k);
    ckanDatastoreSearchRoute(app, k);
    ckanShowRoutes(app, k);
    dcatRoutes(app, k);
    openDataDownloadRoute(app, k);
    openDataPagesRoutes(app, k);
    openDataRunCreateRoute(app, k);
    openDataRunGetRoute(app, k);
    oauthTokenRoute(app, k);
    partnerCreateRoute(app, k);
    grantRequestRoute(app, k);
    grantDecideRoute(app, k);
    grantsListRoute(app, k);
    partnerGrantsListRoute(app, k);
    partnerDossierStatusRoute(app, k);
    subscriptionCreateRoute(app, k);
    subscriptionDeliveriesRoute(app, k);
    deliveryReplayRoute(app, k);
    exchangeFiguresRoute(app, k);
    exchangeLogVerifyRoute(app, k);
    jwksRoute(app, k);
    adminExchangeRoutes(app, k);
  },
  handlers(k: Kernel) {
    registerBuiltinDatasets(k);
    registerOpenDataJobs(k);
    registerWebhooks(k);
    registerGrantClock(k);
  },
  commands: {
    'exchange verify': {
      describe: 'verify the hash chain of the exchange log (partner calls and webhook deliveries)',
      async run(k) {
        const r = await verifyLog(k);
        console.log(r.ok ? `exchange log: ${r.checked} entries, chain intact` : `exchange log broken at entry ${r.brokenAt}: ${r.reason}`);
        return r.ok ? 0 : 1;
      },
    },
    'exchange jws rotate': {
      describe: `rotate the key that signs JWS webhooks; the previous key stays in the JWKS for ${JWKS_OVERLAP_DAYS} days`,
      async run(k, args) {
        if (args.length) {
          console.error(`exchange jws rotate takes no arguments (got: ${args.join(' ')})`);
          return 2;
        }
        const r = await rotateSigningKey(k);
        console.log(`new signing key: ${r.kid}`);
        console.log(r.previous ? `previous key ${r.previous} stays in /api/exchange/jwks.json until ${r.previousUntil!.toISOString()}` : 'there was no previous key');
        return 0;
      },
    },
  },
};
