import { Anchor, Badge, Group, Pagination, Paper, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get } from '../api';
import { Empty, ErrorAlert, Loading, Page } from '../ui';

interface ProcedureSummary {
  code: string;
  name: string;
  sector: { code: string; name: string };
  level: 'province' | 'commune';
  agencyCode: string | null;
  onlineLevel: 'full' | 'partial';
  timeLimit: { days: number } | { hours: number };
  feeTotal: number;
}

const PAGE = 20;

/** The procedure catalogue: accent- and typo-forgiving search; each procedure opens its public page. */
export function ProceduresPage() {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [sector, setSector] = useState<string | null>(null);
  const [level, setLevel] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const [debounced] = useDebouncedValue(q, 250);
  const sectors = useQuery({ queryKey: ['sectors'], queryFn: () => get<{ items: { code: string; name: string; count: number }[] }>('/api/procedure-sectors') });
  const params = new URLSearchParams({ limit: String(PAGE), offset: String((page - 1) * PAGE) });
  if (debounced.trim()) params.set('q', debounced.trim());
  if (sector) params.set('sector', sector);
  if (level) params.set('level', level);
  const list = useQuery({ queryKey: ['procedures', params.toString()], queryFn: () => get<{ items: ProcedureSummary[]; total: number }>(`/api/procedures?${params}`), placeholderData: keepPreviousData });
  const limit = (l: ProcedureSummary['timeLimit']) => ('days' in l ? t('procedures.days', { n: l.days }) : t('procedures.hours', { n: l.hours }));

  return (
    <Page title={t('procedures.title')}>
      <Group align="flex-end" wrap="wrap">
        <TextInput label={t('procedures.search')} placeholder="dang ky khai sinh" value={q} onChange={(e) => { setQ(e.currentTarget.value); setPage(1); }} w={320} type="search" />
        <Select label={t('procedures.sector')} clearable searchable value={sector} onChange={(v) => { setSector(v); setPage(1); }} data={(sectors.data?.items ?? []).map((s) => ({ value: s.code, label: `${s.name} (${s.count})` }))} w={260} />
        <Select label={t('procedures.level')} clearable value={level} onChange={(v) => { setLevel(v); setPage(1); }} data={[{ value: 'province', label: t('procedures.province') }, { value: 'commune', label: t('procedures.commune') }]} w={160} />
      </Group>
      <ErrorAlert error={list.error} />
      {list.isLoading ? (
        <Loading />
      ) : !list.data?.items.length ? (
        <Empty />
      ) : (
        <>
          <Text size="sm" role="status">
            {t('procedures.found', { n: list.data.total })}
          </Text>
          <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} data-testid="procedure-list">
            {list.data.items.map((p) => (
              <Paper key={p.code} withBorder p="sm" component="li">
                <Anchor href={`/thu-tuc/${encodeURIComponent(p.code)}`} fw={600}>
                  {p.name}
                </Anchor>
                <Group gap="xs" mt={4}>
                  <Text size="sm">{p.sector.name}</Text>
                  <Text size="sm">· {limit(p.timeLimit)}</Text>
                  <Text size="sm">· {p.feeTotal ? `${p.feeTotal.toLocaleString('vi-VN')} đ` : t('procedures.free')}</Text>
                  <Badge variant="outline" color="dark" tt="none">
                    {p.onlineLevel === 'full' ? t('procedures.full') : t('procedures.partial')}
                  </Badge>
                </Group>
              </Paper>
            ))}
          </Stack>
          {list.data.total > PAGE && <Pagination total={Math.ceil(list.data.total / PAGE)} value={page} onChange={setPage} getControlProps={(c) => ({ 'aria-label': String(c) })} />}
        </>
      )}
    </Page>
  );
}
