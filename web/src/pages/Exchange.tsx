import { Alert, Badge, Button, Code, Group, Modal, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post } from '../api';
import { Empty, ErrorAlert, fieldError, Loading, Page, TableScroll } from '../ui';

/**
 * Data exchange screens: the data owner answers partners' access requests
 * (within 2 working days, or refuses with reasons); the system administrator
 * keeps the partner registry, follows each partner's webhook subscriptions and
 * deliveries (and replays one), and reads the exchange log's figures.
 */

interface Grant {
  id: string;
  scope: string;
  ownerAgency: { code: string; name: string };
  purpose: string;
  status: 'pending' | 'granted' | 'refused' | 'revoked';
  requestedAt: string;
  dueAt: string;
  decidedAt: string | null;
  reason: string | null;
  partner: { identifier: string; agencyName: string; systemName: string } | null;
}
interface Partner { id: string; identifier: string; agencyName: string; systemName: string; contactName: string; contactEmail: string; active: boolean; createdAt: string }
interface Subscription { id: string; eventType: string; url: string; signature: 'hmac' | 'jws'; active: boolean; createdAt: string; delivered: number; failing: number; pending: number }
interface Delivery {
  id: string; eventId: string; eventType: string; status: 'pending' | 'delivered' | 'failing'; attempts: number; lastStatus: number | null; lastError: string | null; createdAt: string; deliveredAt: string | null;
  replays?: number; replayPending?: boolean;
}
interface Figure { partnerId: string; kind: string; total: number; errors: number; avgMs: number; p95Ms: number }

