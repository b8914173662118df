import type { Ctx } from '../../kernel/context.js';
import { transaction } from '../../kernel/db/index.js';
import { errors, type FieldError } from '../../kernel/errors.js';
import { type Actor, authorize, can } from '../../kernel/http/access.js';
import type { Kernel } from '../../kernel/index.js';
import { getAgency, getAgencyByCode, getUnit } from '../org/index.js';
import * as repo from './consultation.repo.js';

/**
 * Consultations on draft policies, after CONSUL Democracy and Decidim: an
 * agency publishes a draft in sections with open and close dates; citizens and
 * businesses comment on a section or on the whole and support each other's
 * comments while it is open; the agency answers comments (taken in or not, and
 * why) and, once closed, publishes its conclusion. A short survey may ride
 * along (single or multiple choice, a 1–5 scale, free text). All of it stays public.
 */

export const MANAGE = 'feedback.consultation.manage';
const isPublicActor = (a: Actor | null | undefined) => a?.kind === 'citizen' || a?.kind === 'business';

export interface Question { kind: 'single' | 'multiple' | 'scale' | 'text'; prompt: string; options?: string[] }
export interface CreateInput {
  agencyCode: string;
  title: string;
  summary: string;
  opensAt: Date;
  closesAt: Date;
  sections: { heading: string; body: string }[];
  questions?: Question[];
}

export type Phase = 'upcoming' | 'open' | 'closed';
const phaseOf = (c: repo.ConsultationRow, now = new Date()): Phase => (now < c.opens_at ? 'upcoming' : now < c.closes_at ? 'open' : 'closed');

async function found(k: Kernel, id: string, lock = false) {
  const c = /^[0-9a-f-]{36}$/.test(id) ? await repo.get(k.db, id, lock) : undefined;
  if (!c) throw errors.notFound('đợt lấy ý kiến');
  return c;
}

export async function create(k: Kernel, ctx: Ctx, input: CreateInput): Promise<string> {
  const agency = await getAgencyByCode(k.db, input.agencyCode);
  if (!agency) throw errors.field('body.agencyCode', 'exists', `Không có cơ quan mã ${input.agencyCode}`);
  const unit = await getUnit(k.db, agency.unit_id);
  authorize(ctx.actor, MANAGE, { unitPath: unit?.path ?? null, agencyId: agency.id });
  const problems: FieldError[] = [];
  if (input.closesAt <= input.opensAt) problems.push({ field: 'body.closesAt', rule: 'after', message: 'Ngày kết thúc phải sau ngày bắt đầu' });
  else if (input.closesAt <= new Date()) problems.push({ field: 'body.closesAt', rule: 'future', message: 'Ngày kết thúc đã qua' });
  (input.questions ?? []).forEach((q, i) => {
    if ((q.kind === 'single' || q.kind === 'multiple') && (q.options?.length ?? 0) < 2) problems.push({ field: `body.questions.${i}.options`, rule: 'min', message: 'Câu hỏi lựa chọn cần ít nhất 2 phương án' });
  });
  if (problems.length) throw errors.validation(problems);
  return transaction(k.db, async (tx) => {
    const id = await repo.insert(tx, {
      agency_id: agency.id, unit_path: unit?.path ?? '', title: input.title, summary: input.summary, opens_at: input.opensAt, closes_at: input.closesAt, created_by: ctx.actor!.id,
    }, input.sections.map((s, i) => ({ position: i + 1, ...s })), (input.questions ?? []).map((q, i) => ({ position: i + 1, kind: q.kind, prompt: q.prompt, options: q.kind === 'scale' ? ['1', '2', '3', '4', '5'] : q.options ?? null })));
    await k.audit.record(tx, ctx, { action: 'feedback.consultation.create', entity: 'consultation', entityId: id, after: { title: input.title, agency: input.agencyCode, opensAt: input.opensAt, closesAt: input.closesAt } });
    return id;
  });
}

export async function list(k: Kernel, state?: Phase) {
  const now = new Date();
  const rows = await repo.list(k.db, now, state);
  const names = new Map<string, string>();
  for (const r of rows) if (!names.has(r.agency_id)) names.set(r.agency_id, (await getAgency(k.db, r.agency_id))?.name ?? '');
  return rows.map((r) => ({ id: r.id, title: r.title, agency: names.get(r.agency_id)!, opensAt: r.opens_at, closesAt: r.closes_at, phase: phaseOf(r, now), comments: r.comments, concluded: !!r.conclusion }));
}

