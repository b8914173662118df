import { sql } from 'kysely';
import type { Executor } from '../../kernel/db/index.js';

/** All SQL of joint processing (liên thông). Tables: server/migrations/0090_services_joint.sql. */

export interface JointStepDef {
  agencyCode: string;
  kind: 'process' | 'consult';
  label: string;
  days?: number;
  hours?: number;
}

export interface JointStepRow {
  dossier_id: string;
  seq: number;
  step_no: number;
  agency_id: string;
  agency_code: string;
  agency_name: string;
  unit_path: string;
  kind: 'process' | 'consult';
  label: string;
  duration: { days: number } | { hours: number };
  started_at: Date;
  started_seq: number;
  due_at: Date;
  finished_at: Date | null;
  finished_seq: number | null;
  outcome: 'passed' | 'completed' | 'returned' | 'withdrawn' | null;
  note: string | null;
  /** When the step's agency is warned (migration 0092), and when it was warned / escalated as late. */
  warn_at: Date | null;
  warned_at: Date | null;
  breached_at: Date | null;
}

export async function plan(db: Executor, procedureCode: string, definitionVersion: number): Promise<JointStepDef[] | null> {
  if (definitionVersion <= 0) return null;
  const r = await sql<{ steps: JointStepDef[] }>`
    SELECT steps FROM process_joint_plan WHERE procedure_code = ${procedureCode} AND definition_version = ${definitionVersion}`.execute(db);
  return r.rows[0]?.steps ?? null;
}

export async function savePlan(db: Executor, procedureCode: string, definitionVersion: number, steps: JointStepDef[]): Promise<void> {
  await sql`INSERT INTO process_joint_plan (procedure_code, definition_version, steps)
            VALUES (${procedureCode}, ${definitionVersion}, ${JSON.stringify(steps)}::jsonb)`.execute(db);
}

export async function steps(db: Executor, dossierId: string): Promise<JointStepRow[]> {
  const r = await sql<JointStepRow>`SELECT * FROM dossier_joint_step WHERE dossier_id = ${dossierId} ORDER BY seq`.execute(db);
  return r.rows;
}

export async function insertStep(
  db: Executor, s: Omit<JointStepRow, 'seq' | 'finished_at' | 'finished_seq' | 'outcome' | 'note' | 'warned_at' | 'breached_at'>,
): Promise<number> {
  const r = await sql<{ seq: number }>`
    INSERT INTO dossier_joint_step (dossier_id, seq, step_no, agency_id, agency_code, agency_name, unit_path, kind, label, duration, started_at, started_seq, due_at, warn_at)
    SELECT ${s.dossier_id}, coalesce(max(seq), 0) + 1, ${s.step_no}, ${s.agency_id}, ${s.agency_code}, ${s.agency_name}, ${s.unit_path}, ${s.kind},
           ${s.label}, ${JSON.stringify(s.duration)}::jsonb, ${s.started_at}, ${s.started_seq}, ${s.due_at}, ${s.warn_at}
      FROM dossier_joint_step WHERE dossier_id = ${s.dossier_id}
    RETURNING seq`.execute(db);
  return r.rows[0]!.seq;
}

/**
 * Marks a step as warned (or as escalated late) once, while it is still open; returns it
 * then, or nothing when it finished meanwhile or was already marked (a retried job).
 */
export async function markAlert(db: Executor, dossierId: string, seq: number, what: 'warned' | 'breached', at: Date): Promise<JointStepRow | undefined> {
  const r = what === 'warned'
    ? await sql<JointStepRow>`UPDATE dossier_joint_step SET warned_at = ${at}
         WHERE dossier_id = ${dossierId} AND seq = ${seq} AND finished_at IS NULL AND warned_at IS NULL RETURNING *`.execute(db)
    : await sql<JointStepRow>`UPDATE dossier_joint_step SET breached_at = ${at}
         WHERE dossier_id = ${dossierId} AND seq = ${seq} AND finished_at IS NULL AND breached_at IS NULL RETURNING *`.execute(db);
  return r.rows[0];
}

/** Closes the open step of a dossier; false when none was open. */
export async function closeStep(
  db: Executor, dossierId: string, f: { at: Date; seq: number; outcome: NonNullable<JointStepRow['outcome']>; note: string | null },
): Promise<boolean> {
  const r = await sql`
    UPDATE dossier_joint_step SET finished_at = ${f.at}, finished_seq = ${f.seq}, outcome = ${f.outcome}, note = ${f.note}
     WHERE dossier_id = ${dossierId} AND finished_at IS NULL`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

/** The agency holding each of these dossiers now (open steps), for queues. */
export async function openSteps(db: Executor, dossierIds: string[]): Promise<Map<string, JointStepRow>> {
  if (!dossierIds.length) return new Map();
  const r = await sql<JointStepRow>`
    SELECT * FROM dossier_joint_step WHERE finished_at IS NULL AND dossier_id = ANY(${dossierIds}::uuid[])`.execute(db);
  return new Map(r.rows.map((x) => [x.dossier_id, x]));
}

/** The open step of a dossier, locked until the transaction ends (a hand-off waits for an attachment and the reverse). */
export async function lockOpenStep(db: Executor, dossierId: string): Promise<JointStepRow | undefined> {
  const r = await sql<JointStepRow>`SELECT * FROM dossier_joint_step WHERE dossier_id = ${dossierId} AND finished_at IS NULL FOR UPDATE`.execute(db);
  return r.rows[0];
}

export interface JointResultRow {
  dossier_id: string;
  step_seq: number;
  file_id: string;
  source_file_id: string;
  signed: boolean;
  added_by: string | null;
  added_at: Date;
  original_name: string;
  mime: string;
  size: number;
}

export async function insertResult(
  db: Executor, r: { dossier_id: string; step_seq: number; file_id: string; source_file_id: string; signed: boolean; added_by: string | null; added_at: Date },
): Promise<void> {
  await sql`INSERT INTO dossier_joint_result (dossier_id, step_seq, file_id, source_file_id, signed, added_by, added_at)
            VALUES (${r.dossier_id}, ${r.step_seq}, ${r.file_id}, ${r.source_file_id}, ${r.signed}, ${r.added_by}, ${r.added_at})`.execute(db);
}

/** The result files the agencies of a dossier's joint steps attached, oldest first. */
export async function results(db: Executor, dossierId: string): Promise<JointResultRow[]> {
  const r = await sql<JointResultRow>`
    SELECT j.*, f.original_name, f.mime, f.size::int AS size
      FROM dossier_joint_result j JOIN file_ref f ON f.id = j.file_id
     WHERE j.dossier_id = ${dossierId} ORDER BY j.added_at, j.file_id`.execute(db);
  return r.rows;
}
