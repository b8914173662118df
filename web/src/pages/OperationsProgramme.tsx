import { Anchor, Badge, Button, FileInput, Group, Modal, NumberInput, Paper, Progress, SegmentedControl, Select, SimpleGrid, Stack, Table, Tabs, Text, Textarea, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { allows, post } from '../api';
import { get } from '../api';
import { useMe } from '../auth';
import { ErrorAlert, fieldError, Loading, Page, TableScroll } from '../ui';
import { fmtValue, RagBadge, type Rag } from './Operations';

interface Programme { code: string; kind: string; number: string; title: string; issuedOn: string; issuer: string; level: string; period: { from: number; to: number }; groups: { seq: number; name: string }[] }
interface Indicator {
  code: string; programme: { code: string; number: string }; group: { seq: number; name: string } | null; name: string; unit: string; baseline: number | null; baselineYear: number | null;
  direction: 'up' | 'down'; ownerAgency: string | null; legalBasis: string; source: 'computed' | 'entered' | 'imported'; targets: { year: number; value: number }[]; year: number;
  target: number | null; actual: number | null; actualSource: string | null; actualAt: string | null; evidence: number; rag: Rag;
}
interface Task { id: string; code: string; title: string; agency: string; dueOn: string; progress: number; status: 'done' | 'overdue' | 'due_soon' | 'on_track'; rag: 'green' | 'amber' | 'red'; reports: number; lastNote: string | null; group: { seq: number; name: string } | null }
interface Project { code: string; name: string; agency: string; years: { from: number; to: number }; budget: number; cyber: number; disbursed: number; cyberShare: number; disbursedShare: number; cyberBelowMin: boolean }

const unitLabel = (u: string) => (u === 'percent' ? '%' : '');

async function toBase64(f: File): Promise<string> {
  const buf = new Uint8Array(await f.arrayBuffer());
  let s = '';
  for (let i = 0; i < buf.length; i += 0x8000) s += String.fromCharCode(...buf.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Enter a year's actual with evidence files (owners of the indicator). */
function ActualForm({ ind, onDone }: { ind: Indicator; onDone: () => void }) {
  const { t } = useTranslation();
  const [value, setValue] = useState<number | string>('');
  const [note, setNote] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const evidence = await Promise.all(files.map(async (f) => ({ name: f.name, data: await toBase64(f) })));
      await post(`/api/operations/indicators/${ind.code}/actuals`, { year: ind.year, value: Number(value), note: note || null, evidence });
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack>
      <Text size="sm">{ind.name} — {t('operations.year')} {ind.year}</Text>
      <NumberInput label={`${t('operations.actual')} (${ind.unit})`} value={value} onChange={setValue} error={fieldError(error, 'value')} required data-testid="actual-value" />
      <Textarea label={t('operations.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
      <FileInput label={t('operations.evidence')} description={t('operations.evidenceHelp')} multiple value={files} onChange={setFiles} accept="application/pdf,image/jpeg,image/png,.xlsx" aria-label={t('operations.evidence')} data-testid="actual-evidence" />
      <ErrorAlert error={error} />
      <Group justify="flex-end"><Button onClick={submit} loading={busy} data-testid="actual-save">{t('app.save')}</Button></Group>
    </Stack>
  );
}

function IndicatorsTab() {
  const { t } = useTranslation();
  const me = useMe();
  const qc = useQueryClient();
  const [year, setYear] = useState(String(new Date().getFullYear()));
  const [entering, setEntering] = useState<Indicator | null>(null);
  const q = useQuery({ queryKey: ['operations', 'indicators', year], queryFn: () => get<{ items: Indicator[]; computedAt: string }>(`/api/operations/indicators?year=${year}`) });
  const mayReport = allows(me.data, 'operations.programme.report');
  return (
    <Stack>
      <Select label={t('operations.year')} value={year} onChange={(v) => v && setYear(v)} data={Array.from({ length: 11 }, (_, i) => String(2020 + i))} w={140} allowDeselect={false} />
      <ErrorAlert error={q.error} />
      {q.isLoading && <Loading />}
      {q.data && (
        <TableScroll label={t('operations.indicators')} minWidth={1000}>
          <Table striped data-testid="ops-indicators">
            <Table.Thead><Table.Tr>
              <Table.Th>{t('operations.code')}</Table.Th><Table.Th>{t('operations.indicator')}</Table.Th><Table.Th>{t('operations.baseline')}</Table.Th>
              <Table.Th>{t('operations.target')}</Table.Th><Table.Th>{t('operations.actual')}</Table.Th><Table.Th>{t('operations.assessment')}</Table.Th>
              <Table.Th>{t('operations.source')}</Table.Th><Table.Th>{t('operations.owner')}</Table.Th><Table.Th>{t('app.actions')}</Table.Th>
            </Table.Tr></Table.Thead>
            <Table.Tbody>
              {q.data.items.map((i) => (
                <Table.Tr key={i.code} data-testid={`ind-${i.code}`}>
                  <Table.Td>{i.code}</Table.Td>
                  <Table.Td><Text size="sm">{i.name}</Text><Text size="xs" c="dimmed">{i.programme.number} · {i.legalBasis}</Text></Table.Td>
                  <Table.Td>{fmtValue(i.baseline)}{unitLabel(i.unit)}{i.baselineYear ? ` (${i.baselineYear})` : ''}</Table.Td>
                  <Table.Td>{fmtValue(i.target)}{unitLabel(i.unit)}</Table.Td>
                  <Table.Td>{fmtValue(i.actual)}{i.actual !== null ? unitLabel(i.unit) : ''}{i.evidence ? <Text size="xs">{t('operations.evidenceCount', { n: i.evidence })}</Text> : null}</Table.Td>
                  <Table.Td><RagBadge rag={i.rag} /></Table.Td>
                  <Table.Td>{t(`operations.sourceKind.${i.source}`)}</Table.Td>
                  <Table.Td>{i.ownerAgency ?? '—'}</Table.Td>
                  <Table.Td>{mayReport && i.source !== 'computed' && <Button size="xs" variant="light" onClick={() => setEntering(i)} data-testid={`enter-${i.code}`}>{t('operations.enterActual')}</Button>}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      )}
      <Modal opened={!!entering} onClose={() => setEntering(null)} title={t('operations.enterActual')} closeButtonProps={{ 'aria-label': t('app.close') }}>
        {entering && <ActualForm ind={entering} onDone={() => { setEntering(null); void qc.invalidateQueries({ queryKey: ['operations', 'indicators'] }); }} />}
      </Modal>
    </Stack>
  );
}

const STATUS_COLOR = { done: 'teal.9', overdue: 'red.9', due_soon: 'yellow.4', on_track: 'blue.9' } as const;

/** A progress report on a task with evidence files (the assigned agency). */
function ReportForm({ task, onDone }: { task: Task; onDone: () => void }) {
  const { t } = useTranslation();
  const [progress, setProgress] = useState<number | string>(task.progress);
  const [note, setNote] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const evidence = await Promise.all(files.map(async (f) => ({ name: f.name, data: await toBase64(f) })));
      await post(`/api/operations/tasks/${task.id}/reports`, { progress: Number(progress), note, evidence });
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack>
      <Text size="sm">{task.code} — {task.title}</Text>
      <NumberInput label={`${t('operations.progress')} (%)`} min={0} max={100} value={progress} onChange={setProgress} error={fieldError(error, 'progress')} required data-testid="report-progress" />
      <Textarea label={t('operations.reportNote')} value={note} onChange={(e) => setNote(e.currentTarget.value)} error={fieldError(error, 'note')} required data-testid="report-note" />
      <FileInput label={t('operations.evidence')} description={t('operations.evidenceHelp')} multiple value={files} onChange={setFiles} accept="application/pdf,image/jpeg,image/png,.xlsx" aria-label={t('operations.evidence')} data-testid="report-evidence" />
      <ErrorAlert error={error} />
      <Group justify="flex-end"><Button onClick={submit} loading={busy} data-testid="report-save">{t('app.save')}</Button></Group>
    </Stack>
  );
}

const KANBAN: Task['status'][] = ['on_track', 'due_soon', 'overdue', 'done'];

function TaskBadge({ x }: { x: Task }) {
  const { t } = useTranslation();
  return <Badge color={STATUS_COLOR[x.status]} autoContrast variant="filled" tt="none" data-rag={x.rag}>{t(`operations.taskStatus.${x.status}`)}</Badge>;
}

/** Tasks by due date on a line from the earliest to the latest deadline, today marked; overdue ones in red. */
function Timeline({ items }: { items: Task[] }) {
  const { t } = useTranslation();
  const sorted = [...items].sort((a, b) => a.dueOn.localeCompare(b.dueOn));
  if (!sorted.length) return <Text>{t('app.none')}</Text>;
  const day = (s: string) => Date.parse(`${s}T00:00:00Z`);
  const today = new Date().toISOString().slice(0, 10);
  const lo = Math.min(day(sorted[0]!.dueOn), day(today)) - 86_400_000 * 15;
  const hi = Math.max(day(sorted[sorted.length - 1]!.dueOn), day(today)) + 86_400_000 * 15;
  const at = (s: string) => `${(100 * (day(s) - lo)) / (hi - lo)}%`;
  return (
    <Stack gap={6} data-testid="ops-timeline" role="list" aria-label={t('operations.timeline')}>
      <Text size="xs" c="dimmed">{new Date(lo).toISOString().slice(0, 10)} — {new Date(hi).toISOString().slice(0, 10)} · {t('operations.today')}: {today}</Text>
      {sorted.map((x) => (
        <div key={x.id} role="listitem" data-testid={`timeline-${x.code}`} style={{ display: 'grid', gridTemplateColumns: 'minmax(180px, 30%) 1fr', gap: 8, alignItems: 'center' }}>
          <Text size="sm">{x.code} · {x.agency} · {x.dueOn} <TaskBadge x={x} /></Text>
          <div style={{ position: 'relative', height: 18, background: 'var(--mantine-color-gray-1)', borderRadius: 4 }}>
            <div style={{ position: 'absolute', left: 0, width: at(x.dueOn), top: 6, height: 6, borderRadius: 3, background: x.status === 'overdue' ? 'var(--mantine-color-red-9)' : x.status === 'done' ? 'var(--mantine-color-teal-9)' : 'var(--mantine-color-blue-9)', opacity: 0.35 }} />
            <div title={`${x.dueOn} · ${x.progress}%`} style={{ position: 'absolute', left: at(x.dueOn), top: 1, width: 16, height: 16, marginLeft: -8, borderRadius: 8, background: x.status === 'overdue' ? 'var(--mantine-color-red-9)' : x.status === 'done' ? 'var(--mantine-color-teal-9)' : x.status === 'due_soon' ? 'var(--mantine-color-yellow-4)' : 'var(--mantine-color-blue-9)' }} />
            <div aria-hidden style={{ position: 'absolute', left: at(today), top: -2, bottom: -2, width: 2, background: 'var(--mantine-color-gray-7)' }} />
          </div>
        </div>
      ))}
    </Stack>
  );
}

function TasksTab() {
  const { t } = useTranslation();
  const me = useMe();
  const qc = useQueryClient();
  const mayReport = allows(me.data, 'operations.programme.report');
  const [view, setView] = useState('kanban');
  const [reporting, setReporting] = useState<Task | null>(null);
  const q = useQuery({ queryKey: ['operations', 'tasks'], queryFn: () => get<{ items: Task[] }>('/api/operations/tasks') });
  if (q.isLoading) return <Loading />;
  const items = q.data?.items ?? [];
  const reportButton = (x: Task) => mayReport && x.status !== 'done' && (
    <Button size="xs" variant="light" onClick={() => setReporting(x)} data-testid={`report-${x.code}`}>{t('operations.reportProgress')}</Button>
  );
  return (
    <Stack>
      <ErrorAlert error={q.error} />
      <SegmentedControl value={view} onChange={setView} aria-label={t('operations.taskView')} data={['kanban', 'timeline', 'table'].map((v) => ({ value: v, label: t(`operations.view.${v}`) }))} data-testid="task-view" w="fit-content" />
      {view === 'kanban' && (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} data-testid="ops-kanban">
          {KANBAN.map((status) => (
            <Paper key={status} withBorder p="xs" role="region" aria-label={t(`operations.taskStatus.${status}`)} data-testid={`kanban-${status}`}>
              <Title order={3} size="h5" mb="xs">{t(`operations.taskStatus.${status}`)} ({items.filter((x) => x.status === status).length})</Title>
              <Stack gap="xs">
                {items.filter((x) => x.status === status).map((x) => (
                  <Paper key={x.id} withBorder p="xs" data-testid={`task-card-${x.code}`} style={{ borderLeft: `4px solid var(--mantine-color-${x.rag === 'red' ? 'red-9' : x.rag === 'amber' ? 'yellow-4' : 'teal-9'})` }}>
                    <Text size="sm" fw={600}>{x.code}</Text>
                    <Text size="sm">{x.title}</Text>
                    <Text size="xs">{x.agency} · {t('operations.due')}: {x.dueOn}</Text>
                    <Progress value={x.progress} aria-label={`${t('operations.progress')} ${x.progress}%`} mt={4} />
                    <Group justify="space-between" mt={4}><TaskBadge x={x} />{reportButton(x)}</Group>
                    {x.lastNote && <Text size="xs" c="dimmed">{x.lastNote}</Text>}
                  </Paper>
                ))}
              </Stack>
            </Paper>
          ))}
        </SimpleGrid>
      )}
      {view === 'timeline' && <Timeline items={items} />}
      {view === 'table' && (
        <TableScroll label={t('operations.tasks')} minWidth={900}>
          <Table striped data-testid="ops-tasks">
            <Table.Thead><Table.Tr><Table.Th>{t('operations.code')}</Table.Th><Table.Th>{t('operations.task')}</Table.Th><Table.Th>{t('operations.agency')}</Table.Th><Table.Th>{t('operations.due')}</Table.Th><Table.Th>{t('operations.progress')}</Table.Th><Table.Th>{t('operations.status')}</Table.Th><Table.Th>{t('app.actions')}</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {items.map((x) => (
                <Table.Tr key={x.id} data-testid={`task-${x.code}`}>
                  <Table.Td>{x.code}</Table.Td>
                  <Table.Td><Text size="sm">{x.title}</Text>{x.group && <Text size="xs" c="dimmed">{x.group.seq}. {x.group.name}</Text>}</Table.Td>
                  <Table.Td>{x.agency}</Table.Td>
                  <Table.Td>{x.dueOn}</Table.Td>
                  <Table.Td><Progress value={x.progress} aria-label={`${t('operations.progress')} ${x.progress}%`} /><Text size="xs">{x.progress}%</Text></Table.Td>
                  <Table.Td><TaskBadge x={x} /></Table.Td>
                  <Table.Td>{reportButton(x)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      )}
      <Group gap="xs">{['xlsx', 'csv'].map((f) => <Button key={f} size="xs" variant="light" component="a" href={`/api/operations/export/tasks?format=${f}`}>{t('operations.table.tasks')} (.{f})</Button>)}</Group>
      <Modal opened={!!reporting} onClose={() => setReporting(null)} title={t('operations.reportProgress')} closeButtonProps={{ 'aria-label': t('app.close') }}>
        {reporting && <ReportForm task={reporting} onDone={() => { setReporting(null); void qc.invalidateQueries({ queryKey: ['operations'] }); }} />}
      </Modal>
    </Stack>
  );
}

function ProjectsTab() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['operations', 'projects'], queryFn: () => get<{ items: Project[]; totals: { budget: number; cyber: number; disbursed: number; cyberShare: number | null; cyberBelowMin: boolean; minCyberShare: number } }>('/api/operations/projects') });
  if (q.isLoading) return <Loading />;
  return (
    <Stack>
      <ErrorAlert error={q.error} />
      {q.data && (
        <>
          <Text size="sm">{t('operations.cyberRule', { min: q.data.totals.minCyberShare })} · {t('operations.totalBudget')}: {fmtValue(q.data.totals.budget)} · {t('operations.cyber')}: {fmtValue(q.data.totals.cyberShare, 'percent')}</Text>
          <TableScroll label={t('operations.projects')} minWidth={900}>
            <Table striped data-testid="ops-projects">
              <Table.Thead><Table.Tr><Table.Th>{t('operations.code')}</Table.Th><Table.Th>{t('operations.project')}</Table.Th><Table.Th>{t('operations.agency')}</Table.Th><Table.Th>{t('operations.budget')}</Table.Th><Table.Th>{t('operations.disbursed')}</Table.Th><Table.Th>{t('operations.cyber')}</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>
                {q.data.items.map((p) => (
                  <Table.Tr key={p.code} data-testid={`project-${p.code}`}>
                    <Table.Td>{p.code}</Table.Td>
                    <Table.Td>{p.name}<Text size="xs" c="dimmed">{p.years.from}–{p.years.to}</Text></Table.Td>
                    <Table.Td>{p.agency}</Table.Td>
                    <Table.Td>{fmtValue(p.budget)}</Table.Td>
                    <Table.Td>{fmtValue(p.disbursed)} ({fmtValue(p.disbursedShare, 'percent')})</Table.Td>
                    <Table.Td>{fmtValue(p.cyber)} ({fmtValue(p.cyberShare, 'percent')}) {p.cyberBelowMin && <Badge color="red.9" variant="filled" tt="none">{t('operations.cyberBelow')}</Badge>}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableScroll>
        </>
      )}
    </Stack>
  );
}

/** The programme: resolutions and decisions, indicators against targets, tasks, projects. */
export function OperationsProgrammePage() {
  const { t } = useTranslation();
  const p = useQuery({ queryKey: ['operations', 'programmes'], queryFn: () => get<Programme[]>('/api/operations/programmes') });
  return (
    <Page title={t('operations.programme')}>
      <Anchor component={Link} to="/lam-viec/dieu-hanh">{t('operations.back')}</Anchor>
      <ErrorAlert error={p.error} />
      <Stack gap="xs">
        {p.data?.map((x) => (
          <Paper withBorder p="sm" key={x.code}>
            <Text fw={700}>{x.number} — {x.title}</Text>
            <Text size="sm">{x.issuer} · {x.issuedOn} · {x.period.from}–{x.period.to}</Text>
            {x.groups.length > 0 && <Text size="xs" c="dimmed">{t('operations.groups')}: {x.groups.map((g) => `${g.seq}. ${g.name}`).join('; ')}</Text>}
          </Paper>
        ))}
      </Stack>
      <Tabs defaultValue="indicators" keepMounted={false}>
        <Tabs.List aria-label={t('operations.programme')}>
          <Tabs.Tab value="indicators">{t('operations.indicators')}</Tabs.Tab>
          <Tabs.Tab value="tasks">{t('operations.tasks')}</Tabs.Tab>
          <Tabs.Tab value="projects">{t('operations.projects')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="indicators" pt="sm"><IndicatorsTab /></Tabs.Panel>
        <Tabs.Panel value="tasks" pt="sm"><TasksTab /></Tabs.Panel>
        <Tabs.Panel value="projects" pt="sm"><ProjectsTab /></Tabs.Panel>
      </Tabs>
    </Page>
  );
}
