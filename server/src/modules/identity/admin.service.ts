import type { Ctx } from '../../kernel/context.js';
import { transaction } from '../../kernel/db/index.js';
import { AppError, errors } from '../../kernel/errors.js';
import { authorize, can, type Scope, scopesFor } from '../../kernel/http/access.js';
import type { Kernel } from '../../kernel/index.js';
import {
  type AccountRow,
  accountById,
  accountByOfficial,
  adminListAccounts,
  assignmentById,
  assignmentsOf,
  deleteAssignment,
  insertAccount,
  insertAssignment,
  listRoles,
  roleByCode,
  takenIdentifiers,
} from './account.repo.js';
import './errors.js';
import { normaliseEmail } from './identifiers.js';
import { agencyById, officialById, provinceUnit, unitByCode } from './org.js';
import { hashPassword, passwordProblem } from './password.js';
import { clearFailures } from './session.repo.js';

/**
 * Where an account sits for administration: an official's account in its
 * agency's unit and agency; citizens and businesses belong to the province,
 * so only province-wide administrators manage them.
 */
export async function accountScope(k: Kernel, a: AccountRow): Promise<Scope> {
  if (a.official_id) {
    const o = await officialById(k.db, a.official_id);
    if (o) return { unitPath: o.unit_path, agencyId: o.agency_id };
  }
  const p = await provinceUnit(k.db);
  return { unitPath: p?.path ?? '\u0000none', agencyId: null };
}

export async function listRolesView(k: Kernel) {
  const roles = await listRoles(k.db);
  return roles.map((r) => ({ code: r.code, name: r.name, nameEn: r.name_en, actions: r.actions }));
}

export async function listAccounts(k: Kernel, ctx: Ctx, q: { q?: string; agencyId?: string; limit: number }) {
  const scopes = scopesFor(ctx.actor, 'identity.account.manage');
  const province = await provinceUnit(k.db);
  const includePublic = scopes === null || (!!province && can(ctx.actor, 'identity.account.manage', { unitPath: province.path, agencyId: null }));
  const rows = await adminListAccounts(k.db, { q: q.q, agencyId: q.agencyId, scopes, includePublic, limit: q.limit });
  const roles = await assignmentsOf(k.db, rows.map((r) => r.id));
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    name: r.name,
    email: r.email,
    officialId: r.official_id,
    agencyId: r.agency_id,
    agencyName: r.agency_name,
    locked: r.locked,
    totpEnabled: r.totp_enabled,
    roles: roles
      .filter((x) => x.accountId === r.id)
      .map(({ id, role, roleName, unitPath, unitName, agencyId }) => ({ id, role, roleName, unitPath, unitName, agencyId })),
  }));
}

export async function createOfficialAccount(
  k: Kernel,
  ctx: Ctx,
  input: { officialId: string; email: string; password: string },
): Promise<string> {
  const o = await officialById(k.db, input.officialId);
  if (!o) throw errors.notFound('cán bộ');
  authorize(ctx.actor, 'identity.account.manage', { unitPath: o.unit_path, agencyId: o.agency_id });
  const p = passwordProblem(input.password);
  if (p) throw errors.field('body.password', 'password', p);
  const email = normaliseEmail(input.email);
  const hash = await hashPassword(input.password);
  return transaction(k.db, async (tx) => {
    if (await accountByOfficial(tx, o.id)) throw new AppError('ALREADY_EXISTS', { entity: 'Tài khoản của cán bộ này' }, [{ field: 'body.officialId', rule: 'unique', message: 'Cán bộ này đã có tài khoản' }]);
    const taken = await takenIdentifiers(tx, { email });
    if (taken.email) throw new AppError('ALREADY_EXISTS', { entity: 'Tài khoản' }, [{ field: 'body.email', rule: 'unique', message: 'Địa chỉ email này đã được sử dụng' }]);
    const a = await insertAccount(tx, {
      kind: 'official', name: o.full_name, personal_id: null, tax_code: null, official_id: o.id,
      email, phone: null, password_hash: hash, totp_secret: null,
    });
    await k.audit.record(tx, ctx, { action: 'identity.account.create', entity: 'account', entityId: a.id, after: { kind: 'official', officialId: o.id, email } });
    return a.id;
  });
}

async function targetAccount(k: Kernel, id: string): Promise<AccountRow> {
  const a = await accountById(k.db, id);
  if (!a) throw errors.notFound('tài khoản');
  return a;
}

