import type { Kernel, Module } from '../../kernel/index.js';
import './errors.js';
import { rebuild, registerProjections } from './live.projection.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { programmeRoutes } from './routes/programme.js';
import { dtiRoutes } from './routes/dti.js';
import { reportRoutes } from './routes/reports.js';
import { exportRoutes } from './routes/export.js';
import { targetRoutes } from './routes/targets.js';
import { registerOpenData } from './export.service.js';
import { registerJobs } from './report.service.js';
import { seedOperationsDemo } from './seed.js';

/**
 * The operations centre and the digital-transformation programme: live
 * figures from province to agency and commune (projections of the case
 * events), the programme's resolutions, indicators, tasks and projects, the
 * provincial DTI, reminders, the steering committee's monthly report and exports.
 */

export const operationsModule: Module = {
  name: 'operations',
  routes(app, k) {
    dashboardRoutes(app, k);
    programmeRoutes(app, k);
    dtiRoutes(app, k);
    reportRoutes(app, k);
    exportRoutes(app, k);
    targetRoutes(app, k);
  },
  handlers(k: Kernel) {
    registerProjections(k);
    registerJobs(k);
    registerOpenData(k);
  },
  seedDemo: seedOperationsDemo,
  commands: {
    'operations rebuild': {
      describe: 'recount the operations centre figures from every dossier, report and document (idempotent; after a restore)',
      async run(k) {
        const r = await rebuild(k);
        console.log(`${r.dossiers} dossiers, ${r.reports} reports and ${r.documents} documents checked, ${r.changed} recounted`);
        return 0;
      },
    },
  },
};
