import { z } from 'zod';
import { html, page, type Raw } from '../../../kernel/http/html.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { downloadUrl, organizationOf, type CkanOrganization } from '../ckan.js';
import { packageSearch } from '../ckan.service.js';
import { FREQUENCIES, type Frequency, LICENCES, type LicenceId, datasetDef } from '../datasets.js';
import { OPENDATA_TAG, datasetIdParam } from '../http.js';
import * as repo from '../opendata.repo.js';

/**
 * Public open-data pages, rendered on the server and complete without
 * JavaScript: the catalogue with search, and each dataset with its metadata,
 * a preview of its first rows, a bar chart as inline SVG and download links.
 */

const SITE = 'Cổng số Ninh Bình';
const PREVIEW_ROWS = 20;
const fmtDate = (d: Date | null) => (d ? d.toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'short', timeStyle: 'short' }) : 'chưa cập nhật');
const fmtCell = (v: unknown) => (typeof v === 'number' ? v.toLocaleString('vi-VN') : v === null || v === undefined ? '' : String(v));

/** A horizontal bar chart as inline SVG: readable without JavaScript, with a text alternative. */
export function barChart(title: string, data: { label: string; value: number }[]): Raw {
  if (!data.length) return html``;
  const max = Math.max(...data.map((d) => d.value), 1);
  const row = 26;
  const labelW = 260;
  const barW = 380;
  const h = data.length * row + 10;
  return html`<figure><figcaption>${title}</figcaption>
<svg role="img" aria-labelledby="chart-title" viewBox="0 0 ${labelW + barW + 90} ${h}" width="100%" xmlns="http://www.w3.org/2000/svg">
<title id="chart-title">${title}: ${data.map((d) => `${d.label} ${fmtCell(d.value)}`).join('; ')}</title>
${data.map((d, i) => {
  const w = Math.max(1, Math.round((d.value / max) * barW));
  const y = i * row + 5;
  const label = d.label.length > 40 ? `${d.label.slice(0, 39)}…` : d.label;
  return html`<g><text x="${labelW - 6}" y="${y + 16}" text-anchor="end" font-size="13">${label}</text><rect x="${labelW}" y="${y + 3}" width="${w}" height="${row - 8}" fill="#b71c1c"></rect><text x="${labelW + w + 6}" y="${y + 16}" font-size="13">${fmtCell(d.value)}</text></g>`;
})}
</svg></figure>`;
}

