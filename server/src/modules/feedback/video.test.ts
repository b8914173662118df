import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';

/** Short videos through Debian's ffmpeg (installed by .ci/run): checked, re-encoded by a job, location dropped. */

let env: TestEnv;
let citizen: TestSession;
let operator: TestSession;
const dir = mkdtempSync(path.join(tmpdir(), 'congso-video-test-'));
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A real MP4 made by ffmpeg, with a GPS position in its metadata as phones write it. */
function video(seconds: number, size = '1920x1080'): Buffer {
  const f = path.join(dir, `${randomUUID()}.mp4`);
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `testsrc=duration=${seconds}:size=${size}:rate=5`, '-metadata', 'location=+20.5405+105.9221/', '-metadata', 'title=Quay tai cho', '-c:v', 'libx264', '-preset', 'ultrafast', f]);
  return readFileSync(f);
}
const tags = (data: Buffer) => {
  const f = path.join(dir, `${randomUUID()}.mp4`);
  writeFileSync(f, data);
  const j = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', f], { encoding: 'utf8' }));
  return { tags: j.format.tags ?? {}, width: j.streams.find((s: Json) => s.codec_type === 'video').width };
};

beforeAll(async () => {
  env = await testEnv({ demo: true, env: { FEEDBACK_REPORTS_PER_HOUR: '1000' } });
  [citizen, operator] = await Promise.all([login(env.app, 'congdan@example.vn'), login(env.app, 'tiepnhan@ninhbinh.gov.vn')]);
}, 60_000);
afterAll(() => env.close());

const send = (videos: { name: string; data: string }[]) =>
  env.app.inject({
    method: 'POST', url: '/api/feedback/reports', headers: { ...citizen.headers, 'idempotency-key': `k-${randomUUID()}` },
    payload: { categoryCode: 'su_co_khan_cap', title: 'Cây đổ sau mưa', body: 'Cây lớn đổ chắn ngang đường, có video kèm theo.', unitCode: '13285', videos },
  });

describe('short videos', () => {
  it('takes a real video, serves nothing until the job re-encodes it, then serves it smaller and without its location', async () => {
    const original = video(2);
    expect(tags(original).tags.location).toBe('+20.5405+105.9221/');
    const r = await send([{ name: 'cay-do.mp4', data: original.toString('base64') }]);
    expect(r.statusCode).toBe(201);
    const body = r.json();
    expect(body.photos).toEqual([expect.objectContaining({ kind: 'video', status: 'processing' })]);
    expect((await env.app.inject({ method: 'GET', url: body.photos[0].url, headers: citizen.headers })).statusCode).toBe(404);

    await env.k.outbox.drain();
    const v = (await env.app.inject({ method: 'GET', url: `/api/feedback/reports/${body.id}`, headers: citizen.headers })).json();
    expect(v.photos[0]).toMatchObject({ kind: 'video', status: 'ready' });
    const served = await env.app.inject({ method: 'GET', url: v.photos[0].url, headers: citizen.headers });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('video/mp4');
    const t = tags(served.rawPayload);
    expect(t.tags.location).toBeUndefined();
    expect(t.tags.title).toBeUndefined();
    expect(t.width).toBe(1280);

    // Public once triaged; a video cannot be blurred, only hidden.
    await env.app.inject({ method: 'POST', url: `/api/feedback/reports/${body.id}/actions/classify`, headers: { ...operator.headers, 'idempotency-key': `k-${randomUUID()}` }, payload: {} });
    const pub = (await env.app.inject({ method: 'GET', url: `/api/feedback/public/${body.code}` })).json();
    expect(pub.photos).toEqual([expect.objectContaining({ kind: 'video' })]);
    const blur = await env.app.inject({ method: 'POST', url: `/api/feedback/reports/${body.id}/photos/1/moderation`, headers: operator.headers, payload: { blur: [{ x: 0, y: 0, width: 0.5, height: 0.5 }], reason: 'Che mặt người' } });
    expect(blur.statusCode).toBe(409);
  });

  it('refuses a fake video and one longer than a minute, storing nothing', async () => {
    const n = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM feedback_report`.execute(env.k.db)).rows[0]!.n;
    const before = await n();
    const fake = await send([{ name: 'video.mp4', data: Buffer.from('#!/bin/sh\necho hello\n'.repeat(20)).toString('base64') }]);
    expect(fake.statusCode).toBe(400);
    expect(fake.json().errors[0]).toMatchObject({ field: 'videos.0', message: expect.stringMatching(/không phải video/) });
    const long = await send([{ name: 'dai.mp4', data: video(61, '64x64').toString('base64') }]);
    expect(long.statusCode).toBe(400);
    expect(long.json().errors[0].message).toMatch(/60 giây/);
    expect(await n()).toBe(before);
  });
});
