import { Button, Group, Modal, Pagination, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post } from '../api';
import { Empty, ErrorAlert, fieldError, Loading, Page, TableScroll } from '../ui';

export interface Unit {
  id: string;
  code: string;
  name: string;
  fullName: string;
  nameEn: string | null;
  type: string;
  parentCode: string | null;
  effectiveFrom: string;
  effectiveTo: string | null;
}

const TYPES = ['province', 'city', 'commune', 'ward', 'special_zone'] as const;
const PAGE = 50;

function CreateUnit({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const [form, setForm] = useState({ code: '', name: '', fullName: '', type: 'commune', parentCode: '' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: { currentTarget: { value: string } }) => setForm({ ...form, [k]: e.currentTarget.value });
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await post('/api/admin/units', { ...form, parentCode: form.parentCode || null });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <ErrorAlert error={error} />
        <TextInput label={t('units.code')} value={form.code} onChange={set('code')} required error={fieldError(error, 'code')} />
        <TextInput label={t('units.name')} value={form.name} onChange={set('name')} required error={fieldError(error, 'name')} />
        <TextInput label={t('units.fullName')} value={form.fullName} onChange={set('fullName')} required error={fieldError(error, 'fullName')} />
        <Select label={t('units.type')} value={form.type} onChange={(v) => setForm({ ...form, type: v ?? 'commune' })} data={TYPES.map((v) => ({ value: v, label: t(`unitType.${v}`) }))} allowDeselect={false} />
        <TextInput label={t('units.parent')} value={form.parentCode} onChange={set('parentCode')} error={fieldError(error, 'parentCode')} />
        <Button type="submit" loading={busy}>
          {t('app.save')}
        </Button>
      </Stack>
    </form>
  );
}

export function UnitsPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [q, setQ] = useState('');
  const [type, setType] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const [debounced] = useDebouncedValue(q, 250);
  const [opened, { open, close }] = useDisclosure();
  const params = new URLSearchParams({ limit: String(PAGE), offset: String((page - 1) * PAGE) });
  if (debounced) params.set('q', debounced);
  if (type) params.set('type', type);
  const units = useQuery({ queryKey: ['units', params.toString()], queryFn: () => get<{ items: Unit[]; total: number }>(`/api/units?${params}`), placeholderData: keepPreviousData });

  return (
    <Page title={t('units.title')}>
      <Group align="flex-end" wrap="wrap">
        <TextInput label={t('app.search')} value={q} onChange={(e) => { setQ(e.currentTarget.value); setPage(1); }} w={280} />
        <Select label={t('units.type')} value={type} onChange={(v) => { setType(v); setPage(1); }} clearable data={TYPES.map((v) => ({ value: v, label: t(`unitType.${v}`) }))} w={200} />
        <Button onClick={open}>{t('app.create')}</Button>
      </Group>
      <ErrorAlert error={units.error} />
      {units.isLoading ? (
        <Loading />
      ) : units.data && units.data.items.length === 0 ? (
        <Empty />
      ) : (
        units.data && (
          <>
            <Text size="sm" c="dimmed">
              {t('units.total')}: {units.data.total}
            </Text>
            <TableScroll label={t('units.title')} minWidth={600}>
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('units.code')}</Table.Th>
                    <Table.Th>{t('units.fullName')}</Table.Th>
                    <Table.Th>{t('units.type')}</Table.Th>
                    <Table.Th>{t('units.parent')}</Table.Th>
                    <Table.Th>{t('units.from')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {units.data.items.map((u) => (
                    <Table.Tr key={u.id}>
                      <Table.Td>{u.code}</Table.Td>
                      <Table.Td>{u.fullName}</Table.Td>
                      <Table.Td>{t(`unitType.${u.type}`)}</Table.Td>
                      <Table.Td>{u.parentCode ?? '—'}</Table.Td>
                      <Table.Td>{u.effectiveFrom}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
            {units.data.total > PAGE && <Pagination total={Math.ceil(units.data.total / PAGE)} value={page} onChange={setPage} getControlProps={(c) => ({ 'aria-label': String(c) })} />}
          </>
        )
      )}
      <Modal opened={opened} onClose={close} title={t('app.create')}>
        <CreateUnit
          onDone={() => {
            close();
            void qc.invalidateQueries({ queryKey: ['units'] });
          }}
        />
      </Modal>
    </Page>
  );
}
