import { Alert, Anchor, Button, FileInput, Group, List, NumberInput, Paper, Select, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, get, put } from '../api';
import { ErrorAlert, fieldError, Page, TableScroll } from '../ui';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

type Fee = { name: string; amount: number; when: 'submission' | 'result'; note?: string };
type Procedure = Record<string, unknown> & { code: string; name: string; timeLimit: { days: number } | { hours: number }; onlineLevel: 'full' | 'partial'; fees: Fee[] };

/** Field problems of a failed save or import, listed in full (the server names each one). */
function Problems({ error }: { error: unknown }) {
  if (!(error instanceof ApiError) || !error.fields.length) return null;
  return (
    <List size="sm" c="red.9">
      {error.fields.map((e, i) => (
        <List.Item key={i}>
          <code>{e.field}</code>: {e.message}
        </List.Item>
      ))}
    </List>
  );
}

/** Import a whole catalogue (JSON or the exported .xlsx), all or nothing; export it. */
function ImportExport() {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<{ created: number; updated: number; unchanged: number; total: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function run() {
    if (!file) return;
    setError(null);
    setResult(null);
    setBusy(true);
    try {
      const body = file.name.toLowerCase().endsWith('.xlsx') ? new Blob([await file.arrayBuffer()], { type: XLSX }) : JSON.parse(await file.text());
      setResult(await api('POST', '/api/admin/procedures/import', body));
    } catch (e) {
      setError(e instanceof SyntaxError ? new Error(t('catalogue.badJson')) : e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="cat-import">
      <Title order={2} size="h4" id="cat-import" mb="xs">
        {t('catalogue.importTitle')}
      </Title>
      <Text size="sm" mb="xs">{t('catalogue.importHelp')}</Text>
      <Group align="end">
        <FileInput label={t('catalogue.file')} accept=".json,.xlsx" value={file} onChange={setFile} clearable w={320} />
        <Button onClick={run} loading={busy} disabled={!file}>
          {t('catalogue.import')}
        </Button>
      </Group>
      <ErrorAlert error={error} />
      <Problems error={error} />
      {result && (
        <Alert color="green" role="status" mt="sm">
          {t('catalogue.imported', result)}
        </Alert>
      )}
      <Group mt="sm">
        <Anchor href="/api/procedures/export?format=xlsx">{t('catalogue.exportXlsx')}</Anchor>
        <Anchor href="/api/procedures/export?format=json">{t('catalogue.exportJson')}</Anchor>
      </Group>
    </Paper>
  );
}

/** One procedure: the fields officials change most, and the whole record as JSON for the rest. */
function Editor({ code }: { code: string }) {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['procedure-edit', code], queryFn: () => get<{ version: number; procedure: Procedure }>(`/api/procedures/${encodeURIComponent(code)}`) });
  const [p, setP] = useState<Procedure | null>(null);
  const [json, setJson] = useState('');
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<{ version: number; status: string } | null>(null);
  useEffect(() => {
    if (q.data) {
      setP(q.data.procedure);
      setJson(JSON.stringify(q.data.procedure, null, 2));
    }
  }, [q.data]);
  if (!p) return null;
  const update = (next: Procedure) => {
    setP(next);
    setJson(JSON.stringify(next, null, 2));
  };
  const unit: 'days' | 'hours' = 'days' in p.timeLimit ? 'days' : 'hours';
  const amount = 'days' in p.timeLimit ? p.timeLimit.days : p.timeLimit.hours;
  async function save() {
    setError(null);
    setSaved(null);
    try {
      setSaved(await put(`/api/admin/procedures/${encodeURIComponent(code)}`, p));
    } catch (e) {
      setError(e);
    }
  }
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="cat-edit">
      <Title order={2} size="h4" id="cat-edit" mb="xs">
        {t('catalogue.editTitle', { code })}
      </Title>
      <Stack>
        <TextInput label={t('catalogue.name')} value={p.name} onChange={(e) => update({ ...p, name: e.currentTarget.value })} error={fieldError(error, 'name')} />
        <Group align="end">
          <NumberInput
            label={t('catalogue.timeLimit')}
            value={amount}
            min={0}
            onChange={(v) => update({ ...p, timeLimit: unit === 'days' ? { days: Number(v) || 0 } : { hours: Number(v) || 0 } })}
            error={fieldError(error, `timeLimit.${unit}`)}
          />
          <Select
            label={t('catalogue.unit')}
            data={[{ value: 'days', label: t('catalogue.days') }, { value: 'hours', label: t('catalogue.hours') }]}
            value={unit}
            allowDeselect={false}
            onChange={(u) => update({ ...p, timeLimit: u === 'hours' ? { hours: amount || 1 } : { days: amount } })}
          />
          <Select
            label={t('catalogue.onlineLevel')}
            data={[{ value: 'full', label: t('catalogue.full') }, { value: 'partial', label: t('catalogue.partial') }]}
            value={p.onlineLevel}
            allowDeselect={false}
            onChange={(v) => update({ ...p, onlineLevel: (v as 'full' | 'partial') ?? 'partial' })}
          />
        </Group>
        <TableScroll label={t('catalogue.fees')} minWidth={360}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('catalogue.feeName')}</Table.Th>
                <Table.Th>{t('catalogue.feeAmount')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {p.fees.map((f, i) => (
                <Table.Tr key={i}>
                  <Table.Td>{f.name}</Table.Td>
                  <Table.Td>
                    <NumberInput
                      aria-label={t('catalogue.feeAmountOf', { name: f.name })}
                      value={f.amount}
                      min={0}
                      thousandSeparator="."
                      decimalSeparator=","
                      onChange={(v) => update({ ...p, fees: p.fees.map((x, j) => (j === i ? { ...x, amount: Number(v) || 0 } : x)) })}
                      error={fieldError(error, `fees.${i}.amount`)}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
        <Textarea
          label={t('catalogue.json')}
          description={t('catalogue.jsonHelp')}
          value={json}
          autosize
          minRows={6}
          maxRows={20}
          styles={{ input: { fontFamily: 'monospace', fontSize: 12 } }}
          error={jsonError}
          onChange={(e) => {
            const text = e.currentTarget.value;
            setJson(text);
            try {
              setP(JSON.parse(text) as Procedure);
              setJsonError(null);
            } catch {
              setJsonError(t('catalogue.badJson'));
            }
          }}
        />
        <ErrorAlert error={error} />
        <Problems error={error} />
        {saved && (
          <Alert color="green" role="status">
            {saved.status === 'unchanged' ? t('catalogue.unchanged', saved) : t('catalogue.saved', saved)}
          </Alert>
        )}
        <Group>
          <Button onClick={save} disabled={!!jsonError}>
            {t('catalogue.save')}
          </Button>
          <Anchor href={`/thu-tuc/${encodeURIComponent(code)}`} target="_blank" rel="noopener">
            {t('catalogue.publicPage')}
          </Anchor>
        </Group>
      </Stack>
    </Paper>
  );
}

/** The catalogue editor for administrators: import/export, and one procedure at a time (each save a new version). */
export function CatalogueEditorPage() {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 250);
  const [code, setCode] = useState<string | null>(null);
  const list = useQuery({
    queryKey: ['procedures-admin', q],
    queryFn: () => get<{ items: { code: string; name: string }[] }>(`/api/procedures?limit=20${q ? `&q=${encodeURIComponent(q)}` : ''}`),
    placeholderData: keepPreviousData,
  });
  return (
    <Page title={t('catalogue.title')}>
      <ImportExport />
      <Paper withBorder p="md" component="section" aria-labelledby="cat-pick">
        <Title order={2} size="h4" id="cat-pick" mb="xs">
          {t('catalogue.pick')}
        </Title>
        <TextInput label={t('catalogue.search')} value={search} onChange={(e) => setSearch(e.currentTarget.value)} />
        <List mt="xs" spacing={4} data-testid="catalogue-list">
          {(list.data?.items ?? []).map((p) => (
            <List.Item key={p.code}>
              <Anchor component="button" type="button" onClick={() => setCode(p.code)} fw={p.code === code ? 700 : undefined}>
                {p.code} — {p.name}
              </Anchor>
            </List.Item>
          ))}
        </List>
      </Paper>
      {code && <Editor key={code} code={code} />}
    </Page>
  );
}
