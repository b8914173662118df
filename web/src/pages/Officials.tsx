import { Button, Group, Modal, PasswordInput, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post } from '../api';
import { Empty, ErrorAlert, fieldError, Loading, Page, TableScroll } from '../ui';
import type { Agency } from './Agencies';

interface Official {
  id: string;
  fullName: string;
  email: string | null;
  phone: string | null;
  agencyId: string;
  agencyName: string;
  positionCode: string;
  positionName: string;
  active: boolean;
  accountId: string | null;
}

function useAgencies() {
  return useQuery({ queryKey: ['agencies', 'all'], queryFn: () => get<{ items: Agency[] }>('/api/agencies'), staleTime: 60_000 });
}

function CreateOfficial({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const agencies = useAgencies();
  const positions = useQuery({ queryKey: ['positions'], queryFn: () => get<{ items: { code: string; name: string }[] }>('/api/positions') });
  const [form, setForm] = useState({ fullName: '', email: '', phone: '', agencyId: '', positionCode: '' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: { currentTarget: { value: string } }) => setForm({ ...form, [k]: e.currentTarget.value });
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await post('/api/admin/officials', { ...form, email: form.email || null, phone: form.phone || null });
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
        <TextInput label={t('officials.fullName')} value={form.fullName} onChange={set('fullName')} required error={fieldError(error, 'fullName')} />
        <Select label={t('officials.agency')} searchable value={form.agencyId || null} onChange={(v) => setForm({ ...form, agencyId: v ?? '' })} data={(agencies.data?.items ?? []).map((a) => ({ value: a.id, label: a.name }))} required error={fieldError(error, 'agencyId')} />
        <Select label={t('officials.position')} value={form.positionCode || null} onChange={(v) => setForm({ ...form, positionCode: v ?? '' })} data={(positions.data?.items ?? []).map((p) => ({ value: p.code, label: p.name }))} required error={fieldError(error, 'positionCode')} />
        <TextInput label={t('officials.email')} type="email" value={form.email} onChange={set('email')} error={fieldError(error, 'email')} />
        <TextInput label={t('register.phone')} type="tel" value={form.phone} onChange={set('phone')} error={fieldError(error, 'phone')} />
        <Button type="submit" loading={busy}>
          {t('app.save')}
        </Button>
      </Stack>
    </form>
  );
}

function CreateAccount({ official, onDone }: { official: Official; onDone: () => void }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState(official.email ?? '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await post('/api/admin/accounts', { officialId: official.id, email, password });
      onDone();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <ErrorAlert error={error} />
        <TextInput label={t('officials.email')} type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} required error={fieldError(error, 'email')} />
        <PasswordInput label={t('officials.password')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} required autoComplete="new-password" error={fieldError(error, 'password')} />
        <Button type="submit">{t('officials.createAccount')}</Button>
      </Stack>
    </form>
  );
}

export function OfficialsPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const agencies = useAgencies();
  const [q, setQ] = useState('');
  const [agencyId, setAgencyId] = useState<string | null>(null);
  const [debounced] = useDebouncedValue(q, 250);
  const [opened, { open, close }] = useDisclosure();
  const [accountFor, setAccountFor] = useState<Official | null>(null);
  const params = new URLSearchParams();
  if (debounced) params.set('q', debounced);
  if (agencyId) params.set('agencyId', agencyId);
  const list = useQuery({ queryKey: ['officials', params.toString()], queryFn: () => get<{ items: Official[] }>(`/api/admin/officials?${params}`), placeholderData: keepPreviousData });
  const refresh = () => void qc.invalidateQueries({ queryKey: ['officials'] });

  return (
    <Page title={t('officials.title')}>
      <Group align="flex-end" wrap="wrap">
        <TextInput label={t('app.search')} value={q} onChange={(e) => setQ(e.currentTarget.value)} w={260} />
        <Select label={t('officials.agency')} searchable clearable value={agencyId} onChange={setAgencyId} data={(agencies.data?.items ?? []).map((a) => ({ value: a.id, label: a.name }))} w={320} />
        <Button onClick={open}>{t('app.create')}</Button>
      </Group>
      <ErrorAlert error={list.error} />
      {list.isLoading ? (
        <Loading />
      ) : !list.data?.items.length ? (
        <Empty />
      ) : (
        <TableScroll label={t('officials.title')} minWidth={720}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('officials.fullName')}</Table.Th>
                <Table.Th>{t('officials.position')}</Table.Th>
                <Table.Th>{t('officials.agency')}</Table.Th>
                <Table.Th>{t('officials.email')}</Table.Th>
                <Table.Th>{t('officials.account')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((o) => (
                <Table.Tr key={o.id}>
                  <Table.Td>{o.fullName}</Table.Td>
                  <Table.Td>{o.positionName}</Table.Td>
                  <Table.Td>{o.agencyName}</Table.Td>
                  <Table.Td>{o.email ?? '—'}</Table.Td>
                  <Table.Td>
                    {o.accountId ? (
                      <Text size="sm" fw={600}>
                        ✓ {t('officials.hasAccount')}
                      </Text>
                    ) : (
                      <Button size="compact-sm" variant="light" onClick={() => setAccountFor(o)}>
                        {t('officials.createAccount')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      )}
      <Modal opened={opened} onClose={close} title={t('app.create')}>
        <CreateOfficial
          onDone={() => {
            close();
            refresh();
          }}
        />
      </Modal>
      <Modal opened={!!accountFor} onClose={() => setAccountFor(null)} title={accountFor ? `${t('officials.createAccount')}: ${accountFor.fullName}` : ''}>
        {accountFor && (
          <CreateAccount
            official={accountFor}
            onDone={() => {
              setAccountFor(null);
              refresh();
            }}
          />
        )}
      </Modal>
    </Page>
  );
}