export async function view(k: Kernel, ctx: Ctx, id: string) {
  const c = await found(k, id);
  const manager = can(ctx.actor, MANAGE, { unitPath: c.unit_path, agencyId: c.agency_id });
  const phase = phaseOf(c);
  const [sections, questions, attachments, comments, agency] = await Promise.all([
    repo.sections(k.db, id), repo.questions(k.db, id), repo.attachments(k.db, id), repo.comments(k.db, id, manager), getAgency(k.db, c.agency_id),
  ]);
  // Survey results are shown once the consultation closes (and to its managers at any time).
  const results = phase === 'closed' || manager ? tally(questions, await repo.responses(k.db, id)) : null;
  return {
    id: c.id, title: c.title, summary: c.summary, agency: agency?.name ?? '', opensAt: c.opens_at, closesAt: c.closes_at, phase,
    conclusion: c.conclusion, concludedAt: c.concluded_at, canManage: manager,
    sections, attachments: attachments.map((a) => ({ name: a.name, url: `/api/consultations/${c.id}/attachments/${a.file_id}` })),
    questions: questions.map((q) => ({ position: q.position, kind: q.kind, prompt: q.prompt, options: q.options ?? [] })),
    results,
    comments: comments.map((m) => ({
      id: m.id, section: m.section, author: m.author_name, body: m.body, supports: m.supports, answer: m.answer, accepted: m.accepted,
      answeredAt: m.answered_at, createdAt: m.created_at, mine: !!ctx.actor && m.account_id === ctx.actor.id, hidden: m.hidden,
    })),
  };
}

function tally(questions: repo.QuestionRow[], responses: unknown[]) {
  return questions.map((q) => {
    const answers = responses.map((r) => (r as Record<string, unknown>)[String(q.position)]).filter((a) => a !== undefined);
    if (q.kind === 'text') return { position: q.position, count: answers.length, counts: {} as Record<string, number>, texts: (answers as string[]).slice(0, 200) };
    const counts: Record<string, number> = Object.fromEntries((q.options ?? []).map((o) => [o, 0]));
    for (const a of answers) for (const v of Array.isArray(a) ? a : [a]) if (String(v) in counts) counts[String(v)]!++;
    return { position: q.position, count: answers.length, counts, texts: [] as string[] };
  });
}

function mustBeOpen(c: repo.ConsultationRow) {
  const p = phaseOf(c);
  if (p !== 'open') throw errors.conflict(p === 'upcoming' ? 'Đợt lấy ý kiến chưa bắt đầu' : 'Đợt lấy ý kiến đã kết thúc');
}

export async function comment(k: Kernel, ctx: Ctx, id: string, input: { section?: number | null; body: string }): Promise<string> {
  if (!ctx.actor || !isPublicActor(ctx.actor)) throw errors.forbidden('feedback.consultation.comment');
  const c = await found(k, id);
  mustBeOpen(c);
  if (input.section != null && !(await repo.sections(k.db, id)).some((s) => s.position === input.section)) throw errors.field('body.section', 'exists', 'Dự thảo không có mục này');
  return repo.addComment(k.db, { consultation_id: id, section: input.section ?? null, account_id: ctx.actor.id, author_name: ctx.actor.name, body: input.body });
}

export async function support(k: Kernel, ctx: Ctx, commentId: string, on: boolean) {
  if (!ctx.actor || !isPublicActor(ctx.actor)) throw errors.forbidden('feedback.consultation.support');
  const m = /^[0-9a-f-]{36}$/.test(commentId) ? await repo.comment(k.db, commentId) : undefined;
  if (!m || m.hidden) throw errors.notFound('ý kiến');
  mustBeOpen((await repo.get(k.db, m.consultation_id))!);
  if (m.account_id === ctx.actor.id) throw errors.conflict('Không tự ủng hộ ý kiến của mình');
  await repo.support(k.db, commentId, ctx.actor.id, on);
  return { supports: (await repo.comment(k.db, commentId))!.supports };
}

