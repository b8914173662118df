import { z } from 'zod';
import { html, page, type Raw } from '../../../kernel/http/html.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { getAgencyByCode } from '../../org/index.js';
import type { Procedure } from '../catalogue.schema.js';
import { listSectors, procedureVersion, searchProcedures } from '../catalogue.repo.js';
import { procedureCode, TAG } from '../http.js';

/**
 * Public procedure pages at stable addresses (/thu-tuc/1.001193), rendered on
 * the server: complete without JavaScript, for people on weak phones and for
 * search engines. The web app links here.
 */

const SITE = 'Cổng số Ninh Bình';
const vnd = (n: number) => `${n.toLocaleString('vi-VN')} đồng`;
const limitText = (t: Procedure['timeLimit']) => ('days' in t ? `${t.days} ngày làm việc` : `${t.hours} giờ làm việc`);
const LEVEL = { province: 'Cấp tỉnh', commune: 'Cấp xã' } as const;
const ONLINE = { full: 'Dịch vụ công trực tuyến toàn trình', partial: 'Dịch vụ công trực tuyến một phần' } as const;
const METHOD = { online: 'Trực tuyến', desk: 'Trực tiếp tại Bộ phận Một cửa', post: 'Qua dịch vụ bưu chính' } as const;
const APPLICANT = { citizen: 'Công dân', business: 'Doanh nghiệp, hộ kinh doanh', organisation: 'Tổ chức' } as const;

function procedureBody(p: Procedure, version: number, effectiveFrom: string, agencyName: string | null): Raw {
  const row = (label: string, value: unknown) => html`<tr><th scope="row">${label}</th><td>${value}</td></tr>`;
  return html`<p><a href="/thu-tuc">← Danh mục thủ tục hành chính</a></p>
<h1>${p.name}</h1>
<p class="muted">Mã thủ tục ${p.code} · Lĩnh vực ${p.sector.name} · ${LEVEL[p.level]} · <span class="tag">${ONLINE[p.onlineLevel]}</span></p>
${p.methods.includes('online') ? html`<p><a class="button" href="/nop-ho-so/${encodeURIComponent(p.code)}">Nộp hồ sơ trực tuyến</a></p>` : ''}
<table><tbody>
${row('Thời hạn giải quyết', html`${limitText(p.timeLimit)}${p.timeLimitNote ? html`<br><span class="muted">${p.timeLimitNote}</span>` : ''}`)}
${row('Cơ quan giải quyết', agencyName ?? 'Ủy ban nhân dân xã, phường nơi nộp hồ sơ')}
${row('Cách thức thực hiện', p.methods.map((m) => METHOD[m]).join('; '))}
${row('Đối tượng thực hiện', p.applicants.map((a) => APPLICANT[a]).join('; '))}
${row('Phí, lệ phí', p.fees.length ? html`<ul>${p.fees.map((f) => html`<li>${f.name}: ${vnd(f.amount)}${f.note ? html` <span class="muted">(${f.note})</span>` : ''}</li>`)}</ul>` : 'Không')}
${row('Kết quả', p.result)}
</tbody></table>
<h2>Trình tự thực hiện</h2>
<ol>${p.steps.map((s) => html`<li>${s}</li>`)}</ol>
<h2>Thành phần hồ sơ</h2>
<table><thead><tr><th scope="col">Giấy tờ</th><th scope="col">Bản chính</th><th scope="col">Bản sao</th><th scope="col">Bắt buộc</th></tr></thead><tbody>
${p.components.map((c) => html`<tr><td>${c.name}${c.template ? html`<br><span class="muted">${c.template}</span>` : ''}</td><td>${c.copies.original}</td><td>${c.copies.copy}</td><td>${c.required ? 'Có' : 'Không'}</td></tr>`)}
</tbody></table>
${p.requirements ? html`<h2>Yêu cầu, điều kiện</h2><p>${p.requirements}</p>` : ''}
<h2>Căn cứ pháp lý</h2>
<ul>${p.legalBasis.map((l) => html`<li>${l}</li>`)}</ul>
<p class="muted">Phiên bản ${version}, hiệu lực từ ${effectiveFrom.split('-').reverse().join('/')}.</p>`;
}

