import { Badge, Button, CloseButton, Group, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { del, get, post } from '../api';
import { Empty, ErrorAlert, fieldError, Loading, Page, TableScroll } from '../ui';
import type { Agency } from './Agencies';

interface Role {
  code: string;
  name: string;
  nameEn: string;
  actions: string[];
}
interface Account {
  id: string;
  name: string;
  email: string | null;
  agencyName: string | null;
  kind: string;
  roles: { id: string; role: string; roleName: string; unitName: string | null; agencyId: string | null }[];
}

export function RolesPage() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const roles = useQuery({ queryKey: ['roles'], queryFn: () => get<{ items: Role[] }>('/api/admin/roles') });
  const accounts = useQuery({ queryKey: ['accounts'], queryFn: () => get<{ items: Account[] }>('/api/admin/accounts?limit=500') });
  const agencies = useQuery({ queryKey: ['agencies', 'all'], queryFn: () => get<{ items: Agency[] }>('/api/agencies') });
  const [form, setForm] = useState({ account: '', role: '', unitCode: '', agencyId: '' });
  const [error, setError] = useState<unknown>(null);
  const officials = (accounts.data?.items ?? []).filter((a) => a.kind === 'official');
  const refresh = () => void qc.invalidateQueries({ queryKey: ['accounts'] });

  async function assign(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await post(`/api/admin/accounts/${form.account}/roles`, { role: form.role, ...(form.unitCode ? { unitCode: form.unitCode } : {}), ...(form.agencyId ? { agencyId: form.agencyId } : {}) });
      setForm({ ...form, role: '', unitCode: '', agencyId: '' });
      refresh();
    } catch (err) {
      setError(err);
    }
  }
  async function revoke(accountId: string, assignmentId: string) {
    setError(null);
    try {
      await del(`/api/admin/accounts/${accountId}/roles/${assignmentId}`);
      refresh();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <Page title={t('roles.title')}>
      <ErrorAlert error={error ?? accounts.error ?? roles.error} />
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          {t('roles.assign')}
        </Title>
        <form onSubmit={assign} noValidate>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
            <Select label={t('roles.account')} searchable value={form.account || null} onChange={(v) => setForm({ ...form, account: v ?? '' })} data={officials.map((a) => ({ value: a.id, label: `${a.name}${a.agencyName ? ` — ${a.agencyName}` : ''}` }))} required />
            <Select label={t('roles.role')} value={form.role || null} onChange={(v) => setForm({ ...form, role: v ?? '' })} data={(roles.data?.items ?? []).map((r) => ({ value: r.code, label: i18n.language === 'en' ? r.nameEn : r.name }))} required error={fieldError(error, 'role')} />
            <TextInput label={t('roles.unitCode')} value={form.unitCode} onChange={(e) => setForm({ ...form, unitCode: e.currentTarget.value })} error={fieldError(error, 'unitCode')} />
            <Select label={t('roles.agency')} searchable clearable value={form.agencyId || null} onChange={(v) => setForm({ ...form, agencyId: v ?? '' })} data={(agencies.data?.items ?? []).map((a) => ({ value: a.id, label: a.name }))} error={fieldError(error, 'agencyId')} />
          </SimpleGrid>
          <Button type="submit" mt="md" disabled={!form.account || !form.role}>
            {t('roles.assign')}
          </Button>
        </form>
      </Paper>
      {accounts.isLoading ? (
        <Loading />
      ) : !officials.length ? (
        <Empty />
      ) : (
        <TableScroll label={t('roles.title')} minWidth={640}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('roles.account')}</Table.Th>
                <Table.Th>{t('officials.agency')}</Table.Th>
                <Table.Th>{t('roles.role')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {officials.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td>
                    {a.name}
                    <Text size="xs" c="dimmed">
                      {a.email}
                    </Text>
                  </Table.Td>
                  <Table.Td>{a.agencyName ?? '—'}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {a.roles.map((r) => (
                        <Badge key={r.id} variant="light" tt="none" pr={2} rightSection={<CloseButton size="xs" aria-label={`${t('roles.revoke')}: ${r.roleName}`} onClick={() => revoke(a.id, r.id)} />}>
                          {r.roleName}
                          {r.unitName ? ` · ${r.unitName}` : ''}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      )}
      <Title order={2} size="h4">
        {t('roles.actions')}
      </Title>
      <Stack gap="xs">
        {(roles.data?.items ?? []).map((r) => (
          <Text key={r.code} size="sm">
            <b>{i18n.language === 'en' ? r.nameEn : r.name}</b>: {r.actions.join(', ')}
          </Text>
        ))}
      </Stack>
    </Page>
  );
}
