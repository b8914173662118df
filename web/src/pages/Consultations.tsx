import { ActionIcon, Alert, Anchor, Badge, Button, Checkbox, Group, Paper, Radio, Select, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { del, get, post, put } from '../api';
import { useMe } from '../auth';
import { fmtDate } from '../dossiers';
import { Empty, ErrorAlert, fieldError, Loading, Page } from '../ui';

/** Consultations on draft policies: list, one draft with comments, support, survey and conclusion; a form for agencies. */

interface Summary { id: string; title: string; agency: string; opensAt: string; closesAt: string; phase: string; comments: number; concluded: boolean }
interface Comment { id: string; section: number | null; author: string; body: string; supports: number; answer: string | null; accepted: boolean | null; mine: boolean }
interface Detail {
  id: string; title: string; summary: string; agency: string; opensAt: string; closesAt: string; phase: 'open' | 'closed' | 'upcoming';
  conclusion: string | null; canManage: boolean; sections: { position: number; heading: string; body: string }[];
  attachments: { name: string; url: string }[]; questions: { position: number; kind: string; prompt: string; options: string[] }[];
  results: { position: number; count: number; counts: Record<string, number>; texts: string[] }[] | null; comments: Comment[];
}

// Dark shades: white words on them keep a 4.5:1 contrast (WCAG AA).
const phaseColor = (p: string) => (p === 'open' ? 'teal.9' : p === 'upcoming' ? 'blue.9' : 'gray.7');

export function ConsultationsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const list = useQuery({ queryKey: ['consultations'], queryFn: () => get<Summary[]>('/api/consultations') });
  return (
    <Page title={t('consult.title')}>
      <Text>{t('consult.intro')}</Text>
      {me.data?.kind === 'official' && <Group><Button component={Link} to="/lam-viec/gop-y/moi" variant="default">{t('consult.new')}</Button></Group>}
      {list.isLoading && <Loading />}
      <ErrorAlert error={list.error} />
      {list.data && (list.data.length ? (
        <Stack>
          {list.data.map((c) => (
            <Paper key={c.id} withBorder p="sm">
              <Group justify="space-between" wrap="wrap">
                <Anchor component={Link} to={`/gop-y/${c.id}`} fw={600}>{c.title}</Anchor>
                <Badge color={phaseColor(c.phase)} tt="none">{t(`consult.phase.${c.phase}`)}</Badge>
              </Group>
              <Text size="sm" c="dimmed">{c.agency} · {fmtDate(c.opensAt)} – {fmtDate(c.closesAt)} · {t('consult.commentCount', { n: c.comments })}</Text>
            </Paper>
          ))}
        </Stack>
      ) : <Empty />)}
    </Page>
  );
}

