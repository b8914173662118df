import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { AuditLog } from '../audit/index.js';
import type { Actor } from '../http/access.js';
import { type App, buildHttp } from '../http/app.js';
import { Calendar } from './index.js';
import { calendarRoutes } from './routes.js';

/**
 * Identity is not needed to test who may call the calendar: a test-only
 * authenticator turns the `x-test-actor` header into an actor with grants
 * shaped like the identity module's roles. Anonymous calls also go through
 * the full app (env.app), where the routes are registered by the kernel.
 */
const ACTORS: Record<string, Actor> = {
  admin: { kind: 'official', id: 'acc-admin', name: 'Quản trị hệ thống', grants: [{ role: 'system_admin', actions: ['*'], scope: { unitPath: '37' } }] },
  desk: { kind: 'official', id: 'acc-motcua', name: 'Cán bộ một cửa', grants: [{ role: 'desk_officer', actions: ['services.*', 'feedback.*'], scope: { unitPath: '37' } }] },
};
const admin = { headers: { 'x-test-actor': 'admin' } };
const desk = { headers: { 'x-test-actor': 'desk' } };

let env: TestEnv;
let app: App;
beforeAll(async () => {
  env = await testEnv();
  app = await buildHttp({
    config: env.config,
    logger: false,
    authenticate: async (req) => {
      const a = ACTORS[String(req.headers['x-test-actor'])];
      return a ? { actor: a } : null;
    },
  });
  calendarRoutes(app, env.k);
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await env.close();
});

const at = (local: string) => new Date(`${local}+07:00`);

async function appointment(receivedAt: string, q: string) {
  const r = await app.inject({ method: 'GET', url: `/api/calendar/appointment?receivedAt=${encodeURIComponent(receivedAt + '+07:00')}&${q}` });
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as { receivedAt: string; countingStartsAt: string; dueAt: string; duration: Record<string, number> };
}

