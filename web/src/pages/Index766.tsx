import { Alert, Badge, Group, Paper, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { get } from '../api';
import { fmtDate } from '../dossiers';
import { ErrorAlert, Loading, Page, TableScroll } from '../ui';

const Index766Chart = lazy(() => import('./Index766Chart'));

type Status = 'computed' | 'monitoring' | 'needs_national_data' | 'needs_petitions' | 'not_tracked';

interface Index766 {
  period: { from: string; to: string };
  computedAt: string;
  total: number;
  computable: number;
  groups: { code: string; name: string; points: number; score: number; computable: number }[];
  indicators: { code: string; group: string; name: string; points: number; threshold: number; status: Status; numerator: number | null; denominator: number | null; rate: number | null; score: number | null; note?: string }[];
  counts: { received: number; finished: number; onTime: number; late: number; openOverdue: number; rated: number; unsatisfied: number };
  byHandler: { unitPath: string; agencyId: string | null; received: number; finished: number; onTime: number; late: number; rate: number | null }[];
}

interface Unit {
  code: string;
  name: string;
  nameEn: string | null;
  type: string;
  path: string;
}

interface Agency {
  id: string;
  code: string;
  name: string;
  nameEn: string | null;
}

type PeriodKind = 'month' | 'quarter' | 'year' | 'custom';
const KINDS: PeriodKind[] = ['month', 'quarter', 'year', 'custom'];

const pad = (n: number) => String(n).padStart(2, '0');
const ymd = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const isDay = (s: string | null): s is string => !!s && /^\d{4}-\d{2}-\d{2}$/.test(s);

/** The calendar month, quarter or year containing `today`, as [from, to] (local dates). */
export function periodOf(kind: Exclude<PeriodKind, 'custom'>, today = new Date()): [string, string] {
  const y = today.getFullYear();
  const m = today.getMonth();
  if (kind === 'year') return [`${y}-01-01`, `${y}-12-31`];
  const first = kind === 'month' ? m : m - (m % 3);
  const last = kind === 'month' ? m : first + 2;
  return [ymd(new Date(y, first, 1)), ymd(new Date(y, last + 1, 0))];
}

const pct = (r: number | null, lang: string) => (r === null ? '—' : `${(r * 100).toLocaleString(lang, { maximumFractionDigits: 1 })} %`);
const num = (n: number | null, lang: string) => (n === null ? '—' : n.toLocaleString(lang, { maximumFractionDigits: 2 }));

function StatusBadge({ status }: { status: Status }) {
  const { t } = useTranslation();
  // Filled, dark enough for white text (or dark text on yellow): readable on striped rows too (WCAG AA).
  const color = status === 'computed' ? 'teal.9' : status === 'monitoring' ? 'blue.9' : status === 'not_tracked' ? 'gray.7' : 'yellow.4';
  return (
    <Badge color={color} variant="filled" autoContrast tt="none" h="auto" py={2} styles={{ label: { whiteSpace: 'normal', overflow: 'visible', textOverflow: 'clip' } }}>
      {t(`index766.status.${status}`)}
    </Badge>
  );
}

function Stat({ label, value, testId }: { label: string; value: string | number; testId?: string }) {
  return (
    <Paper withBorder p="sm">
      <Text size="sm" component="dt">
        {label}
      </Text>
      <Text fw={700} size="xl" component="dd" m={0} data-testid={testId}>
        {value}
      </Text>
    </Paper>
  );
}

/** The Decision 766/QĐ-TTg service-quality index for a period and a scope (public). */
export function Index766Page() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'vi';
  const [params, setParams] = useSearchParams();
  const kind: PeriodKind = KINDS.includes(params.get('ky') as PeriodKind) ? (params.get('ky') as PeriodKind) : 'year';
  const [from, to] = kind === 'custom' ? [isDay(params.get('tu')) ? params.get('tu')! : periodOf('year')[0], isDay(params.get('den')) ? params.get('den')! : ymd(new Date())] : periodOf(kind);
  const unit = params.get('xa') ?? '';
  const agency = params.get('co-quan') ?? '';

  function set(patch: Record<string, string | null>) {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  }

  const province = useQuery({ queryKey: ['units', 'province'], queryFn: () => get<{ items: Unit[] }>('/api/units?type=province&limit=10'), staleTime: 600_000 });
  const provinceCode = province.data?.items[0]?.code;
  const units = useQuery({
    queryKey: ['units', 'children', provinceCode],
    queryFn: () => get<{ items: Unit[] }>(`/api/units?parent=${provinceCode}&limit=500`),
    enabled: !!provinceCode,
    staleTime: 600_000,
  });
  const agencies = useQuery({ queryKey: ['agencies', 'all'], queryFn: () => get<{ items: Agency[] }>('/api/agencies'), staleTime: 600_000 });

  const q = new URLSearchParams({ from, to });
  if (unit) q.set('unit', unit);
  if (agency) q.set('agency', agency);
  const valid = from <= to;
  const index = useQuery({
    queryKey: ['index766', q.toString()],
    queryFn: () => get<Index766>(`/api/index-766?${q}`),
    enabled: valid,
    placeholderData: keepPreviousData,
  });
  const data = index.data;

  const unitName = useMemo(() => {
    const m = new Map<string, string>();
    for (const u of [...(province.data?.items ?? []), ...(units.data?.items ?? [])]) m.set(u.code, lang === 'en' && u.nameEn ? u.nameEn : u.name);
    return m;
  }, [province.data, units.data, lang]);
  const agencyName = useMemo(() => new Map((agencies.data?.items ?? []).map((a) => [a.id, lang === 'en' && a.nameEn ? a.nameEn : a.name])), [agencies.data, lang]);

  const groupName = (code: string, name: string) => t(`index766.group.${code}`, { defaultValue: name });
  const chartGroups = useMemo(() => (data?.groups ?? []).map((g) => ({ name: t(`index766.group.${g.code}`, { defaultValue: g.name }), score: g.score, computable: g.computable, points: g.points })), [data, t]);
  const chartLabels = useMemo(() => ({ score: t('index766.score'), computable: t('index766.computablePoints'), points: t('index766.maxPoints') }), [t]);
  const chartAlt = data
    ? t('index766.chartAlt', { list: data.groups.map((g) => `${groupName(g.code, g.name)}: ${num(g.score, lang)}/${g.points}`).join('; ') })
    : '';

  const handlers = useMemo(() => [...(data?.byHandler ?? [])].sort((a, b) => (b.rate ?? -1) - (a.rate ?? -1) || b.finished - a.finished), [data]);
  const rated = handlers.filter((h) => h.rate !== null);
  const top = rated.length > 1 ? rated[0] : undefined;
  const bottom = rated.length > 1 && rated[rated.length - 1]!.rate !== rated[0]!.rate ? rated[rated.length - 1] : undefined;
  const handlerUnit = (path: string) => {
    const code = path.split('.').pop() ?? path;
    return unitName.get(code) ?? code;
  };

  return (
    <Page title={t('index766.title')}>
      <Text>{t('index766.intro')}</Text>
      <Paper withBorder p="md" component="section" aria-labelledby="i766-filters">
        <Title order={2} size="h4" id="i766-filters" mb="sm">
          {t('index766.filters')}
        </Title>
        <Stack gap="sm">
          <div>
            <Text size="sm" fw={500} id="i766-period" mb={4}>
              {t('index766.period')}
            </Text>
            <SegmentedControl
              aria-labelledby="i766-period"
              value={kind}
              onChange={(v) => set(v === 'custom' ? { ky: v, tu: from, den: to } : { ky: v === 'year' ? null : v, tu: null, den: null })}
              data={KINDS.map((k) => ({ value: k, label: t(`index766.kind.${k}`) }))}
              style={{ flexWrap: 'wrap' }}
            />
          </div>
          {kind === 'custom' && (
            <Group gap="sm" align="flex-start">
              <TextInput type="date" label={t('index766.from')} value={from} onChange={(e) => isDay(e.currentTarget.value) && set({ tu: e.currentTarget.value })} w={180} />
              <TextInput type="date" label={t('index766.to')} value={to} onChange={(e) => isDay(e.currentTarget.value) && set({ den: e.currentTarget.value })} w={180} error={valid ? undefined : t('index766.badRange')} />
            </Group>
          )}
          <Group gap="sm" align="flex-start" grow preventGrowOverflow={false} wrap="wrap">
            <Select
              label={t('index766.commune')}
              placeholder={t('index766.wholeProvince', { name: province.data?.items[0]?.name ?? '' })}
              searchable
              clearable
              value={unit || null}
              onChange={(v) => set({ xa: v })}
              data={(units.data?.items ?? []).map((u) => ({ value: u.code, label: lang === 'en' && u.nameEn ? u.nameEn : u.name }))}
              nothingFoundMessage={t('app.none')}
              miw={220}
            />
            <Select
              label={t('index766.agency')}
              placeholder={t('index766.allAgencies')}
              searchable
              clearable
              value={agency || null}
              onChange={(v) => set({ 'co-quan': v })}
              data={(agencies.data?.items ?? []).map((a) => ({ value: a.code, label: lang === 'en' && a.nameEn ? a.nameEn : a.name }))}
              nothingFoundMessage={t('app.none')}
              miw={220}
            />
          </Group>
          <Text size="sm" role="status" data-testid="index766-period">
            {t('index766.periodShown', { from: fmtDate(`${from}T12:00:00`), to: fmtDate(`${to}T12:00:00`) })}
          </Text>
        </Stack>
      </Paper>

      <ErrorAlert error={index.error} />
      {index.isLoading ? (
        <Loading />
      ) : !data ? null : (
        <>
          <section aria-labelledby="i766-total">
            <Title order={2} size="h4" id="i766-total" mb="xs">
              {t('index766.totalTitle')}
            </Title>
            <Group align="baseline" gap="xs">
              <Text fz={42} fw={800} c="red.9" data-testid="index766-total" lh={1}>
                {num(data.total, lang)}
              </Text>
              <Text size="lg">{t('index766.outOf')}</Text>
            </Group>
            <Alert color="blue" variant="light" mt="sm" title={t('index766.computableTitle', { n: data.computable })}>
              {t('index766.computableText', { n: data.computable, rest: 100 - data.computable })}
            </Alert>
            <Text size="sm" mt="xs" data-testid="index766-computed-at">
              {t('index766.computedAt', { at: fmtDate(data.computedAt, true) })}
            </Text>
          </section>

          <section aria-labelledby="i766-counts">
            <Title order={2} size="h4" id="i766-counts" mb="xs">
              {t('index766.counts')}
            </Title>
            <SimpleGrid cols={{ base: 2, sm: 3, md: 6 }} component="dl" m={0}>
              <Stat label={t('index766.received')} value={data.counts.received} testId="index766-received" />
              <Stat label={t('index766.finished')} value={data.counts.finished} testId="index766-finished" />
              <Stat label={t('index766.onTime')} value={data.counts.onTime} />
              <Stat label={t('index766.late')} value={data.counts.late} />
              <Stat label={t('index766.openOverdue')} value={data.counts.openOverdue} />
              <Stat label={t('index766.rated')} value={data.counts.rated} />
            </SimpleGrid>
          </section>

          <section aria-labelledby="i766-groups">
            <Title order={2} size="h4" id="i766-groups" mb="xs">
              {t('index766.groups')}
            </Title>
            <Suspense fallback={<Loading />}>
              <Index766Chart groups={chartGroups} labels={chartLabels} alt={chartAlt} />
            </Suspense>
            <TableScroll label={t('index766.groups')} minWidth={340}>
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('index766.group.title')}</Table.Th>
                    <Table.Th scope="col" ta="right">{t('index766.score')}</Table.Th>
                    <Table.Th scope="col" ta="right">{t('index766.computablePoints')}</Table.Th>
                    <Table.Th scope="col" ta="right">{t('index766.maxPoints')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.groups.map((g) => (
                    <Table.Tr key={g.code}>
                      <Table.Th scope="row" fw={500}>{groupName(g.code, g.name)}</Table.Th>
                      <Table.Td ta="right">{num(g.score, lang)}</Table.Td>
                      <Table.Td ta="right">{g.computable}</Table.Td>
                      <Table.Td ta="right">{g.points}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
          </section>

          <section aria-labelledby="i766-indicators">
            <Title order={2} size="h4" id="i766-indicators" mb="xs">
              {t('index766.indicators')}
            </Title>
            <TableScroll label={t('index766.indicators')} minWidth={900}>
              <Table striped data-testid="index766-indicators">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('index766.code')}</Table.Th>
                    <Table.Th scope="col">{t('index766.indicator')}</Table.Th>
                    <Table.Th scope="col" ta="right">{t('index766.numerator')}</Table.Th>
                    <Table.Th scope="col" ta="right">{t('index766.denominator')}</Table.Th>
                    <Table.Th scope="col" ta="right">{t('index766.rate')}</Table.Th>
                    <Table.Th scope="col" ta="right">{t('index766.threshold')}</Table.Th>
                    <Table.Th scope="col" ta="right">{t('index766.scoreOf')}</Table.Th>
                    <Table.Th scope="col">{t('index766.statusTitle')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.indicators.map((i) => (
                    <Table.Tr key={i.code} data-testid={`indicator-${i.code}`}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{i.code}</Table.Td>
                      <Table.Th scope="row" fw={400}>
                        {i.name}
                        {i.note && (
                          <Text size="xs" c="dimmed">
                            {i.note}
                          </Text>
                        )}
                      </Table.Th>
                      <Table.Td ta="right" data-testid={`indicator-${i.code}-numerator`}>{num(i.numerator, lang)}</Table.Td>
                      <Table.Td ta="right" data-testid={`indicator-${i.code}-denominator`}>{num(i.denominator, lang)}</Table.Td>
                      <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>{i.status === 'monitoring' ? (i.rate === null ? '—' : t('index766.days', { n: num(i.rate, lang) })) : pct(i.rate, lang)}</Table.Td>
                      <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>{i.points ? pct(i.threshold, lang) : '—'}</Table.Td>
                      <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                        {i.score === null ? '—' : num(i.score, lang)} / {i.points}
                      </Table.Td>
                      <Table.Td>
                        <StatusBadge status={i.status} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
          </section>

          <section aria-labelledby="i766-handlers">
            <Title order={2} size="h4" id="i766-handlers" mb="xs">
              {t('index766.byHandler')}
            </Title>
            <Text size="sm" mb="xs">
              {t('index766.byHandlerHelp')}
            </Text>
            {!handlers.length ? (
              <Text c="dimmed">{t('app.none')}</Text>
            ) : (
              <TableScroll label={t('index766.byHandler')} minWidth={720}>
                <Table data-testid="index766-handlers">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">{t('index766.handlerAgency')}</Table.Th>
                      <Table.Th scope="col">{t('index766.handlerUnit')}</Table.Th>
                      <Table.Th scope="col" ta="right">{t('index766.received')}</Table.Th>
                      <Table.Th scope="col" ta="right">{t('index766.finished')}</Table.Th>
                      <Table.Th scope="col" ta="right">{t('index766.onTime')}</Table.Th>
                      <Table.Th scope="col" ta="right">{t('index766.late')}</Table.Th>
                      <Table.Th scope="col" ta="right">{t('index766.onTimeRate')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {handlers.map((h) => {
                      const mark = h === top ? 'top' : h === bottom ? 'bottom' : null;
                      return (
                        <Table.Tr key={`${h.unitPath}|${h.agencyId ?? ''}`} bg={mark === 'top' ? 'green.0' : mark === 'bottom' ? 'red.0' : undefined}>
                          <Table.Th scope="row" fw={500}>
                            {h.agencyId ? (agencyName.get(h.agencyId) ?? t('index766.unknownAgency')) : t('index766.noAgency')}
                            {mark && (
                              <Badge ml={6} size="sm" tt="none" color={mark === 'top' ? 'teal.9' : 'red.9'} variant="filled">
                                {t(`index766.${mark}`)}
                              </Badge>
                            )}
                          </Table.Th>
                          <Table.Td>{handlerUnit(h.unitPath)}</Table.Td>
                          <Table.Td ta="right">{h.received}</Table.Td>
                          <Table.Td ta="right">{h.finished}</Table.Td>
                          <Table.Td ta="right">{h.onTime}</Table.Td>
                          <Table.Td ta="right">{h.late}</Table.Td>
                          <Table.Td ta="right" fw={600} style={{ whiteSpace: 'nowrap' }}>{pct(h.rate, lang)}</Table.Td>
                        </Table.Tr>
                      );
                    })}
                  </Table.Tbody>
                </Table>
              </TableScroll>
            )}
          </section>
        </>
      )}
    </Page>
  );
}
