import { Anchor, Button, Group, NumberInput, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { allows, del, get, put } from '../api';
import { useMe } from '../auth';
import { ErrorAlert, fieldError, Loading, Page, TableScroll } from '../ui';
import { fmtValue } from './Operations';

interface Target { key: string; level: string; unit: string; target: number; amber: number; direction: 'up' | 'down'; basis: string; updatedBy: string | null; updatedAt: string | null }
interface Targets { figures: { key: string; unit: string }[]; targets: Target[] }

const LEVELS = ['province', 'agency', 'commune'];

/** The form: a figure and a level, its target, its amber threshold and which way is better. */
function TargetForm({ data, onDone }: { data: Targets; onDone: () => void }) {
  const { t } = useTranslation();
  const [key, setKey] = useState('petitions.onTimeRate');
  const [level, setLevel] = useState('province');
  const existing = data.targets.find((x) => x.key === key && x.level === level);
  const unit = data.figures.find((f) => f.key === key)?.unit ?? 'count';
  const [form, setForm] = useState<{ target: number | string; amber: number | string; direction: string; basis: string }>({ target: '', amber: '', direction: 'up', basis: '' });
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const pick = (k: string, l: string) => {
    setKey(k);
    setLevel(l);
    const e = data.targets.find((x) => x.key === k && x.level === l);
    setForm(e ? { target: e.target, amber: e.amber, direction: e.direction, basis: e.basis } : { target: '', amber: '', direction: 'up', basis: '' });
    setError(null);
    setSaved(false);
  };
  const save = async () => {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await put(`/api/operations/targets/${key}/${level}`, { unit, target: form.target === '' ? null : Number(form.target), amber: form.amber === '' ? null : Number(form.amber), direction: form.direction, basis: form.basis });
      setSaved(true);
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="target-form-title">
      <Title order={2} size="h4" id="target-form-title" mb="xs">{t('operations.targets.edit')}</Title>
      <Stack gap="xs">
        <Group align="flex-end" wrap="wrap">
          <Select label={t('operations.targets.figure')} w={320} searchable value={key} allowDeselect={false} data-testid="target-key"
            onChange={(v) => v && pick(v, level)} data={data.figures.map((f) => ({ value: f.key, label: t(`operations.fig.${f.key}`) }))} />
          <Select label={t('operations.targets.level')} w={180} value={level} allowDeselect={false} data-testid="target-level"
            onChange={(v) => v && pick(key, v)} data={LEVELS.map((l) => ({ value: l, label: t(`operations.kind.${l}`) }))} />
          <Text size="sm">{t('operations.targets.unit')}: {t(`operations.targets.units.${unit}`)}</Text>
        </Group>
        <Group align="flex-start" wrap="wrap">
          <NumberInput label={t('operations.target')} w={160} value={form.target} onChange={(v) => setForm({ ...form, target: v })} error={fieldError(error, 'target')} data-testid="target-target" />
          <NumberInput label={t('operations.targets.amber')} w={160} value={form.amber} onChange={(v) => setForm({ ...form, amber: v })} error={fieldError(error, 'amber')} data-testid="target-amber" />
          <Select label={t('operations.targets.direction')} w={220} value={form.direction} allowDeselect={false} onChange={(v) => v && setForm({ ...form, direction: v })}
            data={[{ value: 'up', label: t('operations.targets.up') }, { value: 'down', label: t('operations.targets.down') }]} data-testid="target-direction" />
          <TextInput label={t('operations.targets.basis')} w={360} value={form.basis} onChange={(e) => setForm({ ...form, basis: e.currentTarget.value })} error={fieldError(error, 'basis')} data-testid="target-basis" />
        </Group>
        <Text size="xs">{t('operations.targets.help')}</Text>
        <ErrorAlert error={error} />
        {saved && <Text size="sm" role="status" data-testid="target-saved">{t('operations.targets.saved')}</Text>}
        <Group>
          <Button onClick={save} loading={busy} data-testid="target-save">{t('app.save')}</Button>
          {existing && <Button variant="default" onClick={() => del(`/api/operations/targets/${key}/${level}`).then(() => { pick(key, level); onDone(); }).catch(setError)}>{t('operations.targets.remove')}</Button>}
        </Group>
      </Stack>
    </Paper>
  );
}

/** Targets and red/amber/green thresholds of the live figures, per level: leaders read them, the steering committee edits them. */
export function OperationsTargetsPage() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['operations', 'targets'], queryFn: () => get<Targets>('/api/operations/targets') });
  const me = useMe();
  const qc = useQueryClient();
  const mayManage = allows(me.data, 'operations.targets.manage');
  return (
    <Page title={t('operations.targets.title')}>
      <Anchor component={Link} to="/lam-viec/dieu-hanh">{t('operations.back')}</Anchor>
      <ErrorAlert error={q.error} />
      {q.isLoading && <Loading />}
      {q.data && (
        <Stack>
          {mayManage && <TargetForm data={q.data} onDone={() => { void qc.invalidateQueries({ queryKey: ['operations'] }); }} />}
          <TableScroll label={t('operations.targets.title')} minWidth={800}>
            <Table striped data-testid="ops-targets">
              <Table.Thead><Table.Tr>
                <Table.Th>{t('operations.targets.figure')}</Table.Th><Table.Th>{t('operations.targets.level')}</Table.Th><Table.Th>{t('operations.target')}</Table.Th>
                <Table.Th>{t('operations.targets.amber')}</Table.Th><Table.Th>{t('operations.targets.direction')}</Table.Th><Table.Th>{t('operations.targets.basis')}</Table.Th><Table.Th>{t('operations.targets.updated')}</Table.Th>
              </Table.Tr></Table.Thead>
              <Table.Tbody>
                {q.data.targets.map((x) => (
                  <Table.Tr key={`${x.key}:${x.level}`} data-testid={`target-${x.key}-${x.level}`}>
                    <Table.Td>{t(`operations.fig.${x.key}`)}</Table.Td><Table.Td>{t(`operations.kind.${x.level}`)}</Table.Td>
                    <Table.Td>{fmtValue(x.target, x.unit)}</Table.Td><Table.Td>{fmtValue(x.amber, x.unit)}</Table.Td>
                    <Table.Td>{t(`operations.targets.${x.direction}`)}</Table.Td><Table.Td>{x.basis}</Table.Td>
                    <Table.Td>{x.updatedBy ?? '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableScroll>
        </Stack>
      )}
    </Page>
  );
}
