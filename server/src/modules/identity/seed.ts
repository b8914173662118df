import { systemCtx } from '../../kernel/context.js';
import { transaction } from '../../kernel/db/index.js';
import type { Kernel } from '../../kernel/index.js';
import { accountByEmail, insertAccount, insertAssignment, updateAccount } from './account.repo.js';
import { agencyByCode, officialByEmail, unitByCode } from './org.js';
import { hashPassword } from './password.js';

/** Password of every demo account (README, banner). */
export const DEMO_PASSWORD = 'Congso@2026';
/** TOTP secret shared by the demo officials, so that anyone can sign in from the README. */
export const DEMO_TOTP_SECRET = 'KVKFKRCPNZQUYMLXOVYDSQKJKZDTSRLD';

interface DemoRole {
  role: string;
  unitCode?: string;
  agencyCode?: string;
}

export const DEMO_OFFICIALS: { email: string; label: string; roles: DemoRole[] }[] = [
  { email: 'admin@ninhbinh.gov.vn', label: 'Quản trị hệ thống (VPUB)', roles: [{ role: 'system_admin', unitCode: '37' }] },
  { email: 'lanhdao@ninhbinh.gov.vn', label: 'Phó Chủ tịch UBND tỉnh', roles: [{ role: 'leader', unitCode: '37' }] },
  // The provincial one-stop centre receives for every provincial agency, so its desk officers hold the province, not one agency.
  { email: 'motcua@ninhbinh.gov.vn', label: 'Cán bộ một cửa (TTPVHCC)', roles: [{ role: 'desk_officer', unitCode: '37' }] },
  { email: 'chuyenvien.stp@ninhbinh.gov.vn', label: 'Chuyên viên Sở Tư pháp', roles: [{ role: 'specialist', agencyCode: 'STP' }] },
  { email: 'truongphong.stp@ninhbinh.gov.vn', label: 'Trưởng phòng Sở Tư pháp', roles: [{ role: 'division_head', agencyCode: 'STP' }] },
  { email: 'giamdoc.stp@ninhbinh.gov.vn', label: 'Giám đốc Sở Tư pháp', roles: [{ role: 'leader', agencyCode: 'STP' }] },
  { email: 'vanthu.stp@ninhbinh.gov.vn', label: 'Văn thư Sở Tư pháp', roles: [{ role: 'clerk', agencyCode: 'STP' }] },
  {
    email: 'phuly@ninhbinh.gov.vn',
    label: 'Chủ tịch UBND phường Phủ Lý (quản trị đơn vị)',
    roles: [{ role: 'leader', unitCode: '13285' }, { role: 'unit_admin', unitCode: '13285' }],
  },
  // The provincial desk for feedback and petitions (one address, every channel): triage, routing, publication.
  { email: 'tiepnhan@ninhbinh.gov.vn', label: 'Cán bộ tiếp nhận phản ánh, kiến nghị (VP UBND tỉnh)', roles: [{ role: 'feedback_operator', unitCode: '37' }] },
  { email: 'congchuc.phuly@ninhbinh.gov.vn', label: 'Công chức phường Phủ Lý (xử lý phản ánh)', roles: [{ role: 'specialist', unitCode: '13285' }] },
];

export const DEMO_PUBLIC: { kind: 'citizen' | 'business'; id: string; email: string; name: string }[] = [
  { kind: 'citizen', id: '037090000001', email: 'congdan@example.vn', name: 'Nguyễn Văn An' },
  { kind: 'citizen', id: '037090000002', email: 'congdan2@example.vn', name: 'Trần Thị Bình' },
  { kind: 'business', id: '2700123456', email: 'doanhnghiep@example.vn', name: 'Công ty TNHH Tràng An Số' },
];

/** The demo accounts and their roles; safe to run again (existing accounts and assignments are kept). */
export async function seedIdentityDemo(k: Kernel): Promise<void> {
  const ctx = systemCtx('seed');
  const hash = await hashPassword(DEMO_PASSWORD);
  for (const d of DEMO_OFFICIALS) {
    const o = await officialByEmail(k.db, d.email);
    if (!o) {
      k.log.warn({ email: d.email }, 'identity seed: no official with this email in the org seed; account skipped');
      continue;
    }
    await transaction(k.db, async (tx) => {
      let a = await accountByEmail(tx, d.email);
      if (!a) {
        a = await insertAccount(tx, {
          kind: 'official', name: o.full_name, personal_id: null, tax_code: null, official_id: o.id,
          email: d.email, phone: null, password_hash: hash, totp_secret: DEMO_TOTP_SECRET, totp_enabled: true,
        });
        await k.audit.record(tx, ctx, { action: 'identity.account.create', entity: 'account', entityId: a.id, after: { kind: 'official', email: d.email, demo: true } });
      } else if (!a.totp_enabled) {
        await updateAccount(tx, a.id, { totp_secret: DEMO_TOTP_SECRET, totp_enabled: true });
      }
      for (const r of d.roles) {
        const agency = r.agencyCode ? await agencyByCode(tx, r.agencyCode) : undefined;
        const unit = r.unitCode ? await unitByCode(tx, r.unitCode) : undefined;
        if ((r.agencyCode && !agency) || (r.unitCode && !unit)) {
          k.log.warn({ email: d.email, ...r }, 'identity seed: unit or agency missing; role skipped');
          continue;
        }
        const id = await insertAssignment(tx, {
          account_id: a.id, role_code: r.role, unit_id: unit?.id ?? agency?.unit_id ?? null, agency_id: agency?.id ?? null, created_by: 'seed',
        });
        if (id) {
          await k.audit.record(tx, ctx, { action: 'identity.role.assign', entity: 'account', entityId: a.id, after: { assignmentId: id, ...r } });
        }
      }
    });
  }
  for (const d of DEMO_PUBLIC) {
    await transaction(k.db, async (tx) => {
      if (await accountByEmail(tx, d.email)) return;
      const a = await insertAccount(tx, {
        kind: d.kind, name: d.name,
        personal_id: d.kind === 'citizen' ? d.id : null,
        tax_code: d.kind === 'business' ? d.id : null,
        official_id: null, email: d.email, phone: null, password_hash: hash, totp_secret: null,
      });
      await k.audit.record(tx, ctx, { action: 'identity.account.register', entity: 'account', entityId: a.id, after: { kind: d.kind, email: d.email, demo: true } });
    });
  }
}

export async function identityBanner(k: Kernel): Promise<string[]> {
  const have = await k.db.selectFrom('account').select('email').where('email', 'is not', null).execute();
  const emails = new Set(have.map((r) => r.email));
  const lines: string[] = [];
  const officials = DEMO_OFFICIALS.filter((d) => emails.has(d.email));
  const publics = DEMO_PUBLIC.filter((d) => emails.has(d.email));
  if (!officials.length && !publics.length) return lines;
  lines.push(`Tài khoản demo (mật khẩu chung / password: ${DEMO_PASSWORD}):`);
  for (const d of officials) lines.push(`  ${d.email.padEnd(34)} ${d.label}`);
  for (const d of publics) {
    lines.push(`  ${d.id.padEnd(14)} / ${d.email.padEnd(24)} ${d.kind === 'citizen' ? 'Công dân' : 'Doanh nghiệp'}: ${d.name}`);
  }
  if (officials.length) {
    lines.push(`  Cán bộ cần mã TOTP: thêm khóa ${DEMO_TOTP_SECRET} vào ứng dụng xác thực (Google Authenticator...)`);
    lines.push('  Officials need a TOTP code: add the secret above to an authenticator app.');
  }
  return lines;
}
