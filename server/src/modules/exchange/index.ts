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
  },
};
