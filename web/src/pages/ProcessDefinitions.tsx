import { Alert, Anchor, Badge, Button, Group, List, MultiSelect, NumberInput, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { ApiError, get, put } from '../api';
import { Empty, ErrorAlert, Loading, Page, TableScroll } from '../ui';

/** The data part of a case type, as the server's case engine stores it (server/src/kernel/workflow/definition.ts). */
interface Sla {
  days?: number;
  hours?: number;
  warnAt?: number;
  pausedIn?: string[];
  runsIn?: string[];
}
interface Definition {
  type: string;
  title?: string;
  states: string[];
  initial: string;
  final?: string[];
  labels?: Record<string, string>;
  actions: Record<string, { from: string[]; to: string; roles: string[]; label?: string }>;
  sla?: Record<string, Sla>;
}
/** A step another agency takes (liên thông), saved with the definition's version. */
interface JointStep {
  agencyCode: string;
  kind: 'process' | 'consult';
  label: string;
  days?: number;
  hours?: number;
}
interface DefinitionView {
  procedureCode: string;
  procedureName: string;
  version: number;
  definition: Definition;
  joint: { steps: JointStep[] };
}

/** The agencies a step may name (the org module's public list). */
function useAgencies() {
  return useQuery({
    queryKey: ['agencies', 'all'],
    queryFn: () => get<{ items: { id: string; code: string; name: string; active: boolean }[] }>('/api/agencies'),
    staleTime: 60_000,
  });
}

/** The joint plan: which agency takes each step after the receiving body, of what kind, in how long. */
function JointSteps({ steps, onChange, error }: { steps: JointStep[]; onChange: (s: JointStep[]) => void; error: unknown }) {
  const { t } = useTranslation();
  const agencies = useAgencies();
  const set = (i: number, patch: Partial<JointStep>) => onChange(steps.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const fieldErr = (path: string) => (error instanceof ApiError ? error.fields.find((f) => f.field === path)?.message : undefined);
  const data = (agencies.data?.items ?? []).filter((a) => a.active).map((a) => ({ value: a.code, label: `${a.name} (${a.code})` }));
  return (
    <section aria-labelledby="pd-joint">
      <Title order={2} size="h4" id="pd-joint" mb="xs">
        {t('procDef.joint.title')}
      </Title>
      <Text size="sm" mb="xs">
        {t('procDef.joint.help')}
      </Text>
      {steps.length > 0 && (
        <TableScroll label={t('procDef.joint.title')} minWidth={900}>
          <Table striped verticalSpacing="xs" data-testid="joint-steps">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">#</Table.Th>
                <Table.Th scope="col">{t('procDef.joint.agency')}</Table.Th>
                <Table.Th scope="col">{t('procDef.joint.kind')}</Table.Th>
                <Table.Th scope="col">{t('procDef.joint.label')}</Table.Th>
                <Table.Th scope="col">{t('procDef.duration')}</Table.Th>
                <Table.Th scope="col">{t('procDef.unit')}</Table.Th>
                <Table.Th scope="col">
                  <span className="visually-hidden">{t('procDef.joint.remove')}</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {steps.map((s, i) => {
                const unit = s.hours !== undefined ? 'hours' : 'days';
                return (
                  <Table.Tr key={i}>
                    <Table.Th scope="row">{i + 1}</Table.Th>
                    <Table.Td miw={240}>
                      <Select
                        aria-label={t('procDef.joint.agencyOf', { n: i + 1 })}
                        data={data}
                        value={s.agencyCode || null}
                        searchable
                        onChange={(v) => set(i, { agencyCode: v ?? '' })}
                        error={fieldErr(`body.joint.steps.${i}.agencyCode`)}
                      />
                    </Table.Td>
                    <Table.Td w={150}>
                      <Select
                        aria-label={t('procDef.joint.kindOf', { n: i + 1 })}
                        data={[{ value: 'process', label: t('procDef.joint.process') }, { value: 'consult', label: t('procDef.joint.consult') }]}
                        value={s.kind}
                        allowDeselect={false}
                        onChange={(v) => set(i, { kind: (v as JointStep['kind']) ?? 'process' })}
                      />
                    </Table.Td>
                    <Table.Td miw={200}>
                      <TextInput aria-label={t('procDef.joint.labelOf', { n: i + 1 })} value={s.label} maxLength={200} onChange={(e) => set(i, { label: e.currentTarget.value })} error={fieldErr(`body.joint.steps.${i}.label`)} />
                    </Table.Td>
                    <Table.Td w={110}>
                      <NumberInput
                        aria-label={t('procDef.joint.durationOf', { n: i + 1 })}
                        value={s.days ?? s.hours ?? ''}
                        min={1}
                        allowDecimal={false}
                        error={fieldErr(`body.joint.steps.${i}`)}
                        onChange={(v) => {
                          const n = typeof v === 'number' ? v : Number.parseInt(v, 10);
                          const { days: _d, hours: _h, ...rest } = s;
                          onChange(steps.map((x, j) => (j === i ? (Number.isNaN(n) ? rest : { ...rest, [unit]: n }) : x)));
                        }}
                      />
                    </Table.Td>
                    <Table.Td w={140}>
                      <Select
                        aria-label={t('procDef.joint.unitOf', { n: i + 1 })}
                        value={unit}
                        allowDeselect={false}
                        data={[{ value: 'days', label: t('procDef.days') }, { value: 'hours', label: t('procDef.hours') }]}
                        onChange={(u) => {
                          if (!u || u === unit) return;
                          const { days, hours, ...rest } = s;
                          const n = days ?? hours;
                          onChange(steps.map((x, j) => (j === i ? (n === undefined ? rest : { ...rest, [u]: n }) : x)));
                        }}
                      />
                    </Table.Td>
                    <Table.Td w={90}>
                      <Button variant="default" size="compact-sm" onClick={() => onChange(steps.filter((_, j) => j !== i))} aria-label={t('procDef.joint.removeOf', { n: i + 1 })}>
                        {t('procDef.joint.remove')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </TableScroll>
      )}
      {fieldErr('body.joint.steps') && (
        <Text c="red.9" size="sm" role="alert">
          {fieldErr('body.joint.steps')}
        </Text>
      )}
      <Button variant="default" mt="xs" onClick={() => onChange([...steps, { agencyCode: '', kind: 'process', label: '', days: 1 }])}>
        {t('procDef.joint.add')}
      </Button>
    </section>
  );
}

const ROLES = ['desk_officer', 'specialist', 'division_head', 'leader', 'applicant'] as const;

function Editor({ code }: { code: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const current = useQuery({ queryKey: ['process-definition', code], queryFn: () => get<DefinitionView>(`/api/admin/process-definitions/${encodeURIComponent(code)}`) });
  const [def, setDef] = useState<Definition | null>(null);
  const [steps, setSteps] = useState<JointStep[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (current.data) {
      setDef(structuredClone(current.data.definition));
      setSteps(structuredClone(current.data.joint?.steps ?? []));
    }
  }, [current.data]);

  if (current.isLoading) return <Loading />;
  if (current.error) return <ErrorAlert error={current.error} />;
  if (!current.data || !def) return null;
  const view = current.data;
  const stateLabel = (s: string) => def.labels?.[s] ?? s;
  const finals = new Set(def.final ?? []);

  const setAction = (name: string, patch: Partial<Definition['actions'][string]>) =>
    setDef({ ...def, actions: { ...def.actions, [name]: { ...def.actions[name]!, ...patch } } });
  const setSla = (state: string, sla: Sla | null) => {
    const next = { ...(def.sla ?? {}) };
    if (sla) next[state] = sla;
    else delete next[state];
    setDef({ ...def, sla: next });
  };

  async function save() {
    setError(null);
    setSaved(null);
    setBusy(true);
    try {
      const r = await put<DefinitionView>(`/api/admin/process-definitions/${encodeURIComponent(code)}`, { ...def, joint: { steps } });
      qc.setQueryData(['process-definition', code], r);
      setSaved(r.version);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack gap="md">
      <Paper withBorder p="md">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <div>
            <Text fw={700}>{view.procedureName}</Text>
            <Text size="sm">{code}</Text>
          </div>
          <Badge size="lg" variant="filled" color="blue.9" tt="none" data-testid="definition-version">
            {view.version === 0 ? t('procDef.builtIn') : t('procDef.version', { n: view.version })}
          </Badge>
        </Group>
        <Text size="sm" mt="xs">
          {t('procDef.help')}
        </Text>
      </Paper>

      <section aria-labelledby="pd-actions">
        <Title order={2} size="h4" id="pd-actions" mb="xs">
          {t('procDef.actions')}
        </Title>
        <TableScroll label={t('procDef.actions')} minWidth={860}>
          <Table striped verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('procDef.action')}</Table.Th>
                <Table.Th scope="col">{t('procDef.label')}</Table.Th>
                <Table.Th scope="col">{t('procDef.fromTo')}</Table.Th>
                <Table.Th scope="col">{t('procDef.roles')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {Object.entries(def.actions).map(([name, a]) => (
                <Table.Tr key={name} data-testid={`action-${name}`}>
                  <Table.Th scope="row" fw={500} style={{ whiteSpace: 'nowrap' }}>
                    <code>{name}</code>
                  </Table.Th>
                  <Table.Td>
                    <TextInput aria-label={t('procDef.labelOf', { name })} value={a.label ?? ''} onChange={(e) => setAction(name, { label: e.currentTarget.value || undefined })} maxLength={200} />
                  </Table.Td>
                  <Table.Td>
                    {a.from.map(stateLabel).join(', ')} → {stateLabel(a.to)}
                  </Table.Td>
                  <Table.Td miw={260}>
                    <MultiSelect
                      aria-label={t('procDef.rolesOf', { name: a.label ?? name })}
                      value={a.roles}
                      onChange={(v) => setAction(name, { roles: v })}
                      data={ROLES.map((r) => ({ value: r, label: t(`procDef.role.${r}`) }))}
                      error={a.roles.length ? undefined : t('procDef.rolesRequired')}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      </section>

      <section aria-labelledby="pd-states">
        <Title order={2} size="h4" id="pd-states" mb="xs">
          {t('procDef.states')}
        </Title>
        <TableScroll label={t('procDef.states')} minWidth={900}>
          <Table striped verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('procDef.state')}</Table.Th>
                <Table.Th scope="col">{t('procDef.label')}</Table.Th>
                <Table.Th scope="col">{t('procDef.duration')}</Table.Th>
                <Table.Th scope="col">{t('procDef.unit')}</Table.Th>
                <Table.Th scope="col">{t('procDef.warnAt')}</Table.Th>
                <Table.Th scope="col">{t('procDef.pausedRuns')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {def.states.map((s) => {
                const sla = def.sla?.[s];
                const unit = sla?.hours !== undefined ? 'hours' : 'days';
                const amount = sla ? (sla.hours ?? sla.days ?? '') : '';
                const name = stateLabel(s);
                return (
                  <Table.Tr key={s} data-testid={`state-${s}`}>
                    <Table.Th scope="row" fw={500} style={{ whiteSpace: 'nowrap' }}>
                      <code>{s}</code>
                      {finals.has(s) && (
                        <Text size="xs" component="span" ml={6}>
                          ({t('procDef.final')})
                        </Text>
                      )}
                    </Table.Th>
                    <Table.Td>
                      <TextInput
                        aria-label={t('procDef.labelOf', { name: s })}
                        value={def.labels?.[s] ?? ''}
                        onChange={(e) => {
                          const v = e.currentTarget.value;
                          const labels = { ...(def.labels ?? {}) };
                          if (v) labels[s] = v;
                          else delete labels[s];
                          setDef({ ...def, labels });
                        }}
                        maxLength={200}
                      />
                    </Table.Td>
                    {finals.has(s) ? (
                      <Table.Td colSpan={4}>
                        <Text size="sm">{t('procDef.noClock')}</Text>
                      </Table.Td>
                    ) : (
                      <>
                        <Table.Td w={120}>
                          <NumberInput
                            aria-label={t('procDef.durationOf', { name })}
                            value={amount}
                            min={unit === 'hours' ? 0.5 : 1}
                            step={unit === 'hours' ? 0.5 : 1}
                            allowDecimal={unit === 'hours'}
                            onChange={(v) => {
                              const n = typeof v === 'number' ? v : Number.parseFloat(v);
                              if (v === '' || Number.isNaN(n)) return setSla(s, null);
                              const { days: _d, hours: _h, ...rest } = sla ?? {};
                              setSla(s, { ...rest, [unit]: n });
                            }}
                          />
                        </Table.Td>
                        <Table.Td w={130}>
                          <Select
                            aria-label={t('procDef.unitOf', { name })}
                            value={unit}
                            allowDeselect={false}
                            onChange={(u) => {
                              if (!sla || !u || u === unit) return;
                              const { days, hours, ...rest } = sla;
                              const n = days ?? hours ?? 1;
                              setSla(s, { ...rest, [u]: u === 'days' ? Math.max(1, Math.round(n)) : n });
                            }}
                            data={[{ value: 'days', label: t('procDef.days') }, { value: 'hours', label: t('procDef.hours') }]}
                          />
                        </Table.Td>
                        <Table.Td w={120}>
                          <NumberInput
                            aria-label={t('procDef.warnAtOf', { name })}
                            value={sla?.warnAt !== undefined ? Math.round(sla.warnAt * 100) : ''}
                            placeholder="80"
                            min={1}
                            max={99}
                            suffix=" %"
                            disabled={!sla}
                            onChange={(v) => {
                              if (!sla) return;
                              const { warnAt: _w, ...rest } = sla;
                              setSla(s, v === '' ? rest : { ...rest, warnAt: Number(v) / 100 });
                            }}
                          />
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">
                            {sla?.pausedIn?.length ? t('procDef.pausedIn', { list: sla.pausedIn.map(stateLabel).join(', ') }) : null}
                            {sla?.pausedIn?.length && sla.runsIn?.length ? <br /> : null}
                            {sla?.runsIn?.length ? t('procDef.runsIn', { list: sla.runsIn.map(stateLabel).join(', ') }) : null}
                            {!sla?.pausedIn?.length && !sla?.runsIn?.length ? '—' : null}
                          </Text>
                        </Table.Td>
                      </>
                    )}
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </TableScroll>
      </section>

      <JointSteps steps={steps} onChange={setSteps} error={error} />

      {error instanceof ApiError && error.fields.length ? (
        <Alert color="red" title={`${t('app.error')}: ${error.detail}`} role="alert">
          <List size="sm">
            {error.fields.map((f, i) => (
              <List.Item key={i}>{f.message}</List.Item>
            ))}
          </List>
        </Alert>
      ) : (
        <ErrorAlert error={error} />
      )}
      {saved !== null && (
        <Alert color="green" role="status" title={t('app.saved')}>
          {t('procDef.saved', { n: saved })}
        </Alert>
      )}
      <Group>
        <Button onClick={() => void save()} loading={busy}>
          {t('procDef.save')}
        </Button>
        <Button variant="default" onClick={() => { setDef(structuredClone(view.definition)); setSteps(structuredClone(view.joint?.steps ?? [])); setError(null); setSaved(null); }}>
          {t('procDef.reset')}
        </Button>
      </Group>
    </Stack>
  );
}

/** Administrators edit the process of a procedure's dossiers: roles, labels and time limits (new version; running dossiers keep theirs). */
export function ProcessDefinitionsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const code = params.get('thu-tuc');
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q, 250);
  const list = useQuery({
    queryKey: ['procedures', 'process', debounced],
    queryFn: () => get<{ items: { code: string; name: string; sector: { name: string } }[] }>(`/api/procedures?limit=10&q=${encodeURIComponent(debounced.trim())}`),
    enabled: !code && debounced.trim().length > 1,
    placeholderData: keepPreviousData,
  });
  return (
    <Page title={t('procDef.title')}>
      {code ? (
        <>
          <Anchor component={Link} to="/quan-tri/quy-trinh">
            ← {t('procDef.another')}
          </Anchor>
          <Editor key={code} code={code} />
        </>
      ) : (
        <>
          <Text>{t('procDef.intro')}</Text>
          <TextInput label={t('procDef.search')} type="search" value={q} onChange={(e) => setQ(e.currentTarget.value)} maw={480} />
          <ErrorAlert error={list.error} />
          {list.isFetching && !list.data && <Loading />}
          {list.data &&
            (list.data.items.length === 0 ? (
              <Empty />
            ) : (
              <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
                {list.data.items.map((p) => (
                  <Paper key={p.code} withBorder p="sm" component="li">
                    <Group justify="space-between" wrap="wrap" gap="xs">
                      <div style={{ flex: 1, minWidth: 200 }}>
                        <Text fw={600}>{p.name}</Text>
                        <Text size="sm">
                          {p.code} · {p.sector.name}
                        </Text>
                      </div>
                      <Button size="compact-sm" onClick={() => setParams({ 'thu-tuc': p.code })} aria-label={`${t('procDef.choose')}: ${p.name}`}>
                        {t('procDef.choose')}
                      </Button>
                    </Group>
                  </Paper>
                ))}
              </Stack>
            ))}
        </>
      )}
    </Page>
  );
}
