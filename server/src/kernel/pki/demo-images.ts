/**
 * Demo images for Decree 30 appearances (development and tests only): the
 * organisation's round red seal and an official's blue handwritten-looking
 * signature, both PNG with transparency, drawn as SVG and rendered with sharp.
 * Real deployments use the agency's registered seal image and each official's
 * scanned signature; nothing here is committed as a binary.
 */

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** SVG of a round seal: two red rings, the organisation's name around the top, a star, and the place across the middle. */
export function sealSvg(organisation: string, opts: { place?: string; size?: number } = {}): string {
  const size = opts.size ?? 480;
  const c = size / 2;
  const red = '#d7191c';
  // The name runs clockwise around the upper arc, one glyph per rotated <text>
  // (renderers disagree on textPath; rotation is drawn the same everywhere).
  const name = organisation.toUpperCase().normalize('NFC');
  const chars = [...name];
  const arc = 250; // degrees the name spans, centred on the top
  const r = size * 0.36;
  const glyphs = chars
    .map((ch, i) => {
      const a = -arc / 2 + (arc * (i + 0.5)) / chars.length;
      return `<text x="${c}" y="${c - r}" transform="rotate(${a.toFixed(2)} ${c} ${c})" text-anchor="middle">${esc(ch)}</text>`;
    })
    .join('');
  const star = (cx: number, cy: number, R: number) => {
    const pts: string[] = [];
    for (let i = 0; i < 10; i++) {
      const rr = i % 2 ? R * 0.4 : R;
      const t = (Math.PI / 5) * i - Math.PI / 2;
      pts.push(`${(cx + rr * Math.cos(t)).toFixed(1)},${(cy + rr * Math.sin(t)).toFixed(1)}`);
    }
    return `<polygon points="${pts.join(' ')}" fill="${red}"/>`;
  };
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">
  <g opacity="0.9">
    <circle cx="${c}" cy="${c}" r="${size * 0.47}" fill="none" stroke="${red}" stroke-width="${size * 0.025}"/>
    <circle cx="${c}" cy="${c}" r="${size * 0.29}" fill="none" stroke="${red}" stroke-width="${size * 0.012}"/>
    <g font-family="Noto Serif, DejaVu Serif, serif" font-weight="bold" font-size="${Math.round(size * 0.075)}" fill="${red}">${glyphs}</g>
    ${star(c, c - size * 0.12, size * 0.08)}
    <text x="${c}" y="${c + size * 0.08}" text-anchor="middle" font-family="Noto Serif, DejaVu Serif, serif" font-weight="bold" font-size="${Math.round(size * 0.07)}" fill="${red}">${esc((opts.place ?? '').toUpperCase())}</text>
    ${star(c - size * 0.2, c + size * 0.32, size * 0.03)}${star(c + size * 0.2, c + size * 0.32, size * 0.03)}
  </g>
</svg>`;
}

/** SVG of a signature: a blue flourish seeded by the name, so each official's demo signature differs. */
export function signatureSvg(name: string, opts: { width?: number; height?: number } = {}): string {
  const w = opts.width ?? 600;
  const h = opts.height ?? 240;
  let seed = 0;
  for (const ch of name) seed = (seed * 31 + ch.codePointAt(0)!) >>> 0;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const pts: string[] = [`M ${w * 0.08} ${h * 0.6}`];
  const loops = 5 + Math.floor(rnd() * 3);
  for (let i = 0; i < loops; i++) {
    const x = w * (0.12 + (0.7 * (i + 1)) / loops);
    pts.push(`C ${(x - w * 0.1).toFixed(0)} ${(h * (0.1 + rnd() * 0.2)).toFixed(0)}, ${(x - w * 0.02).toFixed(0)} ${(h * (0.75 + rnd() * 0.2)).toFixed(0)}, ${x.toFixed(0)} ${(h * (0.35 + rnd() * 0.3)).toFixed(0)}`);
  }
  const underline = `M ${w * 0.1} ${h * 0.85} Q ${w * 0.5} ${h * 0.72} ${w * 0.92} ${h * 0.8}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">
  <path d="${pts.join(' ')}" fill="none" stroke="#1f3a93" stroke-width="${h * 0.035}" stroke-linecap="round" stroke-linejoin="round"/>
  <path d="${underline}" fill="none" stroke="#1f3a93" stroke-width="${h * 0.025}" stroke-linecap="round"/>
</svg>`;
}

async function png(svg: string): Promise<Uint8Array> {
  const { default: sharp } = await import('sharp');
  return new Uint8Array(await sharp(Buffer.from(svg)).png().toBuffer());
}

/** The organisation's demo seal as a transparent PNG (480 px: about 40 mm at 300 dpi). */
export function demoSealPng(organisation: string, place?: string): Promise<Uint8Array> {
  return png(sealSvg(organisation, { place }));
}

/** An official's demo signature as a transparent PNG. */
export function demoSignaturePng(name: string): Promise<Uint8Array> {
  return png(signatureSvg(name));
}