export function ConsultationPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const me = useMe();
  const qc = useQueryClient();
  const d = useQuery({ queryKey: ['consultation', id], queryFn: () => get<Detail>(`/api/consultations/${id}`) });
  const [section, setSection] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [answers, setAnswers] = useState<Record<string, string | string[]>>({});
  const [reply, setReply] = useState<Record<string, string>>({});
  const [conclusion, setConclusion] = useState('');
  const [err, setErr] = useState<unknown>(null);
  const [note, setNote] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: ['consultation', id] });
  const run = async (fn: () => Promise<unknown>, done?: string) => {
    setErr(null);
    setNote(null);
    try {
      await fn();
      if (done) setNote(done);
      await refresh();
    } catch (e) {
      setErr(e);
    }
  };
  if (d.isLoading) return <Loading />;
  if (!d.data) return <Page title={t('consult.title')}><ErrorAlert error={d.error} /></Page>;
  const c = d.data;
  const citizen = !!me.data && me.data.kind !== 'official';
  const open = c.phase === 'open';
  async function sendComment(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      await post(`/api/consultations/${id}/comments`, { section: section ? Number(section) : null, body: text });
      setText('');
    }, t('consult.commentSent'));
  }
  return (
    <Page title={c.title}>
      <Group gap="xs"><Badge color={phaseColor(c.phase)} tt="none">{t(`consult.phase.${c.phase}`)}</Badge><Text size="sm" c="dimmed">{c.agency} · {fmtDate(c.opensAt)} – {fmtDate(c.closesAt)}</Text></Group>
      <Text style={{ whiteSpace: 'pre-wrap' }}>{c.summary}</Text>
      {c.attachments.map((a) => <Anchor key={a.url} href={a.url}>{a.name}</Anchor>)}
      {note && <Alert color="green" role="status">{note}</Alert>}
      <ErrorAlert error={err} />
      {c.conclusion && (
        <Paper withBorder p="md" component="section" aria-labelledby="conclusion"><Title order={2} size="h4" id="conclusion">{t('consult.conclusion')}</Title><Text style={{ whiteSpace: 'pre-wrap' }} data-testid="conclusion">{c.conclusion}</Text></Paper>
      )}
      {c.sections.map((s) => {
        const comments = c.comments.filter((m) => m.section === s.position);
        return (
          <Paper key={s.position} withBorder p="md" component="section" aria-labelledby={`s-${s.position}`}>
            <Title order={2} size="h4" id={`s-${s.position}`}>{s.heading}</Title>
            <Text style={{ whiteSpace: 'pre-wrap' }} mb="sm">{s.body}</Text>
            <CommentList comments={comments} canSupport={citizen && open} canAnswer={c.canManage} reply={reply} setReply={setReply} run={run} />
          </Paper>
        );
      })}
      <Paper withBorder p="md" component="section" aria-labelledby="whole">
        <Title order={2} size="h4" id="whole">{t('consult.wholeDraft')}</Title>
        <CommentList comments={c.comments.filter((m) => m.section === null)} canSupport={citizen && open} canAnswer={c.canManage} reply={reply} setReply={setReply} run={run} />
      </Paper>
      {citizen && open && (
        <form onSubmit={sendComment} aria-label={t('consult.comment')}>
          <Stack>
            <Title order={2} size="h4">{t('consult.comment')}</Title>
            <Select label={t('consult.onSection')} data={[{ value: '', label: t('consult.wholeDraft') }, ...c.sections.map((s) => ({ value: String(s.position), label: s.heading }))]} value={section ?? ''} onChange={setSection} allowDeselect={false} />
            <Textarea label={t('consult.yourComment')} required autosize minRows={3} value={text} onChange={(e) => setText(e.currentTarget.value)} error={fieldError(err, 'body')} />
            <Group><Button type="submit">{t('consult.send')}</Button></Group>
          </Stack>
        </form>
      )}
      {!me.data && open && <Text><Anchor component={Link} to={`/dang-nhap?sau=/gop-y/${id}`}>{t('consult.signInToComment')}</Anchor></Text>}
      {c.questions.length > 0 && (
        <Paper withBorder p="md" component="section" aria-labelledby="survey">
          <Title order={2} size="h4" id="survey" mb="xs">{t('consult.survey')}</Title>
          <Stack>
            {c.questions.map((q) => {
              const r = c.results?.find((x) => x.position === q.position);
              const key = String(q.position);
              return (
                <div key={q.position}>
                  {citizen && open ? (
                    q.kind === 'text' ? <Textarea label={q.prompt} value={(answers[key] as string) ?? ''} onChange={(e) => setAnswers({ ...answers, [key]: e.currentTarget.value })} />
                      : q.kind === 'multiple' ? <Checkbox.Group label={q.prompt} value={(answers[key] as string[]) ?? []} onChange={(v) => setAnswers({ ...answers, [key]: v })}><Group mt={4}>{q.options.map((o) => <Checkbox key={o} value={o} label={o} />)}</Group></Checkbox.Group>
                      : <Radio.Group label={q.prompt} value={(answers[key] as string) ?? ''} onChange={(v) => setAnswers({ ...answers, [key]: v })}><Group mt={4}>{q.options.map((o) => <Radio key={o} value={o} label={o} />)}</Group></Radio.Group>
                  ) : <Text fw={500}>{q.prompt}</Text>}
                  {r && (q.kind === 'text' ? <Stack gap={2} mt={4}>{r.texts.map((x, i) => <Text key={i} size="sm">— {x}</Text>)}</Stack> : (
                    <Table mt={4} aria-label={t('consult.resultsOf', { q: q.prompt })}>
                      <Table.Tbody>{Object.entries(r.counts).map(([o, n]) => <Table.Tr key={o}><Table.Td>{o}</Table.Td><Table.Td w={80}>{n}</Table.Td><Table.Td><div style={{ background: '#2563eb', height: 10, width: `${r.count ? (n / r.count) * 100 : 0}%` }} /></Table.Td></Table.Tr>)}</Table.Tbody>
                    </Table>
                  ))}
                </div>
              );
            })}
            {citizen && open && <Group><Button onClick={() => run(() => post(`/api/consultations/${id}/responses`, { answers }), t('consult.surveySent'))}>{t('consult.sendSurvey')}</Button></Group>}
          </Stack>
        </Paper>
      )}
      {c.canManage && c.phase === 'closed' && (
        <Paper withBorder p="md">
          <Stack>
            <Textarea label={t('consult.conclusion')} autosize minRows={4} value={conclusion} onChange={(e) => setConclusion(e.currentTarget.value)} />
            <Group><Button onClick={() => run(() => post(`/api/consultations/${id}/conclusion`, { conclusion }), t('consult.concluded'))}>{t('consult.publishConclusion')}</Button></Group>
          </Stack>
        </Paper>
      )}
    </Page>
  );
}

