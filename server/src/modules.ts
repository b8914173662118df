import type { Module } from './kernel/index.js';
import { exchangeModule } from './modules/exchange/index.js';
import { identityModule } from './modules/identity/index.js';
import { orgModule } from './modules/org/index.js';
import { servicesModule } from './modules/services/index.js';
import { feedbackModule } from './modules/feedback/index.js';
import { documentsModule } from './modules/documents/index.js';
import { operationsModule } from './modules/operations/index.js';

/** Registered modules, in dependency order (seeds run in this order). */
export const modules: Module[] = [orgModule, identityModule, servicesModule, exchangeModule, feedbackModule, operationsModule, documentsModule];
