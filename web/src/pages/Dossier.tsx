import { ActionIcon, Alert, Anchor, Badge, Button, FileInput, Group, List, Modal, Paper, Radio, Select, Stack, Table, Text, Textarea, TextInput, Timeline, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { ApiError, get, newIdempotencyKey, post, upload } from '../api';
import { useMe } from '../auth';
import { actionLabel, type Dossier, fileSize, fmtDate, fmtMoney, type HistoryEntry, orderedProps, stateColor, stateLabel, typeNames, useProcedure } from '../dossiers';
import { Empty, ErrorAlert, fieldError, Loading, Page, TableScroll } from '../ui';

const NEEDS_REASON = ['refuse', 'stop', 'send_back', 'extend', 'joint_return'];

/** One action on the dossier: a reason, the items to supplement, an assignee, or just a confirmation. */
function ActionForm({ dossier, action, label, onDone, onCancel }: { dossier: Dossier; action: string; label: string; onDone: (d: Dossier) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  // One key per user intent: a retry of this same action reuses it.
  const [key] = useState(newIdempotencyKey);
  const [reason, setReason] = useState('');
  const [items, setItems] = useState<string[]>(['']);
  const [assigneeId, setAssigneeId] = useState('');
  const [assigneeName, setAssigneeName] = useState('');
  const [newDate, setNewDate] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const needsReason = NEEDS_REASON.includes(action);
  const people = useQuery({
    queryKey: ['assignees', dossier.id],
    queryFn: () => get<{ items: { id: string; name: string; email: string | null }[] }>(`/api/dossiers/${dossier.id}/assignees`),
    enabled: action === 'assign',
  });

  async function submit(e: FormEvent) {
    e.preventDefault();
    setLocal(null);
    setError(null);
    const body: Record<string, unknown> = {};
    if (needsReason) {
      if (!reason.trim()) return setLocal(t('dossier.reasonRequired'));
      body.reason = reason.trim();
    }
    if (action === 'supplement') {
      const list = items.map((i) => i.trim()).filter(Boolean);
      if (!list.length) return setLocal(t('dossier.itemsRequired'));
      body.items = list;
      if (reason.trim()) body.reason = reason.trim();
    }
    if (action === 'extend') {
      if (!newDate) return setLocal(t('dossier.newDateRequired'));
      body.newDate = newDate;
    }
    if (action === 'assign') {
      if (!assigneeId.trim()) return setLocal(t('dossier.assigneeRequired'));
      body.assigneeId = assigneeId.trim();
      if (assigneeName.trim()) body.assigneeName = assigneeName.trim();
    }
    setBusy(true);
    try {
      onDone(await post<Dossier>(`/api/dossiers/${dossier.id}/actions/${action}`, body, { 'idempotency-key': key }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <ErrorAlert error={error} />
        {!needsReason && action !== 'supplement' && action !== 'assign' && <Text>{t('dossier.confirm', { action: label, code: dossier.code })}</Text>}
        {action === 'supplement' && (
          <Stack gap="xs">
            <Text size="sm">{t('dossier.itemsHelp')}</Text>
            {items.map((it, i) => (
              <Group key={i} gap="xs" wrap="nowrap" align="flex-end">
                <TextInput
                  style={{ flex: 1 }}
                  label={t('dossier.item', { n: i + 1 })}
                  value={it}
                  required={i === 0}
                  onChange={(e) => { const v = e.currentTarget.value; setItems((l) => l.map((x, j) => (j === i ? v : x))); }}
                  error={i === 0 ? (local && action === 'supplement' && !items.some((x) => x.trim()) ? local : fieldError(error, `items.${i}`)) : fieldError(error, `items.${i}`)}
                />
                {items.length > 1 && (
                  <ActionIcon variant="subtle" color="red" size="lg" onClick={() => setItems((l) => l.filter((_, j) => j !== i))} aria-label={t('dossier.removeItem', { n: i + 1 })}>
                    ×
                  </ActionIcon>
                )}
              </Group>
            ))}
            <Button variant="light" size="xs" onClick={() => setItems((l) => [...l, ''])} w="fit-content">
              {t('dossier.addItem')}
            </Button>
          </Stack>
        )}
        {action === 'assign' && (
          <Select
            label={t('dossier.assignee')}
            placeholder={t('dossier.pickAssignee')}
            data={(people.data?.items ?? []).map((p) => ({ value: p.id, label: p.email ? `${p.name} (${p.email})` : p.name }))}
            value={assigneeId || null}
            onChange={(v) => {
              const p = people.data?.items.find((x) => x.id === v);
              setAssigneeId(v ?? '');
              setAssigneeName(p?.name ?? '');
            }}
            searchable
            required
            nothingFoundMessage={t('dossier.noAssignees')}
            error={local ?? fieldError(error, 'assigneeId')}
          />
        )}
        {action === 'extend' && (
          <TextInput type="date" label={t('dossier.newDate')} description={t('dossier.newDateHelp')} value={newDate} onChange={(e) => setNewDate(e.currentTarget.value)} required error={(!newDate && local) || fieldError(error, 'newDate')} />
        )}
        {(needsReason || action === 'supplement') && (
          <Textarea
            label={t('dossier.reason')}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            required={needsReason}
            autosize
            minRows={3}
            maxLength={2000}
            error={needsReason ? (local ?? fieldError(error, 'reason')) : fieldError(error, 'reason')}
          />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t('app.cancel')}
          </Button>
          <Button type="submit" loading={busy} color={['refuse', 'stop', 'withdraw'].includes(action) ? 'red' : undefined}>
            {label}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function RatingForm({ dossier, onDone }: { dossier: Dossier; onDone: (d: Dossier) => void }) {
  const { t } = useTranslation();
  const [value, setValue] = useState<string>('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<{ rating?: string; reason?: string }>({});
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (!value) return setLocal({ rating: t('dossier.ratingRequired') });
    if (value === 'unsatisfied' && !reason.trim()) return setLocal({ reason: t('dossier.ratingReasonRequired') });
    setLocal({});
    setBusy(true);
    try {
      onDone(await post<Dossier>(`/api/dossiers/${dossier.id}/rating`, { rating: value, ...(reason.trim() ? { reason: reason.trim() } : {}) }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="rating-title">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={2} size="h4" id="rating-title">
            {t('dossier.rate')}
          </Title>
          <ErrorAlert error={error instanceof ApiError && error.fields.length ? null : error} />
          <Radio.Group label={t('dossier.ratingQuestion')} value={value} onChange={setValue} required error={local.rating ?? fieldError(error, 'rating')}>
            <Group mt={4}>
              <Radio value="satisfied" label={t('dossier.satisfied')} />
              <Radio value="unsatisfied" label={t('dossier.unsatisfied')} />
            </Group>
          </Radio.Group>
          {value === 'unsatisfied' && (
            <Textarea label={t('dossier.ratingReason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} required autosize minRows={2} maxLength={1000} error={local.reason ?? fieldError(error, 'reason')} />
          )}
          <Button type="submit" loading={busy} w="fit-content">
            {t('dossier.sendRating')}
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}

/** The agency holding a joint step attaches its own result (a PDF, signed by the server with the agency's signature). */
function JointResultUpload({ dossier, onDone }: { dossier: Dossier; onDone: () => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      await upload(`/api/dossiers/${dossier.id}/joint-results?name=${encodeURIComponent(file.name)}`, file);
      setFile(null);
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} aria-label={t('dossier.joint.attachTitle')}>
      <Group align="flex-end" mt="sm" wrap="wrap">
        <FileInput
          label={t('dossier.joint.resultFile')} description={t('dossier.joint.resultHelp')} accept=".pdf,application/pdf"
          value={file} onChange={setFile} clearable style={{ flex: '1 1 240px' }} error={error instanceof ApiError ? fieldError(error, 'body') ?? fieldError(error, 'querystring.name') : undefined}
        />
        <Button type="submit" loading={busy} disabled={!file}>{t('dossier.joint.attach')}</Button>
      </Group>
      {error != null && !(error instanceof ApiError && (fieldError(error, 'body') || fieldError(error, 'querystring.name'))) && <ErrorAlert error={error} />}
    </form>
  );
}

function HistoryDetails({ h }: { h: HistoryEntry }) {
  const { t } = useTranslation();
  const items = Array.isArray(h.payload.items) ? (h.payload.items as unknown[]).map(String) : [];
  const reason = typeof h.payload.reason === 'string' ? h.payload.reason : null;
  const note = typeof h.payload.note === 'string' ? h.payload.note : null;
  const assignee = typeof h.payload.assigneeName === 'string' ? h.payload.assigneeName : null;
  return (
    <>
      {reason && <Text size="sm">{t('dossier.reason')}: {reason}</Text>}
      {note && <Text size="sm">{note}</Text>}
      {assignee && <Text size="sm">{t('dossier.assignee')}: {assignee}</Text>}
      {items.length > 0 && (
        <List size="sm">
          {items.map((i) => (
            <List.Item key={i}>{i}</List.Item>
          ))}
        </List>
      )}
    </>
  );
}

/** A dossier for its applicant and for the officials handling it. */
export function DossierPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const qc = useQueryClient();
  const me = useMe().data;
  const q = useQuery({ queryKey: ['dossier', id], queryFn: () => get<Dossier>(`/api/dossiers/${id}`) });
  const d = q.data;
  const proc = useProcedure(d?.procedure.code, d?.procedure.version);
  const [acting, setActing] = useState<{ action: string; label: string } | null>(null);
  const [done, setDone] = useState<string | null>(null);

  if (q.isLoading) return <Loading />;
  if (!d) {
    return (
      <Page title={t('dossier.title')}>
        <ErrorAlert error={q.error} />
      </Page>
    );
  }
  const p = proc.data?.procedure;
  const refreshed = (nd: Dossier, msg?: string) => {
    qc.setQueryData(['dossier', id], nd);
    void qc.invalidateQueries({ queryKey: ['dossiers'] });
    setActing(null);
    if (msg) setDone(msg);
  };
  const lastSupplement = [...d.history].reverse().find((h) => h.action === 'supplement');
  const componentName = (key: string) => p?.components.find((c) => c.key === key)?.name ?? key;
  const isApplicant = me && me.kind !== 'official';
  const processing = d.clocks.find((c) => c.step === 'processing');

  return (
    <Page title={t('dossier.titleCode', { code: d.code })}>
      <Group gap="xs">
        <Badge color={stateColor(d.state)} variant="light" size="lg" tt="none" data-testid="dossier-state">
          {stateLabel(t, d.state, d.stateLabel)}
        </Badge>
        {d.overdue && (
          <Badge color="red" variant="filled" tt="none">
            {t('dossier.overdue')}
          </Badge>
        )}
      </Group>
      {done && (
        <Alert color="green" role="status" withCloseButton onClose={() => setDone(null)} closeButtonLabel={t('app.close')}>
          {done}
        </Alert>
      )}
      {d.state === 'supplementing' && lastSupplement && (
        <Alert color="orange" title={t('dossier.supplementAsked')} role="region" aria-label={t('dossier.supplementAsked')}>
          <HistoryDetails h={lastSupplement} />
          {isApplicant && <Text size="sm" mt="xs">{t('dossier.supplementHelp')}</Text>}
        </Alert>
      )}
      {d.allowedActions.length > 0 && (
        <Group gap="sm" role="group" aria-label={t('app.actions')}>
          {d.allowedActions.map((a) => (
            <Button
              key={a.action}
              variant={['refuse', 'stop', 'withdraw', 'send_back', 'joint_return'].includes(a.action) ? 'outline' : 'filled'}
              color={['refuse', 'stop', 'withdraw'].includes(a.action) ? 'red' : undefined}
              onClick={() => { setDone(null); setActing({ action: a.action, label: actionLabel(t, a.action, a.label) }); }}
            >
              {actionLabel(t, a.action, a.label)}
            </Button>
          ))}
        </Group>
      )}
      <Papers d={d} />
      {d.feeTotal > 0 && <PaymentPanel d={d} />}

      <Paper withBorder p="md" component="section" aria-labelledby="d-general">
        <Title order={2} size="h4" id="d-general" mb="xs">
          {t('dossier.general')}
        </Title>
        <Table variant="vertical" layout="fixed">
          <Table.Tbody>
            <Table.Tr><Table.Th w="40%">{t('dossier.code')}</Table.Th><Table.Td>{d.code}</Table.Td></Table.Tr>
            <Table.Tr><Table.Th>{t('dossier.procedure')}</Table.Th><Table.Td>{d.procedure.name} <Text span size="sm">({d.procedure.code}, {t('dossier.version', { n: d.procedure.version })})</Text></Table.Td></Table.Tr>
            <Table.Tr><Table.Th>{t('dossier.handler')}</Table.Th><Table.Td>{d.handlerName}</Table.Td></Table.Tr>
            {d.joint.plan.length > 0 && (
              <Table.Tr>
                <Table.Th>{t('dossier.joint.currentAgency')}</Table.Th>
                <Table.Td data-testid="current-agency">
                  {d.joint.current ? (
                    <>
                      {d.joint.current.agencyName} <Text span size="sm">({d.joint.current.label}, {t('dossier.joint.stepDue', { date: fmtDate(d.joint.current.dueAt, true) })})</Text>
                    </>
                  ) : (
                    d.handlerName
                  )}
                </Table.Td>
              </Table.Tr>
            )}
            <Table.Tr><Table.Th>{t('dossier.channelLabel')}</Table.Th><Table.Td>{t(`dossier.channel.${d.channel}`)}</Table.Td></Table.Tr>
            <Table.Tr><Table.Th>{t('dossier.submittedAt')}</Table.Th><Table.Td>{fmtDate(d.submittedAt, true)}</Table.Td></Table.Tr>
            <Table.Tr><Table.Th>{t('dossier.receivedAt')}</Table.Th><Table.Td>{fmtDate(d.receivedAt, true)}</Table.Td></Table.Tr>
            <Table.Tr><Table.Th>{t('dossier.dueAt')}</Table.Th><Table.Td><Text span c={d.overdue ? 'red.9' : undefined} fw={d.overdue ? 700 : undefined}>{fmtDate(d.dueAt, true)}</Text></Table.Td></Table.Tr>
            <Table.Tr><Table.Th>{t('dossier.finishedAt')}</Table.Th><Table.Td>{fmtDate(d.finishedAt, true)}</Table.Td></Table.Tr>
            <Table.Tr><Table.Th>{t('dossier.returnedAt')}</Table.Th><Table.Td>{fmtDate(d.returnedAt, true)}</Table.Td></Table.Tr>
            {d.extendedTo && <Table.Tr><Table.Th>{t('dossier.extendedTo')}</Table.Th><Table.Td>{fmtDate(d.extendedTo)}</Table.Td></Table.Tr>}
            <Table.Tr><Table.Th>{t('dossier.fee')}</Table.Th><Table.Td>{d.feeTotal ? fmtMoney(d.feeTotal) : t('procedures.free')}</Table.Td></Table.Tr>
            {d.supplementCount > 0 && <Table.Tr><Table.Th>{t('dossier.supplements')}</Table.Th><Table.Td>{d.supplementCount}</Table.Td></Table.Tr>}
          </Table.Tbody>
        </Table>
      </Paper>

      <Paper withBorder p="md" component="section" aria-labelledby="d-applicant">
        <Title order={2} size="h4" id="d-applicant" mb="xs">
          {t('dossierForm.applicant')}
        </Title>
        <Table variant="vertical" layout="fixed">
          <Table.Tbody>
            <Table.Tr><Table.Th w="40%">{t('dossierForm.name')}</Table.Th><Table.Td>{d.applicant.name}</Table.Td></Table.Tr>
            <Table.Tr><Table.Th>{t('dossierForm.idNumber')}</Table.Th><Table.Td>{d.applicant.idNumber || '—'}</Table.Td></Table.Tr>
            <Table.Tr><Table.Th>{t('dossierForm.phone')}</Table.Th><Table.Td>{d.applicant.phone || '—'}</Table.Td></Table.Tr>
            <Table.Tr><Table.Th>{t('dossierForm.email')}</Table.Th><Table.Td style={{ overflowWrap: 'anywhere' }}>{d.applicant.email || '—'}</Table.Td></Table.Tr>
            <Table.Tr><Table.Th>{t('dossierForm.address')}</Table.Th><Table.Td>{d.applicant.address || '—'}</Table.Td></Table.Tr>
          </Table.Tbody>
        </Table>
      </Paper>

      <Paper withBorder p="md" component="section" aria-labelledby="d-forms">
        <Title order={2} size="h4" id="d-forms" mb="xs">
          {t('dossier.forms')}
        </Title>
        {Object.keys(d.forms).length === 0 ? (
          <Empty />
        ) : (
          Object.entries(d.forms).map(([key, values]) => {
            const schema = p?.components.find((c) => c.key === key)?.form;
            const props = schema ? orderedProps(schema).map(([k]) => k).filter((k) => k in values) : Object.keys(values);
            return (
              <Stack key={key} gap={4} mb="sm">
                <Title order={3} size="h5">
                  {componentName(key)}
                </Title>
                <Table variant="vertical" layout="fixed">
                  <Table.Tbody>
                    {props.map((k) => (
                      <Table.Tr key={k}>
                        <Table.Th w="40%">{(schema?.properties[k]?.title as string | undefined) ?? k}</Table.Th>
                        <Table.Td style={{ overflowWrap: 'anywhere' }}>{values[k] === null || values[k] === undefined || values[k] === '' ? '—' : String(values[k])}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Stack>
            );
          })
        )}
      </Paper>

      <Paper withBorder p="md" component="section" aria-labelledby="d-files">
        <Title order={2} size="h4" id="d-files" mb="xs">
          {t('dossier.files')}
        </Title>
        {d.files.length === 0 ? (
          <Empty />
        ) : (
          <List spacing={4}>
            {d.files.map((f) => (
              <List.Item key={f.id}>
                <Anchor href={`/api/dossiers/${d.id}/files/${f.id}`} download={f.name} style={{ wordBreak: 'break-all' }}>
                  {f.name}
                </Anchor>{' '}
                <Text span size="sm">
                  ({componentName(f.component)}; {typeNames[f.mime] ?? f.mime}, {fileSize(f.size)})
                </Text>
              </List.Item>
            ))}
          </List>
        )}
        {d.resultFileId && (
          <Anchor href={`/api/dossiers/${d.id}/files/${d.resultFileId}`} fw={600} display="block" mt="xs">
            {t('dossier.resultFile')}
          </Anchor>
        )}
        {d.joint.steps.flatMap((s) => s.results.map((r) => ({ ...r, agencyName: s.agencyName }))).map((r) => (
          <Anchor key={r.fileId} href={`/api/dossiers/${d.id}/files/${r.fileId}`} fw={600} display="block" mt="xs" data-testid="joint-result">
            {t('dossier.joint.resultOf', { agency: r.agencyName, name: r.name })}
          </Anchor>
        ))}
      </Paper>

      {d.joint.plan.length > 0 && (
        <Paper withBorder p="md" component="section" aria-labelledby="d-joint">
          <Title order={2} size="h4" id="d-joint" mb="xs">
            {t('dossier.joint.title')}
          </Title>
          <Text size="sm" mb="xs">
            {t('dossier.joint.plan', { list: d.joint.plan.map((s) => `${s.stepNo}. ${s.agencyCode} — ${s.label}`).join('; ') })}
          </Text>
          {d.joint.steps.length > 0 && (
            <TableScroll label={t('dossier.joint.title')} minWidth={720}>
              <Table striped verticalSpacing="xs" data-testid="joint-steps">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('dossier.joint.agency')}</Table.Th>
                    <Table.Th scope="col">{t('dossier.joint.step')}</Table.Th>
                    <Table.Th scope="col">{t('dossier.joint.startedAt')}</Table.Th>
                    <Table.Th scope="col">{t('dossier.joint.dueAt')}</Table.Th>
                    <Table.Th scope="col">{t('dossier.joint.outcome')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {d.joint.steps.map((s, i) => (
                    <Table.Tr key={i}>
                      <Table.Td>{s.agencyName}</Table.Td>
                      <Table.Td>{s.label}</Table.Td>
                      <Table.Td>{fmtDate(s.startedAt, true)}</Table.Td>
                      <Table.Td>
                        <Text span c={s.overdue ? 'red.9' : undefined} fw={s.overdue ? 700 : undefined}>
                          {fmtDate(s.dueAt, true)}
                          {s.overdue ? ` (${t('dossier.overdue')})` : ''}
                        </Text>
                        {s.escalatedAt ? (
                          <Text size="sm" c="red.9" data-testid="joint-escalated">{t('dossier.joint.escalated', { at: fmtDate(s.escalatedAt, true) })}</Text>
                        ) : s.warnedAt ? (
                          <Text size="sm" c="orange.9" data-testid="joint-warned">{t('dossier.joint.warned', { at: fmtDate(s.warnedAt, true) })}</Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>
                        {s.outcome ? t(`dossier.joint.outcomes.${s.outcome}`) : t('dossier.joint.holding')}
                        {s.finishedAt ? ` · ${fmtDate(s.finishedAt, true)}` : ''}
                        {s.note ? ` — ${s.note}` : ''}
                        {s.results.map((r) => (
                          <Text size="sm" key={r.fileId}>
                            <Anchor href={`/api/dossiers/${d.id}/files/${r.fileId}`} download={r.name} style={{ wordBreak: 'break-all' }}>{r.name}</Anchor>
                            {r.signed ? ` (${t('dossier.joint.signed')})` : ''}
                          </Text>
                        ))}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
          )}
          {d.joint.current && d.allowedActions.some((a) => a.action === 'joint_pass' || a.action === 'joint_complete') && (
            <JointResultUpload dossier={d} onDone={() => { setDone(t('dossier.joint.attached')); void q.refetch(); }} />
          )}
        </Paper>
      )}
      {d.clocks.length > 0 && (
        <Paper withBorder p="md" component="section" aria-labelledby="d-clocks">
          <Title order={2} size="h4" id="d-clocks" mb="xs">
            {t('dossier.clocks')}
          </Title>
          {processing?.pausedAt && !processing.stoppedAt && <Text size="sm" mb="xs">{t('dossier.paused', { at: fmtDate(processing.pausedAt, true) })}</Text>}
          <TableScroll label={t('dossier.clocks')} minWidth={520}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('dossier.step')}</Table.Th>
                  <Table.Th>{t('dossier.clockDue')}</Table.Th>
                  <Table.Th>{t('dossier.clockPaused')}</Table.Th>
                  <Table.Th>{t('dossier.clockStopped')}</Table.Th>
                  <Table.Th>{t('dossier.clockBreached')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d.clocks.map((c) => (
                  <Table.Tr key={c.step}>
                    <Table.Td>{t(`dossier.clockStep.${c.step}`, { defaultValue: stateLabel(t, c.step) })}</Table.Td>
                    <Table.Td>{fmtDate(c.dueAt, true)}</Table.Td>
                    <Table.Td>{fmtDate(c.pausedAt, true)}</Table.Td>
                    <Table.Td>{fmtDate(c.stoppedAt, true)}</Table.Td>
                    <Table.Td>{c.breachedAt ? <Text span c="red.9" fw={700}>{fmtDate(c.breachedAt, true)}</Text> : '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableScroll>
        </Paper>
      )}

      <Paper withBorder p="md" component="section" aria-labelledby="d-history">
        <Title order={2} size="h4" id="d-history" mb="sm">
          {t('dossier.history')}
        </Title>
        <Timeline active={d.history.length - 1} bulletSize={14} lineWidth={2} color="red.9">
          {d.history.map((h) => (
            <Timeline.Item key={h.seq} title={<Text fw={600} component="span">{h.action === 'start' ? t('dossier.action.start') : actionLabel(t, h.action, h.label)}</Text>}>
              <Text size="sm">
                {stateLabel(t, h.to, h.toLabel)} · {fmtDate(h.at, true)}
                {h.actor ? ` · ${h.actor}` : ''}
              </Text>
              <HistoryDetails h={h} />
            </Timeline.Item>
          ))}
        </Timeline>
      </Paper>

      {d.rating ? (
        <Paper withBorder p="md" component="section" aria-labelledby="d-rating">
          <Title order={2} size="h4" id="d-rating" mb="xs">
            {t('dossier.rating')}
          </Title>
          <Text>
            {d.rating.value === 'satisfied' ? t('dossier.satisfied') : t('dossier.unsatisfied')} · {fmtDate(d.rating.at, true)}
          </Text>
          {d.rating.reason && <Text size="sm">{d.rating.reason}</Text>}
        </Paper>
      ) : (
        isApplicant && d.state === 'returned' && <RatingForm dossier={d} onDone={(nd) => refreshed(nd, t('dossier.thanks'))} />
      )}

      <Modal opened={!!acting} onClose={() => setActing(null)} title={acting ? `${acting.label}: ${d.code}` : ''}>
        {acting && (
          <ActionForm
            key={acting.action}
            dossier={d}
            action={acting.action}
            label={acting.label}
            onCancel={() => setActing(null)}
            onDone={(nd) => refreshed(nd, t('dossier.done', { action: acting.label, state: stateLabel(t, nd.state, nd.stateLabel) }))}
          />
        )}
      </Modal>
    </Page>
  );
}



/** The dossier's papers (Circular 03/2025): receipt (01), supplement requests (02), refusal (03), extension (04), stop (05), control sheet (06). */
function Papers({ d }: { d: Dossier }) {
  const { t } = useTranslation();
  const count = (a: string) => d.history.filter((h) => h.action === a).length;
  const links: { href: string; label: string }[] = [];
  if (d.receivedAt) links.push({ href: `/api/dossiers/${d.id}/receipt.pdf`, label: t('dossier.receipt') });
  for (let i = 1; i <= count('supplement'); i++) links.push({ href: `/api/dossiers/${d.id}/papers/supplement?lan=${i}`, label: t('dossier.paper.supplement', { n: i }) });
  if (count('refuse')) links.push({ href: `/api/dossiers/${d.id}/papers/refusal`, label: t('dossier.paper.refusal') });
  if (count('extend')) links.push({ href: `/api/dossiers/${d.id}/papers/extension`, label: t('dossier.paper.extension') });
  if (count('stop')) links.push({ href: `/api/dossiers/${d.id}/papers/stop`, label: t('dossier.paper.stop') });
  if (d.receivedAt) links.push({ href: `/api/dossiers/${d.id}/papers/control`, label: t('dossier.paper.control') });
  if (!links.length) return null;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="d-papers">
      <Title order={2} size="h4" id="d-papers" mb="xs">
        {t('dossier.papers')}
      </Title>
      <List>
        {links.map((l) => (
          <List.Item key={l.href}>
            <Anchor href={l.href} target="_blank" rel="noopener">
              {l.label}
            </Anchor>
          </List.Item>
        ))}
      </List>
    </Paper>
  );
}

interface PaymentStatus {
  outstanding: number;
  paidTotal: number;
  dueTotal: number;
  paidOnline: boolean;
  fees: { name: string; amount: number; due: boolean; note: string | null }[];
  transfer: { bankName: string | null; accountNo: string; accountName: string; amount: number; message: string; qrSvg: string } | null;
  gateway: string | null;
}

/** Fees: what is due now, paid so far, a VietQR code for a bank transfer, and online payment through the gateway. */
function PaymentPanel({ d }: { d: Dossier }) {
  const { t } = useTranslation();
  const [key] = useState(newIdempotencyKey);
  const [error, setError] = useState<unknown>(null);
  const q = useQuery({ queryKey: ['payment', d.id, d.version], queryFn: () => get<PaymentStatus>(`/api/dossiers/${d.id}/payment`) });
  if (!q.data) return null;
  const p = q.data;
  async function pay() {
    setError(null);
    try {
      const r = await post<{ redirectUrl: string }>(`/api/dossiers/${d.id}/payments`, {}, { 'idempotency-key': key });
      window.location.assign(r.redirectUrl);
    } catch (e) {
      setError(e);
    }
  }
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="d-payment">
      <Title order={2} size="h4" id="d-payment" mb="xs">
        {t('dossier.payment.title')}
      </Title>
      <ErrorAlert error={error} />
      <Table variant="vertical" layout="fixed">
        <Table.Tbody>
          {p.fees.map((f) => (
            <Table.Tr key={f.name}>
              <Table.Th w="60%">{f.name}</Table.Th>
              <Table.Td>{fmtMoney(f.amount)}</Table.Td>
            </Table.Tr>
          ))}
          <Table.Tr><Table.Th>{t('dossier.payment.paid')}</Table.Th><Table.Td>{fmtMoney(p.paidTotal)}</Table.Td></Table.Tr>
          <Table.Tr><Table.Th>{t('dossier.payment.outstanding')}</Table.Th><Table.Td fw={700}>{fmtMoney(p.outstanding)}</Table.Td></Table.Tr>
        </Table.Tbody>
      </Table>
      {p.outstanding > 0 && p.transfer && (
        <Stack mt="sm" gap={4}>
          <Text size="sm">{t('dossier.payment.transfer', { account: p.transfer.accountNo, name: p.transfer.accountName, bank: p.transfer.bankName ?? '' })}</Text>
          <Text size="sm">{t('dossier.payment.message', { message: p.transfer.message })}</Text>
          <img src={p.transfer.qrSvg} alt={t('dossier.payment.qrAlt', { amount: fmtMoney(p.transfer.amount), message: p.transfer.message })} width={200} height={200} />
        </Stack>
      )}
      {p.outstanding > 0 && p.gateway && (
        <Button mt="sm" onClick={pay}>
          {t('dossier.payment.payOnline')}
        </Button>
      )}
    </Paper>
  );
}
