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
interface DefinitionView {
  procedureCode: string;
  procedureName: string;
  version: number;
  definition: Definition;
}

const ROLES = ['desk_officer', 'specialist', 'division_head', 'leader', 'applicant'] as const;

function Editor({ code }: { code: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const current = useQuery({ queryKey: ['process-definition', code], queryFn: () => get<DefinitionView>(`/api/admin/process-definitions/${encodeURIComponent(code)}`) });
  const [def, setDef] = useState<Definition | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (current.data) setDef(structuredClone(current.data.definition));
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
      const r = await put<DefinitionView>(`/api/admin/process-definitions/${encodeURIComponent(code)}`, def);
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
        <Button variant="default" onClick={() => { setDef(structuredClone(view.definition)); setError(null); setSaved(null); }}>
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
