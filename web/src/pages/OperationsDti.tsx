import { Anchor, Button, Group, NumberInput, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { allows, get, put } from '../api';
import { useMe } from '../auth';
import { ErrorAlert, Loading, Page, TableScroll } from '../ui';
import { fmtValue } from './Operations';

interface Node { code: string; name: string; weight: number; self: number | null; appraised: number | null; final: number | null; evidenceKey: string | null; evidenceNote: string | null; evidenceValue: number | null }
interface Dti {
  year: number; framework: { version: string; decision: string }; index: { self: number | null; appraised: number | null; final: number | null };
  indicators: (Node & { components: Node[] })[]; evidenced: number; components: number; ranks: { year: number; rank: number; of: number; score: number | null; source: string }[];
}

type Stage = 'self' | 'appraised' | 'final';
const STAGES: Stage[] = ['self', 'appraised', 'final'];

/** The assessment form: self-assessed, appraised and final scores (0–1) per main and component indicator. */
function DtiForm({ d, onDone }: { d: Dti; onDone: () => void }) {
  const { t } = useTranslation();
  const nodes = d.indicators.flatMap((m) => [m as Node, ...m.components]);
  const [values, setValues] = useState<Record<string, Record<Stage, number | string>>>(() =>
    Object.fromEntries(nodes.map((n) => [n.code, { self: n.self ?? '', appraised: n.appraised ?? '', final: n.final ?? '' }])));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const num = (v: number | string) => (v === '' || v === null ? null : Number(v));
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const scores = nodes
        .filter((n) => STAGES.some((st) => num(values[n.code]![st]) !== n[st]))
        .map((n) => ({ code: n.code, self: num(values[n.code]!.self), appraised: num(values[n.code]!.appraised), final: num(values[n.code]!.final) }));
      if (scores.length) await put(`/api/operations/dti/${d.year}/scores`, { scores });
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack>
      <Text size="sm">{t('operations.dtiFormHelp')}</Text>
      <ErrorAlert error={error} />
      <TableScroll label={t('operations.dtiForm')} minWidth={900}>
        <Table data-testid="ops-dti-form">
          <Table.Thead><Table.Tr><Table.Th>{t('operations.code')}</Table.Th><Table.Th>{t('operations.indicator')}</Table.Th>{STAGES.map((st) => <Table.Th key={st}>{t(`operations.stage.${st}`)}</Table.Th>)}</Table.Tr></Table.Thead>
          <Table.Tbody>
            {nodes.map((n) => (
              <Table.Tr key={n.code}>
                <Table.Td>{n.code}</Table.Td>
                <Table.Td style={n.code.includes('.') ? { paddingLeft: 24 } : { fontWeight: 600 }}>{n.name}</Table.Td>
                {STAGES.map((st) => (
                  <Table.Td key={st}>
                    <NumberInput size="xs" min={0} max={1} step={0.01} decimalScale={4} value={values[n.code]![st]} w={110}
                      aria-label={`${n.code} ${t(`operations.stage.${st}`)}`} data-testid={`dti-${n.code}-${st}`}
                      onChange={(v) => setValues((o) => ({ ...o, [n.code]: { ...o[n.code]!, [st]: v } }))} />
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </TableScroll>
      <Group justify="flex-end"><Button onClick={save} loading={busy} data-testid="dti-save">{t('app.save')}</Button></Group>
    </Stack>
  );
}

/** Live figures a DTI indicator can be evidenced with (sums over a year, or the 766 score). */
const EVIDENCE_KEYS = ['dossiers.received', 'dossiers.receivedOnline', 'dossiers.onlineShare', 'dossiers.finished', 'dossiers.early', 'dossiers.onTime', 'dossiers.late',
  'dossiers.onTimeRate', 'dossiers.satisfaction', 'dossiers.index766', 'petitions.received', 'petitions.answered', 'petitions.answeredOnTime', 'petitions.onTimeRate',
  'petitions.satisfaction', 'documents.issued', 'documents.received', 'documents.signed', 'documents.signedShare', 'documents.handled', 'documents.handledOnTime', 'documents.onTimeRate'];

/** Which live figure evidences a DTI indicator: pick the indicator, the figure (or none) and a note. */
function EvidenceForm({ d, onDone }: { d: Dti; onDone: () => void }) {
  const { t } = useTranslation();
  const nodes = d.indicators.flatMap((m) => [m as Node, ...m.components]);
  const [code, setCode] = useState(nodes.find((n) => n.code.includes('.'))?.code ?? '');
  const cur = nodes.find((n) => n.code === code);
  const [key, setKey] = useState<string | null>(cur?.evidenceKey ?? null);
  const [note, setNote] = useState(cur?.evidenceNote ?? '');
  const [error, setError] = useState<unknown>(null);
  const pick = (c: string) => {
    const n = nodes.find((x) => x.code === c);
    setCode(c);
    setKey(n?.evidenceKey ?? null);
    setNote(n?.evidenceNote ?? '');
    setError(null);
  };
  const save = () => put(`/api/operations/dti/frameworks/${d.framework.version}/indicators/${code}/evidence`, { evidenceKey: key, evidenceNote: note.trim() || null }).then(onDone).catch(setError);
  return (
    <Stack gap="xs" data-testid="dti-evidence-form">
      <Text size="sm">{t('operations.dtiEvidenceHelp')}</Text>
      <Group align="flex-end" wrap="wrap">
        <Select label={t('operations.indicator')} w={380} searchable value={code} allowDeselect={false} onChange={(v) => v && pick(v)} data={nodes.map((n) => ({ value: n.code, label: `${n.code} — ${n.name}` }))} data-testid="dti-evidence-code" />
        <Select label={t('operations.congsoEvidence')} w={300} clearable value={key} onChange={setKey} data={EVIDENCE_KEYS.map((k) => ({ value: k, label: t(`operations.fig.${k}`) }))} placeholder={t('operations.dtiNoFigure')} data-testid="dti-evidence-key" />
        <TextInput label={t('operations.dtiEvidenceNote')} w={320} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
        <Button onClick={save} data-testid="dti-evidence-save">{t('app.save')}</Button>
      </Group>
      <ErrorAlert error={error} />
    </Stack>
  );
}

/** The provincial DTI of a year: the framework in force, the three stages of scores, what congso evidences, the rank history. */
export function OperationsDtiPage() {
  const { t } = useTranslation();
  const [year, setYear] = useState(String(new Date().getFullYear()));
  const q = useQuery({ queryKey: ['operations', 'dti', year], queryFn: () => get<Dti>(`/api/operations/dti?year=${year}`) });
  const d = q.data;
  const me = useMe();
  const qc = useQueryClient();
  const mayManage = allows(me.data, 'operations.dti.manage');
  const [editing, setEditing] = useState(false);
  const row = (n: Node, sub: boolean) => (
    <Table.Tr key={n.code}>
      <Table.Td>{n.code}</Table.Td>
      <Table.Td style={sub ? { paddingLeft: 24 } : { fontWeight: 600 }}>{n.name}</Table.Td>
      <Table.Td>{sub ? '' : fmtValue(n.weight)}</Table.Td>
      <Table.Td>{fmtValue(n.self)}</Table.Td>
      <Table.Td>{fmtValue(n.appraised)}</Table.Td>
      <Table.Td>{fmtValue(n.final)}</Table.Td>
      <Table.Td>{n.evidenceKey ? <>{t(`operations.fig.${n.evidenceKey}`)}: <b>{fmtValue(n.evidenceValue)}</b></> : (n.evidenceNote ?? '')}</Table.Td>
    </Table.Tr>
  );
  return (
    <Page title={t('operations.dti')}>
      <Anchor component={Link} to="/lam-viec/dieu-hanh">{t('operations.back')}</Anchor>
      <Select label={t('operations.year')} value={year} onChange={(v) => v && setYear(v)} data={Array.from({ length: 11 }, (_, i) => String(2020 + i))} w={140} allowDeselect={false} />
      <ErrorAlert error={q.error} />
      {q.isLoading && <Loading />}
      {d && (
        <Stack>
          <Text>{t('operations.dtiFramework', { decision: d.framework.decision })} · {t('operations.dtiEvidenced', { n: d.evidenced, total: d.components })}</Text>
          <Text size="sm">{t('operations.dtiIndex')}: {t('operations.stage.self')} {fmtValue(d.index.self)} · {t('operations.stage.appraised')} {fmtValue(d.index.appraised)} · {t('operations.stage.final')} {fmtValue(d.index.final)}</Text>
          {mayManage && !editing && <Button w="fit-content" variant="light" onClick={() => setEditing(true)} data-testid="dti-edit">{t('operations.dtiForm')}</Button>}
          {mayManage && <EvidenceForm key={`${d.year}:${d.framework.version}`} d={d} onDone={() => void qc.invalidateQueries({ queryKey: ['operations', 'dti'] })} />}
          {editing && <DtiForm key={d.year} d={d} onDone={() => { setEditing(false); void qc.invalidateQueries({ queryKey: ['operations', 'dti'] }); }} />}
          <TableScroll label={t('operations.dti')} minWidth={900}>
            <Table striped data-testid="ops-dti">
              <Table.Thead><Table.Tr><Table.Th>{t('operations.code')}</Table.Th><Table.Th>{t('operations.indicator')}</Table.Th><Table.Th>{t('operations.weight')}</Table.Th><Table.Th>{t('operations.stage.self')}</Table.Th><Table.Th>{t('operations.stage.appraised')}</Table.Th><Table.Th>{t('operations.stage.final')}</Table.Th><Table.Th>{t('operations.congsoEvidence')}</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>{d.indicators.flatMap((m) => [row(m, false), ...m.components.map((c) => row(c, true))])}</Table.Tbody>
            </Table>
          </TableScroll>
          <TableScroll label={t('operations.ranks')} minWidth={400}>
            <Table data-testid="ops-dti-ranks">
              <Table.Caption>{t('operations.ranks')}</Table.Caption>
              <Table.Thead><Table.Tr><Table.Th>{t('operations.year')}</Table.Th><Table.Th>{t('operations.rankCol')}</Table.Th><Table.Th>{t('operations.score')}</Table.Th><Table.Th>{t('operations.source')}</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>{d.ranks.map((r) => <Table.Tr key={r.year}><Table.Td>{r.year}</Table.Td><Table.Td>{r.rank}/{r.of}</Table.Td><Table.Td>{fmtValue(r.score)}</Table.Td><Table.Td>{r.source}</Table.Td></Table.Tr>)}</Table.Tbody>
            </Table>
          </TableScroll>
        </Stack>
      )}
    </Page>
  );
}
