import { Alert, Box, Button, FileInput, Group, Image, Paper, PasswordInput, Progress, Radio, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post } from '../api';
import { ErrorAlert } from '../ui';

/**
 * The leader's signing panel on a document: the signature image (none = the
 * text appearance, one of the signer's registered images, or a new PNG), a
 * preview of where the signature and, at issuance, the agency's seal go on the
 * last page (Decree 30 appendix I), and the key: a PKCS#12 file with its
 * password, or the remote signing service (SIM-PKI on the phone) with progress
 * while the signer confirms.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Box4 { x: number; y: number; width: number; height: number }
interface Layout { page: number; pages: number; pageWidth: number; pageHeight: number; signer: Box4; seal: Box4 | null; agencyName: string }
interface Options { remote: { service: string; timeoutSeconds: number } | null; images: { id: string; label: string }[] }

const key = () => ({ 'idempotency-key': `web-${crypto.randomUUID()}` });
const b64 = async (f: File) => {
  const bytes = new Uint8Array(await f.arrayBuffer());
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
};

/** A box of the page in PDF points (origin bottom left) as CSS percentages of the preview. */
const place = (b: Box4, l: Layout) => ({
  position: 'absolute' as const,
  left: `${(b.x / l.pageWidth) * 100}%`,
  bottom: `${(b.y / l.pageHeight) * 100}%`,
  width: `${(b.width / l.pageWidth) * 100}%`,
  height: `${(b.height / l.pageHeight) * 100}%`,
});

function Preview({ docId, imageId }: { docId: string; imageId: string }) {
  const { t } = useTranslation();
  const layout = useQuery({ queryKey: ['signing-layout', docId], queryFn: () => get<Layout>(`/api/documents/${docId}/signing-layout`) });
  const l = layout.data;
  if (!l) return null;
  return (
    <Stack gap={4}>
      <Text size="sm" fw={700} id="sign-preview-title">{t('documents.sign.preview')}</Text>
      <Box
        role="img" aria-labelledby="sign-preview-title" aria-describedby="sign-preview-help" data-testid="sign-preview"
        style={{ position: 'relative', width: '100%', maxWidth: 340, aspectRatio: `${l.pageWidth} / ${l.pageHeight}`, border: '1px solid var(--mantine-color-gray-5)', background: 'white' }}
      >
        <img src={`/api/documents/${docId}/page.png?page=${l.page}`} alt="" style={{ width: '100%', height: '100%', display: 'block' }} />
        <div style={{ ...place(l.signer, l), outline: '2px dashed var(--mantine-color-blue-9)', display: 'flex', alignItems: 'center', justifyContent: 'center', overflow: 'hidden' }}>
          {imageId !== 'none'
            ? <img src={`/api/documents/signature-images/${imageId}/png`} alt="" style={{ maxWidth: '100%', maxHeight: '100%' }} data-testid="sign-preview-image" />
            : <span style={{ fontSize: 9, color: 'var(--mantine-color-blue-9)' }}>{t('documents.sign.textAppearance')}</span>}
        </div>
        {l.seal && <img src={`/api/documents/${docId}/seal.png`} alt="" style={{ ...place(l.seal, l), opacity: 0.55 }} data-testid="sign-preview-seal" />}
      </Box>
      <Text size="xs" c="dimmed" id="sign-preview-help">
        {t('documents.sign.previewHelp', { page: l.page + 1 })}{' '}
        {l.seal ? t('documents.sign.sealHelp', { agency: l.agencyName }) : t('documents.sign.noSeal')}
      </Text>
    </Stack>
  );
}

