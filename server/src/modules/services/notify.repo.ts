import { sql } from 'kysely';
import type { Executor } from '../../kernel/db/index.js';

/** SQL of applicants' notification preferences. Table: server/migrations/0091_services_notify_channels.sql. */

export async function preference(db: Executor, ownerId: string): Promise<string[] | null> {
  const r = await sql<{ channels: string[] }>`SELECT channels FROM notification_preference WHERE owner_id = ${ownerId}`.execute(db);
  return r.rows[0]?.channels ?? null;
}

export async function savePreference(db: Executor, ownerId: string, channels: string[]): Promise<void> {
  await sql`INSERT INTO notification_preference (owner_id, channels) VALUES (${ownerId}, ${channels}::text[])
            ON CONFLICT (owner_id) DO UPDATE SET channels = excluded.channels, updated_at = now()`.execute(db);
}
