/**
 * The communes coloured by a figure: boundaries from /api/feedback/boundaries
 * drawn with Leaflet and no tile server. Colours come with text: each commune's
 * tooltip names its value, and the legend names each class.
 */
import { useQuery } from '@tanstack/react-query';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useRef } from 'react';
import { get } from '../api';

export interface MapValue {
  code: string;
  name: string;
  value: number | null;
  rag: 'green' | 'amber' | 'red' | null;
}

/** Five shades for figures without a target, by quintile. */
const SHADES = ['#eff6ff', '#bfdbfe', '#60a5fa', '#2563eb', '#1e3a8a'];
export const RAG_FILL = { green: '#2f9e44', amber: '#f59f00', red: '#e03131' } as const;

export function classes(values: MapValue[]): number[] {
  const xs = values.map((v) => v.value).filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (!xs.length) return [];
  return [0.2, 0.4, 0.6, 0.8].map((q) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]!);
}

export function fillOf(v: MapValue | undefined, breaks: number[]): string {
  if (!v || v.value === null) return '#f1f3f5';
  if (v.rag) return RAG_FILL[v.rag];
  let i = 0;
  while (i < breaks.length && v.value > breaks[i]!) i++;
  return SHADES[i]!;
}

export default function OperationsMap({ values, label, onPick, noData }: { values: MapValue[]; label: string; onPick: (code: string) => void; noData: string }) {
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const boundaries = useQuery({ queryKey: ['feedback', 'boundaries'], queryFn: () => get<GeoJSON.FeatureCollection>('/api/feedback/boundaries'), staleTime: 3_600_000 });
  useEffect(() => {
    if (!el.current || map.current) return;
    map.current = L.map(el.current, { attributionControl: false, zoomSnap: 0.25 }).setView([20.35, 106.05], 9);
    return () => {
      map.current?.remove();
      map.current = null;
    };
  }, []);
  useEffect(() => {
    const m = map.current;
    if (!m || !boundaries.data?.features?.length) return;
    const byCode = new Map(values.map((v) => [v.code, v]));
    const breaks = classes(values);
    const layer = L.geoJSON(boundaries.data, {
      style: (f) => {
        if (f?.properties?.level === 'province') return { color: '#7f1d1d', weight: 2, fill: false };
        const v = byCode.get(String(f?.properties?.code ?? f?.id ?? ''));
        return { color: '#343a40', weight: 1, fillColor: fillOf(v, breaks), fillOpacity: 0.75 };
      },
      onEachFeature: (f, l) => {
        const code = String(f.properties?.code ?? f.id ?? '');
        const v = byCode.get(code);
        l.bindTooltip(`${f.properties?.name ?? code}: ${v?.value ?? '—'}`);
        if (f.properties?.level !== 'province') l.on('click', () => onPick(code));
      },
    }).addTo(m);
    m.fitBounds(layer.getBounds());
    return () => {
      layer.remove();
    };
  }, [boundaries.data, values, onPick]);
  const empty = boundaries.isSuccess && !boundaries.data?.features?.length;
  return (
    <div>
      <div ref={el} role="application" aria-label={label} style={{ height: 380, width: '100%', background: '#f8fafc', borderRadius: 8, display: empty ? 'none' : undefined }} data-testid="ops-map" />
      {empty && <p>{noData}</p>}
    </div>
  );
}
