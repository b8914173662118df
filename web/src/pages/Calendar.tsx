import { Button, Checkbox, Group, NumberInput, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { del, get, put } from '../api';
import { Empty, ErrorAlert, fieldError, Loading, Page, TableScroll } from '../ui';

interface Day {
  date: string;
  kind: 'off' | 'work';
  name: string;
}
interface Settings {
  workStart: string;
  lunchStart: string;
  lunchEnd: string;
  workEnd: string;
  cutoff: string;
  saturdayReceiving: boolean;
  hoursPerDay: number;
}

const WEEKDAYS_VI = ['Chủ nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'];
const WEEKDAYS_EN = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function SettingsForm() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const settings = useQuery({ queryKey: ['calendar-settings'], queryFn: () => get<Settings>('/api/calendar/settings') });
  const [form, setForm] = useState<Omit<Settings, 'hoursPerDay'> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (settings.data && !form) {
      const { hoursPerDay, ...rest } = settings.data;
      void hoursPerDay;
      setForm(rest);
    }
  }, [settings.data, form]);
  if (!form) return <Loading />;
  const field = (k: 'workStart' | 'lunchStart' | 'lunchEnd' | 'workEnd' | 'cutoff', label: string) => (
    <TextInput type="time" label={label} value={form[k]} onChange={(e) => setForm({ ...form, [k]: e.currentTarget.value })} error={fieldError(error, k)} />
  );
  async function save(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setSaved(false);
    try {
      const r = await put<Settings>('/api/admin/calendar/settings', form);
      qc.setQueryData(['calendar-settings'], r);
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  }
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        {t('calendar.settings')}
      </Title>
      <form onSubmit={save} noValidate>
        <Stack>
          <ErrorAlert error={error} />
          <SimpleGrid cols={{ base: 2, sm: 5 }}>
            {field('workStart', t('calendar.workStart'))}
            {field('lunchStart', t('calendar.lunchStart'))}
            {field('lunchEnd', t('calendar.lunchEnd'))}
            {field('workEnd', t('calendar.workEnd'))}
            {field('cutoff', t('calendar.cutoff'))}
          </SimpleGrid>
          <Checkbox label={t('calendar.saturday')} checked={form.saturdayReceiving} onChange={(e) => setForm({ ...form, saturdayReceiving: e.currentTarget.checked })} />
          <Group>
            <Button type="submit">{t('app.save')}</Button>
            {saved && (
              <Text c="green.9" role="status">
                {t('app.saved')}
              </Text>
            )}
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

export function CalendarPage() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [year, setYear] = useState<number>(new Date().getFullYear());
  const days = useQuery({ queryKey: ['calendar-days', year], queryFn: () => get<{ year: number; days: Day[] }>(`/api/calendar/days?year=${year}`) });
  const [form, setForm] = useState<Day>({ date: '', kind: 'off', name: '' });
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  const weekday = (d: string) => (i18n.language === 'en' ? WEEKDAYS_EN : WEEKDAYS_VI)[new Date(`${d}T00:00:00Z`).getUTCDay()];
  const refresh = () => void qc.invalidateQueries({ queryKey: ['calendar-days'] });

  async function add(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setStatus('');
    try {
      if (!form.date) throw new Error(t('calendar.dateRequired'));
      await put(`/api/admin/calendar/days/${form.date}`, { kind: form.kind, name: form.name });
      const y = Number(form.date.slice(0, 4));
      setForm({ date: '', kind: 'off', name: '' });
      setStatus(t('app.saved'));
      if (y !== year) setYear(y);
      refresh();
    } catch (err) {
      setError(err);
    }
  }
  async function remove(date: string) {
    setError(null);
    try {
      await del(`/api/admin/calendar/days/${date}`);
      setStatus(t('calendar.deleted'));
      refresh();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <Page title={t('calendar.title')}>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          {t('calendar.add')}
        </Title>
        <form onSubmit={add} noValidate>
          <Stack>
            <ErrorAlert error={error} />
            <Group align="flex-end" wrap="wrap">
              <TextInput type="date" label={t('calendar.date')} value={form.date} onChange={(e) => setForm({ ...form, date: e.currentTarget.value })} required />
              <Stack gap={4}>
                <Text size="sm" fw={500} id="day-kind">
                  {t('calendar.kind')}
                </Text>
                <SegmentedControl aria-labelledby="day-kind" value={form.kind} onChange={(v) => setForm({ ...form, kind: v as 'off' | 'work' })} data={[{ value: 'off', label: t('calendar.off') }, { value: 'work', label: t('calendar.work') }]} />
              </Stack>
              <TextInput label={t('calendar.name')} value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} required error={fieldError(error, 'name')} w={280} />
              <Button type="submit">{t('calendar.add')}</Button>
            </Group>
            {status && (
              <Text c="green.9" role="status">
                {status}
              </Text>
            )}
          </Stack>
        </form>
      </Paper>
      <Group align="flex-end">
        <NumberInput label={t('calendar.year')} value={year} onChange={(v) => typeof v === 'number' && v >= 1990 && v <= 2200 && setYear(v)} min={1990} max={2200} w={140} />
      </Group>
      <ErrorAlert error={days.error} />
      {days.isLoading ? (
        <Loading />
      ) : !days.data?.days.length ? (
        <Empty />
      ) : (
        <TableScroll label={t('calendar.title')} minWidth={520}>
          <Table striped data-testid="calendar-days">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('calendar.date')}</Table.Th>
                <Table.Th>{t('calendar.kind')}</Table.Th>
                <Table.Th>{t('calendar.name')}</Table.Th>
                <Table.Th>
                  <span className="visually-hidden">{t('app.actions')}</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {days.data.days.map((d) => (
                <Table.Tr key={d.date}>
                  <Table.Td>
                    {weekday(d.date)}, {d.date.split('-').reverse().join('/')}
                  </Table.Td>
                  <Table.Td>{d.kind === 'off' ? t('calendar.off') : t('calendar.work')}</Table.Td>
                  <Table.Td>{d.name}</Table.Td>
                  <Table.Td>
                    <Button size="compact-sm" variant="subtle" color="red" onClick={() => remove(d.date)} aria-label={`${t('app.delete')} ${d.date}`}>
                      {t('app.delete')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      )}
      <SettingsForm />
    </Page>
  );
}
