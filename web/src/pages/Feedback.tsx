import { Alert, Anchor, Badge, Button, Checkbox, Group, NumberInput, Paper, Select, SimpleGrid, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { allows, ApiError, get, patch, post, put, upload } from '../api';
import { useMe } from '../auth';
import { fmtDate } from '../dossiers';
import { Empty, ErrorAlert, fieldError, Loading, Page } from '../ui';

/**
 * Feedback and petitions: report with a map (boundaries drawn from the imported
 * GeoJSON, no tile server), the public pages, the officials' queue and case view.
 */

interface Category { code: string; name: string; kind: string; urgent: boolean }
interface ReportView {
  id: string; code: string; kind: string; category: { code: string; name: string }; title: string; body: string;
  location: { lat: number; lon: number } | null; address: string | null; unitCode: string | null; channel: string;
  reporterName: string | null; reporterContact: { phone: string | null; email: string | null } | null; reporterId: string | null; hidden: boolean;
  answerFiles: { name: string; url: string }[];
  state: string; stateLabel: string; dueAt: string | null; overdue: boolean; escalationLevel: number; answer: string | null;
  publishedAt: string | null; rating: { value: string; reason: string | null } | null; createdAt: string;
  photos: { position: number; url: string; kind: 'photo' | 'video'; status: string }[]; version: number; allowedActions: { action: string; label: string }[];
  history: { seq: number; label: string; toLabel: string; actor: string | null; at: string; note: string | null }[];
  clocks: { step: string; dueAt: string; pausedAt: string | null; stoppedAt: string | null; breachedAt: string | null }[];
}
interface PublicReport { code: string; category: { name: string }; title: string; body: string; location: { lat: number; lon: number } | null; reporterName: string | null; stateLabel: string; createdAt: string; answer: string | null; publishedAt: string | null; photos: { url: string; kind: 'photo' | 'video' }[]; answerFiles: { name: string; url: string }[]; followers: number }

/** A report's photos and videos (a video still being re-encoded is announced, not shown). */
function Media({ items }: { items: { url: string; kind: 'photo' | 'video'; status?: string }[] }) {
  const { t } = useTranslation();
  return (
    <>
      {items.map((p, i) => p.kind === 'video'
        ? p.status && p.status !== 'ready'
          ? <Text key={p.url} size="sm" c="dimmed">{p.status === 'failed' ? t('feedback.videoFailed') : t('feedback.videoProcessing')}</Text>
          : <video key={p.url} src={p.url} controls preload="metadata" style={{ maxWidth: '100%', maxHeight: 360 }} aria-label={t('feedback.videoAlt', { n: i + 1 })} />
        : <img key={p.url} src={p.url} alt={t('feedback.photoAlt', { n: i + 1 })} style={{ maxWidth: '100%', maxHeight: 360 }} />)}
    </>
  );
}
interface Summary { id: string; code: string; title: string; stateLabel: string; unitCode: string | null; createdAt: string; dueAt: string | null; overdue: boolean; escalationLevel: number }

const key = () => `k-${crypto.randomUUID()}`;

/** A map of the province with its communes; `onPick` receives a clicked point. */
function BoundaryMap({ point, onPick, markers = [], label }: { point?: { lat: number; lon: number } | null; onPick?: (p: { lat: number; lon: number }) => void; markers?: { lat: number; lon: number; title: string }[]; label: string }) {
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const pin = useRef<L.CircleMarker | null>(null);
  const boundaries = useQuery({ queryKey: ['feedback', 'boundaries'], queryFn: () => get<GeoJSON.FeatureCollection>('/api/feedback/boundaries'), staleTime: 3_600_000 });
  useEffect(() => {
    if (!el.current || map.current) return;
    map.current = L.map(el.current, { attributionControl: false, zoomSnap: 0.25 }).setView([20.35, 106.05], 9);
    return () => {
      map.current?.remove();
      map.current = null;
    };
  }, []);
  useEffect(() => {
    const m = map.current;
    if (!m || !boundaries.data?.features?.length) return;
    const layer = L.geoJSON(boundaries.data, {
      style: (f) => (f?.properties?.level === 'province' ? { color: '#7f1d1d', weight: 2, fill: false } : { color: '#475569', weight: 1, fillColor: '#e2e8f0', fillOpacity: 0.5 }),
      onEachFeature: (f, l) => l.bindTooltip(String(f.properties?.name ?? '')),
    }).addTo(m);
    m.fitBounds(layer.getBounds());
    if (onPick) m.on('click', (e: L.LeafletMouseEvent) => onPick({ lat: Number(e.latlng.lat.toFixed(6)), lon: Number(e.latlng.lng.toFixed(6)) }));
    return () => {
      layer.remove();
      m.off('click');
    };
  }, [boundaries.data, onPick]);
  useEffect(() => {
    const m = map.current;
    if (!m) return;
    pin.current?.remove();
    if (point) pin.current = L.circleMarker([point.lat, point.lon], { radius: 8, color: '#b91c1c', fillOpacity: 0.9 }).addTo(m);
  }, [point]);
  useEffect(() => {
    const m = map.current;
    if (!m) return;
    const ls = markers.map((p) => L.circleMarker([p.lat, p.lon], { radius: 6, color: '#1d4ed8' }).bindTooltip(p.title).addTo(m));
    return () => ls.forEach((l) => l.remove());
  }, [markers]);
  return <div ref={el} role="application" aria-label={label} style={{ height: 360, width: '100%', background: '#f8fafc', borderRadius: 8 }} />;
}

/** Proves an email address with a one-time code, for people who report without an account. */
function ContactVerify({ onVerified }: { onVerified: (token: string, email: string) => void }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [pending, setPending] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [err, setErr] = useState<unknown>(null);
  async function ask(e: FormEvent) {
    e.preventDefault();
    setErr(null);
    try {
      setPending((await post<{ id: string }>('/api/feedback/contacts', { email })).id);
    } catch (x) {
      setErr(x);
    }
  }
  async function check(e: FormEvent) {
    e.preventDefault();
    setErr(null);
    try {
      const r = await post<{ token: string; email: string }>(`/api/feedback/contacts/${pending}/confirm`, { code });
      onVerified(r.token, r.email);
    } catch (x) {
      setErr(x);
    }
  }
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="contact-title">
      <Title order={2} size="h4" id="contact-title">{t('feedback.noAccountTitle')}</Title>
      <Text size="sm" mb="sm">{t('feedback.noAccountText')} <Anchor component={Link} to="/dang-nhap?sau=/phan-anh/gui">{t('feedback.signInInstead')}</Anchor></Text>
      {!pending ? (
        <form onSubmit={ask} noValidate aria-label={t('feedback.sendCode')}>
          <Group align="flex-end" wrap="wrap">
            <TextInput label={t('feedback.email')} type="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={fieldError(err, 'email')} w={320} maw="100%" />
            <Button type="submit">{t('feedback.sendCode')}</Button>
          </Group>
        </form>
      ) : (
        <form onSubmit={check} noValidate aria-label={t('feedback.confirmCode')}>
          <Group align="flex-end" wrap="wrap">
            <TextInput label={t('feedback.code6')} description={t('feedback.codeSent', { email })} required value={code} onChange={(e) => setCode(e.currentTarget.value)} error={fieldError(err, 'code')} w={320} maw="100%" inputMode="numeric" autoComplete="one-time-code" />
            <Button type="submit">{t('feedback.confirmCode')}</Button>
          </Group>
        </form>
      )}
      {err instanceof ApiError && !err.fields.length ? <ErrorAlert error={err} /> : null}
    </Paper>
  );
}

