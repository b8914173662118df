/**
 * Server-rendered public pages (procedure pages, published answers, open data):
 * readable without JavaScript, by crawlers and on weak phones. Every value is
 * escaped through `html` tagged templates; `raw` marks trusted markup.
 */

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export class Raw {
  constructor(readonly value: string) {}
  toString() {
    return this.value;
  }
}

export const raw = (s: string) => new Raw(s);
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESC[c]!);

function render(v: unknown): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Raw) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

/** `html\`<p>${userText}</p>\`` escapes the values; nested `html` results and arrays of them pass through. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new Raw(out);
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:0;color:#1a1a1a;line-height:1.5}
header{background:#b71c1c;color:#fff;padding:.75rem 1rem}header a{color:#fff;font-weight:700;text-decoration:none}
main{max-width:60rem;margin:0 auto;padding:1rem}a{color:#8b1212}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.4rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}form.search{display:flex;gap:.5rem;flex-wrap:wrap;margin:1rem 0}
input,select,button{font:inherit;padding:.4rem}button{background:#b71c1c;color:#fff;border:0;border-radius:4px;padding:.4rem 1rem}
a.button{display:inline-block;background:#b71c1c;color:#fff;border-radius:4px;padding:.5rem 1rem;text-decoration:none;font-weight:600}
.muted{color:#555}.tag{display:inline-block;border:1px solid #999;border-radius:4px;padding:0 .4rem;font-size:.9em}
footer{max-width:60rem;margin:2rem auto;padding:0 1rem;color:#555;font-size:.9em}`;

/** A complete public page in the portal's look, Vietnamese by default. */
export function page(opts: { title: string; description?: string; lang?: 'vi' | 'en'; siteName: string; body: Raw; canonical?: string }): string {
  return `<!doctype html>${html`<html lang="${opts.lang ?? 'vi'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} — ${opts.siteName}</title>
${opts.description ? html`<meta name="description" content="${opts.description}">` : ''}
${opts.canonical ? html`<link rel="canonical" href="${opts.canonical}">` : ''}
<link rel="icon" href="/icon.svg" type="image/svg+xml"><style>${raw(STYLE)}</style></head>
<body><header><a href="/">${opts.siteName}</a></header><main id="main">${opts.body}</main>
<footer>${opts.siteName}</footer></body></html>`}`;
}
