import { Alert, Badge, Button, Group, List, Paper, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { ApiError, get } from '../api';
import { fmtDate, stateColor, stateLabel, type Tracking } from '../dossiers';
import { ErrorAlert, Loading, Page } from '../ui';

/**
 * Public tracking by dossier code: state and dates, no personal data. For a joint dossier (liên thông)
 * it says which agency holds it now and each agency's step, its deadline and how it stands — as an
 * ordered list rather than a table, so that it reads on a phone and in order with a screen reader.
 */
export function TrackingPage() {
  const { t } = useTranslation();
  const { code = '' } = useParams();
  const navigate = useNavigate();
  const [value, setValue] = useState(code);
  const [local, setLocal] = useState<string | null>(null);
  useEffect(() => setValue(code), [code]);
  const r = useQuery({
    queryKey: ['tracking', code],
    queryFn: () => get<Tracking>(`/api/tracking/${encodeURIComponent(code)}`),
    enabled: code.length > 0,
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    const c = value.trim();
    if (c.length < 4) return setLocal(t('tracking.codeRequired'));
    setLocal(null);
    navigate(`/tra-cuu/${encodeURIComponent(c)}`);
  }
  const notFound = r.error instanceof ApiError && (r.error.status === 404 || r.error.status === 400);
  return (
    <Page title={t('tracking.title')}>
      <form onSubmit={submit} noValidate role="search" aria-label={t('tracking.title')}>
        <Group align="flex-end" wrap="wrap">
          <TextInput label={t('tracking.code')} description={t('tracking.codeHelp')} value={value} onChange={(e) => setValue(e.currentTarget.value)} required error={local} w={360} maw="100%" autoComplete="off" />
          <Button type="submit">{t('tracking.submit')}</Button>
        </Group>
      </form>
      {code && r.isLoading && <Loading />}
      {notFound ? (
        <Alert color="orange" role="alert">
          {t('tracking.notFound')}
        </Alert>
      ) : (
        <ErrorAlert error={r.error} />
      )}
      {r.data && (
        <Paper withBorder p="md" component="section" aria-labelledby="tracking-result">
          <Title order={2} size="h4" id="tracking-result" mb="xs">
            {t('tracking.result', { code: r.data.code })}
          </Title>
          <Table variant="vertical" layout="fixed">
            <Table.Tbody>
              <Table.Tr><Table.Th w="40%">{t('dossier.procedure')}</Table.Th><Table.Td>{r.data.procedureName}</Table.Td></Table.Tr>
              <Table.Tr><Table.Th>{t('dossier.handler')}</Table.Th><Table.Td>{r.data.handlerName}</Table.Td></Table.Tr>
              {r.data.jointSteps.length > 0 && (
                <Table.Tr>
                  <Table.Th>{t('dossier.joint.currentAgency')}</Table.Th>
                  <Table.Td data-testid="tracking-current-agency">{r.data.currentAgency}</Table.Td>
                </Table.Tr>
              )}
              <Table.Tr>
                <Table.Th>{t('dossier.state')}</Table.Th>
                <Table.Td>
                  <Badge color={stateColor(r.data.state)} variant="light" tt="none" data-testid="tracking-state">
                    {stateLabel(t, r.data.state, r.data.stateLabel)}
                  </Badge>
                </Table.Td>
              </Table.Tr>
              <Table.Tr><Table.Th>{t('dossier.submittedAt')}</Table.Th><Table.Td>{fmtDate(r.data.submittedAt, true)}</Table.Td></Table.Tr>
              <Table.Tr><Table.Th>{t('dossier.receivedAt')}</Table.Th><Table.Td>{fmtDate(r.data.receivedAt, true)}</Table.Td></Table.Tr>
              <Table.Tr><Table.Th>{t('dossier.dueAt')}</Table.Th><Table.Td>{fmtDate(r.data.dueAt, true)}</Table.Td></Table.Tr>
              <Table.Tr><Table.Th>{t('dossier.finishedAt')}</Table.Th><Table.Td>{fmtDate(r.data.finishedAt, true)}</Table.Td></Table.Tr>
              <Table.Tr><Table.Th>{t('dossier.returnedAt')}</Table.Th><Table.Td>{fmtDate(r.data.returnedAt, true)}</Table.Td></Table.Tr>
            </Table.Tbody>
          </Table>
          {r.data.jointSteps.length > 0 && (
            <section aria-labelledby="tracking-joint">
              <Title order={3} size="h5" id="tracking-joint" mt="md" mb="xs">
                {t('tracking.jointSteps')}
              </Title>
              <List type="ordered" spacing="xs" data-testid="tracking-joint-steps">
                {r.data.jointSteps.map((s, i) => (
                  <List.Item key={i}>
                    <Text fw={600} span>{s.agencyName}</Text> — {s.label}
                    <Text size="sm">
                      {s.outcome ? t(`dossier.joint.outcomes.${s.outcome}`) : <Badge color="blue" variant="light" tt="none" component="span">{t('tracking.holdingNow')}</Badge>}
                      {s.finishedAt ? ` · ${fmtDate(s.finishedAt, true)}` : ''}
                    </Text>
                    <Text size="sm" c={s.overdue ? 'red.9' : undefined} fw={s.overdue ? 700 : undefined}>
                      {t('tracking.stepDue', { date: fmtDate(s.dueAt, true) })}
                      {s.overdue ? ` (${t('dossier.overdue')})` : ''}
                    </Text>
                  </List.Item>
                ))}
              </List>
            </section>
          )}
        </Paper>
      )}
    </Page>
  );
}
