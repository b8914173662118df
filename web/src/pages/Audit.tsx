import { Alert, Button, Code, Group, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get } from '../api';
import { Empty, ErrorAlert, Loading, Page, TableScroll } from '../ui';

interface Entry {
  seq: number;
  at: string;
  actor_kind: string;
  actor_name: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
}
interface Verify {
  ok: boolean;
  checked: number;
  brokenAt?: number;
  reason?: string;
}

export function AuditPage() {
  const { t, i18n } = useTranslation();
  const list = useQuery({ queryKey: ['audit'], queryFn: () => get<{ items: Entry[] }>('/api/admin/audit?limit=100') });
  const [verify, setVerify] = useState<Verify | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function check() {
    setBusy(true);
    setError(null);
    try {
      setVerify(await get<Verify>('/api/admin/audit/verify'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  const fmt = new Intl.DateTimeFormat(i18n.language === 'en' ? 'en-GB' : 'vi-VN', { dateStyle: 'short', timeStyle: 'medium', timeZone: 'Asia/Ho_Chi_Minh' });
  return (
    <Page title={t('audit.title')}>
      <Group>
        <Button onClick={check} loading={busy}>
          {t('audit.verify')}
        </Button>
      </Group>
      <ErrorAlert error={error ?? list.error} />
      {verify && (
        <Alert color={verify.ok ? 'green' : 'red'} role="status" data-testid="audit-verify">
          {verify.ok ? t('audit.intact', { n: verify.checked.toLocaleString('vi-VN') }) : t('audit.broken', { seq: verify.brokenAt, reason: verify.reason })}
        </Alert>
      )}
      {list.isLoading ? (
        <Loading />
      ) : !list.data?.items.length ? (
        <Empty />
      ) : (
        <TableScroll label={t('audit.title')} minWidth={720}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>#</Table.Th>
                <Table.Th>{t('audit.at')}</Table.Th>
                <Table.Th>{t('audit.actor')}</Table.Th>
                <Table.Th>{t('audit.action')}</Table.Th>
                <Table.Th>{t('audit.entity')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((e) => (
                <Table.Tr key={e.seq}>
                  <Table.Td>{e.seq}</Table.Td>
                  <Table.Td>{fmt.format(new Date(e.at))}</Table.Td>
                  <Table.Td>{e.actor_name ?? e.actor_kind}</Table.Td>
                  <Table.Td>
                    <Code>{e.action}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {e.entity}
                      {e.entity_id ? ` · ${e.entity_id.slice(0, 12)}` : ''}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      )}
    </Page>
  );
}