export function publicPagesRoutes(app: App, k: Kernel) {
  app.get(
    '/thu-tuc',
    {
      config: { access: 'public' },
      schema: {
        tags: [TAG],
        summary: 'Trang công khai: danh mục thủ tục hành chính (HTML, không cần JavaScript)',
        querystring: z
          .object({ q: z.string().trim().max(200).optional(), linh_vuc: z.string().regex(/^[a-z0-9-]{0,40}$/).optional(), trang: z.coerce.number().int().min(1).max(1000).default(1) })
          .strict(),
        response: { 200: z.string() },
      },
    },
    async (req, reply) => {
      const per = 50;
      const sector = req.query.linh_vuc || undefined;
      const [found, sectors] = await Promise.all([
        searchProcedures(k.db, { q: req.query.q || undefined, sector, limit: per, offset: (req.query.trang - 1) * per }),
        listSectors(k.db),
      ]);
      const pages = Math.ceil(found.total / per);
      const link = (n: number) => `/thu-tuc?${new URLSearchParams({ ...(req.query.q ? { q: req.query.q } : {}), ...(sector ? { linh_vuc: sector } : {}), trang: String(n) })}`;
      const body = html`<h1>Thủ tục hành chính</h1>
<form class="search" method="get" action="/thu-tuc" role="search">
<label for="q">Tìm thủ tục</label><input id="q" name="q" value="${req.query.q ?? ''}" placeholder="ví dụ: dang ky khai sinh">
<label for="linh_vuc">Lĩnh vực</label><select id="linh_vuc" name="linh_vuc"><option value="">Tất cả</option>${sectors.map((s) => html`<option value="${s.code}"${s.code === sector ? html` selected` : ''}>${s.name} (${s.count})</option>`)}</select>
<button type="submit">Tìm</button></form>
<p>${found.total} thủ tục</p>
<table><thead><tr><th scope="col">Mã</th><th scope="col">Tên thủ tục</th><th scope="col">Lĩnh vực</th><th scope="col">Thời hạn</th><th scope="col">Cấp</th></tr></thead><tbody>
${found.items.map((p) => html`<tr><td>${p.code}</td><td><a href="/thu-tuc/${encodeURIComponent(p.code)}">${p.name}</a></td><td>${p.sector_name}</td><td>${limitText(p.time_limit)}</td><td>${LEVEL[p.level]}</td></tr>`)}
</tbody></table>
${pages > 1 ? html`<nav aria-label="Trang"><p>${req.query.trang > 1 ? html`<a href="${link(req.query.trang - 1)}">← Trang trước</a> ` : ''}Trang ${req.query.trang}/${pages}${req.query.trang < pages ? html` <a href="${link(req.query.trang + 1)}">Trang sau →</a>` : ''}</p></nav>` : ''}`;
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'public, max-age=60')
        .send(page({ title: 'Thủ tục hành chính', description: 'Danh mục thủ tục hành chính của tỉnh Ninh Bình', siteName: SITE, body, canonical: `${k.config.publicUrl}/thu-tuc` }));
    },
  );

  app.get(
    '/thu-tuc/:code',
    {
      config: { access: 'public' },
      schema: {
        tags: [TAG],
        summary: 'Trang công khai của một thủ tục (HTML, địa chỉ cố định, không cần JavaScript)',
        params: z.object({ code: procedureCode }),
        response: { 200: z.string(), 404: z.string() },
      },
    },
    async (req, reply) => {
      const r = await procedureVersion(k.db, req.params.code);
      if (!r || !r.active) {
        const body = html`<h1>Không tìm thấy thủ tục</h1><p>Không có thủ tục mã ${req.params.code}. <a href="/thu-tuc">Xem danh mục</a>.</p>`;
        return reply.code(404).type('text/html; charset=utf-8').send(page({ title: 'Không tìm thấy thủ tục', siteName: SITE, body }));
      }
      const p = r.data;
      const agency = p.agencyCode ? await getAgencyByCode(k.db, p.agencyCode) : null;
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'public, max-age=60')
        .send(page({ title: p.name, description: `${p.name}: thời hạn ${limitText(p.timeLimit)}, ${p.sector.name}`, siteName: SITE, body: procedureBody(p, r.version, r.effective_from, agency?.name ?? null), canonical: `${k.config.publicUrl}/thu-tuc/${p.code}` }));
    },
  );
}
