import { z } from 'zod';
import { AppError } from '../../../kernel/errors.js';
import { html, page } from '../../../kernel/http/html.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { track } from '../dossier.service.js';
import { TAG } from '../http.js';

/**
 * Tracking a dossier by its code on a page rendered by the server: a form and
 * the result, complete without JavaScript (old phones, screen readers, a desk
 * kiosk). Same data as GET /api/tracking/:code: state, dates, handling body.
 */

const SITE = 'Cổng số Ninh Bình';
const OUTCOME: Record<string, string> = { passed: 'Đã chuyển tiếp', completed: 'Đã xong, trả về nơi tiếp nhận', returned: 'Trả lại nơi tiếp nhận', withdrawn: 'Người nộp rút hồ sơ' };
const fmt = (d: Date | null) => (d ? new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ').replace(/^(\d{4})-(\d{2})-(\d{2})/, '$3/$2/$1') : '—');

export function trackingPageRoute(app: App, k: Kernel) {
  app.get('/tra-cuu-ho-so', {
    config: { access: 'public' },
    schema: {
      tags: [TAG], summary: 'Trang công khai tra cứu hồ sơ theo mã (HTML, không cần JavaScript)',
      querystring: z.object({ ma: z.string().trim().max(80).optional() }),
      response: { 200: z.string(), 404: z.string() },
    },
  }, async (req, reply) => {
    const code = req.query.ma ?? '';
    let result = html``;
    let status: 200 | 404 = 200;
    if (code) {
      try {
        const t = await track(k, code);
        result = html`<h2>Hồ sơ ${t.code}</h2>
<table><tbody>
<tr><th scope="row">Thủ tục</th><td>${t.procedureName}</td></tr>
<tr><th scope="row">Cơ quan giải quyết</th><td>${t.handlerName}</td></tr>
<tr><th scope="row">Trạng thái</th><td><strong>${t.stateLabel}</strong></td></tr>
<tr><th scope="row">Đang xử lý tại</th><td>${t.currentAgency}</td></tr>
<tr><th scope="row">Ngày nộp</th><td>${fmt(t.submittedAt)}</td></tr>
<tr><th scope="row">Ngày tiếp nhận</th><td>${fmt(t.receivedAt)}</td></tr>
<tr><th scope="row">Ngày hẹn trả kết quả</th><td>${fmt(t.dueAt)}</td></tr>
<tr><th scope="row">Ngày có kết quả</th><td>${fmt(t.finishedAt)}</td></tr>
<tr><th scope="row">Ngày trả kết quả</th><td>${fmt(t.returnedAt)}</td></tr>
</tbody></table>
${t.jointSteps.length ? html`<h3>Các bước liên thông</h3>
<table><thead><tr><th scope="col">Cơ quan</th><th scope="col">Phần việc</th><th scope="col">Hạn của bước</th><th scope="col">Tình trạng</th></tr></thead><tbody>
${t.jointSteps.map((s) => html`<tr><td>${s.agencyName}</td><td>${s.label}</td><td>${fmt(s.dueAt)}${s.overdue ? ' (quá hạn)' : ''}</td><td>${OUTCOME[s.outcome ?? ''] ?? 'Đang xử lý'}${s.finishedAt ? ` · ${fmt(s.finishedAt)}` : ''}</td></tr>`)}
</tbody></table>` : html``}`;
      } catch (e) {
        if (!(e instanceof AppError) || e.status !== 404) throw e;
        status = 404;
        result = html`<p role="alert">Không tìm thấy hồ sơ mã «${code}». Vui lòng kiểm tra lại mã trên giấy tiếp nhận và hẹn trả kết quả.</p>`;
      }
    }
    const body = html`<h1>Tra cứu hồ sơ</h1>
<form class="search" method="get" action="/tra-cuu-ho-so" role="search">
<label for="ma">Mã hồ sơ (ghi trên giấy tiếp nhận và hẹn trả kết quả)</label><input id="ma" name="ma" value="${code}" autocomplete="off" required>
<button type="submit">Tra cứu</button></form>
${result}
<p class="muted">Không có thông tin cá nhân nào được hiển thị. <a href="/thu-tuc">Danh mục thủ tục hành chính</a></p>`;
    return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store')
      .send(page({ title: code ? `Tra cứu hồ sơ ${code}` : 'Tra cứu hồ sơ', description: 'Tra cứu tình trạng giải quyết hồ sơ thủ tục hành chính', siteName: SITE, body, canonical: `${k.config.publicUrl}/tra-cuu-ho-so` }));
  });
}