function CommentList({ comments, canSupport, canAnswer, reply, setReply, run }: {
  comments: Comment[]; canSupport: boolean; canAnswer: boolean; reply: Record<string, string>; setReply: (r: Record<string, string>) => void; run: (fn: () => Promise<unknown>) => Promise<void>;
}) {
  const { t } = useTranslation();
  if (!comments.length) return <Text size="sm" c="dimmed">{t('consult.noComments')}</Text>;
  return (
    <Stack gap="xs">
      {comments.map((m) => (
        <Paper key={m.id} p="xs" bg="gray.0">
          <Text size="sm" fw={600}>{m.author}</Text>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>{m.body}</Text>
          <Group gap="xs" mt={4}>
            <Text size="xs" c="dimmed">{t('consult.supports', { n: m.supports })}</Text>
            {canSupport && !m.mine && (
              <>
                <Button size="compact-xs" variant="default" onClick={() => run(() => put(`/api/consultations/comments/${m.id}/support`))}>{t('consult.support')}</Button>
                <ActionIcon size="sm" variant="subtle" aria-label={t('consult.unsupport')} onClick={() => run(() => del(`/api/consultations/comments/${m.id}/support`))}>×</ActionIcon>
              </>
            )}
          </Group>
          {m.answer && <Alert mt={4} color={m.accepted ? 'green' : 'gray'} title={m.accepted ? t('consult.accepted') : m.accepted === false ? t('consult.notAccepted') : t('consult.answered')}>{m.answer}</Alert>}
          {canAnswer && (
            <Group mt={4} align="flex-end" wrap="wrap">
              <TextInput label={t('consult.answer')} size="xs" value={reply[m.id] ?? ''} onChange={(e) => setReply({ ...reply, [m.id]: e.currentTarget.value })} w={360} maw="100%" />
              <Button size="xs" onClick={() => run(() => post(`/api/consultations/comments/${m.id}/answer`, { answer: reply[m.id] ?? '', accepted: true }))}>{t('consult.accept')}</Button>
              <Button size="xs" variant="default" onClick={() => run(() => post(`/api/consultations/comments/${m.id}/answer`, { answer: reply[m.id] ?? '', accepted: false }))}>{t('consult.explain')}</Button>
            </Group>
          )}
        </Paper>
      ))}
    </Stack>
  );
}

/** The agency's form: a draft in sections, dates, optional survey questions (one per line, options after a colon). */
export function ConsultationFormPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [f, setF] = useState({ agencyCode: '', title: '', summary: '', opensAt: new Date().toISOString().slice(0, 10), closesAt: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10), sections: '', questions: '' });
  const [err, setErr] = useState<unknown>(null);
  const set = (k: keyof typeof f) => (e: { currentTarget: { value: string } }) => setF({ ...f, [k]: e.currentTarget.value });
  async function submit(e: FormEvent) {
    e.preventDefault();
    setErr(null);
    // Sections: a line starting with "#" is a heading; the lines after it are its text.
    const sections: { heading: string; body: string }[] = [];
    for (const line of f.sections.split('\n')) {
      if (line.startsWith('#')) sections.push({ heading: line.replace(/^#+\s*/, ''), body: '' });
      else if (sections.length) sections[sections.length - 1]!.body += (sections[sections.length - 1]!.body ? '\n' : '') + line;
    }
    const questions = f.questions.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
      const [prompt, opts] = l.split(':');
      const options = (opts ?? '').split('|').map((o) => o.trim()).filter(Boolean);
      return options.length ? { kind: 'single', prompt: prompt!.trim(), options } : { kind: 'text', prompt: prompt!.trim() };
    });
    try {
      const r = await post<{ id: string }>('/api/consultations', {
        agencyCode: f.agencyCode, title: f.title, summary: f.summary, opensAt: `${f.opensAt}T00:00:00+07:00`, closesAt: `${f.closesAt}T23:59:59+07:00`,
        sections: sections.map((s) => ({ heading: s.heading, body: s.body.trim() || s.heading })), questions,
      });
      navigate(`/gop-y/${r.id}`);
    } catch (e2) {
      setErr(e2);
    }
  }
  return (
    <Page title={t('consult.new')}>
      <form onSubmit={submit} noValidate aria-label={t('consult.new')}>
        <Stack>
          <TextInput label={t('consult.agencyCode')} description={t('consult.agencyCodeHelp')} required value={f.agencyCode} onChange={set('agencyCode')} error={fieldError(err, 'agencyCode')} />
          <TextInput label={t('consult.draftTitle')} required value={f.title} onChange={set('title')} error={fieldError(err, 'title')} />
          <Textarea label={t('consult.summary')} required autosize minRows={2} value={f.summary} onChange={set('summary')} error={fieldError(err, 'summary')} />
          <Group grow>
            <TextInput type="date" label={t('consult.opensAt')} value={f.opensAt} onChange={set('opensAt')} error={fieldError(err, 'opensAt')} />
            <TextInput type="date" label={t('consult.closesAt')} value={f.closesAt} onChange={set('closesAt')} error={fieldError(err, 'closesAt')} />
          </Group>
          <Textarea label={t('consult.sections')} description={t('consult.sectionsHelp')} required autosize minRows={6} value={f.sections} onChange={set('sections')} error={fieldError(err, 'sections')} />
          <Textarea label={t('consult.questions')} description={t('consult.questionsHelp')} autosize minRows={2} value={f.questions} onChange={set('questions')} />
          <ErrorAlert error={err} />
          <Group><Button type="submit">{t('consult.publish')}</Button></Group>
        </Stack>
      </form>
    </Page>
  );
}
