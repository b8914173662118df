import { Alert, Anchor, Button, Divider, Group, Paper, PasswordInput, PinInput, Stack, Text, TextInput } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError, get, type Me, post } from '../api';
import { ErrorAlert, fieldError, Page } from '../ui';

export function LoginPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [identifier, setIdentifier] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needTotp, setNeedTotp] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const oidc = useQuery({ queryKey: ['oidc'], queryFn: () => get<{ enabled: boolean; name: string }>('/api/auth/oidc') });
  const after = params.get('sau') ?? '';

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await post<{ user: Me }>('/api/auth/login', { identifier, password, ...(needTotp ? { totp } : {}) });
      qc.setQueryData(['me'], r.user);
      navigate(after.startsWith('/') ? after : r.user.kind === 'official' ? '/lam-viec' : '/');
    } catch (err) {
      if (err instanceof ApiError && err.code === 'TOTP_REQUIRED') {
        if (needTotp) setError(err);
        setNeedTotp(true);
        setTotp('');
      } else setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title={t('login.title')}>
      <Paper withBorder p="lg" maw={480}>
        <form onSubmit={submit} noValidate>
          <Stack>
            {params.get('loi') && <Alert color="red">{t('login.oidcFailed')}</Alert>}
            <ErrorAlert error={error} />
            <TextInput
              label={t('login.identifier')}
              value={identifier}
              onChange={(e) => setIdentifier(e.currentTarget.value)}
              autoComplete="username"
              required
              error={fieldError(error, 'identifier')}
              disabled={needTotp}
            />
            <PasswordInput
              label={t('login.password')}
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              autoComplete="current-password"
              required
              error={fieldError(error, 'password')}
              disabled={needTotp}
            />
            {needTotp && (
              <Stack gap={4}>
                <Text component="label" htmlFor="totp" size="sm" fw={500}>
                  {t('login.totp')}
                </Text>
                <PinInput id="totp" length={6} type="number" oneTimeCode value={totp} onChange={setTotp} autoFocus aria-label={t('login.totp')} />
                <Text size="xs" c="dimmed">
                  {t('login.totpHelp')}
                </Text>
              </Stack>
            )}
            <Button type="submit" loading={busy}>
              {needTotp ? t('login.verify') : t('login.submit')}
            </Button>
            <Group justify="space-between">
              <Anchor component={Link} to="/quen-mat-khau" size="sm">
                {t('login.forgot')}
              </Anchor>
              <Anchor component={Link} to="/dang-ky" size="sm">
                {t('login.noAccount')} {t('nav.register')}
              </Anchor>
            </Group>
            {oidc.data?.enabled && (
              <>
                <Divider label={t('login.or')} labelPosition="center" />
                <Button component="a" href={`/api/auth/oidc/start?returnTo=${encodeURIComponent(after || '/')}`} variant="outline">
                  {t('login.oidc', { name: oidc.data.name })}
                </Button>
              </>
            )}
          </Stack>
        </form>
      </Paper>
    </Page>
  );
}
