import type { Ctx } from '../../kernel/context.js';
import { transaction } from '../../kernel/db/index.js';
import { AppError, errors } from '../../kernel/errors.js';
import { authorize } from '../../kernel/http/access.js';
import type { Kernel } from '../../kernel/index.js';
import * as repo from './org.repo.js';
import type { AgencyKind, UnitType } from './org.repo.js';

/**
 * Use cases of the org module. Each write checks the caller's grant on the
 * resource's own scope, runs in one transaction and records an audit entry.
 */

const PROVINCE_TYPES: UnitType[] = ['province', 'city'];
const COMMUNE_TYPES: UnitType[] = ['commune', 'ward', 'special_zone'];

export function checkTypeForCode(code: string, type: UnitType): void {
  const ok = (code.length === 2 && PROVINCE_TYPES.includes(type)) || (code.length === 5 && COMMUNE_TYPES.includes(type)) || type === 'country';
  if (!ok) throw new AppError('ORG_UNIT_TYPE_MISMATCH', { type, code }, [{ field: 'body.type', rule: 'enum', message: `Loại "${type}" không phù hợp với mã ${code}` }]);
}

function isUniqueViolation(e: unknown, constraint?: string): boolean {
  const err = e as { code?: string; constraint?: string };
  return err?.code === '23505' && (!constraint || err.constraint === constraint);
}

export interface UnitInput {
  code: string;
  name: string;
  fullName: string;
  nameEn?: string | null;
  type: UnitType;
  parentCode?: string | null;
  effectiveFrom?: string;
  predecessorCodes?: string[];
}