describe('working-day arithmetic on the seeded 2025–2026 table', () => {
  it('Tết 2026: received Friday 13/2 14:00 with 3 working days is due after the break', async () => {
    const a = await appointment('2026-02-13T14:00:00', 'days=3');
    expect(a).toEqual({
      receivedAt: '2026-02-13T14:00:00+07:00',
      countingStartsAt: '2026-02-13T14:00:00+07:00',
      // 14/2–22/2 off (16–20 in the table, weekends around): days 1–3 are 23, 24, 25 February.
      dueAt: '2026-02-25T17:00:00+07:00',
      duration: { days: 3 },
    });
  });

  it('Giỗ Tổ on Sunday 26/4/2026 makes Monday 27/4 a day off', async () => {
    const cal = await env.k.calendar.load();
    expect(cal.isWorkingDay('2026-04-26')).toBe(false);
    expect(cal.isWorkingDay('2026-04-27')).toBe(false);
    expect(cal.isWorkingDay('2026-04-28')).toBe(true);
    expect((await appointment('2026-04-24T10:00:00', 'days=2')).dueAt).toBe('2026-04-29T17:00:00+07:00');
    // 30/4 and 1/5 are off too: 3 days from Friday 24/4 reach Monday 4/5.
    expect((await appointment('2026-04-24T10:00:00', 'days=3')).dueAt).toBe('2026-05-04T17:00:00+07:00');
  });

  it('24/11/2026 (Ngày Văn hóa Việt Nam): received Monday 23/11 16:00, counting starts Wednesday 25/11', async () => {
    const a = await appointment('2026-11-23T16:00:00', 'days=3');
    expect(a.countingStartsAt).toBe('2026-11-25T07:30:00+07:00');
    expect(a.dueAt).toBe('2026-11-30T17:00:00+07:00');
  });

  it('cut-off 15:00: a receipt at 15:00 counts that day, one at 15:01 from the next working day', async () => {
    const on = await appointment('2026-03-16T15:00:00', 'days=1');
    expect(on.countingStartsAt).toBe('2026-03-16T15:00:00+07:00');
    expect(on.dueAt).toBe('2026-03-17T17:00:00+07:00');
    const after = await appointment('2026-03-16T15:01:00', 'days=1');
    expect(after.countingStartsAt).toBe('2026-03-17T07:30:00+07:00');
    expect(after.dueAt).toBe('2026-03-18T17:00:00+07:00');
    // Before opening: counts from the opening that day; on a Sunday: from Monday's opening.
    expect((await appointment('2026-03-16T06:10:00', 'days=1')).countingStartsAt).toBe('2026-03-16T07:30:00+07:00');
    expect((await appointment('2026-03-15T10:00:00', 'days=1')).countingStartsAt).toBe('2026-03-16T07:30:00+07:00');
  });

  it('"4 giờ làm việc" skips lunch and the night', async () => {
    expect((await appointment('2026-03-17T10:00:00', 'hours=4')).dueAt).toBe('2026-03-17T15:30:00+07:00');
    expect((await appointment('2026-03-17T14:00:00', 'hours=4')).dueAt).toBe('2026-03-18T08:30:00+07:00');
    // Friday afternoon runs into Monday morning; 07:30 + 4 h ends at lunch, not after it.
    expect((await appointment('2026-03-20T14:30:00', 'hours=4')).dueAt).toBe('2026-03-23T09:00:00+07:00');
    expect((await appointment('2026-03-17T07:30:00', 'hours=4')).dueAt).toBe('2026-03-17T11:30:00+07:00');
    // After the cut-off, hours run from the next working day's opening.
    expect((await appointment('2026-03-17T16:00:00', 'hours=4')).dueAt).toBe('2026-03-18T11:30:00+07:00');
  });

  it('make-up Saturdays are working days; the swapped Friday is not', async () => {
    const cal = await env.k.calendar.load();
    expect(cal.isWorkingDay('2026-01-10')).toBe(true);
    expect(cal.isWorkingDay('2026-01-02')).toBe(false);
    expect(cal.isWorkingDay('2025-04-26')).toBe(true);
    expect(cal.isWorkingDay('2025-05-02')).toBe(false);
    expect((await appointment('2026-01-09T10:00:00', 'days=1')).dueAt).toBe('2026-01-10T17:00:00+07:00');
    expect((await appointment('2025-12-31T10:00:00', 'days=1')).dueAt).toBe('2026-01-05T17:00:00+07:00');
    // A receipt on the make-up Saturday counts that day.
    expect((await appointment('2026-01-10T09:00:00', 'days=1')).countingStartsAt).toBe('2026-01-10T09:00:00+07:00');
    expect((await appointment('2025-04-25T10:00:00', 'days=1')).dueAt).toBe('2025-04-26T17:00:00+07:00');
  });

  it('working time between two instants counts office hours only (pauses)', async () => {
    const cal = await env.k.calendar.load();
    const h = 3_600_000;
    expect(cal.workingMsBetween(at('2026-03-17T10:00:00'), at('2026-03-17T14:00:00'))).toBe(2.5 * h);
    expect(cal.workingMsBetween(at('2026-03-20T16:00:00'), at('2026-03-23T08:30:00'))).toBe(2 * h);
    expect(cal.workingMsBetween(at('2026-02-13T17:00:00'), at('2026-02-23T17:00:00'))).toBe(8 * h);
    expect(cal.workingMsBetween(at('2026-03-18T00:00:00'), at('2026-03-17T00:00:00'))).toBe(0);
    expect(cal.remainingMs(at('2026-03-17T16:00:00'), at('2026-03-18T08:30:00'))).toBe(2 * h);
    expect(cal.remainingMs(at('2026-03-18T08:30:00'), at('2026-03-17T16:00:00'))).toBe(-2 * h);
    expect(cal.addWorkingMs(at('2026-02-13T17:00:00'), 8 * h)).toEqual(at('2026-02-23T17:00:00'));
  });
});

