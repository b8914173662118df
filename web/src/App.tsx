import { Anchor, AppShell, Burger, Button, Group, NavLink, SegmentedControl, Text, VisuallyHidden } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { allows, post } from './api';
import { useMe } from './auth';
import { setLanguage } from './i18n';
import { AgenciesPage } from './pages/Agencies';
import { AuditPage } from './pages/Audit';
import { CalendarPage } from './pages/Calendar';
import { DossierPage } from './pages/Dossier';
import { DocumentPage, DocumentsPage, VerifyPdfPage } from './pages/Documents';
import { DocumentRegistersPage } from './pages/DocumentRegisters';
import { ConsultationFormPage, ConsultationPage, ConsultationsPage } from './pages/Consultations';
import { FeedbackDashboardPage, PublicReportPage, PublicReportsPage, ReportCasePage, ReportFormPage, ReportQueuePage } from './pages/Feedback';
import { DeskPage, SubmitPage } from './pages/DossierForm';
import { ExchangeGrantsPage, ExchangePartnersPage } from './pages/Exchange';
import { MyDossiersPage, QueuePage } from './pages/Dossiers';
import { ForgotPage, ResetPage } from './pages/Password';
import { HomePage } from './pages/Home';
import { Index766Page } from './pages/Index766';
import { JobsPage } from './pages/Jobs';
import { LoginPage } from './pages/Login';
import { OfficialsPage } from './pages/Officials';
import { OperationsPage } from './pages/Operations';
import { OperationsDtiPage } from './pages/OperationsDti';
import { OperationsProgrammePage } from './pages/OperationsProgramme';
import { OperationsTargetsPage } from './pages/OperationsTargets';
import { ProcessDefinitionsPage } from './pages/ProcessDefinitions';
import { CatalogueEditorPage } from './pages/CatalogueEditor';
import { ProceduresPage } from './pages/Procedures';
import { RegisterPage } from './pages/Register';
import { RolesPage } from './pages/Roles';
import { TrackingPage } from './pages/Tracking';
import { UnitsPage } from './pages/Units';
import { ComingPage, WorkspacePage } from './pages/Workspace';
import { Loading } from './ui';

interface NavItem {
  to: string;
  label: string;
  action?: string;
}