export function ReportFormPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [contact, setContact] = useState<{ token: string; email: string } | null>(null);
  const [reporterName, setReporterName] = useState('');
  const cats = useQuery({ queryKey: ['feedback', 'categories'], queryFn: () => get<Category[]>('/api/feedback/categories') });
  const [category, setCategory] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [point, setPoint] = useState<{ lat: number; lon: number } | null>(null);
  const [address, setAddress] = useState('');
  const [showName, setShowName] = useState(false);
  const [keepLocation, setKeepLocation] = useState(false);
  const [files, setFiles] = useState<File[]>([]);
  const [video, setVideo] = useState<File | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<ReportView | null>(null);
  const nearby = useQuery({
    queryKey: ['feedback', 'nearby', point?.lat, point?.lon, category],
    queryFn: () => get<{ code: string; title: string; distance: number; stateLabel: string }[]>(`/api/feedback/nearby?lat=${point!.lat}&lon=${point!.lon}&category=${category}`),
    enabled: !!point && !!category,
  });
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const photos = await Promise.all(files.map(async (f) => ({ name: f.name, data: await toBase64(f) })));
      const videos = video ? [{ name: video.name, data: await toBase64(video) }] : [];
      const r = await post<ReportView>('/api/feedback/reports', {
        categoryCode: category ?? '', title, body, ...(point ? point : {}), address: address || null, showName, keepPhotoLocation: keepLocation, photos, videos,
        ...(contact ? { reporter: { name: reporterName } } : {}),
      }, { 'idempotency-key': key(), ...(contact ? { 'x-contact-token': contact.token } : {}) });
      setDone(r);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  if (done) {
    return (
      <Page title={t('feedback.sentTitle')}>
        <Alert color="green" role="status" data-testid="report-sent">
          {t('feedback.sent', { code: done.code })} {done.unitCode ? t('feedback.routedTo', { unit: done.unitCode }) : ''}
        </Alert>
        {contact && <Text>{t('feedback.weWillMail', { email: contact.email })}</Text>}
        <Group>
          {me.data && <Button component={Link} to={`/phan-anh/cua-toi/${done.id}`}>{t('feedback.follow')}</Button>}
          <Button variant="default" onClick={() => { setDone(null); setTitle(''); setBody(''); setFiles([]); }}>{t('feedback.another')}</Button>
        </Group>
      </Page>
    );
  }
  if (me.isLoading) return <Loading />;
  if (!me.data && !contact) {
    return (
      <Page title={t('feedback.newTitle')}>
        <Text>{t('feedback.newIntro')}</Text>
        <ContactVerify onVerified={(token, email) => setContact({ token, email })} />
      </Page>
    );
  }
  return (
    <Page title={t('feedback.newTitle')}>
      <Text>{t('feedback.newIntro')}</Text>
      <form onSubmit={submit} noValidate aria-label={t('feedback.newTitle')}>
        <Stack>
          {contact && <TextInput label={t('feedback.yourName')} description={t('feedback.verifiedAs', { email: contact.email })} required value={reporterName} onChange={(e) => setReporterName(e.currentTarget.value)} error={fieldError(error, 'reporter.name')} />}
          <Select label={t('feedback.category')} required data={(cats.data ?? []).map((c) => ({ value: c.code, label: c.urgent ? `${c.name} — ${t('feedback.urgent')}` : c.name }))} value={category} onChange={setCategory} error={fieldError(error, 'categoryCode')} searchable />
          <TextInput label={t('feedback.titleLabel')} required value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={fieldError(error, 'title')} maxLength={200} />
          <Textarea label={t('feedback.body')} required minRows={4} autosize value={body} onChange={(e) => setBody(e.currentTarget.value)} error={fieldError(error, 'body')} maxLength={5000} />
          <Text fw={600} component="h2" size="md">{t('feedback.where')}</Text>
          <Text size="sm" c="dimmed">{t('feedback.whereHelp')}</Text>
          <BoundaryMap point={point} onPick={setPoint} label={t('feedback.mapLabel')} />
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <NumberInput label={t('feedback.lat')} value={point?.lat ?? ''} decimalScale={6} onChange={(v) => setPoint((p) => (v === '' ? null : { lat: Number(v), lon: p?.lon ?? 0 }))} error={fieldError(error, 'lat')} />
            <NumberInput label={t('feedback.lon')} value={point?.lon ?? ''} decimalScale={6} onChange={(v) => setPoint((p) => (v === '' ? null : { lat: p?.lat ?? 0, lon: Number(v) }))} error={fieldError(error, 'lon')} />
            <TextInput label={t('feedback.address')} value={address} onChange={(e) => setAddress(e.currentTarget.value)} error={fieldError(error, 'address')} />
          </SimpleGrid>
          {nearby.data && nearby.data.length > 0 && (
            <Alert color="blue" title={t('feedback.nearbyTitle')} role="status">
              <Stack gap={4}>
                {nearby.data.map((n) => (
                  <Anchor key={n.code} component={Link} to={`/phan-anh/${n.code}`}>{n.code} — {n.title} ({n.distance} m, {n.stateLabel})</Anchor>
                ))}
              </Stack>
            </Alert>
          )}
          <div>
            <label htmlFor="report-photos"><Text fw={500} size="sm">{t('feedback.photos')}</Text></label>
            <input id="report-photos" type="file" accept="image/jpeg,image/png,image/webp" multiple onChange={(e) => setFiles(Array.from(e.currentTarget.files ?? []).slice(0, 5))} />
            {fieldError(error, 'photos.0') && <Text c="red" size="sm" role="alert">{fieldError(error, 'photos.0')}</Text>}
          </div>
          <div>
            <label htmlFor="report-video"><Text fw={500} size="sm">{t('feedback.video')}</Text></label>
            <input id="report-video" type="file" accept="video/mp4,video/quicktime,video/webm" onChange={(e) => setVideo(e.currentTarget.files?.[0] ?? null)} />
            {fieldError(error, 'videos.0') && <Text c="red" size="sm" role="alert">{fieldError(error, 'videos.0')}</Text>}
          </div>
          <Checkbox label={t('feedback.showName')} checked={showName} onChange={(e) => setShowName(e.currentTarget.checked)} />
          <Checkbox label={t('feedback.keepLocation')} checked={keepLocation} onChange={(e) => setKeepLocation(e.currentTarget.checked)} />
          {error instanceof ApiError && !error.fields.length ? <ErrorAlert error={error} /> : error instanceof ApiError ? <Alert color="red" role="alert">{error.detail}</Alert> : null}
          <Group><Button type="submit" loading={busy}>{t('feedback.send')}</Button></Group>
        </Stack>
      </form>
    </Page>
  );
}

