import { Anchor, Badge, Button, Group, Pagination, Paper, Stack, Table, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { del, get } from '../api';
import { type DossierSummary, fmtDate, stateColor, stateLabel } from '../dossiers';
import { Empty, ErrorAlert, Loading, Page, TableScroll } from '../ui';

const PAGE = 20;

function StateBadge({ d }: { d: Pick<DossierSummary, 'state' | 'stateLabel'> }) {
  const { t } = useTranslation();
  return (
    <Badge color={stateColor(d.state)} variant="light" tt="none">
      {stateLabel(t, d.state, d.stateLabel)}
    </Badge>
  );
}

function Due({ d }: { d: DossierSummary }) {
  const { t } = useTranslation();
  return (
    <>
      <Text span size="sm" c={d.overdue ? 'red.9' : undefined} fw={d.overdue ? 700 : undefined}>
        {fmtDate(d.dueAt)}
      </Text>
      {d.overdue && (
        <Badge color="red" variant="filled" tt="none" ml={4} size="sm">
          {t('dossier.overdue')}
        </Badge>
      )}
    </>
  );
}

/** Dossiers as a table: the applicant's own or an official's queue. */
function DossierTable({ items, label, showApplicant }: { items: DossierSummary[]; label: string; showApplicant: boolean }) {
  const { t } = useTranslation();
  return (
    <TableScroll label={label} minWidth={showApplicant ? 860 : 720}>
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('dossier.code')}</Table.Th>
            <Table.Th>{t('dossier.procedure')}</Table.Th>
            {showApplicant && <Table.Th>{t('dossierForm.applicant')}</Table.Th>}
            <Table.Th>{t('dossier.state')}</Table.Th>
            <Table.Th>{t('dossier.submittedAt')}</Table.Th>
            <Table.Th>{t('dossier.dueAt')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((d) => (
            <Table.Tr key={d.id}>
              <Table.Td>
                <Anchor component={Link} to={`/ho-so/${d.id}`} fw={600} style={{ whiteSpace: 'nowrap' }}>
                  {d.code}
                </Anchor>
              </Table.Td>
              <Table.Td>{d.procedure.name}</Table.Td>
              {showApplicant && <Table.Td>{d.applicantName}</Table.Td>}
              <Table.Td>
                <StateBadge d={d} />
                {d.currentAgency && (
                  <Text size="xs" mt={2}>
                    {t('dossier.joint.at', { name: d.currentAgency.name })}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{fmtDate(d.submittedAt)}</Table.Td>
              <Table.Td>
                <Due d={d} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableScroll>
  );
}

/** The citizen's drafts (resume, delete) and dossiers. */
export function MyDossiersPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [page, setPage] = useState(1);
  const [error, setError] = useState<unknown>(null);
  const drafts = useQuery({ queryKey: ['drafts'], queryFn: () => get<{ items: { id: string; procedure: { code: string; name: string }; updatedAt: string }[] }>('/api/dossier-drafts') });
  const params = new URLSearchParams({ mine: 'true', limit: String(PAGE), offset: String((page - 1) * PAGE) });
  const list = useQuery({ queryKey: ['dossiers', 'mine', params.toString()], queryFn: () => get<{ items: DossierSummary[]; total: number }>(`/api/dossiers?${params}`), placeholderData: keepPreviousData });
  async function remove(id: string) {
    if (!window.confirm(t('my.confirmDelete'))) return;
    setError(null);
    try {
      await del(`/api/dossier-drafts/${id}`);
      await qc.invalidateQueries({ queryKey: ['drafts'] });
    } catch (err) {
      setError(err);
    }
  }
  return (
    <Page title={t('my.title')}>
      <Group>
        <Button component={Link} to="/dich-vu-cong" variant="light">
          {t('my.new')}
        </Button>
        <Anchor component={Link} to="/tra-cuu">
          {t('tracking.title')}
        </Anchor>
      </Group>
      <section aria-labelledby="my-drafts">
        <Title order={2} size="h4" id="my-drafts" mb="xs">
          {t('my.drafts')}
        </Title>
        <ErrorAlert error={error ?? drafts.error} />
        {drafts.isLoading ? (
          <Loading />
        ) : !drafts.data?.items.length ? (
          <Text c="dimmed">{t('my.noDrafts')}</Text>
        ) : (
          <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
            {drafts.data.items.map((d) => (
              <Paper key={d.id} withBorder p="sm" component="li">
                <Group justify="space-between" gap="xs" wrap="wrap">
                  <div style={{ flex: 1, minWidth: 200 }}>
                    <Text fw={600}>{d.procedure.name}</Text>
                    <Text size="sm">{t('my.updated', { at: fmtDate(d.updatedAt, true) })}</Text>
                  </div>
                  <Group gap="xs">
                    <Button size="compact-sm" component={Link} to={`/nop-ho-so/${encodeURIComponent(d.procedure.code)}?nhap=${d.id}`} aria-label={`${t('my.resume')}: ${d.procedure.name}`}>
                      {t('my.resume')}
                    </Button>
                    <Button size="compact-sm" variant="subtle" color="red" onClick={() => void remove(d.id)} aria-label={`${t('app.delete')}: ${d.procedure.name}`}>
                      {t('app.delete')}
                    </Button>
                  </Group>
                </Group>
              </Paper>
            ))}
          </Stack>
        )}
      </section>
      <section aria-labelledby="my-dossiers">
        <Title order={2} size="h4" id="my-dossiers" mb="xs">
          {t('my.dossiers')}
        </Title>
        <ErrorAlert error={list.error} />
        {list.isLoading ? (
          <Loading />
        ) : !list.data?.items.length ? (
          <Empty />
        ) : (
          <Stack gap="sm">
            <DossierTable items={list.data.items} label={t('my.dossiers')} showApplicant={false} />
            {list.data.total > PAGE && <Pagination total={Math.ceil(list.data.total / PAGE)} value={page} onChange={setPage} getControlProps={(c) => ({ 'aria-label': String(c) })} />}
          </Stack>
        )}
      </section>
    </Page>
  );
}

const TABS: { value: string; query: Record<string, string> }[] = [
  { value: 'submitted', query: { state: 'submitted' } },
  { value: 'processing', query: { state: 'processing' } },
  { value: 'joint', query: { state: 'joint' } },
  { value: 'supplementing', query: { state: 'supplementing' } },
  { value: 'reviewing', query: { state: 'reviewing' } },
  { value: 'approved', query: { state: 'approved' } },
  { value: 'overdue', query: { due: 'overdue' } },
  { value: 'due_soon', query: { due: 'due_soon' } },
  { value: 'mine', query: { assignedToMe: 'true' } },
];

function QueueTab({ query, label }: { query: Record<string, string>; label: string }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [debounced] = useDebouncedValue(q, 250);
  const params = new URLSearchParams({ ...query, limit: String(PAGE), offset: String((page - 1) * PAGE) });
  if (debounced.trim()) params.set('q', debounced.trim());
  const list = useQuery({ queryKey: ['dossiers', 'queue', params.toString()], queryFn: () => get<{ items: DossierSummary[]; total: number }>(`/api/dossiers?${params}`), placeholderData: keepPreviousData });
  return (
    <Stack gap="sm" mt="md">
      <TextInput label={t('queue.search')} type="search" value={q} onChange={(e) => { setQ(e.currentTarget.value); setPage(1); }} maw={360} />
      <ErrorAlert error={list.error} />
      {list.isLoading ? (
        <Loading />
      ) : !list.data?.items.length ? (
        <Empty />
      ) : (
        <>
          <Text size="sm" role="status">
            {t('queue.found', { n: list.data.total })}
          </Text>
          <DossierTable items={list.data.items} label={label} showApplicant />
          {list.data.total > PAGE && <Pagination total={Math.ceil(list.data.total / PAGE)} value={page} onChange={setPage} getControlProps={(c) => ({ 'aria-label': String(c) })} />}
        </>
      )}
    </Stack>
  );
}

const OUTCOMES = ['received', 'finished', 'early', 'on_time', 'late'] as const;

/**
 * The list behind an operations-centre figure ("late: 37"): the dossiers of a unit or agency
 * received or finished in a period, as the figure counts them, within what the reader may see.
 */
function FigureList({ params }: { params: URLSearchParams }) {
  const { t } = useTranslation();
  const outcome = params.get('outcome')!;
  const query: Record<string, string> = { outcome };
  for (const k of ['from', 'to', 'unit', 'agency']) if (params.get(k)) query[k] = params.get(k)!;
  const scope = query.unit ? t('queue.figure.unit', { code: query.unit }) : query.agency ? t('queue.figure.agency', { code: query.agency }) : t('queue.figure.province');
  const label = t(`queue.figure.${outcome}`);
  return (
    <Page title={label}>
      <Text size="sm" data-testid="figure-list-scope">
        {t('queue.figure.period', { from: fmtDate(query.from ?? null), to: fmtDate(query.to ?? null) })} · {scope}
      </Text>
      <Anchor component={Link} to="/lam-viec/ho-so" size="sm">
        {t('queue.figure.back')}
      </Anchor>
      <QueueTab query={query} label={label} />
    </Page>
  );
}

/** The officials' work queue, by state, due date or assignment; or the list behind a figure. */
export function QueuePage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const tab = TABS.some((x) => x.value === params.get('tab')) ? params.get('tab')! : 'submitted';
  if ((OUTCOMES as readonly string[]).includes(params.get('outcome') ?? '')) return <FigureList params={params} />;
  return (
    <Page title={t('queue.title')}>
      <Tabs value={tab} onChange={(v) => setParams(v ? { tab: v } : {}, { replace: true })} keepMounted={false}>
        <Tabs.List style={{ flexWrap: 'wrap' }} aria-label={t('queue.title')}>
          {TABS.map((x) => (
            <Tabs.Tab key={x.value} value={x.value}>
              {t(`queue.tab.${x.value}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {TABS.map((x) => (
          <Tabs.Panel key={x.value} value={x.value}>
            <QueueTab query={x.query} label={t(`queue.tab.${x.value}`)} />
          </Tabs.Panel>
        ))}
      </Tabs>
    </Page>
  );
}