const STATUS_COLOR: Record<string, string> = { pending: 'blue.9', granted: 'teal.9', refused: 'red.9', revoked: 'gray.7', delivered: 'teal.9', failing: 'red.9' };
const when = (s: string | null, lang: string) => (s ? new Date(s).toLocaleString(lang === 'en' ? 'en-GB' : 'vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'short', timeStyle: 'short' }) : '—');

// ——— The data owner: access requests ———

export function ExchangeGrantsPage() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [status, setStatus] = useState<'pending' | 'granted' | 'refused'>('pending');
  const q = useQuery({ queryKey: ['exchange-grants', status], queryFn: () => get<{ items: Grant[] }>(`/api/exchange/grants?status=${status}`) });
  const [refusing, setRefusing] = useState<Grant | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  async function decide(g: Grant, decision: 'grant' | 'refuse') {
    setError(null);
    try {
      await post(`/api/exchange/grants/${g.id}/decision`, decision === 'grant' ? { decision } : { decision, reason });
      setDone(t(decision === 'grant' ? 'exchange.grantedMsg' : 'exchange.refusedMsg', { system: g.partner?.systemName ?? '' }));
      setRefusing(null);
      setReason('');
      void qc.invalidateQueries({ queryKey: ['exchange-grants'] });
    } catch (e) {
      setError(e);
    }
  }

  return (
    <Page title={t('exchange.grantsTitle')}>
      <Text>{t('exchange.grantsIntro')}</Text>
      <SegmentedControl
        aria-label={t('exchange.status')}
        value={status}
        onChange={(v) => setStatus(v as typeof status)}
        data={(['pending', 'granted', 'refused'] as const).map((s) => ({ value: s, label: t(`exchange.grantStatus.${s}`) }))}
      />
      {done && <Alert color="teal" role="status">{done}</Alert>}
      <ErrorAlert error={error ?? q.error} />
      {q.isLoading || !q.data ? <Loading /> : q.data.items.length === 0 ? <Empty /> : (
        <TableScroll label={t('exchange.grantsTitle')} minWidth={900}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('exchange.partner')}</Table.Th>
                <Table.Th>{t('exchange.scope')}</Table.Th>
                <Table.Th>{t('exchange.purpose')}</Table.Th>
                <Table.Th>{t('exchange.requestedAt')}</Table.Th>
                <Table.Th>{t('exchange.dueAt')}</Table.Th>
                <Table.Th>{t('exchange.status')}</Table.Th>
                <Table.Th>{t('app.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {q.data.items.map((g) => {
                const overdue = g.status === 'pending' && new Date(g.dueAt).getTime() < Date.now();
                return (
                  <Table.Tr key={g.id} data-testid={`grant-${g.id}`}>
                    <Table.Td>
                      <Text fw={600}>{g.partner?.systemName}</Text>
                      <Text size="sm">{g.partner?.agencyName}</Text>
                      <Code>{g.partner?.identifier}</Code>
                    </Table.Td>
                    <Table.Td>{t(`exchange.scopes.${g.scope}`, { defaultValue: g.scope })}<Text size="sm" c="dimmed">{g.ownerAgency.name}</Text></Table.Td>
                    <Table.Td>{g.purpose}</Table.Td>
                    <Table.Td>{when(g.requestedAt, i18n.language)}</Table.Td>
                    <Table.Td>
                      <Text data-testid="grant-due">{when(g.dueAt, i18n.language)}</Text>
                      <Text size="sm">{overdue ? <Badge color="red.9" autoContrast>{t('exchange.overdue')}</Badge> : t('exchange.dueRule')}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge color={STATUS_COLOR[g.status]} autoContrast>{t(`exchange.grantStatus.${g.status}`)}</Badge>
                      {g.reason && <Text size="sm">{g.reason}</Text>}
                    </Table.Td>
                    <Table.Td>
                      {g.status === 'pending' && (
                        <Group gap="xs" wrap="nowrap">
                          <Button size="compact-sm" color="teal.9" onClick={() => decide(g, 'grant')}>{t('exchange.approve')}</Button>
                          <Button size="compact-sm" color="red.9" variant="outline" onClick={() => { setRefusing(g); setError(null); }}>{t('exchange.refuse')}</Button>
                        </Group>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </TableScroll>
      )}
      <Modal opened={!!refusing} onClose={() => setRefusing(null)} title={t('exchange.refuseTitle')}>
        <form onSubmit={(e: FormEvent) => { e.preventDefault(); if (refusing) void decide(refusing, 'refuse'); }}>
          <Stack>
            <Text size="sm">{refusing?.partner?.systemName} — {refusing && t(`exchange.scopes.${refusing.scope}`, { defaultValue: refusing.scope })}</Text>
            <Textarea label={t('exchange.reason')} description={t('exchange.reasonHint')} required minRows={3} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={fieldError(error, 'reason')} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setRefusing(null)}>{t('app.cancel')}</Button>
              <Button type="submit" color="red.9">{t('exchange.refuse')}</Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Page>
  );
}

// ——— The system administrator: registry, subscriptions, deliveries, figures ———

const today = () => new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() + 7 * 3_600_000 - n * 86_400_000).toISOString().slice(0, 10);

export function ExchangePartnersPage() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const partners = useQuery({ queryKey: ['exchange-partners'], queryFn: () => get<{ items: Partner[] }>('/api/admin/exchange/partners') });
  const [selected, setSelected] = useState<Partner | null>(null);
  const [subscription, setSubscription] = useState<Subscription | null>(null);
  const subs = useQuery({ queryKey: ['exchange-subs', selected?.id], enabled: !!selected, queryFn: () => get<{ items: Subscription[] }>(`/api/admin/exchange/partners/${selected!.id}/subscriptions`) });
  const deliveries = useQuery({
    queryKey: ['exchange-deliveries', subscription?.id], enabled: !!subscription, refetchInterval: 3000,
    queryFn: () => get<{ items: Delivery[] }>(`/api/admin/exchange/subscriptions/${subscription!.id}/deliveries`),
  });
  const [range, setRange] = useState({ from: daysAgo(30), to: today() });
  const figures = useQuery({ queryKey: ['exchange-figures', range], queryFn: () => get<{ items: Figure[] }>(`/api/admin/exchange/figures?from=${range.from}&to=${range.to}`) });
  const [verify, setVerify] = useState<{ ok: boolean; checked: number; brokenAt?: number; reason?: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<{ clientId: string; clientSecret: string } | null>(null);
  const [form, setForm] = useState({ memberClass: 'GOV', memberCode: '', subsystem: '', agencyName: '', systemName: '', contactName: '', contactEmail: '' });
  const [replayed, setReplayed] = useState<{ id: string; queued: boolean } | null>(null);

  async function register(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const r = await post<{ clientId: string; clientSecret: string }>('/api/admin/exchange/partners', form);
      setCreated(r);
      setForm({ memberClass: 'GOV', memberCode: '', subsystem: '', agencyName: '', systemName: '', contactName: '', contactEmail: '' });
      void qc.invalidateQueries({ queryKey: ['exchange-partners'] });
    } catch (err) {
      setError(err);
    }
  }
  async function replay(d: Delivery) {
    setError(null);
    try {
      // One key per click: a retried request (network) is answered as the first and sends nothing more.
      const r = await post<{ queued: boolean }>(`/api/admin/exchange/deliveries/${d.id}/replay`, {}, { 'idempotency-key': `replay-${crypto.randomUUID()}` });
      setReplayed({ id: d.id, queued: r.queued });
      void qc.invalidateQueries({ queryKey: ['exchange-deliveries'] });
    } catch (err) {
      setError(err);
    }
  }
  const nameOf = (id: string) => partners.data?.items.find((p) => p.id === id)?.systemName ?? id;
  const field = (name: keyof typeof form, required = true) => (
    <TextInput label={t(`exchange.form.${name}`)} required={required} value={form[name]} onChange={(e) => setForm({ ...form, [name]: e.currentTarget.value })} error={fieldError(error, name)} />
  );

  return (
    <Page title={t('exchange.partnersTitle')}>
      <ErrorAlert error={error ?? partners.error} />
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">{t('exchange.register')}</Title>
        <form onSubmit={register}>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            {field('memberClass')}
            {field('memberCode')}
            {field('subsystem')}
            {field('agencyName')}
            {field('systemName')}
            {field('contactName')}
            {field('contactEmail')}
          </SimpleGrid>
          <Button type="submit" mt="sm">{t('exchange.register')}</Button>
        </form>
        {created && (
          <Alert color="yellow.4" mt="sm" title={t('exchange.secretOnce')} role="status" styles={{ root: { color: 'black' }, title: { color: 'black' } }}>
            <Text c="black">client_id: <Code data-testid="client-id">{created.clientId}</Code></Text>
            <Text c="black">client_secret: <Code data-testid="client-secret">{created.clientSecret}</Code></Text>
          </Alert>
        )}
      </Paper>

      <Title order={2} size="h3">{t('exchange.registry')}</Title>
      {partners.isLoading || !partners.data ? <Loading /> : partners.data.items.length === 0 ? <Empty /> : (
        <TableScroll label={t('exchange.registry')} minWidth={800}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('exchange.identifier')}</Table.Th>
                <Table.Th>{t('exchange.partner')}</Table.Th>
                <Table.Th>{t('exchange.contact')}</Table.Th>
                <Table.Th>{t('exchange.createdAt')}</Table.Th>
                <Table.Th>{t('app.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {partners.data.items.map((p) => (
                <Table.Tr key={p.id}>
                  <Table.Td><Code>{p.identifier}</Code></Table.Td>
                  <Table.Td><Text fw={600}>{p.systemName}</Text><Text size="sm">{p.agencyName}</Text></Table.Td>
                  <Table.Td>{p.contactName}<Text size="sm">{p.contactEmail}</Text></Table.Td>
                  <Table.Td>{when(p.createdAt, i18n.language)}</Table.Td>
                  <Table.Td>
                    <Button size="compact-sm" variant={selected?.id === p.id ? 'filled' : 'light'} onClick={() => { setSelected(p); setSubscription(null); }}>
                      {t('exchange.subscriptions')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      )}

      {selected && (
        <Stack>
          <Title order={2} size="h3">{t('exchange.subscriptionsOf', { system: selected.systemName })}</Title>
          {subs.isLoading || !subs.data ? <Loading /> : subs.data.items.length === 0 ? <Empty /> : (
            <TableScroll label={t('exchange.subscriptions')} minWidth={800}>
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('exchange.eventType')}</Table.Th>
                    <Table.Th>{t('exchange.url')}</Table.Th>
                    <Table.Th>{t('exchange.signature')}</Table.Th>
                    <Table.Th>{t('exchange.deliveryCounts')}</Table.Th>
                    <Table.Th>{t('app.actions')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {subs.data.items.map((s) => (
                    <Table.Tr key={s.id}>
                      <Table.Td><Code>{s.eventType}</Code></Table.Td>
                      <Table.Td style={{ wordBreak: 'break-all' }}>{s.url}</Table.Td>
                      <Table.Td>{s.signature.toUpperCase()}</Table.Td>
                      <Table.Td>{t('exchange.counts', { delivered: s.delivered, failing: s.failing, pending: s.pending })}</Table.Td>
                      <Table.Td>
                        <Button size="compact-sm" variant={subscription?.id === s.id ? 'filled' : 'light'} onClick={() => setSubscription(s)}>{t('exchange.history')}</Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
          )}
        </Stack>
      )}

      {subscription && (
        <Stack>
          <Title order={2} size="h3">{t('exchange.historyOf', { event: subscription.eventType })}</Title>
          {replayed && <Alert color="teal" role="status">{t(replayed.queued ? 'exchange.replayed' : 'exchange.replayWaiting')}</Alert>}
          {deliveries.isLoading || !deliveries.data ? <Loading /> : deliveries.data.items.length === 0 ? <Empty /> : (
            <TableScroll label={t('exchange.history')} minWidth={900}>
              <Table striped data-testid="delivery-history">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('exchange.createdAt')}</Table.Th>
                    <Table.Th>{t('exchange.eventType')}</Table.Th>
                    <Table.Th>{t('exchange.status')}</Table.Th>
                    <Table.Th>{t('exchange.attempts')}</Table.Th>
                    <Table.Th>{t('exchange.lastStatus')}</Table.Th>
                    <Table.Th>{t('exchange.lastError')}</Table.Th>
                    <Table.Th>{t('app.actions')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {deliveries.data.items.map((d) => (
                    <Table.Tr key={d.id} data-testid="delivery-row">
                      <Table.Td>{when(d.createdAt, i18n.language)}</Table.Td>
                      <Table.Td><Code>{d.eventType}</Code></Table.Td>
                      <Table.Td><Badge color={STATUS_COLOR[d.status] ?? 'gray.7'} autoContrast>{t(`exchange.deliveryStatus.${d.status}`)}</Badge></Table.Td>
                      <Table.Td data-testid="delivery-attempts">{d.attempts}{d.replays ? ` (${t('exchange.replays', { n: d.replays })})` : ''}</Table.Td>
                      <Table.Td>{d.lastStatus ?? '—'}</Table.Td>
                      <Table.Td style={{ wordBreak: 'break-word' }}>{d.lastError ?? '—'}</Table.Td>
                      <Table.Td><Button size="compact-sm" onClick={() => replay(d)} disabled={d.replayPending}>{t(d.replayPending ? 'exchange.replayPending' : 'exchange.replay')}</Button></Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
          )}
        </Stack>
      )}

      <Title order={2} size="h3">{t('exchange.figures')}</Title>
      <Group align="flex-end">
        <TextInput type="date" label={t('exchange.from')} value={range.from} onChange={(e) => setRange({ ...range, from: e.currentTarget.value })} />
        <TextInput type="date" label={t('exchange.to')} value={range.to} onChange={(e) => setRange({ ...range, to: e.currentTarget.value })} />
        <Button variant="default" onClick={async () => setVerify(await get('/api/admin/exchange/log/verify'))}>{t('exchange.verify')}</Button>
      </Group>
      {verify && (
        <Alert color={verify.ok ? 'teal' : 'red'} role="status">
          {verify.ok ? t('exchange.chainOk', { n: verify.checked }) : t('exchange.chainBroken', { at: verify.brokenAt, reason: verify.reason })}
        </Alert>
      )}
      {figures.isLoading || !figures.data ? <Loading /> : figures.data.items.length === 0 ? <Empty /> : (
        <TableScroll label={t('exchange.figures')} minWidth={700}>
          <Table striped data-testid="exchange-figures">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('exchange.partner')}</Table.Th>
                <Table.Th>{t('exchange.kind')}</Table.Th>
                <Table.Th>{t('exchange.total')}</Table.Th>
                <Table.Th>{t('exchange.errors')}</Table.Th>
                <Table.Th>{t('exchange.avgMs')}</Table.Th>
                <Table.Th>{t('exchange.p95Ms')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {figures.data.items.map((f) => (
                <Table.Tr key={`${f.partnerId}-${f.kind}`}>
                  <Table.Td>{nameOf(f.partnerId)}</Table.Td>
                  <Table.Td>{t(`exchange.kinds.${f.kind}`, { defaultValue: f.kind })}</Table.Td>
                  <Table.Td>{f.total.toLocaleString('vi-VN')}</Table.Td>
                  <Table.Td>{f.errors > 0 ? <Text c="red.9" fw={700} span>{f.errors}</Text> : 0}</Table.Td>
                  <Table.Td>{f.avgMs}</Table.Td>
                  <Table.Td>{f.p95Ms}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      )}
    </Page>
  );
}
