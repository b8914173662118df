import { Anchor, Select, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { get } from '../api';
import { ErrorAlert, Loading, Page, TableScroll } from '../ui';
import { fmtValue } from './Operations';

interface Node { code: string; name: string; weight: number; self: number | null; appraised: number | null; final: number | null; evidenceKey: string | null; evidenceNote: string | null; evidenceValue: number | null }
interface Dti {
  year: number; framework: { version: string; decision: string }; index: { self: number | null; appraised: number | null; final: number | null };
  indicators: (Node & { components: Node[] })[]; evidenced: number; components: number; ranks: { year: number; rank: number; of: number; score: number | null; source: string }[];
}

/** The provincial DTI of a year: the framework in force, the three stages of scores, what congso evidences, the rank history. */
export function OperationsDtiPage() {
  const { t } = useTranslation();
  const [year, setYear] = useState(String(new Date().getFullYear()));
  const q = useQuery({ queryKey: ['operations', 'dti', year], queryFn: () => get<Dti>(`/api/operations/dti?year=${year}`) });
  const d = q.data;
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