function toBase64(f: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(f);
  });
}

export function PublicReportsPage() {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const list = useQuery({ queryKey: ['feedback', 'public', q], queryFn: () => get<{ items: PublicReport[]; total: number }>(`/api/feedback/public?q=${encodeURIComponent(q)}`) });
  const [status, setStatus] = useState<'answered' | 'open'>('answered');
  const points = useQuery({
    queryKey: ['feedback', 'map', status],
    queryFn: () => get<{ code: string; title: string; lat: number; lon: number }[]>(`/api/feedback/map?bbox=102,8,110,24&status=${status}&limit=2000`),
  });
  return (
    <Page title={t('feedback.publicTitle')}>
      <Group><Button component={Link} to="/phan-anh/gui">{t('feedback.newTitle')}</Button></Group>
      <Select label={t('feedback.mapShows')} w={260} value={status} onChange={(v) => setStatus((v as 'answered' | 'open') ?? 'answered')} allowDeselect={false}
        data={[{ value: 'answered', label: t('feedback.mapAnswered') }, { value: 'open', label: t('feedback.mapOpen') }]} />
      <BoundaryMap markers={(points.data ?? []).map((p) => ({ lat: p.lat, lon: p.lon, title: `${p.code} — ${p.title}` }))} label={t('feedback.publicMap')} />
      <TextInput label={t('feedback.search')} value={q} onChange={(e) => setQ(e.currentTarget.value)} w={360} maw="100%" />
      {list.isLoading && <Loading />}
      <ErrorAlert error={list.error} />
      {list.data && (list.data.items.length ? (
        <Stack>
          {list.data.items.map((r) => (
            <Paper key={r.code} withBorder p="sm">
              <Anchor component={Link} to={`/phan-anh/${r.code}`} fw={600}>{r.code} — {r.title}</Anchor>
              <Text size="sm" c="dimmed">{r.category.name} · {fmtDate(r.publishedAt)}</Text>
            </Paper>
          ))}
        </Stack>
      ) : <Empty />)}
    </Page>
  );
}

