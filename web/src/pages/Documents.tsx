import { Alert, Badge, Button, FileInput, Group, NumberInput, Paper, Select, Stack, Switch, Table, Tabs, Text, TextInput, Textarea } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { allows, api, get, post } from '../api';
import { useMe } from '../auth';
import { DOC_TYPES } from '../../../server/src/modules/documents/types';
import { ErrorAlert, Loading, Page, TableScroll } from '../ui';
import { SignPanel } from './DocumentSign';

/**
 * Official documents in the officials' workspace: the clerk's incoming queue
 * and registers, the handler's documents with deadlines, drafting, the
 * leader's approve-and-sign, and the public "verify a PDF" page.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const key = () => ({ 'idempotency-key': `web-${crypto.randomUUID()}` });
const b64 = async (f: File) => {
  const bytes = new Uint8Array(await f.arrayBuffer());
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
};
const fmt = (d: string | null | undefined) => (d ? new Date(d).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' }) : '');

function DocTable({ items }: { items: Json[] }) {
  const { t } = useTranslation();
  if (!items.length) return <Text c="dimmed">{t('app.none')}</Text>;
  return (
    <TableScroll label={t('documents.title')} minWidth={720}>
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('documents.numberSymbol')}</Table.Th>
            <Table.Th>{t('documents.summary')}</Table.Th>
            <Table.Th>{t('documents.issuer')}</Table.Th>
            <Table.Th>{t('documents.state')}</Table.Th>
            <Table.Th>{t('documents.deadline')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((d) => (
            <Table.Tr key={d.id}>
              <Table.Td>{d.numberSymbol ?? t('documents.draftLabel')}{d.registerNumber ? ` (${d.registerNumber})` : ''}</Table.Td>
              <Table.Td><Link to={`/lam-viec/van-ban/${d.id}`}>{d.docTypeName}: {d.summary}</Link></Table.Td>
              <Table.Td>{d.issuerName}</Table.Td>
              <Table.Td><Badge variant="light">{d.stateLabel}</Badge></Table.Td>
              <Table.Td c={d.overdue ? 'red.9' : undefined}>{fmt(d.deadline)}{d.overdue && <> <Badge color="red.9" size="sm">{t('documents.overdue')}</Badge></>}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableScroll>
  );
}

/** A recipient's status as its badge colour (contrast-safe shades, see ARCHITECTURE §5 and the axe checks). */
const RECIPIENT_COLOR: Record<string, string> = {
  pending: 'gray.7', sending: 'blue.9', sent: 'blue.9', arrived: 'teal.9', registered: 'teal.9', assigned: 'teal.9', in_progress: 'blue.9', finished: 'teal.9',
  refused: 'red.9', recall_refused: 'red.9', recall_requested: 'yellow.4', recalled: 'yellow.4',
};