describe('calendar routes', () => {
  it('lists the days of a year and the settings', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/calendar/days?year=2026' });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.year).toBe(2026);
    expect(body.days).toContainEqual({ date: '2026-11-24', kind: 'off', name: 'Ngày Văn hóa Việt Nam' });
    expect(body.days).toContainEqual(expect.objectContaining({ date: '2026-01-10', kind: 'work' }));
    expect(body.days.every((d: { date: string }) => d.date.startsWith('2026-'))).toBe(true);
    const s = await app.inject({ method: 'GET', url: '/api/calendar/settings' });
    expect(s.json()).toEqual({ workStart: '07:30', workEnd: '17:00', lunchStart: '11:30', lunchEnd: '13:00', cutoff: '15:00', saturdayReceiving: false, hoursPerDay: 8 });
  });

  it('refuses bad input naming the field', async () => {
    const bad = await app.inject({ method: 'GET', url: '/api/calendar/appointment?receivedAt=hom-nay&days=3' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toContain('querystring.receivedAt');
    const both = await app.inject({ method: 'GET', url: '/api/calendar/appointment?days=3&hours=4' });
    expect(both.statusCode).toBe(400);
    expect(both.json().errors[0].field).toBe('querystring.days');
    const neither = await app.inject({ method: 'GET', url: '/api/calendar/appointment' });
    expect(neither.statusCode).toBe(400);
    const feb30 = await app.inject({ method: 'PUT', url: '/api/admin/calendar/days/2026-02-30', headers: admin.headers, payload: { kind: 'off', name: 'X' } });
    expect(feb30.statusCode).toBe(400);
    expect(feb30.json().errors[0].field).toBe('params.date');
    const kind = await app.inject({ method: 'PUT', url: '/api/admin/calendar/days/2026-03-03', headers: admin.headers, payload: { kind: 'holiday', name: 'X' } });
    expect(kind.statusCode).toBe(400);
    expect(kind.json().errors[0].field).toBe('body.kind');
    const nul = await app.inject({ method: 'PUT', url: '/api/admin/calendar/days/2026-03-03', headers: admin.headers, payload: { kind: 'off', name: 'a\u0000b' } });
    expect(nul.statusCode).toBe(400);
    expect(nul.json().errors[0].field).toBe('body.name');
    const year0 = await app.inject({ method: 'GET', url: '/api/calendar/appointment?receivedAt=0000-01-01T00:00:00Z&days=1' });
    expect(year0.statusCode).toBe(400);
    const order = await app.inject({ method: 'PUT', url: '/api/admin/calendar/settings', headers: admin.headers, payload: { lunchStart: '07:00' } });
    expect(order.statusCode).toBe(400);
    expect(order.json().errors[0].field).toBe('body.lunchStart');
    const fmt = await app.inject({ method: 'PUT', url: '/api/admin/calendar/settings', headers: admin.headers, payload: { cutoff: '25:00' } });
    expect(fmt.statusCode).toBe(400);
    expect(fmt.json().errors[0].field).toBe('body.cutoff');
  });

  it('admin routes: anonymous 401, an official without the grant 403', async () => {
    const calls = [
      { method: 'PUT' as const, url: '/api/admin/calendar/days/2026-03-03', payload: { kind: 'off', name: 'Nghỉ' } },
      { method: 'DELETE' as const, url: '/api/admin/calendar/days/2026-11-24' },
      { method: 'PUT' as const, url: '/api/admin/calendar/settings', payload: { cutoff: '16:00' } },
    ];
    for (const c of calls) {
      expect((await app.inject(c)).statusCode, c.url).toBe(401);
      expect((await env.app.inject(c)).statusCode, c.url).toBe(401);
      const r = await app.inject({ ...c, headers: desk.headers });
      expect(r.statusCode, c.url).toBe(403);
      expect(r.json().code).toBe('FORBIDDEN');
    }
    // Nothing changed.
    expect((await env.k.calendar.load()).isWorkingDay('2026-03-03')).toBe(true);
  });

  it('an administrator’s edits change the answer at once, audited', async () => {
    expect((await appointment('2026-03-16T10:00:00', 'days=1')).dueAt).toBe('2026-03-17T17:00:00+07:00');
    const put = await app.inject({ method: 'PUT', url: '/api/admin/calendar/days/2026-03-17', headers: admin.headers, payload: { kind: 'off', name: 'Nghỉ bầu cử' } });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toEqual({ date: '2026-03-17', kind: 'off', name: 'Nghỉ bầu cử' });
    expect((await appointment('2026-03-16T10:00:00', 'days=1')).dueAt).toBe('2026-03-18T17:00:00+07:00');

    // A Saturday made a working day.
    const sat = await app.inject({ method: 'PUT', url: '/api/admin/calendar/days/2026-03-21', headers: admin.headers, payload: { kind: 'work', name: 'Làm bù' } });
    expect(sat.statusCode).toBe(200);
    expect((await appointment('2026-03-20T10:00:00', 'days=1')).dueAt).toBe('2026-03-21T17:00:00+07:00');

    const del = await app.inject({ method: 'DELETE', url: '/api/admin/calendar/days/2026-03-17', headers: admin.headers });
    expect(del.statusCode).toBe(204);
    expect((await appointment('2026-03-16T10:00:00', 'days=1')).dueAt).toBe('2026-03-17T17:00:00+07:00');
    const again = await app.inject({ method: 'DELETE', url: '/api/admin/calendar/days/2026-03-17', headers: admin.headers });
    expect(again.statusCode).toBe(404);

    const audit = await env.k.db.selectFrom('audit_log').select(['action', 'actor_id', 'before', 'after']).where('entity', '=', 'calendar_day').where('entity_id', '=', '2026-03-17').orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['system.calendar.day.set', 'system.calendar.day.delete']);
    expect(audit[0]!.actor_id).toBe('acc-admin');
    expect(audit[1]!.before).toEqual({ date: '2026-03-17', kind: 'off', name: 'Nghỉ bầu cử' });
  });

  it('settings: cut-off and Saturday-morning receiving change the answer', async () => {
    // Saturday 14/3/2026 09:00: without Saturday receiving, counts from Monday.
    expect((await appointment('2026-03-14T09:00:00', 'days=1')).dueAt).toBe('2026-03-17T17:00:00+07:00');
    const r = await app.inject({ method: 'PUT', url: '/api/admin/calendar/settings', headers: admin.headers, payload: { saturdayReceiving: true, cutoff: '16:00' } });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ saturdayReceiving: true, cutoff: '16:00', hoursPerDay: 8 });
    const sat = await appointment('2026-03-14T09:00:00', 'days=1');
    expect(sat.countingStartsAt).toBe('2026-03-14T09:00:00+07:00');
    expect(sat.dueAt).toBe('2026-03-16T17:00:00+07:00');
    // Saturday afternoon is not a receiving time.
    expect((await appointment('2026-03-14T14:00:00', 'days=1')).countingStartsAt).toBe('2026-03-16T07:30:00+07:00');
    expect((await appointment('2026-03-16T15:30:00', 'days=1')).countingStartsAt).toBe('2026-03-16T15:30:00+07:00');
    const audit = await env.k.db.selectFrom('audit_log').select(['after']).where('entity', '=', 'calendar_settings').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({ cutoff: '16:00', saturdayReceiving: true });
    const back = await app.inject({ method: 'PUT', url: '/api/admin/calendar/settings', headers: admin.headers, payload: { saturdayReceiving: false, cutoff: '15:00' } });
    expect(back.statusCode).toBe(200);
  });

  it('another instance sees a change made elsewhere at its next call (version check, no shared memory)', async () => {
    const other = new Calendar(env.k.db, new AuditLog());
    expect((await other.load()).isWorkingDay('2026-06-01')).toBe(true);
    await sql`INSERT INTO calendar_day (date, kind, name) VALUES ('2026-06-01', 'off', 'Thử')`.execute(env.k.db);
    expect((await other.load()).isWorkingDay('2026-06-01')).toBe(false);
    expect((await env.k.calendar.load()).isWorkingDay('2026-06-01')).toBe(false);
    await sql`DELETE FROM calendar_day WHERE date = '2026-06-01'`.execute(env.k.db);
    expect((await other.load()).isWorkingDay('2026-06-01')).toBe(true);
  });
});