function Guard({ action, kinds, children }: { action?: string; kinds?: string[]; children: ReactNode }) {
  const me = useMe();
  const { t } = useTranslation();
  const location = useLocation();
  if (me.isLoading) return <Loading />;
  if (!me.data) return <Navigate to={`/dang-nhap?sau=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (action && !allows(me.data, action)) return <Text role="alert">{t('forbidden')}</Text>;
  if (kinds && !kinds.includes(me.data.kind)) return <Text role="alert">{t('forbidden')}</Text>;
  return <>{children}</>;
}

export function App() {
  const { t, i18n } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure();
  const me = useMe();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const user = me.data;

  const work: NavItem[] = [
    { to: '/lam-viec', label: t('nav.workspace') },
    { to: '/lam-viec/ho-so', label: t('nav.dossiers') },
    ...(allows(user, 'services.dossier.receive') ? [{ to: '/lam-viec/mot-cua', label: t('nav.desk') }] : []),
    { to: '/lam-viec/phan-anh', label: t('nav.petitions') },
    { to: '/lam-viec/van-ban', label: t('nav.documents') },
    ...(allows(user, 'documents.number') ? [{ to: '/lam-viec/so-van-ban', label: t('nav.documentRegisters') }] : []),
    { to: '/lam-viec/dieu-hanh', label: t('nav.operations') },
    { to: '/lam-viec/du-lieu-mo', label: t('nav.opendata') },
    ...(allows(user, 'exchange.grant.decide') ? [{ to: '/lam-viec/trao-doi-du-lieu', label: t('nav.exchangeGrants') }] : []),
  ];
  const admin: NavItem[] = [
    { to: '/quan-tri/don-vi', label: t('nav.units'), action: 'org.unit.manage' },
    { to: '/quan-tri/co-quan', label: t('nav.agencies'), action: 'org.agency.manage' },
    { to: '/quan-tri/can-bo', label: t('nav.officials'), action: 'org.official.manage' },
    { to: '/quan-tri/vai-tro', label: t('nav.roles'), action: 'identity.role.assign' },
    { to: '/quan-tri/thu-tuc', label: t('nav.catalogue'), action: 'services.catalogue.manage' },
    { to: '/quan-tri/quy-trinh', label: t('nav.processes'), action: 'services.catalogue.manage' },
    { to: '/quan-tri/lich', label: t('nav.calendar'), action: 'system.calendar.manage' },
    { to: '/quan-tri/hang-doi', label: t('nav.jobs'), action: 'system.outbox.manage' },
    { to: '/quan-tri/nhat-ky', label: t('nav.audit'), action: 'system.audit.read' },
    { to: '/quan-tri/doi-tac', label: t('nav.partners'), action: 'exchange.partner.manage' },
  ].filter((i) => allows(user, i.action));

  async function logout() {
    await post('/api/auth/logout').catch(() => undefined);
    qc.setQueryData(['me'], null);
    navigate('/');
  }

  const link = (i: NavItem) => (
    <NavLink key={i.to} component={Link} to={i.to} label={i.label} active={location.pathname === i.to} onClick={close} />
  );

  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 260, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <a href="#main" className="skip-link">
        {t('app.skip')}
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('app.menu')} />
            <Anchor component={Link} to="/" fw={700} c="red.9" underline="never">
              {t('app.name')}
            </Anchor>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <SegmentedControl
              size="xs"
              aria-label={t('app.language')}
              value={i18n.language === 'en' ? 'en' : 'vi'}
              onChange={(v) => setLanguage(v as 'vi' | 'en')}
              data={[
                { value: 'vi', label: 'VI' },
                { value: 'en', label: 'EN' },
              ]}
            />
            {user ? (
              <Button size="xs" variant="default" onClick={logout}>
                {t('nav.logout')}
              </Button>
            ) : (
              <Button size="xs" component={Link} to="/dang-nhap">
                {t('nav.login')}
              </Button>
            )}
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label={t('app.menu')} style={{ overflowY: 'auto' }}>
        <nav aria-label={t('nav.home')}>
          <NavLink component={Link} to="/" label={t('nav.home')} active={location.pathname === '/'} onClick={close} />
          <NavLink component={Link} to="/dich-vu-cong" label={t('nav.procedures')} active={location.pathname === '/dich-vu-cong'} onClick={close} />
          <NavLink component={Link} to="/tra-cuu" label={t('nav.tracking')} active={location.pathname.startsWith('/tra-cuu')} onClick={close} />
          <NavLink component={Link} to="/chi-so-766" label={t('nav.index766')} active={location.pathname === '/chi-so-766'} onClick={close} />
          <NavLink component={Link} to="/gop-y" label={t('nav.consultations')} active={location.pathname.startsWith('/gop-y')} onClick={close} />
          <NavLink component={Link} to="/kiem-tra-chu-ky" label={t('documents.nav')} active={location.pathname === '/kiem-tra-chu-ky'} onClick={close} />
          <NavLink component={Link} to="/phan-anh" label={t('nav.feedback')} active={location.pathname === '/phan-anh' || location.pathname === '/phan-anh/gui'} onClick={close} />
          {user && user.kind !== 'official' && <NavLink component={Link} to="/ho-so-cua-toi" label={t('nav.myDossiers')} active={location.pathname === '/ho-so-cua-toi'} onClick={close} />}
          {user && user.kind !== 'official' && <NavLink component={Link} to="/phan-anh/cua-toi" label={t('nav.myFeedback')} active={location.pathname.startsWith('/phan-anh/cua-toi')} onClick={close} />}
          {user?.kind === 'official' && work.map(link)}
          {admin.length > 0 && (
            <>
              <Text size="xs" fw={700} c="dimmed" mt="md" mb={4} px="sm" component="p">
                {t('nav.admin')}
              </Text>
              {admin.map(link)}
            </>
          )}
          {!user && (
            <>
              <NavLink component={Link} to="/dang-nhap" label={t('nav.login')} onClick={close} />
              <NavLink component={Link} to="/dang-ky" label={t('nav.register')} onClick={close} />
            </>
          )}
        </nav>
        {user && (
          <Text size="sm" mt="auto" px="sm" data-testid="signed-in-as">
            <VisuallyHidden>{t('home.profile')}: </VisuallyHidden>
            {user.name}
          </Text>
        )}
      </AppShell.Navbar>
      <AppShell.Main id="main">
        <Routes>
          <Route path="/" element={<HomePage />} />
          <Route path="/dich-vu-cong" element={<ProceduresPage />} />
          <Route path="/dang-nhap" element={<LoginPage />} />
          <Route path="/dang-ky" element={<RegisterPage />} />
          <Route path="/quen-mat-khau" element={<ForgotPage />} />
          <Route path="/dat-lai-mat-khau" element={<ResetPage />} />
          <Route path="/lam-viec" element={<Guard><WorkspacePage /></Guard>} />
          <Route path="/tra-cuu" element={<TrackingPage />} />
          <Route path="/tra-cuu/:code" element={<TrackingPage />} />
          <Route path="/chi-so-766" element={<Index766Page />} />
          <Route path="/nop-ho-so/:code" element={<Guard><SubmitPage /></Guard>} />
          <Route path="/ho-so-cua-toi" element={<Guard><MyDossiersPage /></Guard>} />
          <Route path="/ho-so/:id" element={<Guard><DossierPage /></Guard>} />
          <Route path="/gop-y" element={<ConsultationsPage />} />
          <Route path="/gop-y/:id" element={<ConsultationPage />} />
          <Route path="/lam-viec/gop-y/moi" element={<Guard action="feedback.consultation.manage"><ConsultationFormPage /></Guard>} />
          <Route path="/phan-anh" element={<PublicReportsPage />} />
          <Route path="/phan-anh/gui" element={<ReportFormPage />} />
          <Route path="/phan-anh/cua-toi" element={<Guard><ReportQueuePage mine /></Guard>} />
          <Route path="/phan-anh/cua-toi/:id" element={<Guard><ReportCasePage /></Guard>} />
          <Route path="/phan-anh/:code" element={<PublicReportPage />} />
          <Route path="/lam-viec/phan-anh" element={<Guard action="feedback.read"><ReportQueuePage /></Guard>} />
          <Route path="/lam-viec/phan-anh/tong-hop" element={<Guard action="feedback.read"><FeedbackDashboardPage /></Guard>} />
          <Route path="/lam-viec/phan-anh/:id" element={<Guard kinds={['official']}><ReportCasePage /></Guard>} />
          <Route path="/lam-viec/ho-so" element={<Guard kinds={['official']}><QueuePage /></Guard>} />
          <Route path="/lam-viec/van-ban" element={<Guard action="documents.read"><DocumentsPage /></Guard>} />
          <Route path="/lam-viec/van-ban/:id" element={<Guard kinds={['official']}><DocumentPage /></Guard>} />
          <Route path="/lam-viec/so-van-ban" element={<Guard action="documents.number"><DocumentRegistersPage /></Guard>} />
          <Route path="/kiem-tra-chu-ky" element={<VerifyPdfPage />} />
          <Route path="/lam-viec/mot-cua" element={<Guard action="services.dossier.receive"><DeskPage /></Guard>} />
          <Route path="/lam-viec/dieu-hanh" element={<Guard action="operations.dashboard.read"><OperationsPage /></Guard>} />
          <Route path="/lam-viec/dieu-hanh/chuong-trinh" element={<Guard action="operations.programme.read"><OperationsProgrammePage /></Guard>} />
          <Route path="/lam-viec/dieu-hanh/dti" element={<Guard action="operations.programme.read"><OperationsDtiPage /></Guard>} />
          <Route path="/lam-viec/dieu-hanh/chi-tieu" element={<Guard action="operations.dashboard.read"><OperationsTargetsPage /></Guard>} />
          <Route path="/lam-viec/trao-doi-du-lieu" element={<Guard action="exchange.grant.decide"><ExchangeGrantsPage /></Guard>} />
          {work.slice(1).filter((w) => !['/lam-viec/ho-so', '/lam-viec/mot-cua', '/lam-viec/phan-anh', '/lam-viec/van-ban', '/lam-viec/dieu-hanh', '/lam-viec/trao-doi-du-lieu'].includes(w.to)).map((w) => (
            <Route key={w.to} path={w.to} element={<Guard><ComingPage title={w.label} /></Guard>} />
          ))}
          <Route path="/quan-tri/don-vi" element={<Guard action="org.unit.manage"><UnitsPage /></Guard>} />
          <Route path="/quan-tri/co-quan" element={<Guard action="org.agency.manage"><AgenciesPage /></Guard>} />
          <Route path="/quan-tri/can-bo" element={<Guard action="org.official.manage"><OfficialsPage /></Guard>} />
          <Route path="/quan-tri/vai-tro" element={<Guard action="identity.role.assign"><RolesPage /></Guard>} />
          <Route path="/quan-tri/thu-tuc" element={<Guard action="services.catalogue.manage"><CatalogueEditorPage /></Guard>} />
          <Route path="/quan-tri/quy-trinh" element={<Guard action="services.catalogue.manage"><ProcessDefinitionsPage /></Guard>} />
          <Route path="/quan-tri/lich" element={<Guard action="system.calendar.manage"><CalendarPage /></Guard>} />
          <Route path="/quan-tri/hang-doi" element={<Guard action="system.outbox.manage"><JobsPage /></Guard>} />
          <Route path="/quan-tri/nhat-ky" element={<Guard action="system.audit.read"><AuditPage /></Guard>} />
          <Route path="/quan-tri/doi-tac" element={<Guard action="exchange.partner.manage"><ExchangePartnersPage /></Guard>} />
          <Route path="*" element={<ComingPage title={t('notFound.title')} text={t('notFound.text')} />} />
        </Routes>
      </AppShell.Main>
    </AppShell>
  );
}