/** Where the document went and how far each recipient has got (edXML status packets 01–06, 13/15/16, or in place). */
function Recipients({ items }: { items: Json[] }) {
  const { t } = useTranslation();
  return (
    <TableScroll label={t('documents.recipients')} minWidth={560}>
      <Table data-testid="doc-recipients">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('documents.recipientName')}</Table.Th>
            <Table.Th>{t('documents.recipientChannel')}</Table.Th>
            <Table.Th>{t('documents.recipientStatusLabel')}</Table.Th>
            <Table.Th>{t('documents.recipientNote')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((r) => (
            <Table.Tr key={r.organId ?? r.agencyId ?? r.name}>
              <Table.Td>{r.name}{r.organId ? ` (${r.organId})` : ''}</Table.Td>
              <Table.Td>{t(`documents.channel.${r.organId ? 'edxml' : r.agencyId ? 'internal' : 'outside'}`)}</Table.Td>
              <Table.Td>
                <Badge color={RECIPIENT_COLOR[r.status] ?? 'gray.7'} autoContrast data-testid={`recipient-status-${r.organId ?? r.agencyId ?? r.name}`}>
                  {t(`documents.recipientStatus.${r.status}`, { defaultValue: r.status })}
                </Badge>
                {r.statusAt && <Text span size="sm"> {fmt(r.statusAt)}</Text>}
              </Table.Td>
              <Table.Td>{r.statusNote ?? ''}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableScroll>
  );
}

/** For a document that arrived over the exchange: from whom (its inbound edXML document packet). */
function EdxmlOrigin({ id }: { id: string }) {
  const { t } = useTranslation();
  const packets = useQuery({ queryKey: ['document-packets', id], queryFn: () => get<Json[]>(`/api/documents/${id}/packets`) });
  const origin = packets.data?.find((p) => p.direction === 'in' && p.kind === 'document');
  if (!origin) return null;
  return <Alert color="blue" data-testid="doc-edxml-origin">{t('documents.viaEdxml', { from: origin.from })}</Alert>;
}

function DocList({ box, q, overdue }: { box: string; q: string; overdue?: boolean }) {
  const { t } = useTranslation();
  const list = useQuery({
    queryKey: ['documents', box, q, !!overdue],
    queryFn: () => get<{ items: Json[]; total: number; totalCapped?: boolean }>(`/api/documents?box=${box}&q=${encodeURIComponent(q)}${overdue ? '&overdue=1' : ''}`),
  });
  if (list.error) return <ErrorAlert error={list.error} />;
  if (!list.data) return <Loading />;
  return (
    <Stack gap="xs">
      {/* Counts stop at a cap on large provinces (search.repo.ts): "1000 or more". */}
      <Text size="sm" data-testid="doc-count" role="status">
        {t(list.data.totalCapped ? 'documents.foundMore' : 'documents.found', { n: list.data.total })}{overdue ? ` — ${t('documents.overdueOnly')}` : ''}
      </Text>
      <DocTable items={list.data.items} />
    </Stack>
  );
}

function DraftForm({ incoming }: { incoming?: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [docType, setDocType] = useState<string | null>(incoming ? 'cong_van' : 'quyet_dinh');
  const [summary, setSummary] = useState('');
  const [numberSymbol, setNumberSymbol] = useState('');
  const [issuerName, setIssuerName] = useState('');
  const [recipients, setRecipients] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<Json | null>(null);
  async function submit() {
    setError(null);
    try {
      const f = file ? { name: file.name, data: await b64(file) } : undefined;
      const r = incoming
        ? await post<Json>('/api/documents/incoming', { docType, summary, numberSymbol, issuerName, file: f }, key())
        : await post<Json>('/api/documents/outgoing', { docType, summary, recipients: recipients.split(',').map((s) => s.trim()).filter(Boolean).map((c) => (/^[A-Z0-9-]+$/.test(c) ? { agencyCode: c } : { name: c })), file: f }, key());
      setDone(r);
      void qc.invalidateQueries({ queryKey: ['documents'] });
    } catch (e) {
      setError(e);
    }
  }
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <ErrorAlert error={error} />
        {done && <Alert color="green">{t('documents.created')} <Link to={`/lam-viec/van-ban/${done.id}`}>{done.summary}</Link>{done.duplicates?.length ? ` — ${t('documents.duplicate')}` : ''}</Alert>}
        <Select label={t('documents.type')} data={DOC_TYPES.map((d) => ({ value: d.code, label: d.name }))} value={docType} onChange={setDocType} />
        <Textarea label={t('documents.summary')} value={summary} onChange={(e) => setSummary(e.currentTarget.value)} required />
        {incoming ? (
          <>
            <TextInput label={t('documents.numberSymbol')} value={numberSymbol} onChange={(e) => setNumberSymbol(e.currentTarget.value)} required />
            <TextInput label={t('documents.issuer')} value={issuerName} onChange={(e) => setIssuerName(e.currentTarget.value)} required />
          </>
        ) : (
          <TextInput label={t('documents.recipients')} description={t('documents.recipientsHelp')} value={recipients} onChange={(e) => setRecipients(e.currentTarget.value)} />
        )}
        <FileInput label={t('documents.file')} accept=".pdf,.docx" value={file} onChange={setFile} required={incoming} />
        <Group><Button onClick={submit}>{incoming ? t('documents.receive') : t('documents.createDraft')}</Button></Group>
      </Stack>
    </Paper>
  );
}

function Registers() {
  const { t } = useTranslation();
  const me = useMe();
  const regs = useQuery({ queryKey: ['registers'], queryFn: () => get<Json[]>('/api/documents/registers') });
  if (!regs.data) return <Loading />;
  return (
    <>
    {allows(me.data, 'documents.number') && <Button component={Link} to="/lam-viec/so-van-ban" variant="light" size="xs" w="fit-content" mb="sm">{t('documents.manageRegisters')}</Button>}
    <Table>
      <Table.Tbody>
        {regs.data.map((r) => (
          <Table.Tr key={r.id}>
            <Table.Td>{r.agencyName}</Table.Td>
            <Table.Td>{r.year}</Table.Td>
            <Table.Td>{t(`documents.direction.${r.direction}`)} / {r.sequence}</Table.Td>
            <Table.Td>{r.lastNumber}</Table.Td>
            <Table.Td>
              {(r.direction === 'outgoing' ? ['outgoing'] : ['incoming', 'followup']).map((k) => (
                <Button key={k} component="a" size="xs" variant="light" mr="xs" href={`/api/documents/registers/export?agencyId=${r.agencyId}&year=${r.year}&kind=${k}`}>
                  {t(`documents.export.${k}`)}
                </Button>
              ))}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
    </>
  );
}

const TABS = ['mine', 'incoming', 'outgoing', 'draft', 'receive', 'registers'];

export function DocumentsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [q, setQ] = useState('');
  const clerk = allows(me.data, 'documents.register');
  // Deep links (the operations centre): ?tab=incoming&overdue=1 opens the tab with the overdue filter on.
  const [params, setParams] = useSearchParams();
  const asked = params.get('tab');
  const tab = asked && TABS.includes(asked) ? asked : clerk ? 'incoming' : 'mine';
  const overdue = params.get('overdue') === '1';
  const setParam = (name: string, value: string | null) =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      if (value === null) next.delete(name);
      else next.set(name, value);
      return next;
    }, { replace: true });
  return (
    <Page title={t('documents.title')}>
      <TextInput label={t('app.search')} placeholder={t('documents.searchHelp')} value={q} onChange={(e) => setQ(e.currentTarget.value)} />
      <Switch label={t('documents.overdueOnly')} checked={overdue} onChange={(e) => setParam('overdue', e.currentTarget.checked ? '1' : null)} data-testid="doc-overdue" />
      <Tabs value={tab} onChange={(v) => setParam('tab', v)} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="mine">{t('documents.mine')}</Tabs.Tab>
          <Tabs.Tab value="incoming">{t('documents.incoming')}</Tabs.Tab>
          <Tabs.Tab value="outgoing">{t('documents.outgoing')}</Tabs.Tab>
          {allows(me.data, 'documents.draft') && <Tabs.Tab value="draft">{t('documents.createDraft')}</Tabs.Tab>}
          {clerk && <Tabs.Tab value="receive">{t('documents.receive')}</Tabs.Tab>}
          <Tabs.Tab value="registers">{t('documents.registers')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="mine" pt="md"><DocList box="mine" q={q} overdue={overdue} /></Tabs.Panel>
        <Tabs.Panel value="incoming" pt="md"><DocList box="incoming" q={q} overdue={overdue} /></Tabs.Panel>
        <Tabs.Panel value="outgoing" pt="md"><DocList box="outgoing" q={q} overdue={overdue} /></Tabs.Panel>
        <Tabs.Panel value="draft" pt="md"><DraftForm /></Tabs.Panel>
        <Tabs.Panel value="receive" pt="md"><DraftForm incoming /></Tabs.Panel>
        <Tabs.Panel value="registers" pt="md"><Registers /></Tabs.Panel>
      </Tabs>
    </Page>
  );
}

export function DocumentPage() {
  const { t } = useTranslation();
  const { id } = useParams();
  const qc = useQueryClient();
  const d = useQuery({
    queryKey: ['document', id], queryFn: () => get<Json>(`/api/documents/${id}`),
    // While the scan's text is being recognised, the progress is read again every 3 seconds.
    refetchInterval: (query) => (['queued', 'running'].includes((query.state.data as Json | undefined)?.ocr?.status) ? 3000 : false),
  });
  const [replyId, setReplyId] = useState<string | null>(null);
  const canFinish = !!d.data?.allowedActions.some((a: Json) => a.action === 'finish');
  const replies = useQuery({ queryKey: ['reply-candidates', id], enabled: canFinish, queryFn: () => get<{ items: Json[] }>(`/api/documents?box=outgoing&state=issued,dispatched&limit=50`) });
  const me = useMe();
  const [note, setNote] = useState('');
  const [lead, setLead] = useState<string | null>(null);
  const [days, setDays] = useState<number | string>(5);
  const [error, setError] = useState<unknown>(null);
  const canAssign = allows(me.data, 'documents.incoming.assign') && d.data?.allowedActions.some((a: Json) => a.action === 'assign');
  const handlers = useQuery({ queryKey: ['handlers', id], enabled: !!canAssign, queryFn: () => get<Json[]>(`/api/documents/${id}/handlers`) });
  if (d.error) return <ErrorAlert error={d.error} />;
  if (!d.data) return <Loading />;
  const doc = d.data;
  async function run(fn: () => Promise<unknown>) {
    setError(null);
    try {
      await fn();
      setNote('');
      await qc.invalidateQueries({ queryKey: ['document', id] });
    } catch (e) {
      setError(e);
    }
  }
  const act = (a: string) =>
    run(async () => {
      if (a === 'issue' || a === 'dispatch' || a === 'register') return post(`/api/documents/${id}/${a}`, {}, key());
      if (a === 'assign') return post(`/api/documents/${id}/assign`, { leadId: lead, deadlineDays: Number(days), ...(note ? { note } : {}) }, key());
      return post(`/api/documents/${id}/actions/${a}`, { ...(note ? { note } : {}), ...(a === 'finish' && replyId ? { replyId } : {}) }, key());
    });
  return (
    <Page title={`${doc.docTypeName}${doc.numberSymbol ? ' ' + doc.numberSymbol : ''}`}>
      <ErrorAlert error={error} />
      <Text>{doc.summary}</Text>
      <Group gap="xs">
        <Badge data-testid="doc-state">{doc.stateLabel}</Badge>
        {doc.urgencyMark && <Badge color="red.9">{doc.urgencyMark}</Badge>}
        {doc.secrecyMark && <Badge color="dark">{doc.secrecyMark}</Badge>}
        {doc.registerNumber && <Badge variant="outline">{t('documents.registerNumber')}: {doc.registerNumber}</Badge>}
        {doc.deadline && <Badge variant="outline" color={doc.overdue ? 'red.9' : 'blue.9'}>{t('documents.deadline')}: {fmt(doc.deadline)}{doc.overdue ? ` — ${t('documents.overdue')}` : ''}</Badge>}
      </Group>
      {doc.ocr && (
        <Alert color={doc.ocr.status === 'failed' ? 'orange' : 'blue'} data-testid="doc-ocr" role="status">
          {t(`documents.ocr.${doc.ocr.status}`, { percent: doc.ocr.percent, done: doc.ocr.pagesDone, total: doc.ocr.pagesTotal, error: doc.ocr.error ?? '' })}
        </Alert>
      )}
      {doc.reply && <Text>{t('documents.reply')}: <Link to={`/lam-viec/van-ban/${doc.reply.id}`}>{doc.reply.numberSymbol} — {doc.reply.summary}</Link></Text>}
      {doc.direction === 'incoming' && <EdxmlOrigin id={id!} />}
      {doc.duplicates.length > 0 && <Alert color="orange" role="alert">{t('documents.duplicate')}: {doc.duplicates.map((x: Json) => `${x.numberSymbol} (${x.registerNumber ?? '—'})`).join(', ')}</Alert>}
      {doc.currentVersionId && <Button component="a" variant="light" href={`/api/documents/${id}/pdf`} target="_blank" w="fit-content">{t('documents.openPdf')}</Button>}
      {doc.allowedActions.some((a: Json) => a.action === 'sign') && (
        <SignPanel docId={id!} onSigned={() => void qc.invalidateQueries({ queryKey: ['document', id] })} />
      )}
      <Paper withBorder p="md">
        <Stack gap="xs">
          <Textarea label={t('documents.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
          {canFinish && replies.data && (
            <Select
              label={t('documents.reply')} description={t('documents.replyHelp')} clearable searchable w="fit-content" miw={320}
              data={replies.data.items.map((r) => ({ value: r.id, label: `${r.numberSymbol ?? ''} — ${r.summary}` }))} value={replyId} onChange={setReplyId}
            />
          )}
          {canAssign && handlers.data && (
            <Group align="end">
              <Select label={t('documents.lead')} data={handlers.data.map((h) => ({ value: h.id, label: h.name }))} value={lead} onChange={setLead} />
              <NumberInput label={t('documents.deadlineDays')} min={1} max={365} value={days} onChange={setDays} />
            </Group>
          )}
          <Group>
            {doc.allowedActions.filter((a: Json) => a.action !== 'sign').map((a: Json) => (
              <Button key={a.action} variant={a.special ? 'filled' : 'default'} onClick={() => act(a.action)}>{a.label}</Button>
            ))}
          </Group>
        </Stack>
      </Paper>
      <Text fw={700}>{t('documents.versions')}</Text>
      <Table>
        <Table.Tbody>
          {doc.versions.map((v: Json) => (
            <Table.Tr key={v.id}>
              <Table.Td>{v.seq}. {t(`documents.kind.${v.kind}`)}</Table.Td>
              <Table.Td>{v.by} — {fmt(v.at)}</Table.Td>
              <Table.Td>{v.indication && <Badge color={v.indication === 'TOTAL_PASSED' ? 'teal.9' : 'yellow.4'} autoContrast>{v.indication}</Badge>} {v.signatures.map((s: Json) => s.signer).join(', ')}</Table.Td>
              <Table.Td><a href={`/api/documents/${id}/pdf?version=${v.id}`}>PDF</a></Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {doc.recipients.length > 0 && (
        <>
          <Text fw={700}>{t('documents.recipients')}</Text>
          <Recipients items={doc.recipients} />
        </>
      )}
      {doc.history.some((h: Json) => h.action === 'comment') && (
        <>
          <Text fw={700}>{t('documents.opinions')}</Text>
          <ul data-testid="doc-opinions">{doc.history.filter((h: Json) => h.action === 'comment').map((h: Json) => <li key={h.seq}>{fmt(h.at)} — {h.actor}: {h.note}</li>)}</ul>
        </>
      )}
      <Text fw={700}>{t('documents.history')}</Text>
      <ul>{doc.history.map((h: Json) => <li key={h.seq}>{fmt(h.at)} — {h.actor}: {h.label}{h.note ? ` (${h.note})` : ''}</li>)}</ul>
    </Page>
  );
}

export function VerifyPdfPage() {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<Json | null>(null);
  const [error, setError] = useState<unknown>(null);
  async function check() {
    setError(null);
    setReport(null);
    try {
      if (file) setReport(await api<Json>('POST', '/api/documents/verify', new Blob([await file.arrayBuffer()], { type: 'application/pdf' })));
    } catch (e) {
      setError(e);
    }
  }
  return (
    <Page title={t('documents.verifyTitle')}>
      <Text>{t('documents.verifyHelp')}</Text>
      <FileInput label={t('documents.file')} accept=".pdf" value={file} onChange={setFile} />
      <Group><Button onClick={check} disabled={!file}>{t('documents.verify')}</Button></Group>
      <ErrorAlert error={error} />
      {report && (
        <Stack>
          <Alert color={report.indication === 'TOTAL_PASSED' ? 'green' : 'orange'} data-testid="verify-result">{report.indication}</Alert>
          {report.signatures.map((s: Json) => (
            <Paper key={s.index} withBorder p="md">
              <Text fw={700}>{s.signer?.commonName} — {s.signer?.organisation}</Text>
              <Text size="sm">{s.format} · {s.claimedSigningTime}</Text>
              <Text size="sm">{s.indication}{s.subIndication ? ` / ${s.subIndication}` : ''}: {s.message.vi}</Text>
            </Paper>
          ))}
        </Stack>
      )}
    </Page>
  );
}