function ImageChoice({ options, value, onChange }: { options: Options; value: string; onChange: (v: string) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [label, setLabel] = useState('');
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function upload() {
    setError(null);
    try {
      if (!file) return;
      const r = await post<Json>('/api/documents/signature-images', { label: label || file.name.replace(/\.png$/i, ''), data: await b64(file) });
      await qc.invalidateQueries({ queryKey: ['signing-options'] });
      onChange(r.id);
      setAdding(false);
      setFile(null);
      setLabel('');
    } catch (e) {
      setError(e);
    }
  }
  return (
    <Stack gap="xs">
      <Radio.Group label={t('documents.sign.image')} description={t('documents.sign.imageHelp')} value={value} onChange={onChange}>
        <Stack gap={6} mt={6}>
          <Radio value="none" label={t('documents.sign.noImage')} />
          {options.images.map((im) => (
            <Radio
              key={im.id} value={im.id} data-testid={`sign-image-${im.id}`}
              label={<Group gap="xs" wrap="nowrap"><Image src={`/api/documents/signature-images/${im.id}/png`} alt="" h={32} w="auto" fit="contain" bg="white" /><span>{im.label}</span></Group>}
            />
          ))}
        </Stack>
      </Radio.Group>
      {adding ? (
        <Group align="end" gap="xs">
          <FileInput label={t('documents.sign.newImage')} accept="image/png" value={file} onChange={setFile} clearable w={220} />
          <TextInput label={t('documents.sign.imageLabel')} value={label} onChange={(e) => setLabel(e.currentTarget.value)} w={160} />
          <Button variant="default" onClick={upload} disabled={!file}>{t('documents.sign.saveImage')}</Button>
        </Group>
      ) : (
        <Group><Button variant="subtle" size="xs" onClick={() => setAdding(true)}>{t('documents.sign.newImage')}</Button></Group>
      )}
      <ErrorAlert error={error} />
    </Stack>
  );
}

/** Progress of a remote signature: polls the request until the signer confirmed (or it failed). */
function RemoteProgress({ requestId, timeoutSeconds, onDone }: { requestId: string; timeoutSeconds: number; onDone: (r: Json) => void }) {
  const { t } = useTranslation();
  const [started] = useState(() => Date.now());
  const [now, setNow] = useState(Date.now());
  const r = useQuery({
    queryKey: ['sign-request', requestId], queryFn: () => get<Json>(`/api/documents/sign-requests/${requestId}`),
    refetchInterval: (q) => ((q.state.data as Json | undefined)?.state === 'waiting' || !q.state.data ? 1500 : false),
  });
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const state = r.data?.state;
  const reported = useRef(false);
  useEffect(() => {
    if (r.data && r.data.state !== 'waiting' && !reported.current) {
      reported.current = true;
      onDone(r.data);
    }
  }, [r.data, onDone]);
  const elapsed = Math.round((now - started) / 1000);
  if (state === 'failed') return <Alert color="red" role="alert" data-testid="remote-failed">{t('documents.sign.remoteFailed')}: {r.data?.error?.message}</Alert>;
  if (state === 'signed') return <Alert color="green" role="status" data-testid="remote-signed">{t('documents.sign.remoteSigned')}</Alert>;
  return (
    <Stack gap={4} role="status" aria-live="polite" data-testid="remote-waiting">
      <Text size="sm">{t('documents.sign.remoteWaiting', { seconds: elapsed, max: timeoutSeconds })}</Text>
      <Progress value={Math.min(100, (elapsed / timeoutSeconds) * 100)} animated aria-label={t('documents.sign.remoteWaitingLabel')} />
    </Stack>
  );
}

export function SignPanel({ docId, onSigned }: { docId: string; onSigned: () => void }) {
  const { t } = useTranslation();
  const options = useQuery({ queryKey: ['signing-options'], queryFn: () => get<Options>('/api/documents/signing/options') });
  const [imageId, setImageId] = useState<string | null>(null);
  const [method, setMethod] = useState<'p12' | 'remote'>('p12');
  const [p12, setP12] = useState<File | null>(null);
  const [password, setPassword] = useState('');
  const [request, setRequest] = useState<Json | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const o = options.data;
  // The first registered image is chosen by default (the Decree 30 appearance), else the text one.
  const chosen = imageId ?? (o?.images[0]?.id ?? 'none');
  if (options.error) return <ErrorAlert error={options.error} />;
  if (!o) return null;
  const image = chosen === 'none' ? {} : { imageId: chosen };

  async function signP12() {
    setError(null);
    setBusy(true);
    try {
      await post(`/api/documents/${docId}/sign`, { p12: p12 ? await b64(p12) : '', password, ...image }, key());
      setPassword('');
      onSigned();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  async function signRemote() {
    setError(null);
    setBusy(true);
    try {
      setRequest(await post<Json>(`/api/documents/${docId}/sign/remote`, image, key()));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="sign-title" data-testid="sign-panel">
      <Stack gap="sm">
        <Text fw={700} id="sign-title">{t('documents.sign.title')}</Text>
        <Group align="flex-start" gap="lg" wrap="wrap">
          <Stack gap="sm" style={{ flex: '1 1 300px' }}>
            <ImageChoice options={o} value={chosen} onChange={setImageId} />
            {o.remote && (
              <SegmentedControl
                aria-label={t('documents.sign.method')} value={method} onChange={(v) => setMethod(v as 'p12' | 'remote')} disabled={!!request}
                data={[{ value: 'p12', label: t('documents.sign.methodP12') }, { value: 'remote', label: t('documents.sign.methodRemote') }]}
              />
            )}
            {method === 'p12' ? (
              <Stack gap="xs">
                <Group align="end" gap="xs">
                  <FileInput label={t('documents.p12')} accept=".p12,.pfx" value={p12} onChange={setP12} w={220} />
                  <PasswordInput label={t('documents.p12Password')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} w={200} />
                </Group>
                <Group><Button onClick={signP12} loading={busy} disabled={!p12 || !password} data-testid="sign-p12">{t('documents.sign.signP12')}</Button></Group>
              </Stack>
            ) : (
              <Stack gap="xs">
                <Text size="sm">{t('documents.sign.remoteHelp', { service: o.remote?.service ?? '' })}</Text>
                {!request && <Group><Button onClick={signRemote} loading={busy} data-testid="sign-remote">{t('documents.sign.signRemote')}</Button></Group>}
                {request && (
                  <RemoteProgress
                    requestId={request.id} timeoutSeconds={o.remote?.timeoutSeconds ?? 120}
                    onDone={(r) => {
                      setBusy(false);
                      if (r.state === 'signed') onSigned();
                      else setRequest(null);
                      if (r.state === 'failed') setError(new Error(r.error?.message ?? t('documents.sign.remoteFailed')));
                    }}
                  />
                )}
              </Stack>
            )}
            <ErrorAlert error={error} />
          </Stack>
          <Box style={{ flex: '1 1 220px' }}>
            <Preview docId={docId} imageId={chosen} />
          </Box>
        </Group>
      </Stack>
    </Paper>
  );
}
