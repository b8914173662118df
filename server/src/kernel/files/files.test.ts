import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { systemCtx } from '../context.js';
import { transaction } from '../db/index.js';
import { AppError } from '../errors.js';

let env: TestEnv;
beforeAll(async () => {
  env = await testEnv();
});
afterAll(() => env.close());

// The smallest valid PDF and PNG headers are enough for content detection.
const PDF = Buffer.from('%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f5e3f80000000049454e44ae426082', 'hex');

async function put(name: string, data: Buffer, allow = ['application/pdf', 'image/*']) {
  return transaction(env.k.db, (tx) => env.k.files.put(tx, systemCtx(), name, data, { allow, maxBytes: 1024 }));
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return e instanceof AppError ? e.code : String(e);
  }
}

describe('file store', () => {
  it('stores content once by SHA-256 and keeps each original name', async () => {
    const a = await put('Tờ khai đăng ký khai sinh.pdf', PDF);
    const b = await put('ban-sao.pdf', PDF);
    expect(a.sha256).toBe(b.sha256);
    expect(a.id).not.toBe(b.id);
    expect(a.mime).toBe('application/pdf');
    expect(a.originalName).toBe('Tờ khai đăng ký khai sinh.pdf');
    const file = path.join(env.k.files.root, a.sha256.slice(0, 2), a.sha256.slice(2, 4), a.sha256);
    expect(existsSync(file)).toBe(true);
    expect((await env.k.files.read(a.sha256)).equals(PDF)).toBe(true);
    const blobs = await env.k.db.selectFrom('file_blob').selectAll().where('sha256', '=', a.sha256).execute();
    expect(blobs).toHaveLength(1);
    expect((await env.k.files.meta(env.k.db, b.id))?.originalName).toBe('ban-sao.pdf');
  });

  it('refuses path-traversal and hidden names', async () => {
    for (const name of ['../../etc/passwd', '..\\x.pdf', 'a/b.pdf', '.htaccess', 'x\u0000.pdf', '', '..']) {
      expect(await code(put(name, PDF))).toBe('FILE_NAME_INVALID');
    }
  });

  it('detects the type from content, not the name', async () => {
    expect(await code(put('anh.pdf', PNG))).toBe('FILE_TYPE_MISMATCH');
    expect(await code(put('script.pdf', Buffer.from('<script>alert(1)</script>')))).toBe('FILE_TYPE_NOT_ALLOWED');
    expect(await code(put('anh.png', PNG))).toBe('ok');
    expect(await code(put('doc.pdf', PDF, ['image/*']))).toBe('FILE_TYPE_NOT_ALLOWED');
  });

  it('enforces size limits and refuses empty files, writing no row', async () => {
    const before = await env.k.db.selectFrom('file_ref').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    expect(await code(put('big.pdf', Buffer.concat([PDF, Buffer.alloc(2000)])))).toBe('FILE_TOO_LARGE');
    expect(await code(put('empty.pdf', Buffer.alloc(0)))).toBe('FILE_EMPTY');
    const after = await env.k.db.selectFrom('file_ref').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    expect(after?.n).toBe(before?.n);
  });

  it('detects content altered on disk', async () => {
    const a = await put('x.png', PNG);
    const file = path.join(env.k.files.root, a.sha256.slice(0, 2), a.sha256.slice(2, 4), a.sha256);
    writeFileSync(file, Buffer.from('tampered'));
    await expect(env.k.files.read(a.sha256)).rejects.toThrow(/corrupt/);
  });
});
