import { Alert, Anchor, Badge, Button, Group, Input, List, NativeSelect, NumberInput, Paper, Radio, Select, Stack, Stepper, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type ChangeEvent, type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { ApiError, del, get, newIdempotencyKey, post, put, upload } from '../api';
import {
  type Applicant, type Component, type Dossier, type Draft, errorAt, fieldErrors, type FileView, fileSize, fileType, fmtDate, fmtMoney, type FormSchema, type FormValue,
  limitText, orderedProps, type Procedure, stateColor, stateLabel, typeNames, useProcedure,
} from '../dossiers';
import { Empty, ErrorAlert, Loading, Page } from '../ui';

type Forms = Record<string, Record<string, FormValue>>;

/** Form fields that the account already knows (the server prefills only the applicant). */
const PREFILL: Record<string, keyof Applicant> = { ho_ten: 'name', so_dinh_danh: 'idNumber', dien_thoai: 'phone', email: 'email', noi_cu_tru: 'address' };

function prefill(p: Procedure, applicant: Applicant, forms: Forms): Forms {
  const out: Forms = { ...forms };
  for (const c of p.components) {
    if (!c.form) continue;
    const f = { ...(out[c.key] ?? {}) };
    for (const [prop, from] of Object.entries(PREFILL)) {
      if (c.form.properties[prop] && (f[prop] === undefined || f[prop] === '' || f[prop] === null) && applicant[from]) f[prop] = applicant[from] ?? null;
    }
    out[c.key] = f;
  }
  return out;
}

/** Drops empty values: an empty field is "not filled", which the server names on submission. */
function cleanForms(forms: Forms): Forms {
  const out: Forms = {};
  for (const [k, v] of Object.entries(forms)) {
    const f: Record<string, FormValue> = {};
    for (const [p, x] of Object.entries(v)) if (x !== '' && x !== null && x !== undefined) f[p] = typeof x === 'string' ? x.trim() : x;
    out[k] = f;
  }
  return out;
}

function cleanApplicant(a: Applicant): Applicant {
  const s = (v: string | null | undefined) => (v?.trim() ? v.trim() : null);
  return { ...(a.name?.trim() ? { name: a.name.trim() } : {}), idNumber: s(a.idNumber), phone: s(a.phone), email: s(a.email), address: s(a.address) };
}

/** The step of the form where a server field error belongs. */
const stepOf = (field: string) => (field.startsWith('body.applicant') || field === 'body.unitCode' ? 0 : field.startsWith('body.forms') || field.startsWith('body.files') ? 1 : 2);

const inputId = (component: string, prop: string) => `f-${component}-${prop}`;

/** A component's form, rendered from its JSON Schema: label = title, description = help, required asterisk. */
export function SchemaForm({ component, schema, values, errors, onChange }: {
  component: string;
  schema: FormSchema;
  values: Record<string, FormValue>;
  errors: Record<string, string>;
  onChange: (prop: string, v: FormValue) => void;
}) {
  const { t } = useTranslation();
  return (
    <Stack gap="sm">
      {orderedProps(schema).map(([prop, s]) => {
        const common = {
          id: inputId(component, prop),
          label: s.title ?? prop,
          description: s.description,
          required: schema.required?.includes(prop) ?? false,
          error: errors[prop],
        };
        const v = values[prop];
        if (s.enum) {
          return (
            <NativeSelect
              key={prop}
              {...common}
              value={v === null || v === undefined ? '' : String(v)}
              onChange={(e) => onChange(prop, e.currentTarget.value === '' ? null : s.type === 'integer' || s.type === 'number' ? Number(e.currentTarget.value) : e.currentTarget.value)}
              data={[{ value: '', label: t('dossierForm.choose') }, ...s.enum.map((x) => ({ value: String(x), label: String(x) }))]}
            />
          );
        }
        if (s.type === 'integer' || s.type === 'number') {
          return (
            <NumberInput
              key={prop}
              {...common}
              value={typeof v === 'number' ? v : ''}
              onChange={(x) => onChange(prop, typeof x === 'number' ? x : x === '' ? null : Number(x))}
              min={s.minimum}
              max={s.maximum}
              allowDecimal={s.type === 'number'}
              maw={240}
            />
          );
        }
        return (
          <TextInput
            key={prop}
            {...common}
            type={s.format === 'date' ? 'date' : s.format === 'email' ? 'email' : 'text'}
            value={typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v)}
            onChange={(e) => onChange(prop, e.currentTarget.value)}
            maxLength={s.maxLength}
            maw={s.format === 'date' ? 240 : undefined}
          />
        );
      })}
    </Stack>
  );
}

