import type { Kernel } from '../../kernel/index.js';
import { findOfficialByEmail, getAgencyByCode } from '../org/index.js';
import { findAccountId } from '../identity/index.js';
import { devOfficialSignatureImage, ensureDevPki } from './pki.js';
import { seedDemoImage } from './signing.js';

/**
 * The demo's signing keys: a development CA under DATA_DIR/pki, the
 * organisation signatures of the demo agencies and the PKCS#12 files of the
 * demo leaders (password `congso-dev`), so that the whole flow — the leader
 * signs, the clerk issues — runs out of the box. Idempotent.
 */
export const DEMO_AGENCIES = ['STP', 'UBND', 'VPUB', 'SKHCN', 'UBND-13285'];
export const DEMO_SIGNERS = ['giamdoc.stp@ninhbinh.gov.vn', 'lanhdao@ninhbinh.gov.vn', 'phuly@ninhbinh.gov.vn', 'giamdoc.skhcn@ninhbinh.gov.vn'];

export async function seedDocumentsDemo(k: Kernel) {
  const agencies = [];
  for (const code of DEMO_AGENCIES) {
    const a = await getAgencyByCode(k.db, code);
    if (a) agencies.push({ code: a.code, name: a.name });
  }
  const officials = [];
  for (const email of DEMO_SIGNERS) {
    const o = await findOfficialByEmail(k.db, email);
    if (!o) continue;
    officials.push({ email, name: o.full_name, title: o.position_name, agency: o.agency_name });
  }
  const r = await ensureDevPki(k, { agencies, officials });
  // Each demo leader's drawn signature is their first registered signature image (the signing screen offers it).
  for (const o of officials) {
    const id = await findAccountId(k, o.email);
    const png = devOfficialSignatureImage(k, o.email);
    if (id && png) await seedDemoImage(k, id, png, 'Chữ ký mẫu');
  }
  return r;
}