export function PublicReportPage() {
  const { t } = useTranslation();
  const { code = '' } = useParams();
  const me = useMe();
  const qc = useQueryClient();
  const r = useQuery({ queryKey: ['feedback', 'public', code], queryFn: () => get<PublicReport>(`/api/feedback/public/${encodeURIComponent(code)}`) });
  const [err, setErr] = useState<unknown>(null);
  if (r.isLoading) return <Loading />;
  if (!r.data) return <Page title={code}><ErrorAlert error={r.error} /></Page>;
  const d = r.data;
  return (
    <Page title={`${d.code} — ${d.title}`}>
      <Text size="sm" c="dimmed">{d.category.name} · {fmtDate(d.createdAt)} · {d.reporterName ?? t('feedback.anonymous')} · <Badge color="blue.9" tt="none">{d.stateLabel}</Badge></Text>
      <Text style={{ whiteSpace: 'pre-wrap' }}>{d.body}</Text>
      <Media items={d.photos} />
      <Paper withBorder p="md" component="section" aria-labelledby="answer-title">
        <Title order={2} size="h4" id="answer-title">{t('feedback.answer')}</Title>
        {d.answer ? <Text style={{ whiteSpace: 'pre-wrap' }} data-testid="public-answer">{d.answer}</Text> : <Text c="dimmed">{t('feedback.noAnswer')}</Text>}
        {d.answerFiles.map((f) => <Anchor key={f.url} href={f.url} display="block">{f.name}</Anchor>)}
      </Paper>
      {me.data && me.data.kind !== 'official' && (
        <Group>
          <Button variant="default" onClick={() => put(`/api/feedback/public/${encodeURIComponent(code)}/follow`).then(() => qc.invalidateQueries({ queryKey: ['feedback', 'public', code] })).catch(setErr)}>{t('feedback.followThis', { n: d.followers })}</Button>
        </Group>
      )}
      <ErrorAlert error={err} />
    </Page>
  );
}

const FIGURE_OUTCOMES = ['received', 'answered', 'answered_on_time', 'answered_late'];

