import { Button, Paper, PasswordInput, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { type Me, post } from '../api';
import { ErrorAlert, fieldError, Page } from '../ui';

export function RegisterPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [kind, setKind] = useState<'citizen' | 'business'>('citizen');
  const [form, setForm] = useState({ identifier: '', name: '', email: '', phone: '', password: '' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: { currentTarget: { value: string } }) => setForm({ ...form, [k]: e.currentTarget.value });

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = { kind, identifier: form.identifier, name: form.name, password: form.password, ...(form.email ? { email: form.email } : {}), ...(form.phone ? { phone: form.phone } : {}) };
      const r = await post<{ user: Me }>('/api/auth/register', body);
      qc.setQueryData(['me'], r.user);
      navigate('/');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title={t('register.title')}>
      <Paper withBorder p="lg" maw={520}>
        <form onSubmit={submit} noValidate>
          <Stack>
            <ErrorAlert error={error} />
            <Stack gap={4}>
              <Text size="sm" fw={500} id="kind-label">
                {t('register.kind')}
              </Text>
              <SegmentedControl
                aria-labelledby="kind-label"
                value={kind}
                onChange={(v) => setKind(v as 'citizen' | 'business')}
                data={[
                  { value: 'citizen', label: t('register.citizen') },
                  { value: 'business', label: t('register.business') },
                ]}
              />
            </Stack>
            <TextInput label={kind === 'citizen' ? t('register.identifierCitizen') : t('register.identifierBusiness')} value={form.identifier} onChange={set('identifier')} required error={fieldError(error, 'identifier')} />
            <TextInput label={t('register.name')} value={form.name} onChange={set('name')} required autoComplete="name" error={fieldError(error, 'name')} />
            <TextInput label={t('register.email')} type="email" value={form.email} onChange={set('email')} autoComplete="email" error={fieldError(error, 'email')} />
            <TextInput label={t('register.phone')} type="tel" value={form.phone} onChange={set('phone')} autoComplete="tel" error={fieldError(error, 'phone')} />
            <PasswordInput label={t('login.password')} value={form.password} onChange={set('password')} required autoComplete="new-password" error={fieldError(error, 'password')} />
            <Button type="submit" loading={busy}>
              {t('register.submit')}
            </Button>
          </Stack>
        </form>
      </Paper>
    </Page>
  );
}
