import { Button, Code, Group, Paper, SimpleGrid, Table, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post } from '../api';
import { ErrorAlert, Loading, Page, TableScroll } from '../ui';

interface DeadLetter {
  id: number;
  topic: string;
  payload: unknown;
  attempts: number;
  last_error: string | null;
  created_at: string;
}

export function JobsPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['outbox'], queryFn: () => get<{ pending: number; dead: number; done: number; deadLetters: DeadLetter[] }>('/api/admin/outbox'), refetchInterval: 5000 });
  const [error, setError] = useState<unknown>(null);
  async function retry(id: number) {
    setError(null);
    try {
      await post(`/api/admin/outbox/${id}/retry`);
      void qc.invalidateQueries({ queryKey: ['outbox'] });
    } catch (err) {
      setError(err);
    }
  }
  return (
    <Page title={t('jobs.title')}>
      <ErrorAlert error={error ?? q.error} />
      {q.isLoading || !q.data ? (
        <Loading />
      ) : (
        <>
          <SimpleGrid cols={{ base: 3 }}>
            {(['pending', 'dead', 'done'] as const).map((k) => (
              <Paper key={k} withBorder p="md">
                <Text size="sm" c="dimmed">
                  {t(`jobs.${k}`)}
                </Text>
                <Text size="xl" fw={700} c={k === 'dead' && q.data[k] > 0 ? 'red.9' : undefined} data-testid={`jobs-${k}`}>
                  {q.data[k].toLocaleString('vi-VN')}
                </Text>
              </Paper>
            ))}
          </SimpleGrid>
          {q.data.deadLetters.length === 0 ? (
            <Text c="dimmed">{t('jobs.none')}</Text>
          ) : (
            <TableScroll label={t('jobs.title')} minWidth={640}>
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('jobs.topic')}</Table.Th>
                    <Table.Th>{t('jobs.attempts')}</Table.Th>
                    <Table.Th>{t('jobs.error')}</Table.Th>
                    <Table.Th>{t('app.actions')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {q.data.deadLetters.map((d) => (
                    <Table.Tr key={d.id}>
                      <Table.Td>
                        <Code>{d.topic}</Code>
                      </Table.Td>
                      <Table.Td>{d.attempts}</Table.Td>
                      <Table.Td>{d.last_error ?? '—'}</Table.Td>
                      <Table.Td>
                        <Group>
                          <Button size="compact-sm" onClick={() => retry(d.id)}>
                            {t('jobs.retry')}
                          </Button>
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
          )}
        </>
      )}
    </Page>
  );
}
