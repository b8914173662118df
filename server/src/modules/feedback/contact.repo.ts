import { sql } from 'kysely';
import type { Executor } from '../../kernel/db/index.js';

/** SQL of email verification for reporters without an account. Table: server/migrations/0052_feedback_contacts.sql. */

export async function insert(db: Executor, email: string, expiresAt: Date): Promise<string> {
  const r = await sql<{ id: string }>`INSERT INTO feedback_contact (email, code_hash, expires_at) VALUES (${email}, '', ${expiresAt}) RETURNING id`.execute(db);
  return r.rows[0]!.id;
}

export async function setCodeHash(db: Executor, id: string, codeHash: string): Promise<void> {
  await sql`UPDATE feedback_contact SET code_hash = ${codeHash} WHERE id = ${id}`.execute(db);
}

/** Spends one try and returns the row as it is then. */
export async function spendTry(db: Executor, id: string) {
  const r = await sql<{ email: string; code_hash: string; attempts: number; expires_at: Date; token_hash: string | null }>`
    UPDATE feedback_contact SET attempts = attempts + 1 WHERE id = ${id} RETURNING email, code_hash, attempts, expires_at, token_hash`.execute(db);
  return r.rows[0];
}

export async function setToken(db: Executor, id: string, tokenHash: string, expiresAt: Date): Promise<void> {
  await sql`UPDATE feedback_contact SET token_hash = ${tokenHash}, token_expires_at = ${expiresAt} WHERE id = ${id}`.execute(db);
}

export async function emailForToken(db: Executor, tokenHash: string): Promise<string | null> {
  const r = await sql<{ email: string }>`SELECT email FROM feedback_contact WHERE token_hash = ${tokenHash} AND token_expires_at > now()`.execute(db);
  return r.rows[0]?.email ?? null;
}
