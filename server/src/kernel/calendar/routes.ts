import { z } from 'zod';
import { ctxOf } from '../context.js';
import { transaction } from '../db/index.js';
import { errors } from '../errors.js';
import { authorize } from '../http/access.js';
import type { App } from '../http/app.js';
import type { Kernel } from '../index.js';
import { type Duration, isIsoDate, type WorkCalendar } from './engine.js';

/** Routes of the working-day calendar: public reads, administrators' edits (system.calendar.manage). */

const TAG = 'calendar';
const MANAGE = 'system.calendar.manage';

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Giờ phải có dạng HH:MM (00:00–23:59)');
const date = z.string().refine(isIsoDate, 'Ngày phải có dạng YYYY-MM-DD và là một ngày có thật');

const settingsOut = z.object({
  workStart: z.string(),
  workEnd: z.string(),
  lunchStart: z.string(),
  lunchEnd: z.string(),
  cutoff: z.string(),
  saturdayReceiving: z.boolean(),
  hoursPerDay: z.number(),
});
const dayOut = z.object({ date: z.string(), kind: z.enum(['off', 'work']), name: z.string() });

function settingsView(cal: WorkCalendar) {
  const s = cal.settings;
  return {
    workStart: s.workStart,
    workEnd: s.workEnd,
    lunchStart: s.lunchStart,
    lunchEnd: s.lunchEnd,
    cutoff: s.cutoff,
    saturdayReceiving: s.saturdayReceiving,
    hoursPerDay: cal.hoursPerDay,
  };
}

export function calendarRoutes(app: App, k: Kernel) {
  app.get(
    '/api/calendar/appointment',
    {
      config: { access: 'public' },
      schema: {
        tags: [TAG],
        summary: 'Tính ngày hẹn trả kết quả theo ngày/giờ làm việc (giờ chốt tiếp nhận, ngày nghỉ, ngày làm bù)',
        querystring: z
          .object({
            receivedAt: z.iso
              .datetime({ offset: true, message: 'Thời điểm tiếp nhận phải theo ISO 8601, ví dụ 2026-11-23T16:00:00+07:00' })
              .refine((s) => +s.slice(0, 4) >= 1990 && +s.slice(0, 4) <= 2200, 'Thời điểm tiếp nhận phải trong các năm 1990–2200')
              .optional(),
            days: z.coerce.number().int().min(0).max(1000).optional(),
            hours: z.coerce.number().positive().max(8000).optional(),
          })
          .strict(),
        response: {
          200: z.object({
            receivedAt: z.string(),
            countingStartsAt: z.string(),
            dueAt: z.string(),
            duration: z.object({ days: z.number().optional(), hours: z.number().optional() }),
          }),
        },
      },
    },
    async (req) => {
      const { days, hours } = req.query;
      if ((days === undefined) === (hours === undefined)) {
        throw errors.field('querystring.days', 'required', 'Cần đúng một trong hai tham số: days (ngày làm việc) hoặc hours (giờ làm việc)');
      }
      const duration: Duration = days !== undefined ? { days } : { hours: hours! };
      const receivedAt = req.query.receivedAt ? new Date(req.query.receivedAt) : new Date();
      const cal = await k.calendar.load();
      const a = cal.appointment(receivedAt, duration);
      return {
        receivedAt: cal.isoLocal(a.receivedAt),
        countingStartsAt: cal.isoLocal(a.countingStartsAt),
        dueAt: cal.isoLocal(a.dueAt),
        duration,
      };
    },
  );

  app.get(
    '/api/calendar/days',
    {
      config: { access: 'public' },
      schema: {
        tags: [TAG],
        summary: 'Ngày nghỉ lễ, Tết và ngày làm bù của một năm',
        querystring: z.object({ year: z.coerce.number().int().min(1990).max(2200).optional() }).strict(),
        response: { 200: z.object({ year: z.number(), days: z.array(dayOut) }) },
      },
    },
    async (req) => {
      const cal = await k.calendar.load();
      const year = req.query.year ?? Number(cal.localDate(new Date()).slice(0, 4));
      return { year, days: await k.calendar.days(year) };
    },
  );

  app.get(
    '/api/calendar/settings',
    {
      config: { access: 'public' },
      schema: { tags: [TAG], summary: 'Giờ làm việc, giờ chốt tiếp nhận, tiếp nhận sáng thứ Bảy', response: { 200: settingsOut } },
    },
    async () => settingsView(await k.calendar.load()),
  );

  app.put(
    '/api/admin/calendar/days/:date',
    {
      config: { access: { action: MANAGE } },
      schema: {
        tags: [TAG],
        summary: 'Đặt một ngày là ngày nghỉ hoặc ngày làm việc (làm bù)',
        params: z.object({ date }),
        body: z
          .object({
            kind: z.enum(['off', 'work']),
            name: z.string().trim().min(1).max(200).regex(/^[^\u0000-\u001f\u007f]*$/, 'Tên không được chứa ký tự điều khiển'),
          })
          .strict(),
        response: { 200: dayOut },
      },
    },
    async (req) => {
      authorize(req.actor, MANAGE);
      const day = { date: req.params.date, kind: req.body.kind, name: req.body.name };
      return transaction(k.db, (tx) => k.calendar.setDay(tx, ctxOf(req), day));
    },
  );

  app.delete(
    '/api/admin/calendar/days/:date',
    {
      config: { access: { action: MANAGE } },
      schema: {
        tags: [TAG],
        summary: 'Xóa một ngày khỏi bảng (trở về theo thứ trong tuần)',
        params: z.object({ date }),
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      authorize(req.actor, MANAGE);
      await transaction(k.db, (tx) => k.calendar.deleteDay(tx, ctxOf(req), req.params.date));
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/api/admin/calendar/settings',
    {
      config: { access: { action: MANAGE } },
      schema: {
        tags: [TAG],
        summary: 'Sửa giờ làm việc, giờ chốt tiếp nhận, tiếp nhận sáng thứ Bảy',
        body: z
          .object({
            workStart: time.optional(),
            lunchStart: time.optional(),
            lunchEnd: time.optional(),
            workEnd: time.optional(),
            cutoff: time.optional(),
            saturdayReceiving: z.boolean().optional(),
          })
          .strict(),
        response: { 200: settingsOut },
      },
    },
    async (req) => {
      authorize(req.actor, MANAGE);
      await transaction(k.db, (tx) => k.calendar.updateSettings(tx, ctxOf(req), req.body));
      return settingsView(await k.calendar.load());
    },
  );
}
