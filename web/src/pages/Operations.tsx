import { Anchor, Badge, Breadcrumbs, Button, Group, Paper, Select, SegmentedControl, SimpleGrid, Stack, Switch, Table, Tabs, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { get } from '../api';
import { ErrorAlert, Loading, Page, TableScroll } from '../ui';
import type { MapValue } from './OperationsMap';

const OperationsChart = lazy(() => import('./OperationsChart'));
const OperationsMap = lazy(() => import('./OperationsMap'));

export type Rag = 'green' | 'amber' | 'red' | null;
interface Figure { key: string; value: number | null; unit: 'count' | 'percent' | 'points'; target: number | null; direction: 'up' | 'down' | null; rag: Rag; basis: string | null; link: string | null; computedAt: string }
interface Child { kind: 'agency' | 'commune'; code: string; name: string; values: Record<string, number | null>; rag: Record<string, Rag> }
interface Ranked { code: string; name: string; value: number }
interface Dashboard {
  level: { kind: 'province' | 'agency' | 'commune'; code: string; name: string };
  period: { from: string; to: string };
  computedAt: string;
  dataAsOf: string | null;
  figures: Figure[];
  channels: { dossiers: { channel: string; n: number }[]; petitions: { channel: string; n: number }[] };
  children: Child[];
  rankings: { key: string; communes: { top: Ranked[]; bottom: Ranked[] }; agencies: { top: Ranked[]; bottom: Ranked[] } };
}
interface Trend { periods: string[]; series: { key: string; values: (number | null)[] }[]; computedAt: string }

// Amber as a light yellow with black words: white on any orange-yellow stays under the 4.5:1 contrast WCAG asks for.
const RAG_COLOR = { green: 'teal.9', amber: 'yellow.4', red: 'red.9' } as const;
const fmtTime = (s: string | null) => (s ? new Date(s).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' }) : '—');
export const fmtValue = (v: number | null | undefined, unit?: string) => (v === null || v === undefined ? '—' : `${v.toLocaleString('vi-VN')}${unit === 'percent' ? '%' : ''}`);

/** Red/amber/green with its words, never colour alone. */
export function RagBadge({ rag, testId }: { rag: Rag; testId?: string }) {
  const { t } = useTranslation();
  if (!rag) return <Text span size="sm" c="dimmed">{t('operations.rag.none')}</Text>;
  return (
    <Badge color={RAG_COLOR[rag]} autoContrast variant="filled" tt="none" data-testid={testId} data-rag={rag}>
      {t(`operations.rag.${rag}`)}
    </Badge>
  );
}

function FigureCard({ f, big }: { f: Figure; big: boolean }) {
  const { t } = useTranslation();
  const label = t(`operations.fig.${f.key}`);
  const value = fmtValue(f.value, f.unit);
  return (
    <Paper withBorder p="sm" data-testid={`fig-${f.key}`}>
      <Text size="sm" fw={600}>{label}</Text>
      {f.link ? (
        <Anchor component={Link} to={f.link} fw={700} size={big ? '2.4rem' : 'xl'} aria-label={`${label}: ${value}. ${t('operations.openList')}`} data-testid={`fig-link-${f.key}`}>
          {value}
        </Anchor>
      ) : (
        <Text fw={700} size={big ? '2.4rem' : 'xl'}>{value}</Text>
      )}
      <Group gap="xs" mt={4}>
        {f.target !== null && <Text size="xs">{t('operations.target')}: {fmtValue(f.target, f.unit)}</Text>}
        {f.target !== null && <RagBadge rag={f.rag} testId={`rag-${f.key}`} />}
      </Group>
      <Text size="xs" c="dimmed">{t('operations.computedAt')}: {fmtTime(f.computedAt)}</Text>
    </Paper>
  );
}

const GROUPS: { id: string; keys: string[] }[] = [
  { id: 'dossiers', keys: ['dossiers.received', 'dossiers.onlineShare', 'dossiers.finished', 'dossiers.early', 'dossiers.onTime', 'dossiers.late', 'dossiers.onTimeRate', 'dossiers.open', 'dossiers.overdue', 'dossiers.overdueRate', 'dossiers.satisfaction', 'dossiers.index766'] },
  { id: 'petitions', keys: ['petitions.received', 'petitions.answered', 'petitions.answeredOnTime', 'petitions.onTimeRate', 'petitions.open', 'petitions.overdue', 'petitions.overdueRate', 'petitions.satisfaction'] },
  { id: 'documents', keys: ['documents.issued', 'documents.signedShare', 'documents.received', 'documents.handled', 'documents.onTimeRate', 'documents.open', 'documents.overdue', 'documents.overdueRate'] },
];
const MAP_KEYS = ['dossiers.onTimeRate', 'dossiers.received', 'dossiers.overdue', 'dossiers.onlineShare', 'petitions.received', 'petitions.overdue', 'petitions.onTimeRate', 'petitions.satisfaction', 'documents.issued', 'documents.signedShare', 'documents.overdue'];
const TREND_KEYS = ['dossiers.received', 'dossiers.finished', 'dossiers.onTimeRate', 'dossiers.onlineShare', 'petitions.received', 'petitions.onTimeRate', 'documents.issued', 'documents.received', 'documents.signedShare'];
const TABLE_KEYS = ['dossiers.received', 'dossiers.onTimeRate', 'dossiers.overdue', 'petitions.received', 'petitions.overdue', 'petitions.satisfaction', 'documents.issued', 'documents.overdue'];

interface ExchangeCard {
  period: { from: string; to: string }; computedAt: string;
  totals: { total: number; errors: number; errorRate: number | null; p95Ms: number | null };
  partners: { partnerId: string; name: string; member: string | null; kind: string; total: number; errors: number; avgMs: number; p95Ms: number }[];
}

/** The data-exchange platform (LGSP) on the province screen: volume, errors and latency per partner system. */
function ExchangeSection({ qs, wall }: { qs: string; wall: boolean }) {
  const { t } = useTranslation();
  const period = new URLSearchParams(qs);
  const pq = new URLSearchParams(Object.entries({ from: period.get('from') ?? '', to: period.get('to') ?? '' }).filter(([, v]) => v)).toString();
  const q = useQuery({ queryKey: ['operations', 'exchange', pq], queryFn: () => get<ExchangeCard>(`/api/operations/exchange${pq ? `?${pq}` : ''}`), refetchInterval: wall ? 30_000 : 120_000 });
  return (
    <section aria-labelledby="ops-exchange">
      <Title order={3} size="h4" id="ops-exchange" mb="xs">{t('operations.exchange.title')}</Title>
      <ErrorAlert error={q.error} />
      {q.data && (
        <Stack gap="xs">
          <SimpleGrid cols={{ base: 2, sm: 4 }}>
            <Paper withBorder p="sm" data-testid="exchange-total"><Text size="sm" fw={600}>{t('operations.exchange.total')}</Text><Text fw={700} size="xl">{fmtValue(q.data.totals.total)}</Text></Paper>
            <Paper withBorder p="sm"><Text size="sm" fw={600}>{t('operations.exchange.errors')}</Text><Text fw={700} size="xl">{fmtValue(q.data.totals.errors)}</Text></Paper>
            <Paper withBorder p="sm"><Text size="sm" fw={600}>{t('operations.exchange.errorRate')}</Text><Text fw={700} size="xl">{fmtValue(q.data.totals.errorRate, 'percent')}</Text></Paper>
            <Paper withBorder p="sm"><Text size="sm" fw={600}>{t('operations.exchange.p95')}</Text><Text fw={700} size="xl">{q.data.totals.p95Ms === null ? '—' : `${fmtValue(q.data.totals.p95Ms)} ms`}</Text></Paper>
          </SimpleGrid>
          {q.data.partners.length ? (
            <TableScroll label={t('operations.exchange.title')} minWidth={700}>
              <Table striped data-testid="ops-exchange">
                <Table.Thead><Table.Tr>
                  <Table.Th>{t('operations.exchange.partner')}</Table.Th><Table.Th>{t('operations.exchange.kind')}</Table.Th><Table.Th>{t('operations.exchange.total')}</Table.Th>
                  <Table.Th>{t('operations.exchange.errors')}</Table.Th><Table.Th>{t('operations.exchange.avg')}</Table.Th><Table.Th>{t('operations.exchange.p95')}</Table.Th>
                </Table.Tr></Table.Thead>
                <Table.Tbody>
                  {q.data.partners.map((p) => (
                    <Table.Tr key={`${p.partnerId}:${p.kind}`}>
                      <Table.Td>{p.name}{p.member && <Text size="xs">{p.member}</Text>}</Table.Td><Table.Td>{t(`operations.exchange.kinds.${p.kind}`, p.kind)}</Table.Td>
                      <Table.Td>{fmtValue(p.total)}</Table.Td><Table.Td>{fmtValue(p.errors)}</Table.Td><Table.Td>{fmtValue(p.avgMs)} ms</Table.Td><Table.Td>{fmtValue(p.p95Ms)} ms</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
          ) : <Text size="sm">{t('operations.exchange.none')}</Text>}
          <Text size="xs" c="dimmed">{t('operations.computedAt')}: {fmtTime(q.data.computedAt)} · {t('operations.exchange.source')}</Text>
        </Stack>
      )}
    </section>
  );
}

/** The operations centre of one level, with drill-down to agencies and communes, trends, a map and a wall-display mode. */
export function OperationsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const wall = params.get('man-hinh') === '1';
  const level = { unit: params.get('unit') ?? '', agency: params.get('agency') ?? '', from: params.get('from') ?? '', to: params.get('to') ?? '' };
  const qs = new URLSearchParams(Object.entries(level).filter(([, v]) => v)).toString();
  const dash = useQuery({
    queryKey: ['operations', 'dashboard', qs],
    queryFn: () => get<Dashboard>(`/api/operations/dashboard${qs ? `?${qs}` : ''}`),
    placeholderData: keepPreviousData,
    refetchInterval: wall ? 30_000 : 120_000,
  });
  const [grain, setGrain] = useState('month');
  const [trendKeys, setTrendKeys] = useState<string[]>(['dossiers.received', 'petitions.received']);
  const tq = new URLSearchParams({ ...Object.fromEntries(Object.entries(level).filter(([, v]) => v)), grain, keys: trendKeys.join(',') }).toString();
  const trend = useQuery({ queryKey: ['operations', 'trend', tq], queryFn: () => get<Trend>(`/api/operations/trend?${tq}`), placeholderData: keepPreviousData, refetchInterval: wall ? 30_000 : false });
  const [mapKey, setMapKey] = useState('dossiers.onTimeRate');
  const set = (patch: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) v ? next.set(k, v) : next.delete(k);
    setParams(next);
  };
  const drill = useCallback((kind: 'unit' | 'agency', code: string) => {
    const next = new URLSearchParams(params);
    next.delete('unit');
    next.delete('agency');
    next.set(kind, code);
    navigate(`/lam-viec/dieu-hanh?${next.toString()}`);
  }, [params, navigate]);
  const pickCommune = useCallback((code: string) => drill('unit', code), [drill]);
  const d = dash.data;
  const mapValues: MapValue[] = useMemo(() => (d?.children ?? []).filter((c) => c.kind === 'commune').map((c) => ({ code: c.code, name: c.name, value: c.values[mapKey] ?? null, rag: c.rag[mapKey] ?? null })), [d, mapKey]);
  const exportQs = qs ? `&${qs}` : '';
  if (dash.isLoading) return <Loading />;
  return (
    <Page title={t('operations.title')}>
      <ErrorAlert error={dash.error} />
      {d && (
        <Stack gap="md" style={wall ? { fontSize: '1.15rem' } : undefined}>
          <Breadcrumbs separator="›" aria-label={t('operations.levels')}>
            <Anchor component={Link} to="/lam-viec/dieu-hanh">{t('operations.province')}</Anchor>
            {d.level.kind !== 'province' && <Text span fw={600} data-testid="ops-level">{d.level.name}</Text>}
          </Breadcrumbs>
          <Group justify="space-between" align="end" wrap="wrap">
            <div>
              <Title order={2} size="h3" data-testid="ops-level-name">{d.level.name}</Title>
              <Text size="sm">{t(`operations.kind.${d.level.kind}`)} · {t('operations.period')}: {d.period.from} – {d.period.to} · {t('operations.dataAsOf')}: {fmtTime(d.dataAsOf)}</Text>
            </div>
            <Group gap="xs" wrap="wrap">
              <TextInput type="date" label={t('operations.from')} value={level.from || d.period.from} onChange={(e) => set({ from: e.currentTarget.value })} size="xs" />
              <TextInput type="date" label={t('operations.to')} value={level.to || d.period.to} onChange={(e) => set({ to: e.currentTarget.value })} size="xs" />
              <Switch label={t('operations.wall')} checked={wall} onChange={(e) => set({ 'man-hinh': e.currentTarget.checked ? '1' : null })} data-testid="ops-wall" />
              <Button size="xs" variant="filled" component="a" href={`/api/operations/dashboard.pdf${qs ? `?${qs}` : ''}`} download data-testid="ops-pdf">{t('operations.pdf')}</Button>
            </Group>
          </Group>
          {wall && <Text size="sm" role="status">{t('operations.wallHint')}</Text>}
          {GROUPS.map((g) => (
            <section key={g.id} aria-labelledby={`ops-${g.id}`}>
              <Title order={3} size="h4" id={`ops-${g.id}`} mb="xs">{t(`operations.group.${g.id}`)}</Title>
              <SimpleGrid cols={{ base: 2, sm: 3, lg: wall ? 4 : 6 }}>
                {g.keys.map((key) => d.figures.find((f) => f.key === key)).filter((f): f is Figure => !!f).map((f) => <FigureCard key={f.key} f={f} big={wall} />)}
              </SimpleGrid>
            </section>
          ))}
          <section aria-labelledby="ops-channels">
            <Title order={3} size="h4" id="ops-channels">{t('operations.channels')}</Title>
            <Text size="sm">
              {d.channels.dossiers.map((c) => `${t(`operations.channel.${c.channel}`, c.channel)}: ${c.n.toLocaleString('vi-VN')}`).join(' · ') || t('app.none')}
            </Text>
          </section>
          <section aria-labelledby="ops-trend">
            <Group justify="space-between" wrap="wrap">
              <Title order={3} size="h4" id="ops-trend">{t('operations.trend')}</Title>
              <Group gap="xs">
                <SegmentedControl size="xs" value={grain} onChange={setGrain} data={['day', 'week', 'month', 'quarter', 'year'].map((g) => ({ value: g, label: t(`operations.grain.${g}`) }))} aria-label={t('operations.grainLabel')} />
                <Select size="xs" aria-label={t('operations.trendKey')} value={trendKeys[0]} onChange={(v) => v && setTrendKeys([v, ...(v === 'petitions.received' ? [] : ['petitions.received'])])} data={TREND_KEYS.map((k) => ({ value: k, label: t(`operations.fig.${k}`) }))} allowDeselect={false} />
              </Group>
            </Group>
            {trend.data && (
              <Suspense fallback={<Loading />}>
                <OperationsChart periods={trend.data.periods} series={trend.data.series.map((s) => ({ name: t(`operations.fig.${s.key}`), values: s.values }))} alt={t('operations.trendAlt')} />
                <TableScroll label={t('operations.trend')} minWidth={400}>
                  <Table striped>
                    <Table.Thead><Table.Tr><Table.Th>{t('operations.periodCol')}</Table.Th>{trend.data.series.map((s) => <Table.Th key={s.key}>{t(`operations.fig.${s.key}`)}</Table.Th>)}</Table.Tr></Table.Thead>
                    <Table.Tbody>{trend.data.periods.slice(-12).map((p) => { const i = trend.data!.periods.indexOf(p); return <Table.Tr key={p}><Table.Td>{p}</Table.Td>{trend.data!.series.map((s) => <Table.Td key={s.key}>{fmtValue(s.values[i])}</Table.Td>)}</Table.Tr>; })}</Table.Tbody>
                  </Table>
                </TableScroll>
              </Suspense>
            )}
          </section>
          {d.level.kind === 'province' && (
            <>
              <section aria-labelledby="ops-map-title">
                <Group justify="space-between" wrap="wrap">
                  <Title order={3} size="h4" id="ops-map-title">{t('operations.map')}</Title>
                  <Select size="xs" aria-label={t('operations.mapKey')} value={mapKey} onChange={(v) => v && setMapKey(v)} data={MAP_KEYS.map((k) => ({ value: k, label: t(`operations.fig.${k}`) }))} allowDeselect={false} data-testid="ops-map-key" />
                </Group>
                <Text size="xs">{t('operations.mapLegend')}</Text>
                <Suspense fallback={<Loading />}>
                  <OperationsMap values={mapValues} label={t('operations.mapAlt', { key: t(`operations.fig.${mapKey}`) })} onPick={pickCommune} noData={t('operations.noBoundaries')} />
                </Suspense>
              </section>
              <ExchangeSection qs={qs} wall={wall} />
              <SimpleGrid cols={{ base: 1, md: 2 }}>
                {(['communes', 'agencies'] as const).map((kind) => (
                  <Paper withBorder p="sm" key={kind}>
                    <Title order={3} size="h5">{t(`operations.rank.${kind}`)} ({t(`operations.fig.${d.rankings.key}`)})</Title>
                    <Text size="sm" fw={600} mt="xs">{t('operations.rank.top')}</Text>
                    <ol>{d.rankings[kind].top.map((r) => <li key={r.code}><Anchor component={Link} to={`/lam-viec/dieu-hanh?${kind === 'communes' ? 'unit' : 'agency'}=${r.code}`}>{r.name}</Anchor>: {fmtValue(r.value, 'percent')}</li>)}</ol>
                    <Text size="sm" fw={600}>{t('operations.rank.bottom')}</Text>
                    <ol>{d.rankings[kind].bottom.map((r) => <li key={r.code}><Anchor component={Link} to={`/lam-viec/dieu-hanh?${kind === 'communes' ? 'unit' : 'agency'}=${r.code}`}>{r.name}</Anchor>: {fmtValue(r.value, 'percent')}</li>)}</ol>
                  </Paper>
                ))}
              </SimpleGrid>
              <Tabs defaultValue="commune" keepMounted={false}>
                <Tabs.List aria-label={t('operations.children')}>
                  <Tabs.Tab value="commune">{t('operations.communes')}</Tabs.Tab>
                  <Tabs.Tab value="agency">{t('operations.agencies')}</Tabs.Tab>
                </Tabs.List>
                {(['commune', 'agency'] as const).map((kind) => (
                  <Tabs.Panel value={kind} key={kind}>
                    <TableScroll label={t(kind === 'commune' ? 'operations.communes' : 'operations.agencies')} minWidth={800}>
                      <Table striped data-testid={`ops-children-${kind}`}>
                        <Table.Thead><Table.Tr><Table.Th>{t('operations.name')}</Table.Th>{TABLE_KEYS.map((k) => <Table.Th key={k}>{t(`operations.fig.${k}`)}</Table.Th>)}</Table.Tr></Table.Thead>
                        <Table.Tbody>
                          {d.children.filter((c) => c.kind === kind).map((c) => (
                            <Table.Tr key={c.code}>
                              <Table.Td><Anchor component={Link} to={`/lam-viec/dieu-hanh?${kind === 'commune' ? 'unit' : 'agency'}=${c.code}`} data-testid={`drill-${c.code}`}>{c.name}</Anchor></Table.Td>
                              {TABLE_KEYS.map((k) => <Table.Td key={k}>{fmtValue(c.values[k], k.endsWith('Rate') || k.endsWith('satisfaction') ? 'percent' : 'count')}{c.rag[k] ? <> <RagBadge rag={c.rag[k]} /></> : null}</Table.Td>)}
                            </Table.Tr>
                          ))}
                        </Table.Tbody>
                      </Table>
                    </TableScroll>
                  </Tabs.Panel>
                ))}
              </Tabs>
            </>
          )}
          <Group gap="xs" wrap="wrap">
            <Text size="sm" fw={600}>{t('operations.export')}:</Text>
            {['figures', 'children'].map((tb) => ['xlsx', 'csv'].map((fm) => (
              <Button key={`${tb}-${fm}`} size="xs" variant="light" component="a" href={`/api/operations/export/${tb}?format=${fm}${exportQs}`}>{t(`operations.table.${tb}`)} (.{fm})</Button>
            )))}
            {d.level.kind === 'province' && ['pdf', 'xlsx'].map((fm) => (
              <Button key={`m-${fm}`} size="xs" variant="light" component="a" href={`/api/operations/reports/monthly?month=${d.period.to.slice(0, 7)}&format=${fm}`} data-testid={`monthly-${fm}`}>{t('operations.monthly')} {d.period.to.slice(5, 7)}/{d.period.to.slice(0, 4)} (.{fm})</Button>
            ))}
            <Button size="xs" variant="light" component={Link} to="/lam-viec/dieu-hanh/chuong-trinh">{t('operations.programme')}</Button>
            <Button size="xs" variant="light" component={Link} to="/lam-viec/dieu-hanh/dti">{t('operations.dti')}</Button>
            <Button size="xs" variant="light" component={Link} to="/lam-viec/dieu-hanh/chi-tieu" data-testid="ops-targets-link">{t('operations.targets.title')}</Button>
          </Group>
          <Text size="xs" c="dimmed">{t('operations.computedAt')}: {fmtTime(d.computedAt)} · {t('operations.linkNote')}</Text>
        </Stack>
      )}
    </Page>
  );
}