/** Files of one attachment component: a native file input (accepted types, count) and the uploaded list with remove. */
function Attachments({ draftId, component, files, error, onChange }: {
  draftId: string;
  component: Component;
  files: FileView[];
  error?: string;
  onChange: (files: FileView[]) => void;
}) {
  const { t } = useTranslation();
  const a = component.attachment!;
  const [busy, setBusy] = useState(false);
  const [upErr, setUpErr] = useState<unknown>(null);
  const id = `file-${component.key}`;
  const full = files.length >= a.max;

  async function add(e: ChangeEvent<HTMLInputElement>) {
    const input = e.currentTarget;
    const picked = Array.from(input.files ?? []);
    setBusy(true);
    setUpErr(null);
    const added: FileView[] = [];
    try {
      for (const f of picked.slice(0, Math.max(0, a.max - files.length))) {
        const body = new Blob([f], { type: fileType(f) });
        added.push(await upload<FileView>(`/api/dossier-drafts/${draftId}/files?component=${encodeURIComponent(component.key)}&name=${encodeURIComponent(f.name)}`, body));
      }
    } catch (err) {
      setUpErr(err);
    } finally {
      setBusy(false);
      input.value = '';
      if (added.length) onChange([...files, ...added]);
    }
  }
  async function remove(f: FileView) {
    setUpErr(null);
    try {
      await del(`/api/dossier-drafts/${draftId}/files/${f.id}`);
      onChange(files.filter((x) => x.id !== f.id));
    } catch (err) {
      setUpErr(err);
    }
  }
  const upMsg = upErr instanceof ApiError ? (upErr.fields[0]?.message ?? upErr.detail) : upErr ? String(upErr) : undefined;
  return (
    <Stack gap="xs">
      <Input.Wrapper
        id={id}
        label={t('dossierForm.files')}
        required={component.required && a.min > 0}
        description={t('dossierForm.filesHelp', { types: a.types.map((x) => typeNames[x] ?? x).join(', '), min: a.min, max: a.max, n: files.length })}
        error={upMsg ?? error}
      >
        <input
          id={id}
          type="file"
          accept={a.types.join(',')}
          multiple={a.max - files.length > 1}
          disabled={busy || full}
          onChange={add}
          aria-describedby={`${id}-description`}
          style={{ display: 'block', marginTop: 4, maxWidth: '100%' }}
        />
      </Input.Wrapper>
      {busy && <Loading />}
      {files.length > 0 && (
        <List spacing={4} aria-label={t('dossierForm.uploaded', { name: component.name })}>
          {files.map((f) => (
            <List.Item key={f.id}>
              <Group gap="xs" wrap="nowrap">
                <Text size="sm" style={{ wordBreak: 'break-all' }}>
                  {f.name} ({typeNames[f.mime] ?? f.mime}, {fileSize(f.size)})
                </Text>
                <Button size="compact-xs" variant="subtle" color="red" onClick={() => remove(f)} aria-label={t('dossierForm.removeFile', { name: f.name })}>
                  {t('app.delete')}
                </Button>
              </Group>
            </List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}

function useCommunes(enabled: boolean) {
  return useQuery({
    queryKey: ['communes', 37],
    enabled,
    staleTime: 10 * 60_000,
    queryFn: async () => {
      type U = { code: string; name: string; type: string };
      const lists = await Promise.all(['ward', 'commune', 'special_zone'].map((type) => get<{ items: U[] }>(`/api/units?type=${type}&parent=37&limit=500`)));
      return lists.flatMap((l) => l.items).sort((a, b) => a.name.localeCompare(b.name, 'vi'));
    },
  });
}

/** Everything filled, for the review step (and read-only views). */
function Review({ p, applicant, unitName, forms, files, channel }: { p: Procedure; applicant: Applicant; unitName: string | null; forms: Forms; files: FileView[]; channel?: string }) {
  const { t } = useTranslation();
  return (
    <Stack gap="md">
      <Paper withBorder p="md">
        <Title order={3} size="h5" mb="xs">
          {t('dossierForm.applicant')}
        </Title>
        <Table variant="vertical" layout="fixed" withTableBorder={false}>
          <Table.Tbody>
            <Table.Tr><Table.Th w="40%">{t('dossierForm.name')}</Table.Th><Table.Td>{applicant.name || '—'}</Table.Td></Table.Tr>
            <Table.Tr><Table.Th>{t('dossierForm.idNumber')}</Table.Th><Table.Td>{applicant.idNumber || '—'}</Table.Td></Table.Tr>
            <Table.Tr><Table.Th>{t('dossierForm.phone')}</Table.Th><Table.Td>{applicant.phone || '—'}</Table.Td></Table.Tr>
            <Table.Tr><Table.Th>{t('dossierForm.email')}</Table.Th><Table.Td>{applicant.email || '—'}</Table.Td></Table.Tr>
            {p.level === 'commune' && <Table.Tr><Table.Th>{t('dossierForm.commune')}</Table.Th><Table.Td>{unitName ?? '—'}</Table.Td></Table.Tr>}
            {channel && <Table.Tr><Table.Th>{t('dossierForm.channel')}</Table.Th><Table.Td>{t(`dossier.channel.${channel}`)}</Table.Td></Table.Tr>}
          </Table.Tbody>
        </Table>
      </Paper>
      {p.components.map((c) => (
        <Paper withBorder p="md" key={c.key}>
          <Title order={3} size="h5" mb="xs">
            {c.name}
          </Title>
          {c.form && (
            <Table variant="vertical" layout="fixed" withTableBorder={false}>
              <Table.Tbody>
                {orderedProps(c.form).map(([prop, s]) => (
                  <Table.Tr key={prop}>
                    <Table.Th w="40%">{s.title ?? prop}</Table.Th>
                    <Table.Td style={{ overflowWrap: 'anywhere' }}>{forms[c.key]?.[prop] === undefined || forms[c.key]?.[prop] === null || forms[c.key]?.[prop] === '' ? '—' : String(forms[c.key]![prop])}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {c.attachment && (
            <Text size="sm">
              {t('dossierForm.filesCount', { n: files.filter((f) => f.component === c.key).length })}
              {files.filter((f) => f.component === c.key).length > 0 && `: ${files.filter((f) => f.component === c.key).map((f) => f.name).join(', ')}`}
            </Text>
          )}
        </Paper>
      ))}
      <Paper withBorder p="md">
        <Title order={3} size="h5" mb="xs">
          {t('dossierForm.feesAndTime')}
        </Title>
        <Text size="sm">
          <strong>{t('dossierForm.timeLimit')}:</strong> {limitText(t, p.timeLimit)}
          {p.timeLimitNote ? ` — ${p.timeLimitNote}` : ''}
        </Text>
        {p.fees.length === 0 ? (
          <Text size="sm">{t('procedures.free')}</Text>
        ) : (
          <List size="sm" mt={4}>
            {p.fees.map((f) => (
              <List.Item key={f.name}>
                {f.name}: {f.amount ? fmtMoney(f.amount) : t('procedures.free')} ({t(`dossierForm.when.${f.when}`)}){f.note ? ` — ${f.note}` : ''}
              </List.Item>
            ))}
          </List>
        )}
        <Text size="sm" mt={4}>
          <strong>{t('dossierForm.result')}:</strong> {p.result}
        </Text>
      </Paper>
    </Stack>
  );
}

/**
 * The step form of a dossier draft: applicant (and commune), one section per
 * component, review and submit. `desk` is the one-stop desk filing on behalf
 * of a person: applicant fields start empty and a channel is chosen.
 */
export function DossierWizard({ draftId, desk = false, onSubmitted }: { draftId: string; desk?: boolean; onSubmitted: (d: Dossier) => void }) {
  const { t } = useTranslation();
  const draft = useQuery({ queryKey: ['draft', draftId], queryFn: () => get<Draft>(`/api/dossier-drafts/${draftId}`), staleTime: Infinity });
  const proc = useProcedure(draft.data?.procedure.code, draft.data?.procedure.version);
  const p = proc.data?.procedure;
  const communes = useCommunes(p?.level === 'commune');

  const [applicant, setApplicant] = useState<Applicant>({});
  const [unitCode, setUnitCode] = useState<string | null>(null);
  const [forms, setForms] = useState<Forms>({});
  const [files, setFiles] = useState<FileView[]>([]);
  const [channel, setChannel] = useState<'desk' | 'post'>('desk');
  const [step, setStep] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const version = useRef(0);
  const loadedAt = useRef<string | null>(null);
  const submitKey = useRef<string | null>(null);

  // Take the draft as saved (first load, and after a reload on conflict).
  useEffect(() => {
    const d = draft.data;
    if (!d || !p || loadedAt.current === `${d.id}:${d.version}`) return;
    loadedAt.current = `${d.id}:${d.version}`;
    version.current = d.version;
    setApplicant(d.applicant ?? {});
    setUnitCode(d.unitCode);
    setForms(desk ? (d.forms as Forms) : prefill(p, d.applicant ?? {}, d.forms as Forms));
    setFiles(d.files);
  }, [draft.data, p, desk]);

  if (draft.isLoading || proc.isLoading) return <Loading />;
  if (draft.error || proc.error || !draft.data || !p) return <ErrorAlert error={draft.error ?? proc.error} />;

  const formErr = (key: string) => fieldErrors(error, `body.forms.${key}.`);
  const fieldList = error instanceof ApiError ? error.fields : [];
  const stepErrors = (i: number) => {
    const n = fieldList.filter((f) => stepOf(f.field) === i).length;
    return n ? { description: t('dossierForm.stepErrors', { n }), color: 'red', completedIcon: '!' } : {};
  };
  const unitName = communes.data?.find((u) => u.code === unitCode)?.name ?? unitCode;

  async function save(quiet = false): Promise<boolean> {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      // Every form is sent (even empty) so that submission names each missing field, not just the form.
      const all = Object.fromEntries(p!.components.filter((c) => c.form).map((c) => [c.key, forms[c.key] ?? {}]));
      const r = await put<Draft>(`/api/dossier-drafts/${draftId}`, { version: version.current, applicant: cleanApplicant(applicant), forms: cleanForms({ ...forms, ...all }), unitCode });
      version.current = r.version;
      loadedAt.current = `${r.id}:${r.version}`;
      if (!quiet) setNotice(t('dossierForm.savedAt', { time: fmtDate(r.updatedAt, true) }));
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        setNotice(null);
        setError(new ApiError(409, err.code, t('dossierForm.stale')));
        loadedAt.current = null;
        await draft.refetch();
      } else setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function submit() {
    if (!deskCheck() || !(await save(true))) return;
    setBusy(true);
    submitKey.current ??= newIdempotencyKey();
    try {
      const d = await post<Dossier>(`/api/dossier-drafts/${draftId}/submit`, desk ? { channel } : {}, { 'idempotency-key': submitKey.current });
      onSubmitted(d);
    } catch (err) {
      setError(err);
      if (err instanceof ApiError && err.fields.length) setStep(Math.min(...err.fields.map((f) => stepOf(f.field))));
    } finally {
      setBusy(false);
    }
  }

  /** At the desk the person's name, ID number and phone are required (the server asks only for the name). */
  function deskCheck(): boolean {
    if (!desk) return true;
    const missing = (['name', 'idNumber', 'phone'] as const).filter((k) => !applicant[k]?.trim());
    if (!missing.length) return true;
    const label = { name: t('dossierForm.name'), idNumber: t('dossierForm.idNumber'), phone: t('dossierForm.phone') };
    const fields = missing.map((k) => ({ field: `body.applicant.${k}`, rule: 'required', message: t('dossierForm.missing', { field: label[k] }) }));
    setError(new ApiError(400, 'VALIDATION_FAILED', t('dossierForm.fixErrors', { n: fields.length }), fields));
    setStep(0);
    return false;
  }

  async function next(e?: FormEvent) {
    e?.preventDefault();
    if (step === 0 && !deskCheck()) return;
    if (step < 2) {
      if (await save(true)) setStep(step + 1);
    } else await submit();
  }

  const setA = (k: keyof Applicant) => (e: ChangeEvent<HTMLInputElement>) => setApplicant({ ...applicant, [k]: e.currentTarget.value });
  const aErr = (k: string) => errorAt(error, `body.applicant.${k}`);

  return (
    <form onSubmit={next} noValidate aria-label={p.name}>
      <Stack gap="md">
        <Text fw={600}>{p.name}</Text>
        {error instanceof ApiError && fieldList.length > 0 ? (
          <Alert color="red" role="alert" title={t('dossierForm.fixErrors', { n: fieldList.length })}>
            <List size="sm">
              {fieldList.map((f) => (
                <List.Item key={f.field + f.message}>{f.message}</List.Item>
              ))}
            </List>
          </Alert>
        ) : (
          <ErrorAlert error={error} />
        )}
        {notice && (
          <Alert color="green" role="status">
            {notice}
          </Alert>
        )}
        <Stepper active={step} onStepClick={setStep} size="sm" allowNextStepsSelect={false}>
          <Stepper.Step label={t('dossierForm.step1')} {...stepErrors(0)}>
            <Stack gap="sm" mt="md">
              <Title order={2} size="h4">
                {t('dossierForm.applicant')}
              </Title>
              {desk && <Text size="sm">{t('dossierForm.deskHelp')}</Text>}
              <TextInput label={t('dossierForm.name')} value={applicant.name ?? ''} onChange={setA('name')} required error={aErr('name')} autoComplete="name" />
              <TextInput label={t('dossierForm.idNumber')} value={applicant.idNumber ?? ''} onChange={setA('idNumber')} required={desk} error={aErr('idNumber')} inputMode="numeric" />
              <TextInput label={t('dossierForm.phone')} type="tel" value={applicant.phone ?? ''} onChange={setA('phone')} required={desk} error={aErr('phone')} autoComplete="tel" />
              <TextInput label={t('dossierForm.email')} type="email" value={applicant.email ?? ''} onChange={setA('email')} error={aErr('email')} autoComplete="email" />
              <TextInput label={t('dossierForm.address')} value={applicant.address ?? ''} onChange={setA('address')} error={aErr('address')} autoComplete="street-address" />
              {p.level === 'commune' && (
                <Select
                  label={t('dossierForm.commune')}
                  searchable
                  required
                  value={unitCode}
                  onChange={setUnitCode}
                  data={(communes.data ?? []).map((u) => ({ value: u.code, label: u.name }))}
                  error={errorAt(error, 'body.unitCode')}
                  nothingFoundMessage={t('app.none')}
                />
              )}
              {desk && (
                <Radio.Group label={t('dossierForm.channel')} value={channel} onChange={(v) => setChannel(v as 'desk' | 'post')} required>
                  <Group mt={4}>
                    <Radio value="desk" label={t('dossier.channel.desk')} />
                    <Radio value="post" label={t('dossier.channel.post')} />
                  </Group>
                </Radio.Group>
              )}
            </Stack>
          </Stepper.Step>
          <Stepper.Step label={t('dossierForm.step2')} {...stepErrors(1)}>
            <Stack gap="md" mt="md">
              <Title order={2} size="h4">
                {t('dossierForm.step2')}
              </Title>
              {p.components.map((c) => (
                <Paper withBorder p="md" key={c.key} component="section" aria-labelledby={`c-${c.key}`}>
                  <Stack gap="sm">
                    <Group gap="xs" align="baseline">
                      <Title order={3} size="h5" id={`c-${c.key}`}>
                        {c.name}
                      </Title>
                      {c.required ? (
                        <Badge color="red" variant="outline" tt="none">{t('dossierForm.required')}</Badge>
                      ) : (
                        <Badge color="dark" variant="outline" tt="none">{t('dossierForm.optional')}</Badge>
                      )}
                    </Group>
                    {c.template && <Text size="sm">{t('dossierForm.template', { name: c.template })}</Text>}
                    {errorAt(error, `body.forms.${c.key}`) && (
                      <Text size="sm" c="red.9" fw={600}>
                        {errorAt(error, `body.forms.${c.key}`)}
                      </Text>
                    )}
                    {c.form && (
                      <SchemaForm
                        component={c.key}
                        schema={c.form}
                        values={forms[c.key] ?? {}}
                        errors={formErr(c.key)}
                        onChange={(prop, v) => setForms((f) => ({ ...f, [c.key]: { ...(f[c.key] ?? {}), [prop]: v } }))}
                      />
                    )}
                    {c.attachment && (
                      <Attachments
                        draftId={draftId}
                        component={c}
                        files={files.filter((f) => f.component === c.key)}
                        error={errorAt(error, `body.files.${c.key}`)}
                        onChange={(list) => setFiles((all) => [...all.filter((f) => f.component !== c.key), ...list])}
                      />
                    )}
                  </Stack>
                </Paper>
              ))}
            </Stack>
          </Stepper.Step>
          <Stepper.Step label={t('dossierForm.step3')} {...stepErrors(2)}>
            <Stack gap="md" mt="md">
              <Title order={2} size="h4">
                {t('dossierForm.step3')}
              </Title>
              <Review p={p} applicant={applicant} unitName={unitName} forms={forms} files={files} channel={desk ? channel : undefined} />
            </Stack>
          </Stepper.Step>
        </Stepper>
        <Group gap="sm">
          {step > 0 && (
            <Button variant="default" onClick={() => setStep(step - 1)} disabled={busy}>
              {t('app.back')}
            </Button>
          )}
          <Button variant="default" onClick={() => void save()} loading={busy && step < 3} disabled={busy}>
            {t('dossierForm.saveDraft')}
          </Button>
          <Button type="submit" loading={busy}>
            {step < 2 ? t('dossierForm.next') : t('dossierForm.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The citizen's submission: `/nop-ho-so/:code` starts a draft, `?nhap=<id>` resumes one. */
export function SubmitPage() {
  const { t } = useTranslation();
  const { code = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const draftId = params.get('nhap');
  useProcedure(code); // fetched early: the wizard needs it
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<Dossier | null>(null);
  const creating = useRef<string | null>(null);

  useEffect(() => {
    if (draftId || creating.current === code) return;
    creating.current = code;
    post<Draft>('/api/dossier-drafts', { procedureCode: code })
      .then((d) => setParams({ nhap: d.id }, { replace: true }))
      .catch(setError);
  }, [code, draftId, setParams]);

  if (done) return <Submitted d={done} />;
  return (
    <Page title={t('dossierForm.title')}>
      <ErrorAlert error={error} />
      {draftId ? <DossierWizard key={draftId} draftId={draftId} onSubmitted={(d) => { setDone(d); window.scrollTo(0, 0); }} /> : !error && <Loading />}
    </Page>
  );
}

function Submitted({ d }: { d: Dossier }) {
  const { t } = useTranslation();
  return (
    <Page title={t('dossierForm.done')}>
      <Alert color="green" role="status" title={t('dossierForm.doneText')}>
        <Stack gap={4}>
          <Text>
            {t('dossier.code')}: <strong data-testid="dossier-code">{d.code}</strong>
          </Text>
          <Group gap="xs">
            <Text>{t('dossier.state')}:</Text>
            <Badge color={stateColor(d.state)} variant="light" tt="none">
              {stateLabel(t, d.state, d.stateLabel)}
            </Badge>
          </Group>
          <Text>
            {t('dossier.procedure')}: {d.procedure.name}
          </Text>
          <Text>
            {t('dossier.handler')}: {d.handlerName}
          </Text>
        </Stack>
      </Alert>
      <Group>
        <Button component={Link} to={`/ho-so/${d.id}`}>
          {t('dossierForm.open')}
        </Button>
        <Button component={Link} to={`/tra-cuu/${encodeURIComponent(d.code)}`} variant="default">
          {t('dossierForm.track')}
        </Button>
        <Anchor component={Link} to="/ho-so-cua-toi">
          {t('nav.myDossiers')}
        </Anchor>
      </Group>
    </Page>
  );
}

/** The one-stop desk: pick a procedure, file on behalf of a person (received at once), then open the dossier. */
export function DeskPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const draftId = params.get('nhap');
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q, 250);
  const [error, setError] = useState<unknown>(null);
  const list = useQuery({
    queryKey: ['procedures', 'desk', debounced],
    queryFn: () => get<{ items: { code: string; name: string; sector: { name: string } }[] }>(`/api/procedures?limit=10&q=${encodeURIComponent(debounced.trim())}`),
    enabled: !draftId && debounced.trim().length > 1,
    placeholderData: keepPreviousData,
  });
  async function start(code: string) {
    setError(null);
    try {
      const d = await post<Draft>('/api/dossier-drafts', { procedureCode: code });
      setParams({ nhap: d.id });
    } catch (err) {
      setError(err);
    }
  }
  return (
    <Page title={t('desk.title')}>
      <ErrorAlert error={error} />
      {draftId ? (
        <>
          <Anchor component={Link} to="/lam-viec/mot-cua">
            ← {t('desk.another')}
          </Anchor>
          <DossierWizard key={draftId} draftId={draftId} desk onSubmitted={(d) => navigate(`/ho-so/${d.id}`)} />
        </>
      ) : (
        <>
          <Text>{t('desk.intro')}</Text>
          <TextInput label={t('desk.search')} type="search" value={q} onChange={(e) => setQ(e.currentTarget.value)} maw={480} />
          <ErrorAlert error={list.error} />
          {list.data && (list.data.items.length === 0 ? <Empty /> : (
            <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {list.data.items.map((p) => (
                <Paper key={p.code} withBorder p="sm" component="li">
                  <Group justify="space-between" wrap="wrap" gap="xs">
                    <div style={{ flex: 1, minWidth: 200 }}>
                      <Text fw={600}>{p.name}</Text>
                      <Text size="sm">{p.code} · {p.sector.name}</Text>
                    </div>
                    <Button size="compact-sm" onClick={() => void start(p.code)} aria-label={`${t('desk.choose')}: ${p.name}`}>
                      {t('desk.choose')}
                    </Button>
                  </Group>
                </Paper>
              ))}
            </Stack>
          ))}
        </>
      )}
    </Page>
  );
}
