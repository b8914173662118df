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

/**
 * Data exchange and open data: the open-data catalogue generated from live
 * data (CKAN Action API, DCAT-AP, public pages), partner systems with
 * OAuth 2.0 client credentials and access grants, signed webhooks, and a
 * hash-chained exchange log.
 */

export { registerDataset, type DatasetDef, type DatasetField, type Row as DatasetRowValues } from './datasets.js';
export { generateDataset } from './opendata.service.js';

export const exchangeModule: Module = {
  name: 'exchange',
  routes(app, k) {
    ckanPackageListRoute(app, k);
    ckanPackageSearchRoute(app, k);
    ckanPackageShowRoute(app, k);
    ckanOrganizationListRoute(app, k);
    ckanDatastoreSearchRoute(app, k);
    dcatRoutes(app, k);
    openDataDownloadRoute(app, k);
    openDataPagesRoutes(app, k);
    openDataRunCreateRoute(app, k);
    openDataRunGetRoute(app, k);
  },
  handlers(k: Kernel) {
    registerBuiltinDatasets(k);
    registerOpenDataJobs(k);
  },
};