export async function answer(k: Kernel, ctx: Ctx, commentId: string, input: { answer: string; accepted: boolean | null }): Promise<void> {
  const m = /^[0-9a-f-]{36}$/.test(commentId) ? await repo.comment(k.db, commentId) : undefined;
  if (!m) throw errors.notFound('ý kiến');
  const c = (await repo.get(k.db, m.consultation_id))!;
  authorize(ctx.actor, MANAGE, { unitPath: c.unit_path, agencyId: c.agency_id });
  await transaction(k.db, async (tx) => {
    await repo.answerComment(tx, commentId, input.answer, input.accepted);
    await k.audit.record(tx, ctx, { action: 'feedback.consultation.answer', entity: 'consultation_comment', entityId: commentId, before: { answer: m.answer, accepted: m.accepted }, after: input });
  });
}

export async function conclude(k: Kernel, ctx: Ctx, id: string, conclusion: string): Promise<void> {
  const c = await found(k, id);
  authorize(ctx.actor, MANAGE, { unitPath: c.unit_path, agencyId: c.agency_id });
  if (phaseOf(c) !== 'closed') throw errors.conflict('Chỉ công bố kết quả tiếp thu, giải trình sau khi kết thúc lấy ý kiến');
  await transaction(k.db, async (tx) => {
    await repo.conclude(tx, id, conclusion);
    await k.audit.record(tx, ctx, { action: 'feedback.consultation.conclude', entity: 'consultation', entityId: id, before: { conclusion: c.conclusion }, after: { conclusion } });
  });
}

export async function respond(k: Kernel, ctx: Ctx, id: string, answers: Record<string, unknown>): Promise<void> {
  if (!ctx.actor || !isPublicActor(ctx.actor)) throw errors.forbidden('feedback.consultation.respond');
  const c = await found(k, id);
  mustBeOpen(c);
  const qs = await repo.questions(k.db, id);
  if (!qs.length) throw errors.conflict('Đợt lấy ý kiến này không có phiếu khảo sát');
  const problems: FieldError[] = [];
  const clean: Record<string, unknown> = {};
  for (const [key, a] of Object.entries(answers)) if (!qs.some((q) => String(q.position) === key)) problems.push({ field: `body.answers.${key}`, rule: 'exists', message: 'Không có câu hỏi này' });
  for (const q of qs) {
    const a = answers[String(q.position)];
    const f = `body.answers.${q.position}`;
    if (a === undefined || a === '' || (Array.isArray(a) && !a.length)) continue;
    const opts = q.options ?? [];
    if (q.kind === 'text') typeof a === 'string' && a.length <= 2000 ? (clean[q.position] = a.trim()) : problems.push({ field: f, rule: 'type', message: 'Câu trả lời là văn bản, tối đa 2000 ký tự' });
    else if (q.kind === 'multiple') Array.isArray(a) && a.every((x) => opts.includes(String(x))) ? (clean[q.position] = [...new Set(a.map(String))]) : problems.push({ field: f, rule: 'enum', message: 'Chọn trong các phương án đã cho' });
    else opts.includes(String(a)) ? (clean[q.position] = String(a)) : problems.push({ field: f, rule: 'enum', message: 'Chọn trong các phương án đã cho' });
  }
  if (problems.length) throw errors.validation(problems);
  if (!(await repo.respond(k.db, id, ctx.actor.id, clean))) throw errors.conflict('Bạn đã trả lời phiếu khảo sát này');
}

export async function attach(k: Kernel, ctx: Ctx, id: string, name: string, data: Buffer) {
  const c = await found(k, id);
  authorize(ctx.actor, MANAGE, { unitPath: c.unit_path, agencyId: c.agency_id });
  return transaction(k.db, async (tx) => {
    const f = await k.files.put(tx, ctx, name, data, { allow: ['application/pdf'] });
    await repo.addAttachment(tx, id, f.id, f.originalName);
    await k.audit.record(tx, ctx, { action: 'feedback.consultation.attach', entity: 'consultation', entityId: id, after: { fileId: f.id, name: f.originalName } });
    return { name: f.originalName, url: `/api/consultations/${id}/attachments/${f.id}` };
  });
}

export async function attachment(k: Kernel, id: string, fileId: string): Promise<{ name: string; data: Buffer }> {
  const a = (await repo.attachments(k.db, id)).find((x) => x.file_id === fileId);
  const f = a ? await k.files.meta(k.db, fileId) : null;
  if (!a || !f) throw errors.notFound('tệp đính kèm');
  return { name: a.name, data: await k.files.read(f.sha256) };
}
