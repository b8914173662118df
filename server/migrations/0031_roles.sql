-- The roles of the platform, as data. A grant is (role, actions, scope); a role
-- assignment gives the scope: a unit (covering its subtree) and/or an agency.
--
-- Action names are module.entity.verb; `x.*` covers everything under x.
--  system_admin    Quản trị hệ thống: everything, including system.* (outbox, audit, calendar), which no other role has.
--  unit_admin      Quản trị đơn vị: administrative units, agencies, officials, accounts and role assignments of its unit.
--  leader          Lãnh đạo (Chủ tịch/PCT UBND, Giám đốc Sở): decides on dossiers (phê duyệt, ký), feedback
--                  answers and documents of its scope, and reads the dashboards.
--  division_head   Trưởng phòng: assigns, reviews and returns dossiers, feedback and documents of its division.
--  specialist      Chuyên viên: processes dossiers, drafts feedback answers and documents.
--  desk_officer    Cán bộ một cửa: receives dossiers at the one-stop desk, asks for supplements,
--                  returns results to the applicant, records fees.
--  clerk           Văn thư: registers incoming documents, numbers and issues outgoing ones.
--  steering_leader Ban chỉ đạo chuyển đổi số: operations (KPIs, directives), read-only on the rest.
INSERT INTO role (code, name, name_en, actions) VALUES
  ('system_admin', 'Quản trị hệ thống', 'System administrator', ARRAY['*']),
  ('unit_admin', 'Quản trị đơn vị', 'Unit administrator',
    ARRAY['org.*', 'identity.account.manage', 'identity.role.assign']),
  ('leader', 'Lãnh đạo', 'Leader',
    ARRAY['services.dossier.*', 'feedback.*', 'documents.*', 'operations.dashboard.read', 'operations.report.read']),
  ('division_head', 'Trưởng phòng', 'Head of division',
    ARRAY['services.dossier.read', 'services.dossier.assign', 'services.dossier.process', 'services.dossier.review',
          'services.dossier.return', 'feedback.read', 'feedback.assign', 'feedback.answer.draft', 'feedback.answer.review',
          'documents.read', 'documents.assign', 'documents.draft', 'documents.review', 'operations.report.read']),
  ('specialist', 'Chuyên viên', 'Specialist',
    ARRAY['services.dossier.read', 'services.dossier.process', 'services.dossier.return', 'feedback.read',
          'feedback.answer.draft', 'documents.read', 'documents.draft']),
  ('desk_officer', 'Cán bộ một cửa', 'One-stop desk officer',
    ARRAY['services.dossier.receive', 'services.dossier.read', 'services.dossier.supplement', 'services.dossier.return',
          'services.dossier.deliver', 'services.payment.record']),
  ('clerk', 'Văn thư', 'Clerk',
    ARRAY['documents.read', 'documents.register', 'documents.number', 'documents.issue', 'documents.distribute']),
  ('steering_leader', 'Lãnh đạo Ban chỉ đạo', 'Steering committee leader',
    ARRAY['operations.*', 'services.dossier.read', 'feedback.read', 'documents.read']);
