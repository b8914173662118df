import { Alert, Button, Paper, PasswordInput, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { post } from '../api';
import { ErrorAlert, fieldError, Page } from '../ui';

export function ForgotPage() {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await post('/api/auth/password/forgot', { email });
      setSent(true);
    } catch (err) {
      setError(err);
    }
  }
  return (
    <Page title={t('forgot.title')}>
      <Paper withBorder p="lg" maw={480}>
        <form onSubmit={submit} noValidate>
          <Stack>
            <ErrorAlert error={error} />
            {sent && <Alert color="green">{t('forgot.sent')}</Alert>}
            <TextInput label={t('forgot.email')} type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} required error={fieldError(error, 'email')} />
            <Button type="submit">{t('forgot.submit')}</Button>
          </Stack>
        </form>
      </Paper>
    </Page>
  );
}

export function ResetPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await post('/api/auth/password/reset', { token: params.get('token') ?? '', password });
      setDone(true);
    } catch (err) {
      setError(err);
    }
  }
  return (
    <Page title={t('reset.title')}>
      <Paper withBorder p="lg" maw={480}>
        <form onSubmit={submit} noValidate>
          <Stack>
            <ErrorAlert error={error} />
            {done ? (
              <Alert color="green">
                {t('reset.done')} <Link to="/dang-nhap">{t('nav.login')}</Link>
              </Alert>
            ) : (
              <>
                <PasswordInput label={t('reset.password')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} required autoComplete="new-password" error={fieldError(error, 'password')} />
                <Button type="submit">{t('reset.submit')}</Button>
              </>
            )}
          </Stack>
        </form>
      </Paper>
    </Page>
  );
}
