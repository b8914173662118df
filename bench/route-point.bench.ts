import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { type Boundary, BoundaryIndex, bboxOf, type Geometry } from '../server/src/modules/feedback/geo.js';
import { result } from './lib.js';

/**
 * Point-in-commune routing (the feedback module's BoundaryIndex: R-tree of
 * bounding boxes, then an exact test) in lookups/s, against the naive way
 * measured in the same run: testing the point against every boundary in turn.
 *
 * The country has 3,321 communes; the shared data holds Ninh Bình's 129 real
 * boundaries, so the set is filled to 3,354 with copies of them shifted by
 * whole degrees (same shapes, same vertex counts: the work per test is real).
 */
const GEO = path.resolve(import.meta.dirname, '../../shared/data/admin-units/geojson/37_ninh_binh/wards');

function shift(g: Geometry, dx: number, dy: number): Geometry {
  const move = (ring: [number, number][]) => ring.map(([x, y]) => [x + dx, y + dy] as [number, number]);
  return g.type === 'Polygon'
    ? { type: 'Polygon', coordinates: (g.coordinates as [number, number][][]).map(move) }
    : { type: 'MultiPolygon', coordinates: (g.coordinates as [number, number][][][]).map((p) => p.map(move)) };
}

export default async function routePoint(args: string[]) {
  if (!existsSync(GEO)) throw new Error(`needs the boundaries in ${GEO}`);
  const seconds = Number(args[0] ?? 5);
  const real = readdirSync(GEO).map((f) => JSON.parse(readFileSync(path.join(GEO, f), 'utf8')).features[0]);
  // Copies tile the plane edge to edge (the province's extent), 6 across.
  const boxes = real.map((f) => bboxOf(f.geometry));
  const [minX, minY] = [Math.min(...boxes.map((b) => b[0])), Math.min(...boxes.map((b) => b[1]))];
  const [w, h] = [Math.max(...boxes.map((b) => b[2])) - minX, Math.max(...boxes.map((b) => b[3])) - minY];
  const all: Boundary[] = [];
  for (let copy = 0; all.length < 3321; copy++) {
    const dx = (copy % 6) * w;
    const dy = Math.floor(copy / 6) * h;
    for (const f of real) {
      const geometry = shift(f.geometry, dx, dy);
      all.push({ unitCode: `${copy}-${f.id}`, level: 'commune', name: f.id, geometry, bbox: bboxOf(geometry) });
    }
  }
  const index = new BoundaryIndex(all);
  // Points spread over the whole tiled area (most inside some commune, some outside the province's shape).
  const rows = Math.ceil(all.length / real.length / 6);
  const points = Array.from({ length: 2000 }, (_, i) => [minX + (((i * 7919) % 1000) / 1000) * 6 * w, minY + (((i * 104729) % 1000) / 1000) * rows * h] as [number, number]);
  // Both ways give the same commune for the same point.
  for (const [x, y] of points.slice(0, 200)) {
    const a = index.commune(x, y)?.unitCode ?? null;
    const b = all.find((c) => booleanPointInPolygon([x, y], c.geometry as never))?.unitCode ?? null;
    if (a !== b) throw new Error(`the index and the naive scan disagree at ${x},${y}: ${a} vs ${b}`);
  }

  const run = (fn: (p: [number, number]) => unknown) => {
    let n = 0;
    let hits = 0;
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      if (fn(points[n % points.length]!)) hits++;
      n++;
    }
    return { perSecond: n / seconds, hits: hits / n };
  };
  const naive = run(([x, y]) => all.find((b) => booleanPointInPolygon([x, y], b.geometry as never)));
  const ours = run(([x, y]) => index.commune(x, y));
  console.log(`${all.length} boundaries; naive scan: ${naive.perSecond.toFixed(0)} lookups/s; R-tree + exact test: ${ours.perSecond.toFixed(0)} lookups/s; share of points inside a commune ${(ours.hits * 100).toFixed(0)}% (naive ${(naive.hits * 100).toFixed(0)}%)`);
  return result('route-point', 'lookups_per_second', ours.perSecond, naive.perSecond, 'lookups/s');
}
