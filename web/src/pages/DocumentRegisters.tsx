import { Alert, Badge, Button, Group, Paper, Select, Stack, Table, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post } from '../api';
import { ErrorAlert, Loading, Page, TableScroll } from '../ui';

/**
 * Registers administration (sổ văn bản, Decree 30/2020): per agency, year,
 * direction and numbering sequence; numbers restart at 01 each year. The clerk
 * opens next year's register, closes the past year's (no more numbers) or
 * reopens it, sees the next number, and exports the registers (.xlsx).
 */

interface Register {
  id: string; agencyId: string; agencyName: string; year: number; direction: 'outgoing' | 'incoming'; sequence: 'regular' | 'normative' | 'secret';
  lastNumber: number; nextNumber: number | null; closed: boolean; closedAt: string | null; mayManage: boolean;
}

const vnYear = () => new Date(Date.now() + 7 * 3_600_000).getUTCFullYear();

export function DocumentRegistersPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const thisYear = vnYear();
  const [year, setYear] = useState<string>(String(thisYear));
  const [openYear, setOpenYear] = useState<string>(String(thisYear + 1));
  const [direction, setDirection] = useState<string>('outgoing');
  const [sequence, setSequence] = useState<string>('regular');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const regs = useQuery({ queryKey: ['registers', year], queryFn: () => get<Register[]>(`/api/documents/registers${year === 'all' ? '' : `?year=${year}`}`) });
  const years = [thisYear - 1, thisYear, thisYear + 1].map(String);
  const book = (r: Pick<Register, 'direction' | 'sequence'>) => `${t(`documents.direction.${r.direction}`)} — ${t(`registers.sequence.${r.sequence}`)}`;

  async function run(fn: () => Promise<Register>, message: (r: Register) => string) {
    setError(null);
    setDone(null);
    try {
      const r = await fn();
      setDone(message(r));
      await qc.invalidateQueries({ queryKey: ['registers'] });
    } catch (e) {
      setError(e);
    }
  }
  const open = () =>
    run(
      () => post<Register>('/api/documents/registers', { year: Number(openYear), direction, sequence }),
      (r) => t('registers.opened', { book: book(r), year: r.year }),
    );
  const toggle = (r: Register) =>
    run(
      () => post<Register>(`/api/documents/registers/${r.id}/${r.closed ? 'reopen' : 'close'}`),
      (x) => t(x.closed ? 'registers.closedMsg' : 'registers.reopenedMsg', { book: book(x), year: x.year }),
    );

  return (
    <Page title={t('registers.title')}>
      <Text>{t('registers.help')}</Text>
      <Paper withBorder p="md" component="section" aria-labelledby="open-register">
        <Stack gap="sm">
          <Text fw={700} id="open-register" component="h2" size="md">{t('registers.open')}</Text>
          <Group align="end" gap="sm" wrap="wrap">
            <Select label={t('registers.year')} data={years} value={openYear} onChange={(v) => setOpenYear(v ?? String(thisYear + 1))} allowDeselect={false} w={120} data-testid="open-year" />
            <Select
              label={t('registers.direction')} allowDeselect={false} w={180} value={direction} onChange={(v) => setDirection(v ?? 'outgoing')}
              data={[{ value: 'outgoing', label: t('documents.direction.outgoing') }, { value: 'incoming', label: t('documents.direction.incoming') }]}
            />
            <Select
              label={t('registers.sequenceLabel')} allowDeselect={false} w={240} value={sequence} onChange={(v) => setSequence(v ?? 'regular')}
              data={(direction === 'incoming' ? ['regular', 'secret'] : ['regular', 'normative', 'secret']).map((s) => ({ value: s, label: t(`registers.sequence.${s}`) }))}
            />
            <Button onClick={open} data-testid="open-register-btn">{t('registers.openBtn')}</Button>
          </Group>
        </Stack>
      </Paper>
      <ErrorAlert error={error} />
      {done && <Alert color="green" role="status" data-testid="register-done">{done}</Alert>}
      <Group align="end">
        <Select
          label={t('registers.show')} allowDeselect={false} w={160} value={year} onChange={(v) => setYear(v ?? String(thisYear))}
          data={[...years.map((y) => ({ value: y, label: y })), { value: 'all', label: t('registers.allYears') }]}
        />
      </Group>
      {regs.error ? <ErrorAlert error={regs.error} /> : !regs.data ? <Loading /> : regs.data.length === 0 ? <Text c="dimmed">{t('registers.none')}</Text> : (
        <TableScroll label={t('registers.title')} minWidth={760}>
          <Table striped data-testid="registers-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('registers.agency')}</Table.Th>
                <Table.Th>{t('registers.year')}</Table.Th>
                <Table.Th>{t('registers.book')}</Table.Th>
                <Table.Th>{t('registers.last')}</Table.Th>
                <Table.Th>{t('registers.next')}</Table.Th>
                <Table.Th>{t('registers.status')}</Table.Th>
                <Table.Th>{t('registers.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {regs.data.map((r) => (
                <Table.Tr key={r.id} data-testid={`register-${r.year}-${r.direction}-${r.sequence}`}>
                  <Table.Td>{r.agencyName}</Table.Td>
                  <Table.Td>{r.year}</Table.Td>
                  <Table.Td>{book(r)}</Table.Td>
                  <Table.Td>{r.lastNumber}</Table.Td>
                  <Table.Td data-testid="register-next">{r.nextNumber === null ? '—' : String(r.nextNumber).padStart(2, '0')}</Table.Td>
                  <Table.Td><Badge color={r.closed ? 'gray.7' : 'teal.9'} autoContrast>{t(r.closed ? 'registers.closed' : 'registers.openState')}</Badge></Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="wrap">
                      {r.mayManage && (
                        <Button size="xs" variant={r.closed ? 'light' : 'default'} onClick={() => toggle(r)} aria-label={`${t(r.closed ? 'registers.reopen' : 'registers.close')}: ${book(r)} ${r.year}`}>
                          {t(r.closed ? 'registers.reopen' : 'registers.close')}
                        </Button>
                      )}
                      {(r.direction === 'outgoing' ? ['outgoing'] : ['incoming', 'followup']).map((k) => (
                        <Button key={k} component="a" size="xs" variant="light" href={`/api/documents/registers/export?agencyId=${r.agencyId}&year=${r.year}&kind=${k}`}>
                          {t(`documents.export.${k}`)}
                        </Button>
                      ))}
                    </Group>
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
