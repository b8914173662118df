import { Anchor, Badge, Button, Card, Group, NumberInput, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { get } from '../api';
import { useMe } from '../auth';
import { ErrorAlert, fieldError, Page } from '../ui';

interface Appointment {
  receivedAt: string;
  countingStartsAt: string;
  dueAt: string;
}

/** "2026-11-23T16:00:00+07:00" → "16:00 23/11/2026", the way a receipt prints it. */
export function vnDateTime(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso);
  return m ? `${m[4]}:${m[5]} ${m[3]}/${m[2]}/${m[1]}` : iso;
}

function localNow(): string {
  const d = new Date(Date.now() + 7 * 3600_000); // the province's time, whatever the browser's zone
  return d.toISOString().slice(0, 16);
}

function AppointmentCalculator() {
  const { t } = useTranslation();
  const [receivedAt, setReceivedAt] = useState(localNow());
  const [days, setDays] = useState<number | string>(3);
  const [result, setResult] = useState<Appointment | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function compute(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const q = new URLSearchParams({ receivedAt: `${receivedAt}:00+07:00`, days: String(days) });
      setResult(await get<Appointment>(`/api/calendar/appointment?${q}`));
    } catch (err) {
      setResult(null);
      setError(err);
    }
  }

  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4">
        {t('home.appointment')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('home.appointmentText')}
      </Text>
      <form onSubmit={compute} noValidate>
        <Group align="flex-end" wrap="wrap">
          <TextInput type="datetime-local" label={t('home.received')} value={receivedAt} onChange={(e) => setReceivedAt(e.currentTarget.value)} error={fieldError(error, 'querystring.receivedAt')} />
          <NumberInput label={t('home.days')} min={0} max={1000} value={days} onChange={setDays} w={160} error={fieldError(error, 'querystring.days')} />
          <Button type="submit">{t('home.compute')}</Button>
        </Group>
      </form>
      <ErrorAlert error={error && !fieldError(error, 'querystring.receivedAt') && !fieldError(error, 'querystring.days') ? error : null} />
      {result && (
        <Table mt="md" data-testid="appointment" variant="vertical" withTableBorder>
          <Table.Tbody>
            <Table.Tr>
              <Table.Th w={200}>{t('home.countFrom')}</Table.Th>
              <Table.Td>{vnDateTime(result.countingStartsAt)}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('home.due')}</Table.Th>
              <Table.Td fw={700} data-testid="due">
                {vnDateTime(result.dueAt)}
              </Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

export function HomePage() {
  const { t } = useTranslation();
  const me = useMe();
  const user = me.data;
  const cards: { title: string; text: string; to?: string }[] = [
    { title: t('home.services'), text: t('home.servicesText'), to: '/dich-vu-cong' },
    { title: t('home.feedback'), text: t('home.feedbackText') },
    { title: t('home.lookup'), text: t('home.lookupText') },
  ];
  return (
    <Page title={user ? t('home.hello', { name: user.name }) : t('app.name')}>
      <Text>{t('home.intro')}</Text>
      {!user && <Text c="dimmed">{t('home.guest')}</Text>}
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        {cards.map((c) => (
          <Card key={c.title} withBorder padding="md" component="section">
            <Stack gap="xs">
              <Group justify="space-between" wrap="nowrap" align="flex-start">
                <Title order={2} size="h4">
                  {c.title}
                </Title>
                {!c.to && (
                  <Badge variant="light" color="gray">
                    {t('home.soon')}
                  </Badge>
                )}
              </Group>
              <Text size="sm">{c.text}</Text>
              {c.to && (
                <Anchor component={Link} to={c.to} fw={600}>
                  {t('home.browse')}
                </Anchor>
              )}
            </Stack>
          </Card>
        ))}
      </SimpleGrid>
      <AppointmentCalculator />
    </Page>
  );
}
