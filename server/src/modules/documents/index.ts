import type { Module } from '../../kernel/index.js';
import './errors.js';
import { INCOMING_TYPE, incomingCaseType } from './incoming.workflow.js';
import { OUTGOING_TYPE, outgoingCaseType } from './outgoing.workflow.js';
import { documentRoutes } from './routes/document.js';
import { folderRoutes } from './routes/folders.js';
import { incomingRoutes } from './routes/incoming.js';
import { outgoingRoutes } from './routes/outgoing.js';
import { registerRoutes } from './routes/registers.js';
import { edxmlRoutes } from './routes/edxml.js';
import { registerExchangeHandlers } from './exchange-service.js';
import { ensureDevTlsIdentity, loadTlsIdentity } from './exchange-tls.js';
import { OCR_TOPIC, runOcr } from './ocr.js';
import { seedDocumentsDemo } from './seed.js';

/**
 * Official documents (Decree 30/2020): registers and numbering, outgoing
 * documents from draft to dispatch with PAdES signatures (kernel/pki),
 * incoming documents from arrival to the finished reply, files, search and
 * signature checks. See docs/documents.md.
 */

export { OUTGOING_TYPE, outgoingCaseType } from './outgoing.workflow.js';
export { INCOMING_TYPE, incomingCaseType } from './incoming.workflow.js';
export { DOC_TYPES } from './types.js';
export { signAsAgency } from './agency-sign.js';
export { startDocumentsExchange, type ExchangeServer } from './exchange-server.js';

export const documentsModule: Module = {
  name: 'documents',
  routes(app, k) {
    registerRoutes(app, k);
    folderRoutes(app, k);
    outgoingRoutes(app, k);
    incomingRoutes(app, k);
    documentRoutes(app, k);
    edxmlRoutes(app, k);
  },
  handlers(k) {
    k.workflow.register(outgoingCaseType);
    k.workflow.register(incomingCaseType);
    k.outbox.on<{ versionId: string }>(OCR_TOPIC, (m) => runOcr(k, m.payload, m.attempts));
    registerExchangeHandlers(k);
    void OUTGOING_TYPE;
    void INCOMING_TYPE;
  },
  seedDemo: async (k) => {
    await seedDocumentsDemo(k);
    await ensureDevTlsIdentity(k);
  },
  commands: {
    'documents dev-pki': {
      describe: 'create the development CA, the demo agencies\' organisation signatures and the demo leaders\' PKCS#12 files under DATA_DIR/pki (password congso-dev)',
      run: async (k) => {
        const r = await seedDocumentsDemo(k);
        if (!loadTlsIdentity(k) && (await ensureDevTlsIdentity(k))) r.issued.push('exchange/tls.pem');
        console.log(`${r.dir}: ${r.issued.length ? r.issued.join(', ') : 'đã có sẵn / already there'}`);
        return 0;
      },
    },
  },
};
