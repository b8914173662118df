import { Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useMe } from '../auth';
import { Page } from '../ui';

export function WorkspacePage() {
  const { t } = useTranslation();
  const me = useMe().data;
  if (!me) return null;
  return (
    <Page title={t('workspace.title')}>
      <Text>{t('workspace.intro')}</Text>
      <Paper withBorder p="md">
        <Stack gap="xs">
          <Title order={2} size="h4">
            {me.name}
          </Title>
          {me.agency && <Text>{me.agency.name}</Text>}
          <Text size="sm" fw={500}>
            {t('workspace.roles')}
          </Text>
          <Group gap="xs">
            {me.roles.length === 0 && <Text c="dimmed">{t('app.none')}</Text>}
            {me.roles.map((r) => (
              <Badge key={r.id} variant="light" tt="none">
                {r.roleName}
                {r.unitName ? ` · ${r.unitName}` : ''}
              </Badge>
            ))}
          </Group>
        </Stack>
      </Paper>
    </Page>
  );
}

export function ComingPage({ title, text }: { title: string; text?: string }) {
  const { t } = useTranslation();
  return (
    <Page title={title}>
      <Text>{text ?? t('workspace.coming')}</Text>
    </Page>
  );
}