export function openDataPagesRoutes(app: App, k: Kernel) {
  app.get(
    '/du-lieu-mo',
    {
      config: { access: 'public' },
      schema: {
        tags: [OPENDATA_TAG],
        summary: 'Trang công khai: danh mục dữ liệu mở (HTML, không cần JavaScript)',
        querystring: z.object({
          q: z.string().trim().max(200).optional(),
          to_chuc: z.string().regex(/^[a-z0-9-]{0,40}$/).optional(),
          the: z.string().max(100).optional(),
          trang: z.coerce.number().int().min(1).max(1000).default(1),
        }).strict(),
        response: { 200: z.string() },
      },
    },
    async (req, reply) => {
      const per = 20;
      const fq = [req.query.to_chuc ? `organization:${req.query.to_chuc}` : '', req.query.the ? `tags:"${req.query.the.replace(/"/g, '')}"` : ''].filter(Boolean).join(' ');
      const r = await packageSearch(k, { q: req.query.q || undefined, fq: fq || undefined, rows: per, start: (req.query.trang - 1) * per, facet: true, 'facet.field': ['organization', 'tags'], 'facet.limit': 30 });
      const pages = Math.ceil(r.count / per);
      const link = (over: Record<string, string | undefined>) => {
        const p = { q: req.query.q, to_chuc: req.query.to_chuc, the: req.query.the, ...over };
        return `/du-lieu-mo?${new URLSearchParams(Object.entries(p).filter(([, v]) => v) as [string, string][])}`;
      };
      const body = html`<h1>Dữ liệu mở</h1>
<p>Dữ liệu do các cơ quan của tỉnh công bố, sinh tự động từ dữ liệu đang vận hành, không chứa dữ liệu cá nhân. Tải về dạng CSV, JSON hoặc dùng API tương thích CKAN (<a href="/api/3/action/package_list">/api/3/action/</a>) và DCAT-AP (<a href="/dcat/catalog.ttl">Turtle</a>, <a href="/dcat/catalog.jsonld">JSON-LD</a>).</p>
<form class="search" method="get" action="/du-lieu-mo" role="search">
<label for="q">Tìm bộ dữ liệu</label><input id="q" name="q" value="${req.query.q ?? ''}" placeholder="ví dụ: ho so">
<label for="to_chuc">Cơ quan</label><select id="to_chuc" name="to_chuc"><option value="">Tất cả</option>${(r.search_facets.organization?.items ?? []).map((o) => html`<option value="${o.name}"${o.name === req.query.to_chuc ? html` selected` : ''}>${o.display_name} (${o.count})</option>`)}</select>
<button type="submit">Tìm</button></form>
${r.search_facets.tags?.items.length ? html`<p>Chủ đề: ${r.search_facets.tags.items.map((t) => html`<a class="tag" href="${link({ the: t.name, trang: undefined })}">${t.display_name} (${t.count})</a> `)}</p>` : ''}
<p>${r.count} bộ dữ liệu</p>
<ul>${r.results.map((p) => html`<li><h2><a href="/du-lieu-mo/${p.name}">${p.title}</a></h2><p>${p.notes}</p><p class="muted">${p.organization.title} · ${p.license_title} · cập nhật ${fmtDate(new Date(p.metadata_modified))}</p>
<p>Tải về: ${p.resources.map((x) => html`<a href="${x.url}" download aria-label="Tải ${x.format} — ${p.title}">${x.format}</a> · `)}DCAT: <a href="/dcat/datasets/${p.name}.ttl" aria-label="DCAT Turtle — ${p.title}">Turtle</a>, <a href="/dcat/datasets/${p.name}.jsonld" aria-label="DCAT JSON-LD — ${p.title}">JSON-LD</a></p></li>`)}</ul>
${pages > 1 ? html`<nav aria-label="Trang"><p>${req.query.trang > 1 ? html`<a rel="prev" href="${link({ trang: String(req.query.trang - 1) })}">← Trang trước</a> ` : ''}Trang ${req.query.trang}/${pages}${req.query.trang < pages ? html` <a rel="next" href="${link({ trang: String(req.query.trang + 1) })}">Trang sau →</a>` : ''}</p></nav>` : ''}`;
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'public, max-age=60')
        .send(page({ title: 'Dữ liệu mở', description: 'Danh mục dữ liệu mở của tỉnh Ninh Bình', siteName: SITE, body, canonical: `${k.config.publicUrl}/du-lieu-mo` }));
    },
  );

  app.get(
    '/du-lieu-mo/:id',
    {
      config: { access: 'public' },
      schema: {
        tags: [OPENDATA_TAG],
        summary: 'Trang công khai của một bộ dữ liệu: siêu dữ liệu, xem trước, biểu đồ, tải về (HTML, không cần JavaScript)',
        params: z.object({ id: datasetIdParam }),
        querystring: z.object({ trang: z.coerce.number().int('Số trang là số nguyên').min(1, 'Số trang từ 1').max(100_000, 'Số trang tối đa 100000').default(1) }).strict(),
        response: { 200: z.string(), 404: z.string() },
      },
    },
    async (req, reply) => {
      const d = await repo.dataset(k.db, req.params.id);
      if (!d) {
        const body = html`<h1>Không tìm thấy bộ dữ liệu</h1><p>Không có bộ dữ liệu ${req.params.id}. <a href="/du-lieu-mo">Xem danh mục dữ liệu mở</a>.</p>`;
        return reply.code(404).type('text/html; charset=utf-8').send(page({ title: 'Không tìm thấy bộ dữ liệu', siteName: SITE, body }));
      }
      const org: CkanOrganization = await organizationOf(k, d.publisher);
      const previewPages = Math.max(1, Math.ceil(d.row_count / PREVIEW_ROWS));
      const pageNo = Math.min(req.query.trang, previewPages);
      const first = (pageNo - 1) * PREVIEW_ROWS;
      const preview = d.store_table ? await repo.searchRows(k.db, { table: d.store_table, fields: d.fields, filters: {}, sort: [], limit: PREVIEW_ROWS, offset: first }) : [];
      const previewLink = (n: number) => `/du-lieu-mo/${d.id}?trang=${n}#xem-truoc`;
      // The dataset's own chart, or else the number of rows by its first text column (a sum of an arbitrary number column could mean nothing).
      const firstText = d.fields.find((f) => f.type === 'text');
      const chart = datasetDef(k, d.id)?.chart ?? (firstText ? { label: firstText.id, value: undefined } : undefined);
      const sums = chart ? await repo.chartSums(k.db, d.store_table, chart.label, chart.value) : [];
      const labelOf = (id: string) => d.fields.find((f) => f.id === id)?.label ?? id;
      const licence = LICENCES[d.licence_id as LicenceId];
      const row = (label: string, value: unknown) => html`<tr><th scope="row">${label}</th><td>${value}</td></tr>`;
      const body = html`<p><a href="/du-lieu-mo">← Dữ liệu mở</a></p>
<h1>${d.title}</h1>
<p>${d.notes}</p>
<p><a class="button" href="${downloadUrl(k, d.id, 'csv')}" download>Tải CSV</a> <a class="button" href="${downloadUrl(k, d.id, 'json')}" download>Tải JSON</a></p>
<table><tbody>
${row('Cơ quan công bố', org.title)}
${row('Giấy phép', licence ? html`<a href="${licence.url}" rel="license">${licence.title}</a>` : d.licence_id)}
${row('Tần suất cập nhật', FREQUENCIES[d.frequency as Frequency]?.label ?? d.frequency)}
${row('Cập nhật lần cuối', fmtDate(d.generated_at))}
${row('Nội dung thay đổi lần cuối', fmtDate(d.modified_at))}
${row('Số dòng', d.row_count.toLocaleString('vi-VN'))}
${row('Chủ đề', d.tags.map((t) => html`<span class="tag">${t}</span> `))}
${row('API', html`<code>/api/3/action/datastore_search?resource_id=${d.id}-csv</code> · DCAT: <a href="/dcat/datasets/${d.id}.ttl">Turtle</a>, <a href="/dcat/datasets/${d.id}.jsonld">JSON-LD</a>`)}
</tbody></table>
<h2>Các cột</h2>
<table><thead><tr><th scope="col">Tên cột</th><th scope="col">Ý nghĩa</th><th scope="col">Kiểu</th></tr></thead><tbody>
${d.fields.map((f) => html`<tr><td><code>${f.id}</code></td><td>${f.label}</td><td>${f.type}</td></tr>`)}
</tbody></table>
${chart && sums.length ? html`<h2>Biểu đồ</h2>${barChart(chart.value ? `${labelOf(chart.value)} theo ${labelOf(chart.label).toLowerCase()}` : `Số dòng theo ${labelOf(chart.label).toLowerCase()}`, sums)}` : ''}
<h2 id="xem-truoc">Xem trước dữ liệu</h2>
${preview.length ? html`<p>Dòng ${(first + 1).toLocaleString('vi-VN')}–${(first + preview.length).toLocaleString('vi-VN')} trên ${d.row_count.toLocaleString('vi-VN')} dòng.</p>
<div style="overflow-x:auto"><table><caption>${d.title}: dòng ${first + 1}–${first + preview.length}</caption><thead><tr>${d.fields.map((f) => html`<th scope="col">${f.label}</th>`)}</tr></thead><tbody>
${preview.map((r) => html`<tr>${d.fields.map((f) => html`<td>${fmtCell(r[f.id])}</td>`)}</tr>`)}
</tbody></table></div>
${previewPages > 1 ? html`<nav aria-label="Trang xem trước"><p>${pageNo > 1 ? html`<a rel="prev" href="${previewLink(pageNo - 1)}">← ${PREVIEW_ROWS} dòng trước</a> ` : ''}Trang ${pageNo}/${previewPages}${pageNo < previewPages ? html` <a rel="next" href="${previewLink(pageNo + 1)}">${PREVIEW_ROWS} dòng sau →</a>` : ''}</p></nav>` : ''}` : html`<p>Chưa có dữ liệu.</p>`}`;
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'public, max-age=60')
        .send(page({ title: d.title, description: d.notes.slice(0, 200), siteName: SITE, body, canonical: `${k.config.publicUrl}/du-lieu-mo/${d.id}` }));
    },
  );
}
