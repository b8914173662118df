import { randomBytes } from 'node:crypto';
import { systemCtx } from '../../kernel/context.js';
import { AppError, messageOf } from '../../kernel/errors.js';
import type { Command, Kernel } from '../../kernel/index.js';
import { accountsByLogin } from './account.repo.js';
import { assignRole, createOfficialAccount, unlockAccount } from './admin.service.js';
import { classifyIdentifier } from './identifiers.js';
import { agencyByCode, officialByEmail } from './org.js';

/**
 * `congso accounts ...`: what an operator needs before anyone can sign in, e.g.
 * the first system administrator of an installation without the demo seed.
 */

async function accountId(k: Kernel, identifier: string): Promise<string | null> {
  const id = classifyIdentifier(identifier);
  const rows = await accountsByLogin(k.db, {
    email: id.kind === 'email' ? id.value : undefined,
    personalId: id.kind === 'personal_id' ? id.value : undefined,
    taxCode: id.kind === 'tax_code_or_phone' ? id.taxCode : undefined,
    phone: id.kind === 'tax_code_or_phone' ? id.phone : undefined,
  });
  return rows.length === 1 ? rows[0]!.id : null;
}

async function report(fn: () => Promise<void>): Promise<number> {
  try {
    await fn();
    return 0;
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    console.error(messageOf(e.code, e.params, 'vi') + (e.fields.length ? `: ${e.fields.map((f) => f.message).join('; ')}` : ''));
    return 1;
  }
}

export const identityCommands: Record<string, Command> = {
  'accounts create-official': {
    describe: 'Tạo tài khoản cho cán bộ (theo email); in ra mật khẩu tạm',
    usage: 'accounts create-official EMAIL',
    async run(k, args) {
      const email = args[0];
      if (!email) return (console.error('usage: congso accounts create-official EMAIL'), 2);
      const o = await officialByEmail(k.db, email);
      if (!o) return (console.error(`Không có cán bộ với email ${email}`), 1);
      // Random, with letters and digits as the policy asks; shown once, to be changed at first sign-in.
      const password = `Cs${randomBytes(9).toString('base64url')}9`;
      return report(async () => {
        await createOfficialAccount(k, systemCtx('cli'), { officialId: o.id, email, password });
        console.log(`Đã tạo tài khoản ${email}. Mật khẩu tạm / temporary password: ${password}`);
      });
    },
  },
  'accounts grant': {
    describe: 'Gán vai trò cho tài khoản trên một đơn vị (và cơ quan)',
    usage: 'accounts grant ID ROLE UNIT [AGENCY]',
    async run(k, args) {
      const [identifier, role, unitCode, agencyCode] = args;
      if (!identifier || !role || !unitCode) return (console.error('usage: congso accounts grant IDENTIFIER ROLE UNIT_CODE [AGENCY_CODE]'), 2);
      const id = await accountId(k, identifier);
      if (!id) return (console.error(`Không tìm thấy tài khoản ${identifier}`), 1);
      let agencyId: string | undefined;
      if (agencyCode) {
        agencyId = (await agencyByCode(k.db, agencyCode))?.id;
        if (!agencyId) return (console.error(`Không có cơ quan mã ${agencyCode}`), 1);
      }
      return report(async () => {
        await assignRole(k, systemCtx('cli'), id, { role, unitCode, agencyId });
        console.log(`Đã gán vai trò ${role} trên ${unitCode}${agencyCode ? ` / ${agencyCode}` : ''} cho ${identifier}`);
      });
    },
  },
  'accounts unlock': {
    describe: 'Mở khóa tài khoản bị khóa do đăng nhập sai',
    usage: 'accounts unlock ID',
    async run(k, args) {
      const identifier = args[0];
      if (!identifier) return (console.error('usage: congso accounts unlock IDENTIFIER'), 2);
      const id = await accountId(k, identifier);
      if (!id) return (console.error(`Không tìm thấy tài khoản ${identifier}`), 1);
      return report(async () => {
        await unlockAccount(k, systemCtx('cli'), id);
        console.log(`Đã mở khóa ${identifier}`);
      });
    },
  },
};
