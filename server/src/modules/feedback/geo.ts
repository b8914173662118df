import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import Flatbush from 'flatbush';

/**
 * Boundaries and point-in-commune routing, without PostGIS: each boundary's
 * bounding box goes into a static R-tree (flatbush), and the few candidates
 * whose box holds the point are tested exactly (turf). 3,321 communes fit in
 * memory with room to spare; the index is rebuilt after each import.
 */

export type Position = [number, number];
export type PolygonCoords = Position[][];
export interface Geometry {
  type: 'Polygon' | 'MultiPolygon';
  coordinates: PolygonCoords | PolygonCoords[];
}

export interface Boundary {
  unitCode: string;
  level: 'province' | 'commune';
  name: string;
  geometry: Geometry;
  bbox: [number, number, number, number];
}

/** A boundary as read from a GeoJSON Feature; the unit code is the feature's id or a code property. */
export interface ParsedFeature {
  unitCode: string;
  name: string;
  geometry: Geometry;
  bbox: [number, number, number, number];
}

function polygons(g: Geometry): PolygonCoords[] {
  return g.type === 'Polygon' ? [g.coordinates as PolygonCoords] : (g.coordinates as PolygonCoords[]);
}

const validPosition = (p: unknown): p is Position =>
  Array.isArray(p) && p.length >= 2 && Number.isFinite(p[0]) && Number.isFinite(p[1]) && Math.abs(p[0] as number) <= 180 && Math.abs(p[1] as number) <= 90;

/** The problem with a geometry (Vietnamese), or null. */
export function geometryProblem(g: unknown): string | null {
  if (!g || typeof g !== 'object') return 'thiếu geometry';
  const t = (g as Geometry).type;
  if (t !== 'Polygon' && t !== 'MultiPolygon') return `geometry phải là Polygon hoặc MultiPolygon (nhận ${String(t)})`;
  const polys = t === 'Polygon' ? [(g as Geometry).coordinates] : (g as Geometry).coordinates;
  if (!Array.isArray(polys) || !polys.length) return 'geometry không có tọa độ';
  for (const poly of polys as unknown[]) {
    if (!Array.isArray(poly) || !poly.length) return 'đa giác rỗng';
    for (const ring of poly) {
      if (!Array.isArray(ring) || ring.length < 4 || !ring.every(validPosition)) return 'vòng đa giác phải có ít nhất 4 điểm [kinh độ, vĩ độ] hợp lệ';
    }
  }
  return null;
}

export function bboxOf(g: Geometry): [number, number, number, number] {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const poly of polygons(g)) {
    for (const [x, y] of poly[0]!) {
      if (x < x0) x0 = x;
      if (y < y0) y0 = y;
      if (x > x1) x1 = x;
      if (y > y1) y1 = y;
    }
  }
  return [x0, y0, x1, y1];
}

/**
 * A lighter copy for maps: coordinates rounded to ~10 m and points closer than
 * `tolerance` degrees to the last kept one dropped (rings keep at least 4 points).
 */
export function simplify(g: Geometry, tolerance = 0.0004): Geometry {
  const round = (v: number) => Math.round(v * 1e5) / 1e5;
  const ring = (r: Position[]): Position[] => {
    const out: Position[] = [];
    for (const p of r) {
      const last = out[out.length - 1];
      if (!last || Math.hypot(p[0] - last[0], p[1] - last[1]) >= tolerance) out.push([round(p[0]), round(p[1])]);
    }
    const first = r[0]!;
    const end = out[out.length - 1]!;
    if (end[0] !== round(first[0]) || end[1] !== round(first[1])) out.push([round(first[0]), round(first[1])]);
    return out.length >= 4 ? out : r.map((p) => [round(p[0]), round(p[1])] as Position);
  };
  const polys = polygons(g).map((poly) => poly.map(ring));
  return g.type === 'Polygon' ? { type: 'Polygon', coordinates: polys[0]! } : { type: 'MultiPolygon', coordinates: polys };
}

/** The features of a GeoJSON document (FeatureCollection, Feature), with their problems by index. */
export function parseFeatures(doc: unknown): { features: ParsedFeature[]; problems: string[] } {
  const features: ParsedFeature[] = [];
  const problems: string[] = [];
  const d = doc as { type?: string; features?: unknown[] };
  const list = d?.type === 'FeatureCollection' && Array.isArray(d.features) ? d.features : d?.type === 'Feature' ? [d] : null;
  if (!list) return { features, problems: ['không phải GeoJSON FeatureCollection hoặc Feature'] };
  list.forEach((f, i) => {
    const feat = f as { id?: unknown; properties?: Record<string, unknown>; geometry?: unknown };
    const props = feat.properties ?? {};
    const code = String(feat.id ?? props.code ?? props.Code ?? props.ma ?? '').trim();
    if (!/^\d{2}(\d{3})?$/.test(code)) return void problems.push(`đối tượng ${i + 1}: mã đơn vị (id hoặc properties.code) phải gồm 2 hoặc 5 chữ số`);
    const problem = geometryProblem(feat.geometry);
    if (problem) return void problems.push(`đối tượng ${i + 1} (${code}): ${problem}`);
    const geometry = feat.geometry as Geometry;
    const name = String(props.name ?? props.Name ?? props.FullName ?? props.ten ?? code);
    features.push({ unitCode: code, name, geometry, bbox: bboxOf(geometry) });
  });
  return { features, problems };
}

export class BoundaryIndex {
  private readonly tree: Flatbush | null;
  constructor(private readonly items: Boundary[]) {
    const communes = items.filter((b) => b.level === 'commune');
    this.communes = communes;
    this.province = items.find((b) => b.level === 'province') ?? null;
    if (communes.length) {
      const t = new Flatbush(communes.length);
      for (const b of communes) t.add(...b.bbox);
      t.finish();
      this.tree = t;
    } else this.tree = null;
  }
  private readonly communes: Boundary[];
  readonly province: Boundary | null;

  get size(): number {
    return this.items.length;
  }

  /** Whether the point lies in the province (true when no province boundary was imported). */
  inProvince(lon: number, lat: number): boolean {
    if (!this.province) return true;
    return booleanPointInPolygon([lon, lat], this.province.geometry as never);
  }

  /** The commune whose boundary contains the point, or null. */
  commune(lon: number, lat: number): Boundary | null {
    if (!this.tree) return null;
    for (const i of this.tree.search(lon, lat, lon, lat)) {
      const b = this.communes[i]!;
      if (booleanPointInPolygon([lon, lat], b.geometry as never)) return b;
    }
    return null;
  }
}
