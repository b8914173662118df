import { Badge, Button, Group, Modal, Select, Stack, Table, TextInput } from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post } from '../api';
import { Empty, ErrorAlert, fieldError, Loading, Page, TableScroll } from '../ui';

export interface Agency {
  id: string;
  code: string;
  name: string;
  shortName: string | null;
  kind: string;
  unitCode: string;
  unitName: string;
  email: string | null;
  phone: string | null;
  active: boolean;
}

const KINDS = ['people_committee', 'committee_office', 'department', 'service_centre', 'commune_committee', 'other'] as const;

function CreateAgency({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const [form, setForm] = useState({ code: '', name: '', kind: 'department', unitCode: '', email: '', phone: '' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: { currentTarget: { value: string } }) => setForm({ ...form, [k]: e.currentTarget.value });
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await post('/api/admin/agencies', { ...form, email: form.email || null, phone: form.phone || null });
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
        <TextInput label={t('agencies.code')} value={form.code} onChange={set('code')} required error={fieldError(error, 'code')} />
        <TextInput label={t('agencies.name')} value={form.name} onChange={set('name')} required error={fieldError(error, 'name')} />
        <Select label={t('agencies.kind')} value={form.kind} onChange={(v) => setForm({ ...form, kind: v ?? 'department' })} data={KINDS.map((v) => ({ value: v, label: t(`agencyKind.${v}`) }))} allowDeselect={false} />
        <TextInput label={t('units.parent')} description={t('agencies.unit')} value={form.unitCode} onChange={set('unitCode')} required error={fieldError(error, 'unitCode')} />
        <TextInput label={t('agencies.email')} type="email" value={form.email} onChange={set('email')} error={fieldError(error, 'email')} />
        <TextInput label={t('agencies.phone')} type="tel" value={form.phone} onChange={set('phone')} error={fieldError(error, 'phone')} />
        <Button type="submit" loading={busy}>
          {t('app.save')}
        </Button>
      </Stack>
    </form>
  );
}

export function AgenciesPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [q, setQ] = useState('');
  const [kind, setKind] = useState<string | null>(null);
  const [debounced] = useDebouncedValue(q, 250);
  const [opened, { open, close }] = useDisclosure();
  const params = new URLSearchParams();
  if (debounced) params.set('q', debounced);
  if (kind) params.set('kind', kind);
  const list = useQuery({ queryKey: ['agencies', params.toString()], queryFn: () => get<{ items: Agency[] }>(`/api/agencies?${params}`), placeholderData: keepPreviousData });

  return (
    <Page title={t('agencies.title')}>
      <Group align="flex-end" wrap="wrap">
        <TextInput label={t('app.search')} value={q} onChange={(e) => setQ(e.currentTarget.value)} w={280} />
        <Select label={t('agencies.kind')} value={kind} onChange={setKind} clearable data={KINDS.map((v) => ({ value: v, label: t(`agencyKind.${v}`) }))} w={260} />
        <Button onClick={open}>{t('app.create')}</Button>
      </Group>
      <ErrorAlert error={list.error} />
      {list.isLoading ? (
        <Loading />
      ) : !list.data?.items.length ? (
        <Empty />
      ) : (
        <TableScroll label={t('agencies.title')} minWidth={700}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('agencies.code')}</Table.Th>
                <Table.Th>{t('agencies.name')}</Table.Th>
                <Table.Th>{t('agencies.kind')}</Table.Th>
                <Table.Th>{t('agencies.unit')}</Table.Th>
                <Table.Th>{t('agencies.email')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td>{a.code}</Table.Td>
                  <Table.Td>
                    {a.name} {!a.active && <Badge color="gray">—</Badge>}
                  </Table.Td>
                  <Table.Td>{t(`agencyKind.${a.kind}`)}</Table.Td>
                  <Table.Td>{a.unitName}</Table.Td>
                  <Table.Td>{a.email ?? '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      )}
      <Modal opened={opened} onClose={close} title={t('app.create')}>
        <CreateAgency
          onDone={() => {
            close();
            void qc.invalidateQueries({ queryKey: ['agencies'] });
          }}
        />
      </Modal>
    </Page>
  );
}
