import type { Kernel } from '../../kernel/index.js';
import { decree30TextLines, signPdf } from '../../kernel/pki/index.js';
import { hasOrgKey, orgSigner, trustMaterial } from './pki.js';

/**
 * Signs a PDF with an agency's organisation signature (what stands for its
 * seal), for papers other modules issue in the agency's name — the electronic
 * result of a dossier above all, so that what the citizen downloads verifies.
 * Returns null when the agency has no organisation key under DATA_DIR/pki/org
 * (the caller then issues the paper unsigned and says so).
 */
export async function signAsAgency(k: Kernel, agency: { code: string; name: string }, pdf: Uint8Array, reason: string, at: Date = new Date()): Promise<Buffer | null> {
  if (!hasOrgKey(k, agency.code)) return null;
  const signer = await orgSigner(k, agency.code);
  const { crls } = await trustMaterial(k);
  const signed = await signPdf(pdf, {
    signer, level: 'B-B', signingTime: at, reason, location: 'Ninh Bình',
    appearance: { kind: 'text', lines: decree30TextLines({ organisation: agency.name, time: at }) }, crls,
  });
  return Buffer.from(signed.bytes);
}
