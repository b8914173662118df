import { sql } from 'kysely';
import type { Executor } from '../../kernel/db/index.js';

/** SQL of consultations on draft policies. Tables: server/migrations/0051_feedback_consultations.sql. */

export interface ConsultationRow {
  id: string;
  agency_id: string;
  unit_path: string;
  title: string;
  summary: string;
  opens_at: Date;
  closes_at: Date;
  conclusion: string | null;
  concluded_at: Date | null;
  created_by: string;
  created_at: Date;
}
export interface SectionRow { position: number; heading: string; body: string }
export interface QuestionRow { position: number; kind: 'single' | 'multiple' | 'scale' | 'text'; prompt: string; options: string[] | null }
export interface CommentRow {
  id: string;
  consultation_id: string;
  section: number | null;
  account_id: string;
  author_name: string;
  body: string;
  answer: string | null;
  accepted: boolean | null;
  answered_at: Date | null;
  hidden: boolean;
  created_at: Date;
  supports: number;
}

export async function insert(db: Executor, c: Omit<ConsultationRow, 'id' | 'created_at' | 'conclusion' | 'concluded_at'>, sections: SectionRow[], questions: QuestionRow[]): Promise<string> {
  const r = await sql<{ id: string }>`INSERT INTO consultation (agency_id, unit_path, title, summary, opens_at, closes_at, created_by)
    VALUES (${c.agency_id}, ${c.unit_path}, ${c.title}, ${c.summary}, ${c.opens_at}, ${c.closes_at}, ${c.created_by}) RETURNING id`.execute(db);
  const id = r.rows[0]!.id;
  for (const s of sections) await sql`INSERT INTO consultation_section (consultation_id, position, heading, body) VALUES (${id}, ${s.position}, ${s.heading}, ${s.body})`.execute(db);
  for (const q of questions) {
    await sql`INSERT INTO consultation_question (consultation_id, position, kind, prompt, options)
      VALUES (${id}, ${q.position}, ${q.kind}, ${q.prompt}, ${q.options ? JSON.stringify(q.options) : null}::jsonb)`.execute(db);
  }
  return id;
}

export async function get(db: Executor, id: string, lock = false): Promise<ConsultationRow | undefined> {
  const r = await sql<ConsultationRow>`SELECT * FROM consultation WHERE id = ${id} ${lock ? sql`FOR UPDATE` : sql``}`.execute(db);
  return r.rows[0];
}

export async function list(db: Executor, now: Date, state?: 'open' | 'closed' | 'upcoming') {
  const r = await sql<ConsultationRow & { comments: number }>`
    SELECT c.*, (SELECT count(*)::int FROM consultation_comment m WHERE m.consultation_id = c.id AND NOT m.hidden) AS comments
    FROM consultation c
    WHERE ${state === 'open' ? sql`c.opens_at <= ${now} AND c.closes_at > ${now}` : state === 'closed' ? sql`c.closes_at <= ${now}` : state === 'upcoming' ? sql`c.opens_at > ${now}` : sql`true`}
    ORDER BY c.closes_at DESC LIMIT 200`.execute(db);
  return r.rows;
}

export async function sections(db: Executor, id: string): Promise<SectionRow[]> {
  return (await sql<SectionRow>`SELECT position, heading, body FROM consultation_section WHERE consultation_id = ${id} ORDER BY position`.execute(db)).rows;
}

export async function questions(db: Executor, id: string): Promise<QuestionRow[]> {
  return (await sql<QuestionRow>`SELECT position, kind, prompt, options FROM consultation_question WHERE consultation_id = ${id} ORDER BY position`.execute(db)).rows;
}

export async function attachments(db: Executor, id: string): Promise<{ file_id: string; name: string }[]> {
  return (await sql<{ file_id: string; name: string }>`SELECT file_id, name FROM consultation_attachment WHERE consultation_id = ${id} ORDER BY name`.execute(db)).rows;
}

export async function addAttachment(db: Executor, id: string, fileId: string, name: string): Promise<void> {
  await sql`INSERT INTO consultation_attachment (consultation_id, file_id, name) VALUES (${id}, ${fileId}, ${name}) ON CONFLICT DO NOTHING`.execute(db);
}

export async function comments(db: Executor, id: string, includeHidden = false): Promise<CommentRow[]> {
  const r = await sql<CommentRow>`
    SELECT m.*, (SELECT count(*)::int FROM consultation_support s WHERE s.comment_id = m.id) AS supports
    FROM consultation_comment m WHERE m.consultation_id = ${id} ${includeHidden ? sql`` : sql`AND NOT m.hidden`}
    ORDER BY m.created_at`.execute(db);
  return r.rows;
}

export async function comment(db: Executor, id: string): Promise<CommentRow | undefined> {
  const r = await sql<CommentRow>`SELECT m.*, (SELECT count(*)::int FROM consultation_support s WHERE s.comment_id = m.id) AS supports
    FROM consultation_comment m WHERE m.id = ${id}`.execute(db);
  return r.rows[0];
}

export async function addComment(db: Executor, c: { consultation_id: string; section: number | null; account_id: string; author_name: string; body: string }): Promise<string> {
  const r = await sql<{ id: string }>`INSERT INTO consultation_comment (consultation_id, section, account_id, author_name, body)
    VALUES (${c.consultation_id}, ${c.section}, ${c.account_id}, ${c.author_name}, ${c.body}) RETURNING id`.execute(db);
  return r.rows[0]!.id;
}

export async function support(db: Executor, commentId: string, accountId: string, on: boolean): Promise<void> {
  if (on) await sql`INSERT INTO consultation_support (comment_id, account_id) VALUES (${commentId}, ${accountId}) ON CONFLICT DO NOTHING`.execute(db);
  else await sql`DELETE FROM consultation_support WHERE comment_id = ${commentId} AND account_id = ${accountId}`.execute(db);
}

export async function answerComment(db: Executor, id: string, answer: string, accepted: boolean | null): Promise<void> {
  await sql`UPDATE consultation_comment SET answer = ${answer}, accepted = ${accepted}, answered_at = now() WHERE id = ${id}`.execute(db);
}

export async function conclude(db: Executor, id: string, conclusion: string): Promise<void> {
  await sql`UPDATE consultation SET conclusion = ${conclusion}, concluded_at = now() WHERE id = ${id}`.execute(db);
}

/** One response per person; a second is refused by the key (false). */
export async function respond(db: Executor, id: string, accountId: string, answers: unknown): Promise<boolean> {
  const r = await sql`INSERT INTO consultation_response (consultation_id, account_id, answers) VALUES (${id}, ${accountId}, ${JSON.stringify(answers)}::jsonb)
    ON CONFLICT DO NOTHING`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

export async function responses(db: Executor, id: string): Promise<unknown[]> {
  return (await sql<{ answers: unknown }>`SELECT answers FROM consultation_response WHERE consultation_id = ${id}`.execute(db)).rows.map((r) => r.answers);
}