export async function createUnit(k: Kernel, ctx: Ctx, input: UnitInput) {
  checkTypeForCode(input.code, input.type);
  return transaction(k.db, async (tx) => {
    const parent = input.parentCode ? await repo.unitByCode(tx, input.parentCode) : undefined;
    if (input.parentCode && !parent) {
      throw new AppError('ORG_UNIT_NOT_FOUND', { code: input.parentCode }, [{ field: 'body.parentCode', rule: 'exists', message: `Không có đơn vị cấp trên mã ${input.parentCode}` }]);
    }
    const path = parent ? `${parent.path}.${input.code}` : input.code;
    // A new unit is placed in the tree under its parent: the grant must cover the parent.
    authorize(ctx.actor, 'org.unit.manage', { unitPath: parent ? parent.path : path });
    if (await repo.unitByCode(tx, input.code)) throw new AppError('ORG_UNIT_CODE_TAKEN', { code: input.code });
    const preds = [];
    for (const c of input.predecessorCodes ?? []) {
      const p = await repo.unitByCode(tx, c);
      const ended = p ? undefined : (await repo.listUnits(tx, { q: c, limit: 1, offset: 0, includeEnded: true })).items.find((u) => u.code === c);
      const unit = p ?? ended;
      if (!unit) throw new AppError('ORG_UNIT_NOT_FOUND', { code: c }, [{ field: 'body.predecessorCodes', rule: 'exists', message: `Không có đơn vị mã ${c}` }]);
      preds.push(unit.id);
    }
    let id: string;
    try {
      id = await repo.insertUnit(tx, {
        code: input.code,
        name: input.name,
        full_name: input.fullName,
        name_en: input.nameEn ?? null,
        type: input.type,
        parent_id: parent?.id ?? null,
        path,
        ...(input.effectiveFrom ? { effective_from: input.effectiveFrom } : {}),
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError('ORG_UNIT_CODE_TAKEN', { code: input.code });
      throw e;
    }
    await repo.insertLineage(tx, id, preds);
    const unit = (await repo.unitById(tx, id))!;
    await k.audit.record(tx, ctx, { action: 'org.unit.create', entity: 'org_unit', entityId: id, after: { ...unit, predecessorCodes: input.predecessorCodes ?? [] } });
    return unit;
  });
}

export async function updateUnit(
  k: Kernel,
  ctx: Ctx,
  code: string,
  patch: { name?: string; fullName?: string; nameEn?: string | null; effectiveTo?: string | null },
) {
  return transaction(k.db, async (tx) => {
    const before = await repo.unitByCode(tx, code);
    if (!before) throw new AppError('ORG_UNIT_NOT_FOUND', { code });
    authorize(ctx.actor, 'org.unit.manage', { unitPath: before.path });
    if (patch.effectiveTo && patch.effectiveTo <= before.effective_from) {
      throw errors.field('body.effectiveTo', 'min', `Ngày chấm dứt phải sau ngày hiệu lực ${before.effective_from}`);
    }
    await repo.updateUnit(tx, before.id, {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.fullName !== undefined ? { full_name: patch.fullName } : {}),
      ...(patch.nameEn !== undefined ? { name_en: patch.nameEn } : {}),
      ...(patch.effectiveTo !== undefined ? { effective_to: patch.effectiveTo } : {}),
    });
    const after = (await repo.unitById(tx, before.id))!;
    await k.audit.record(tx, ctx, { action: 'org.unit.update', entity: 'org_unit', entityId: before.id, before, after });
    return after;
  });
}

export interface AgencyInput {
  code: string;
  name: string;
  shortName?: string | null;
  nameEn?: string | null;
  kind: AgencyKind;
  unitCode: string;
  parentId?: string | null;
  email?: string | null;
  phone?: string | null;
  address?: string | null;
}

export async function createAgency(k: Kernel, ctx: Ctx, input: AgencyInput) {
  return transaction(k.db, async (tx) => {
    const unit = await repo.unitByCode(tx, input.unitCode);
    if (!unit) throw new AppError('ORG_UNIT_NOT_FOUND', { code: input.unitCode }, [{ field: 'body.unitCode', rule: 'exists', message: `Không có đơn vị mã ${input.unitCode}` }]);
    authorize(ctx.actor, 'org.agency.manage', { unitPath: unit.path });
    if (input.parentId && !(await repo.agencyById(tx, input.parentId))) {
      throw errors.field('body.parentId', 'exists', 'Không có cơ quan cấp trên này');
    }
    let id: string;
    try {
      id = await repo.insertAgency(tx, {
        code: input.code,
        name: input.name,
        short_name: input.shortName ?? null,
        name_en: input.nameEn ?? null,
        kind: input.kind,
        unit_id: unit.id,
        parent_id: input.parentId ?? null,
        email: input.email ?? null,
        phone: input.phone ?? null,
        address: input.address ?? null,
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError('ORG_AGENCY_CODE_TAKEN', { code: input.code }, [{ field: 'body.code', rule: 'unique', message: `Mã ${input.code} đã được dùng` }]);
      throw e;
    }
    const after = (await repo.agencyById(tx, id))!;
    await k.audit.record(tx, ctx, { action: 'org.agency.create', entity: 'agency', entityId: id, after });
    return after;
  });
}

export async function updateAgency(k: Kernel, ctx: Ctx, id: string, patch: Partial<Omit<AgencyInput, 'code' | 'unitCode' | 'kind'>> & { active?: boolean }) {
  return transaction(k.db, async (tx) => {
    const before = await repo.agencyById(tx, id);
    if (!before) throw new AppError('ORG_AGENCY_NOT_FOUND');
    authorize(ctx.actor, 'org.agency.manage', { unitPath: before.unit_path, agencyId: before.id });
    if (patch.parentId && (patch.parentId === id || !(await repo.agencyById(tx, patch.parentId)))) {
      throw errors.field('body.parentId', 'exists', 'Cơ quan cấp trên không hợp lệ');
    }
    const set: Record<string, unknown> = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.shortName !== undefined) set.short_name = patch.shortName;
    if (patch.nameEn !== undefined) set.name_en = patch.nameEn;
    if (patch.parentId !== undefined) set.parent_id = patch.parentId;
    if (patch.email !== undefined) set.email = patch.email;
    if (patch.phone !== undefined) set.phone = patch.phone;
    if (patch.address !== undefined) set.address = patch.address;
    if (patch.active !== undefined) set.active = patch.active;
    if (Object.keys(set).length) await repo.updateAgency(tx, id, set);
    const after = (await repo.agencyById(tx, id))!;
    await k.audit.record(tx, ctx, { action: 'org.agency.update', entity: 'agency', entityId: id, before, after });
    return after;
  });
}

export async function createDivision(k: Kernel, ctx: Ctx, agencyId: string, input: { code: string; name: string }) {
  return transaction(k.db, async (tx) => {
    const agency = await repo.agencyById(tx, agencyId);
    if (!agency) throw new AppError('ORG_AGENCY_NOT_FOUND');
    authorize(ctx.actor, 'org.agency.manage', { unitPath: agency.unit_path, agencyId: agency.id });
    try {
      const d = await repo.insertDivision(tx, { agency_id: agencyId, code: input.code, name: input.name });
      await k.audit.record(tx, ctx, { action: 'org.division.create', entity: 'division', entityId: d.id, after: { ...d, agencyId } });
      return d;
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError('ORG_DIVISION_CODE_TAKEN', { code: input.code }, [{ field: 'body.code', rule: 'unique', message: `Mã ${input.code} đã có` }]);
      throw e;
    }
  });
}

export interface OfficialInput {
  fullName: string;
  email?: string | null;
  phone?: string | null;
  agencyId: string;
  divisionId?: string | null;
  positionCode: string;
}

async function checkOfficialRefs(tx: Parameters<typeof repo.agencyById>[0], input: { agencyId: string; divisionId?: string | null; positionCode?: string }) {
  const agency = await repo.agencyById(tx, input.agencyId);
  if (!agency) throw errors.field('body.agencyId', 'exists', 'Không có cơ quan này');
  if (input.divisionId) {
    const d = await repo.divisionById(tx, input.divisionId);
    if (!d || d.agency_id !== agency.id) throw errors.field('body.divisionId', 'exists', 'Phòng/ban không thuộc cơ quan này');
  }
  if (input.positionCode && !(await repo.positionByCode(tx, input.positionCode))) {
    throw new AppError('ORG_POSITION_NOT_FOUND', { code: input.positionCode }, [{ field: 'body.positionCode', rule: 'exists', message: `Không có chức vụ mã ${input.positionCode}` }]);
  }
  return agency;
}

export async function createOfficial(k: Kernel, ctx: Ctx, input: OfficialInput) {
  return transaction(k.db, async (tx) => {
    const agency = await checkOfficialRefs(tx, input);
    authorize(ctx.actor, 'org.official.manage', { unitPath: agency.unit_path, agencyId: agency.id });
    let id: string;
    try {
      id = await repo.insertOfficial(tx, {
        agency_id: agency.id,
        division_id: input.divisionId ?? null,
        position_code: input.positionCode,
        full_name: input.fullName,
        email: input.email ? input.email.toLowerCase() : null,
        phone: input.phone ?? null,
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError('ORG_OFFICIAL_EMAIL_TAKEN', { email: input.email ?? '' }, [{ field: 'body.email', rule: 'unique', message: 'Thư điện tử đã được dùng' }]);
      throw e;
    }
    const after = (await repo.officialById(tx, id))!;
    await k.audit.record(tx, ctx, { action: 'org.official.create', entity: 'official', entityId: id, after });
    return after;
  });
}

export async function updateOfficial(k: Kernel, ctx: Ctx, id: string, patch: Partial<OfficialInput> & { active?: boolean }) {
  return transaction(k.db, async (tx) => {
    const before = await repo.officialById(tx, id);
    if (!before) throw new AppError('ORG_OFFICIAL_NOT_FOUND');
    authorize(ctx.actor, 'org.official.manage', { unitPath: before.unit_path, agencyId: before.agency_id });
    if (patch.agencyId || patch.divisionId || patch.positionCode) {
      const agency = await checkOfficialRefs(tx, { agencyId: patch.agencyId ?? before.agency_id, divisionId: patch.divisionId, positionCode: patch.positionCode });
      // Moving an official needs the grant on the destination too.
      authorize(ctx.actor, 'org.official.manage', { unitPath: agency.unit_path, agencyId: agency.id });
    }
    const set: Record<string, unknown> = {};
    if (patch.fullName !== undefined) set.full_name = patch.fullName;
    if (patch.email !== undefined) set.email = patch.email ? patch.email.toLowerCase() : null;
    if (patch.phone !== undefined) set.phone = patch.phone;
    if (patch.agencyId !== undefined) set.agency_id = patch.agencyId;
    if (patch.divisionId !== undefined) set.division_id = patch.divisionId;
    if (patch.positionCode !== undefined) set.position_code = patch.positionCode;
    if (patch.active !== undefined) set.active = patch.active;
    try {
      if (Object.keys(set).length) await repo.updateOfficial(tx, id, set);
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError('ORG_OFFICIAL_EMAIL_TAKEN', { email: patch.email ?? '' }, [{ field: 'body.email', rule: 'unique', message: 'Thư điện tử đã được dùng' }]);
      throw e;
    }
    const after = (await repo.officialById(tx, id))!;
    await k.audit.record(tx, ctx, { action: 'org.official.update', entity: 'official', entityId: id, before, after });
    return after;
  });
}
