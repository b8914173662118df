import { createHash } from 'node:crypto';
import type { Ctx } from '../../kernel/context.js';
import { transaction } from '../../kernel/db/index.js';
import { AppError, errors, type FieldError } from '../../kernel/errors.js';
import type { Actor } from '../../kernel/http/access.js';
import type { Kernel } from '../../kernel/index.js';
import { findAccountId } from '../identity/index.js';
import * as catalogue from './catalogue.repo.js';
import * as repo from './dossier.repo.js';
import type { Applicant } from './dossier.repo.js';
import { handlerOf, nextCode } from './dossier.service.js';
import { definitionFor, DOSSIER_TYPE } from './dossier.workflow.js';
import { cleanForm, formProblems } from './forms.js';
import { downloadInboundFiles, type InboundFile, type InboundFileRef, storeInboundFiles } from './national.files.js';
import * as nrepo from './national.repo.js';

/**
 * Inbound half of the national portal adapter (docs/national-portal.md): a
 * dossier a citizen filed on the National Public Service Portal, delivered
 * here to be handled. It becomes a dossier exactly like an online submission
 * (same procedure version pinning, handler, case start, code), waiting at the
 * one-stop desk to be received. Delivery is idempotent on the national code.
 */

/** Who acts when the national portal delivers a dossier. */
export const NATIONAL_ACTOR: Actor = { kind: 'partner', id: 'national-portal', name: 'Cổng Dịch vụ công quốc gia', grants: [] };

/** A dossier as the national portal sends it (its field names). */
export interface NationalDossierInput {
  MaHoSoQuocGia: string;
  MaTTHC: string;
  /** The commune (for commune-level procedures); a province-level procedure's agency comes from the catalogue. */
  MaCoQuan?: string;
  ChuHoSo: string;
  SoGiayToChuHoSo?: string;
  SoDienThoai?: string;
  Email?: string;
  DiaChiChuHoSo?: string;
  /** When the citizen submitted on the national portal. */
  NgayNopHoSo?: Date;
  /** Filled forms, by component key, when the national portal carries them in our schema. */
  BieuMau?: Record<string, Record<string, unknown>>;
  /** Attached files, by link (downloaded, checked and stored here before the dossier exists). */
  TepDinhKem?: InboundFileRef[];
}

export interface NationalFiling {
  id: string;
  code: string;
  nationalCode: string;
  state: string;
  submittedAt: Date;
  /** How many attached files the dossier holds. */
  files: number;
}

/**
 * Creates the dossier the national portal delivered, or returns the one an
 * earlier delivery of the same national code created. Checks the procedure,
 * the handling unit and the forms (when sent) at once, naming each field.
 */
export async function fileFromNational(
  k: Kernel, ctx: Ctx, input: NationalDossierInput, idempotencyKey: string,
): Promise<{ dossier: NationalFiling; replayed: boolean }> {
  // Files come first, outside any transaction (network): checked and downloaded before anything is written.
  // A delivery already taken needs none of it (a retry); the transaction below checks again under the lock.
  let files: InboundFile[] = [];
  if (input.TepDinhKem?.length && !(await nrepo.dossierOfNationalCode(k.db, idempotencyKey))) {
    const known = await catalogue.procedureVersion(k.db, input.MaTTHC);
    if (known) files = await downloadInboundFiles(k, known.data, input.TepDinhKem);
  }
  const out = await transaction(k.db, async (tx) => {
    await nrepo.lockNationalCode(tx, idempotencyKey);
    const prior = await nrepo.dossierOfNationalCode(tx, idempotencyKey);
    if (prior) return { id: prior, replayed: true };

    const r = await catalogue.procedureVersion(tx, input.MaTTHC);
    if (!r) throw errors.field('body.MaTTHC', 'exists', `Không có thủ tục hành chính mã «${input.MaTTHC}» trong danh mục của tỉnh`);
    const { data: p, version } = r;
    if (!p.methods.includes('online')) throw errors.field('body.MaTTHC', 'online', `Thủ tục «${p.code}» không nhận hồ sơ trực tuyến`);
    const forms = Object.fromEntries(Object.entries(input.BieuMau ?? {}).map(([c, v]) => [c, cleanForm(v)]));
    const fields: FieldError[] = input.BieuMau ? formProblems(p, version, forms, 'body.BieuMau') : [];
    let handler: Awaited<ReturnType<typeof handlerOf>> | null = null;
    try {
      handler = await handlerOf(tx, p, input.MaCoQuan ?? null, 'body');
    } catch (e) {
      if (e instanceof AppError && e.code === 'VALIDATION_FAILED') fields.push(...(e.fields ?? []).map((f) => ({ ...f, field: f.field === 'body.unitCode' ? 'body.MaCoQuan' : f.field })));
      else throw e;
    }
    if (fields.length) throw errors.validation(fields);
    const h = handler!;

    const now = k.workflow.now();
    const applicant: Applicant = {
      name: input.ChuHoSo.trim(), idNumber: input.SoGiayToChuHoSo ?? null, phone: input.SoDienThoai ?? null,
      email: input.Email ?? null, address: input.DiaChiChuHoSo ?? null,
    };
    // The citizen's account here, when they have one, sees the dossier among theirs.
    const owner = applicant.idNumber ? await findAccountId(k, applicant.idNumber) : null;
    const started = await k.workflow.start(tx, ctx, {
      type: DOSSIER_TYPE, unitPath: h.unitPath, agencyId: h.agencyId,
      data: { procedureCode: p.code, procedureVersion: version, channel: 'online', nationalCode: input.MaHoSoQuocGia },
      idempotencyKey: `national:${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40)}`,
      definitionKey: p.code, defaultDefinition: definitionFor(p.timeLimit, p.name),
    });
    const id = started.case.id;
    await repo.insertDossier(tx, {
      id, code: id, procedure_code: p.code, procedure_version: version, procedure_name: p.name,
      agency_id: h.agencyId, unit_path: h.unitPath, handler_name: h.name, owner_id: owner, applicant, channel: 'online', forms,
      fee_total: p.fees.reduce((s, f) => s + f.amount, 0),
      // Submitted when the citizen submitted on the portal (never in the future).
      submitted_at: input.NgayNopHoSo && input.NgayNopHoSo < now ? input.NgayNopHoSo : now,
      received_at: null, due_at: null, finished_at: null,
      returned_at: null, result_file_id: null, rating: null, rating_reason: null, rated_at: null,
      sector_code: p.sector.code, full_online: p.onlineLevel === 'full',
    });
    // The procedure version may have changed between the download and now: the files are checked against the pinned one.
    if (input.TepDinhKem?.length && !files.length) files = await downloadInboundFiles(k, p, input.TepDinhKem);
    const fileCount = await storeInboundFiles(k, tx, ctx, p, id, files);
    await nrepo.insertNationalDossier(tx, idempotencyKey, id);
    const code = await nextCode(k, tx, h.owner, now);
    await repo.setCode(tx, id, code);
    await k.audit.record(tx, ctx, {
      action: 'services.dossier.national_in', entity: 'dossier', entityId: id,
      after: { code, nationalCode: input.MaHoSoQuocGia, procedure: p.code, version, channel: 'online', files: fileCount },
    });
    return { id, replayed: false };
  });
  const d = (await repo.dossier(k.db, out.id))!;
  return {
    dossier: { id: d.id, code: d.code, nationalCode: idempotencyKey, state: d.state, submittedAt: d.submitted_at, files: (await repo.dossierFiles(k.db, d.id)).length },
    replayed: out.replayed,
  };
}