export function ReportQueuePage({ mine = false }: { mine?: boolean }) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const [filter, setFilter] = useState<string>(params.get('loc') === 'qua-han' ? 'overdue' : 'open');
  // The list behind an operations-centre figure: a commune or agency, a period and an outcome from the URL.
  const outcome = !mine && FIGURE_OUTCOMES.includes(params.get('outcome') ?? '') ? params.get('outcome')! : null;
  const scope = new URLSearchParams();
  if (!mine) for (const k of ['unit', 'agency', ...(outcome ? ['outcome', 'from', 'to'] : [])]) if (params.get(k)) scope.set(k, params.get(k)!);
  const figure = scope.size > 0;
  const state = mine ? 'mine=true' : outcome ? '' : filter === 'overdue' ? 'overdue=true' : filter === 'open' ? 'open=true' : '';
  const list = useQuery({
    queryKey: ['feedback', 'queue', mine, filter, scope.toString()],
    queryFn: () => get<{ items: Summary[]; total: number }>(`/api/feedback/reports?${[state, scope.toString()].filter(Boolean).join('&')}&limit=100`),
  });
  const base = mine ? '/phan-anh/cua-toi' : '/lam-viec/phan-anh';
  return (
    <Page title={outcome ? t(`feedback.figure.${outcome}`) : mine ? t('feedback.mineTitle') : t('feedback.queueTitle')}>
      {!mine && <Group><Button component={Link} to="/lam-viec/phan-anh/tong-hop" variant="default">{t('feedback.dashboard')}</Button></Group>}
      {figure && (
        <Text size="sm" data-testid="feedback-figure-scope">
          {outcome && `${t('feedback.figure.period', { from: fmtDate(params.get('from')), to: fmtDate(params.get('to')) })} · `}
          {params.get('unit') ? t('feedback.figure.unit', { code: params.get('unit') }) : params.get('agency') ? t('feedback.figure.agency', { code: params.get('agency') }) : t('feedback.figure.province')}
          {' · '}<Anchor component={Link} to="/lam-viec/phan-anh">{t('feedback.figure.back')}</Anchor>
        </Text>
      )}
      {list.data && !mine && <Text size="sm" fw={600} data-testid="feedback-list-total" data-total={list.data.total}>{t('feedback.figure.total', { n: list.data.total })}</Text>}
      {!mine && !outcome && (
        <Select label={t('feedback.filter')} w={260} value={filter} onChange={(v) => setFilter(v ?? 'open')} allowDeselect={false}
          data={[{ value: 'open', label: t('feedback.filterOpen') }, { value: 'overdue', label: t('feedback.filterOverdue') }, { value: 'all', label: t('feedback.filterAll') }]} />
      )}
      {mine && <Group><Button component={Link} to="/phan-anh/gui">{t('feedback.newTitle')}</Button></Group>}
      {list.isLoading && <Loading />}
      <ErrorAlert error={list.error} />
      {list.data && (list.data.items.length ? (
        <Table.ScrollContainer minWidth={600}>
          <Table striped>
            <Table.Thead><Table.Tr><Table.Th>{t('feedback.code')}</Table.Th><Table.Th>{t('feedback.titleLabel')}</Table.Th><Table.Th>{t('feedback.state')}</Table.Th><Table.Th>{t('feedback.due')}</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {list.data.items.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td><Anchor component={Link} to={`${base}/${r.id}`}>{r.code}</Anchor></Table.Td>
                  <Table.Td>{r.title}</Table.Td>
                  <Table.Td><Badge tt="none" color={r.overdue ? 'red.9' : 'blue.9'}>{r.stateLabel}</Badge>{r.escalationLevel > 0 && <Badge ml={4} color="red.9" tt="none">{t('feedback.escalated', { n: r.escalationLevel })}</Badge>}</Table.Td>
                  <Table.Td>{fmtDate(r.dueAt, true)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : <Empty />)}
    </Page>
  );
}

/** One report with its action log, clock and the actions the viewer may take now. */
/** The desk's moderation: edit the text, hide the report or a photo, blur a region, block the reporter's account; each with a reason. */
function Moderation({ report, onDone }: { report: ReportView; onDone: () => void }) {
  const { t } = useTranslation();
  const [title, setTitle] = useState(report.title);
  const [body, setBody] = useState(report.body);
  const [reason, setReason] = useState('');
  const [blur, setBlur] = useState({ position: '1', x: 25, y: 25, w: 50, h: 50 });
  const [err, setErr] = useState<unknown>(null);
  const [ok, setOk] = useState<string | null>(null);
  const run = async (fn: () => Promise<unknown>) => {
    setErr(null);
    setOk(null);
    try {
      await fn();
      setOk(t('feedback.modDone'));
      onDone();
    } catch (x) {
      setErr(x);
    }
  };
  const photos = report.photos.filter((p) => p.kind === 'photo');
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="moderation-title">
      <Title order={2} size="h4" id="moderation-title" mb="xs">{t('feedback.moderation')}</Title>
      <Stack>
        <TextInput label={t('feedback.modReason')} required value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={fieldError(err, 'reason')} />
        <TextInput label={t('feedback.titleLabel')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
        <Textarea label={t('feedback.body')} autosize minRows={2} value={body} onChange={(e) => setBody(e.currentTarget.value)} />
        <Group gap="xs">
          <Button variant="default" onClick={() => run(() => patch(`/api/feedback/reports/${report.id}/moderation`, { title, body, reason }))}>{t('feedback.modSaveText')}</Button>
          <Button variant="default" onClick={() => run(() => patch(`/api/feedback/reports/${report.id}/moderation`, { hidden: !report.hidden, reason }))}>{report.hidden ? t('feedback.modUnhide') : t('feedback.modHide')}</Button>
          {report.reporterId && <Button variant="default" color="red" onClick={() => run(() => post(`/api/feedback/blocks`, { accountId: report.reporterId, reason }))}>{t('feedback.modBlock')}</Button>}
        </Group>
        {report.photos.length > 0 && (
          <Group align="flex-end" wrap="wrap" gap="xs">
            <Select label={t('feedback.modPhoto')} w={120} value={blur.position} onChange={(v) => setBlur({ ...blur, position: v ?? '1' })} allowDeselect={false} data={report.photos.map((p) => ({ value: String(p.position), label: `${p.kind === 'video' ? 'Video' : t('feedback.modPhotoN')} ${p.position}` }))} />
            {photos.some((p) => String(p.position) === blur.position) && (['x', 'y', 'w', 'h'] as const).map((f) => (
              <NumberInput key={f} label={t(`feedback.mod_${f}`)} w={110} min={0} max={100} value={blur[f]} onChange={(v) => setBlur({ ...blur, [f]: Number(v) || 0 })} />
            ))}
            {photos.some((p) => String(p.position) === blur.position) && (
              <Button variant="default" onClick={() => run(() => post(`/api/feedback/reports/${report.id}/photos/${blur.position}/moderation`, { blur: [{ x: blur.x / 100, y: blur.y / 100, width: blur.w / 100, height: blur.h / 100 }], reason }))}>{t('feedback.modBlur')}</Button>
            )}
            <Button variant="default" onClick={() => run(() => post(`/api/feedback/reports/${report.id}/photos/${blur.position}/moderation`, { hidden: true, reason }))}>{t('feedback.modHidePhoto')}</Button>
          </Group>
        )}
        {ok && <Alert color="green" role="status">{ok}</Alert>}
        <ErrorAlert error={err} />
      </Stack>
    </Paper>
  );
}

export function ReportCasePage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const me = useMe();
  const qc = useQueryClient();
  const r = useQuery({ queryKey: ['feedback', 'report', id], queryFn: () => get<ReportView>(`/api/feedback/reports/${id}`) });
  const canAssign = !!r.data?.allowedActions.some((a) => a.action === 'assign');
  const people = useQuery({ queryKey: ['feedback', 'assignees', id], queryFn: () => get<{ id: string; name: string }[]>(`/api/feedback/reports/${id}/assignees`), enabled: canAssign });
  const [text, setText] = useState('');
  const [assignee, setAssignee] = useState<string | null>(null);
  const [err, setErr] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  if (r.isLoading) return <Loading />;
  if (!r.data) return <Page title={t('feedback.caseTitle')}><ErrorAlert error={r.error} /></Page>;
  const d = r.data;
  async function act(action: string) {
    setBusy(action);
    setErr(null);
    const payload: Record<string, unknown> = { expectedVersion: d.version };
    if (action === 'assign') payload.assigneeId = assignee ?? '';
    if (action === 'answer') payload.answer = text;
    if (['refuse', 'request_reassign', 'send_back', 'reopen'].includes(action)) payload.reason = text;
    if (action === 'request_info') payload.question = text;
    if (action === 'provide_info') payload.info = text;
    if (action === 'merge') payload.duplicateOf = text.trim();
    if (action === 'rate_satisfied' || action === 'rate_unsatisfied') {
      payload.rating = action === 'rate_satisfied' ? 'satisfied' : 'unsatisfied';
      if (text) payload.reason = text;
      action = 'rate';
    }
    try {
      await post(`/api/feedback/reports/${id}/actions/${action}`, payload, { 'idempotency-key': key() });
      setText('');
      await qc.invalidateQueries({ queryKey: ['feedback'] });
    } catch (e) {
      setErr(e);
    } finally {
      setBusy(null);
    }
  }
  const actions = d.allowedActions.flatMap((a) => (a.action === 'rate' ? [{ action: 'rate_satisfied', label: t('feedback.satisfied') }, { action: 'rate_unsatisfied', label: t('feedback.unsatisfied') }] : [a]));
  return (
    <Page title={`${d.code} — ${d.title}`}>
      <Group gap="xs">
        <Badge color="blue.9" tt="none" data-testid="report-state">{d.stateLabel}</Badge>
        {d.overdue && <Badge color="red.9" tt="none">{t('feedback.overdue')}</Badge>}
        {d.escalationLevel > 0 && <Badge color="red.9" tt="none" data-testid="report-escalation">{t('feedback.escalated', { n: d.escalationLevel })}</Badge>}
      </Group>
      <Table variant="vertical" layout="fixed">
        <Table.Tbody>
          <Table.Tr><Table.Th w="35%">{t('feedback.category')}</Table.Th><Table.Td>{d.category.name}</Table.Td></Table.Tr>
          <Table.Tr><Table.Th>{t('feedback.unit')}</Table.Th><Table.Td data-testid="report-unit">{d.unitCode ?? t('feedback.province')}</Table.Td></Table.Tr>
          <Table.Tr><Table.Th>{t('feedback.reporter')}</Table.Th><Table.Td>{d.reporterName}{d.reporterContact?.phone ? ` · ${d.reporterContact.phone}` : ''}{d.reporterContact?.email ? ` · ${d.reporterContact.email}` : ''}</Table.Td></Table.Tr>
          <Table.Tr><Table.Th>{t('feedback.due')}</Table.Th><Table.Td>{fmtDate(d.dueAt, true)}</Table.Td></Table.Tr>
          <Table.Tr><Table.Th>{t('feedback.channel')}</Table.Th><Table.Td>{d.channel}</Table.Td></Table.Tr>
        </Table.Tbody>
      </Table>
      <Text style={{ whiteSpace: 'pre-wrap' }}>{d.body}</Text>
      <Media items={d.photos} />
      {d.location && <BoundaryMap point={d.location} label={t('feedback.mapLabel')} />}
      {(d.answer || d.answerFiles.length > 0) && (
        <Paper withBorder p="md">
          <Title order={2} size="h4">{t('feedback.answer')}</Title>
          {d.answer && <Text style={{ whiteSpace: 'pre-wrap' }}>{d.answer}</Text>}
          {d.answerFiles.map((f) => <Anchor key={f.url} href={f.url} display="block">{f.name}</Anchor>)}
        </Paper>
      )}
      {actions.length > 0 && (
        <Paper withBorder p="md" component="section" aria-labelledby="actions-title">
          <Title order={2} size="h4" id="actions-title" mb="xs">{t('feedback.actions')}</Title>
          <Stack>
            {canAssign && <Select label={t('feedback.assignee')} data={(people.data ?? []).map((p) => ({ value: p.id, label: p.name }))} value={assignee} onChange={setAssignee} w={360} maw="100%" />}
            <Textarea label={t('feedback.actionText')} description={t('feedback.actionTextHelp')} autosize minRows={3} value={text} onChange={(e) => setText(e.currentTarget.value)} />
            {d.allowedActions.some((a) => a.action === 'answer') && (
              <div>
                <label htmlFor="answer-file"><Text fw={500} size="sm">{t('feedback.answerFile')}</Text></label>
                <input id="answer-file" type="file" accept="application/pdf,image/jpeg,image/png" onChange={async (e) => {
                  const f = e.currentTarget.files?.[0];
                  if (!f) return;
                  setErr(null);
                  try {
                    await upload(`/api/feedback/reports/${id}/answer-files?name=${encodeURIComponent(f.name)}`, f);
                    await qc.invalidateQueries({ queryKey: ['feedback', 'report', id] });
                  } catch (x) {
                    setErr(x);
                  }
                }} />
              </div>
            )}
            <ErrorAlert error={err} />
            <Group gap="xs">
              {actions.map((a) => <Button key={a.action} variant={a.action === 'answer' || a.action === 'publish' ? 'filled' : 'default'} loading={busy === a.action} onClick={() => act(a.action)}>{a.label}</Button>)}
            </Group>
          </Stack>
        </Paper>
      )}
      {d.clocks.length > 0 && (
        <Paper withBorder p="md" component="section" aria-labelledby="clocks-title">
          <Title order={2} size="h4" id="clocks-title" mb="xs">{t('feedback.clocks')}</Title>
          <Table>
            <Table.Thead><Table.Tr><Table.Th>{t('feedback.clockStep')}</Table.Th><Table.Th>{t('feedback.due')}</Table.Th><Table.Th>{t('feedback.clockState')}</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {d.clocks.map((c, i) => (
                <Table.Tr key={i}>
                  <Table.Td>{t(`feedback.step.${c.step}`, { defaultValue: c.step })}</Table.Td>
                  <Table.Td>{fmtDate(c.dueAt, true)}</Table.Td>
                  <Table.Td>
                    <Badge tt="none" color={c.breachedAt ? 'red.9' : c.stoppedAt ? 'gray.7' : c.pausedAt ? 'yellow.4' : 'blue.9'} autoContrast>
                      {c.breachedAt ? t('feedback.clockBreached') : c.stoppedAt ? t('feedback.clockStopped') : c.pausedAt ? t('feedback.clockPaused') : t('feedback.clockRunning')}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
      {allows(me.data, 'feedback.moderate') && <Moderation report={d} onDone={() => qc.invalidateQueries({ queryKey: ['feedback', 'report', id] })} />}
      <Paper withBorder p="md" component="section" aria-labelledby="history-title">
        <Title order={2} size="h4" id="history-title" mb="xs">{t('feedback.history')}</Title>
        <Table>
          <Table.Tbody>
            {d.history.map((h) => (
              <Table.Tr key={h.seq}><Table.Td>{fmtDate(h.at, true)}</Table.Td><Table.Td>{h.label}</Table.Td><Table.Td>{h.toLabel}</Table.Td><Table.Td>{h.actor ?? ''}</Table.Td><Table.Td>{h.note ?? ''}</Table.Td></Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
    </Page>
  );
}

interface Stats {
  totals: { total: number; open: number; overdue: number; answered: number; answered_on_time: number; rated: number; satisfied: number };
  byCategory: { key: string; total: number; open: number; overdue: number }[];
  byUnit: { key: string; total: number; open: number; overdue: number }[];
  computedAt: string;
}

/** Leaders: everything in their scope — open, overdue, by category and commune, satisfaction — and a map of open reports. */
export function FeedbackDashboardPage() {
  const { t } = useTranslation();
  const s = useQuery({ queryKey: ['feedback', 'stats'], queryFn: () => get<Stats>('/api/feedback/stats'), refetchInterval: 30_000 });
  const open = useQuery({ queryKey: ['feedback', 'queue', 'map'], queryFn: () => get<{ items: Summary[] & { location: { lat: number; lon: number } | null }[] }>('/api/feedback/reports?open=true&limit=500') });
  const cats = useQuery({ queryKey: ['feedback', 'categories'], queryFn: () => get<Category[]>('/api/feedback/categories') });
  const markers = (open.data?.items ?? []).flatMap((r) => ((r as unknown as { location: { lat: number; lon: number } | null }).location ? [{ ...(r as unknown as { location: { lat: number; lon: number } }).location, title: `${r.code} — ${r.title}` }] : []));
  const pct = (a: number, b: number) => (b ? `${Math.round((a / b) * 100)}%` : '—');
  const catName = (c: string) => cats.data?.find((x) => x.code === c)?.name ?? c;
  return (
    <Page title={t('feedback.dashboardTitle')}>
      <ErrorAlert error={s.error} />
      {s.data && (
        <>
          <Text size="sm" c="dimmed">{t('feedback.computedAt', { at: fmtDate(s.data.computedAt, true) })}</Text>
          <SimpleGrid cols={{ base: 2, sm: 5 }}>
            <Paper withBorder p="sm"><Text size="sm">{t('feedback.kpiTotal')}</Text><Text fw={700} size="xl">{s.data.totals.total}</Text></Paper>
            <Paper withBorder p="sm"><Text size="sm">{t('feedback.kpiOpen')}</Text><Anchor component={Link} to="/lam-viec/phan-anh" fw={700} size="xl">{s.data.totals.open}</Anchor></Paper>
            <Paper withBorder p="sm"><Text size="sm">{t('feedback.kpiOverdue')}</Text><Anchor component={Link} to="/lam-viec/phan-anh?loc=qua-han" fw={700} size="xl" c="red.8" data-testid="kpi-overdue">{s.data.totals.overdue}</Anchor></Paper>
            <Paper withBorder p="sm"><Text size="sm">{t('feedback.kpiOnTime')}</Text><Text fw={700} size="xl">{pct(s.data.totals.answered_on_time, s.data.totals.answered)}</Text></Paper>
            <Paper withBorder p="sm"><Text size="sm">{t('feedback.kpiSatisfied')}</Text><Text fw={700} size="xl">{pct(s.data.totals.satisfied, s.data.totals.rated)}</Text></Paper>
          </SimpleGrid>
          <BoundaryMap markers={markers} label={t('feedback.openMap')} />
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            {([['byCategory', t('feedback.category'), catName], ['byUnit', t('feedback.unit'), (x: string) => x || t('feedback.province')]] as const).map(([k, title, name]) => (
              <Table key={k} striped aria-label={title}>
                <Table.Thead><Table.Tr><Table.Th>{title}</Table.Th><Table.Th>{t('feedback.kpiTotal')}</Table.Th><Table.Th>{t('feedback.kpiOpen')}</Table.Th><Table.Th>{t('feedback.kpiOverdue')}</Table.Th></Table.Tr></Table.Thead>
                <Table.Tbody>{s.data[k].map((r) => <Table.Tr key={r.key}><Table.Td>{name(r.key)}</Table.Td><Table.Td>{r.total}</Table.Td><Table.Td>{r.open}</Table.Td><Table.Td>{r.overdue}</Table.Td></Table.Tr>)}</Table.Tbody>
              </Table>
            ))}
          </SimpleGrid>
        </>
      )}
    </Page>
  );
}