/**
 * Assigns a role on a scope. The assigner must hold identity.role.assign over the
 * target account and the new scope, and must itself hold every action of the role
 * on that scope: nobody can hand out more than they have.
 */
export async function assignRole(
  k: Kernel,
  ctx: Ctx,
  accountId: string,
  input: { role: string; unitCode?: string; agencyId?: string },
): Promise<string> {
  const a = await targetAccount(k, accountId);
  if (a.kind !== 'official') throw errors.field('params.id', 'official', 'Chỉ tài khoản cán bộ mới được gán vai trò');
  authorize(ctx.actor, 'identity.role.assign', await accountScope(k, a));
  const role = await roleByCode(k.db, input.role);
  if (!role) throw errors.field('body.role', 'enum', `Vai trò "${input.role}" không tồn tại`);
  let unit = null;
  if (input.unitCode) {
    unit = await unitByCode(k.db, input.unitCode);
    if (!unit) throw errors.field('body.unitCode', 'exists', `Không có đơn vị hành chính mã ${input.unitCode}`);
  }
  let agency = null;
  if (input.agencyId) {
    agency = await agencyById(k.db, input.agencyId);
    if (!agency) throw errors.field('body.agencyId', 'exists', 'Không có cơ quan này');
    if (unit && !(agency.unit_path === unit.path || agency.unit_path.startsWith(unit.path + '.'))) {
      throw errors.field('body.agencyId', 'scope', 'Cơ quan không thuộc đơn vị hành chính đã chọn');
    }
  }
  if (!unit && !agency) throw errors.field('body.unitCode', 'required', 'Cần chọn đơn vị hành chính hoặc cơ quan cho vai trò');
  const scope: Scope = { unitPath: unit?.path ?? agency!.unit_path, agencyId: agency?.id ?? null };
  authorize(ctx.actor, 'identity.role.assign', scope);
  for (const action of role.actions) {
    if (!can(ctx.actor, action, scope)) throw new AppError('ROLE_ESCALATION', { action });
  }
  return transaction(k.db, async (tx) => {
    const id = await insertAssignment(tx, {
      account_id: a.id, role_code: role.code, unit_id: unit?.id ?? null, agency_id: agency?.id ?? null, created_by: ctx.actor?.id ?? null,
    });
    if (!id) throw errors.alreadyExists('Vai trò này trên phạm vi này');
    await k.audit.record(tx, ctx, {
      action: 'identity.role.assign', entity: 'account', entityId: a.id,
      after: { assignmentId: id, role: role.code, unitPath: unit?.path ?? null, agencyId: agency?.id ?? null },
    });
    return id;
  });
}

/** Removes a role assignment; the remover must be able to grant it (same rule as assigning). */
export async function revokeRole(k: Kernel, ctx: Ctx, accountId: string, assignmentId: string): Promise<void> {
  const a = await targetAccount(k, accountId);
  authorize(ctx.actor, 'identity.role.assign', await accountScope(k, a));
  const asg = await assignmentById(k.db, a.id, assignmentId);
  if (!asg) throw errors.notFound('vai trò được gán');
  const scope: Scope = { unitPath: asg.unitPath, agencyId: asg.agencyId };
  if (!scope.unitPath && asg.agencyId) scope.unitPath = (await agencyById(k.db, asg.agencyId))?.unit_path ?? null;
  authorize(ctx.actor, 'identity.role.assign', scope);
  for (const action of asg.actions) {
    if (!can(ctx.actor, action, scope)) throw new AppError('ROLE_ESCALATION', { action });
  }
  await transaction(k.db, async (tx) => {
    if (!(await deleteAssignment(tx, a.id, assignmentId))) throw errors.notFound('vai trò được gán');
    await k.audit.record(tx, ctx, {
      action: 'identity.role.revoke', entity: 'account', entityId: a.id,
      before: { assignmentId, role: asg.role, unitPath: asg.unitPath, agencyId: asg.agencyId },
    });
  });
}

export async function unlockAccount(k: Kernel, ctx: Ctx, accountId: string): Promise<void> {
  const a = await targetAccount(k, accountId);
  authorize(ctx.actor, 'identity.account.manage', await accountScope(k, a));
  await transaction(k.db, async (tx) => {
    await clearFailures(tx, [`account:${a.id}`]);
    await k.audit.record(tx, ctx, { action: 'identity.account.unlock', entity: 'account', entityId: a.id });
  });
}
