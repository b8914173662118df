-- Working-day calendar: the yearly table of days off and make-up working days,
-- and the office-hours settings. Monday–Friday are working days unless a row
-- says otherwise; Saturday and Sunday are days off unless a row says 'work'.
-- The engine does not compute holidays (lunar dates, swaps are decided each
-- year by the Government): administrators maintain these rows.

CREATE TABLE calendar_settings (
  -- One row only.
  id                 boolean PRIMARY KEY DEFAULT true CHECK (id),
  work_start         time NOT NULL DEFAULT '07:30',
  lunch_start        time NOT NULL DEFAULT '11:30',
  lunch_end          time NOT NULL DEFAULT '13:00',
  work_end           time NOT NULL DEFAULT '17:00',
  -- A dossier received after this hour counts from the next working day.
  cutoff             time NOT NULL DEFAULT '15:00',
  -- Desks that receive on Saturday morning: a receipt then counts as received that day.
  saturday_receiving boolean NOT NULL DEFAULT false,
  -- All arithmetic runs in this zone (no daylight saving since 1975).
  time_zone          text NOT NULL DEFAULT 'Asia/Ho_Chi_Minh',
  -- Bumped on every change of this row or of calendar_day: instances reload their cached table when it moves.
  version            bigint NOT NULL DEFAULT 1,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  CHECK (work_start < lunch_start AND lunch_start <= lunch_end AND lunch_end < work_end),
  CHECK (cutoff >= work_start AND cutoff <= work_end)
);
INSERT INTO calendar_settings DEFAULT VALUES;

CREATE TABLE calendar_day (
  date        date PRIMARY KEY,
  kind        text NOT NULL CHECK (kind IN ('off', 'work')),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE OR REPLACE FUNCTION calendar_settings_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.version := OLD.version + 1;
  NEW.updated_at := now();
  RETURN NEW;
END $$;
CREATE TRIGGER calendar_settings_version BEFORE UPDATE ON calendar_settings
  FOR EACH ROW EXECUTE FUNCTION calendar_settings_bump();

CREATE OR REPLACE FUNCTION calendar_day_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE calendar_settings SET updated_at = now();
  RETURN NULL;
END $$;
CREATE TRIGGER calendar_day_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_day
  FOR EACH STATEMENT EXECUTE FUNCTION calendar_day_bump();

-- Seed: 2025 and 2026. Legal base of every public holiday: Bộ luật Lao động 2019,
-- Điều 112 (1/1; Tết Âm lịch 5 ngày; Giỗ Tổ 10/3 âm lịch; 30/4; 1/5; 2/9 và 1 ngày
-- liền kề); khoản 3: a holiday on the weekly rest day is taken on the next working day.
-- Rows list only weekdays off and Saturdays worked; weekends inside a break need no row.
INSERT INTO calendar_day (date, kind, name) VALUES
  -- BLLĐ 2019 đ.112 k.1 a.
  ('2025-01-01', 'off',  'Tết Dương lịch'),
  -- Tết Ất Tỵ: nghỉ 25/01–02/02/2025 (Thông báo 6150/TB-LĐTBXH ngày 08/11/2024, theo
  -- ý kiến của Thủ tướng): 5 ngày Tết theo BLLĐ đ.112 cộng nghỉ hằng tuần và ngày nghỉ bù.
  ('2025-01-27', 'off',  'Tết Nguyên đán Ất Tỵ'),
  ('2025-01-28', 'off',  'Tết Nguyên đán Ất Tỵ'),
  ('2025-01-29', 'off',  'Tết Nguyên đán Ất Tỵ (mùng 1)'),
  ('2025-01-30', 'off',  'Tết Nguyên đán Ất Tỵ'),
  ('2025-01-31', 'off',  'Tết Nguyên đán Ất Tỵ'),
  -- 10/3 Ất Tỵ = thứ Hai 07/4/2025 (BLLĐ đ.112 k.1 c).
  ('2025-04-07', 'off',  'Giỗ Tổ Hùng Vương'),
  -- Hoán đổi: nghỉ thứ Sáu 02/5, làm bù thứ Bảy 26/4/2025 (Thủ tướng đồng ý theo đề xuất của Bộ LĐTBXH, 2025).
  ('2025-04-26', 'work', 'Làm bù cho ngày 02/5/2025'),
  ('2025-04-30', 'off',  'Ngày Chiến thắng'),
  ('2025-05-01', 'off',  'Ngày Quốc tế lao động'),
  ('2025-05-02', 'off',  'Nghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)'),
  -- Quốc khánh: 02/9 và ngày liền kề 01/9/2025 (BLLĐ đ.112 k.1 đ; Thông báo 6150/TB-LĐTBXH).
  ('2025-09-01', 'off',  'Quốc khánh (ngày liền kề)'),
  ('2025-09-02', 'off',  'Quốc khánh'),
  -- BLLĐ đ.112 k.1 a; hoán đổi: nghỉ thứ Sáu 02/01, làm bù thứ Bảy 10/01/2026
  -- (Văn bản 12729/VPCP-KGVX ngày 25/12/2025, Phó Thủ tướng đồng ý đề xuất của Bộ Nội vụ).
  ('2026-01-01', 'off',  'Tết Dương lịch'),
  ('2026-01-02', 'off',  'Nghỉ hoán đổi (làm bù thứ Bảy 10/01/2026)'),
  ('2026-01-10', 'work', 'Làm bù cho ngày 02/01/2026'),
  -- Tết Bính Ngọ: nghỉ 14/02–22/02/2026 (phương án Thủ tướng chốt theo đề xuất của Bộ Nội vụ);
  -- mùng 1 = thứ Ba 17/02/2026.
  ('2026-02-16', 'off',  'Tết Nguyên đán Bính Ngọ'),
  ('2026-02-17', 'off',  'Tết Nguyên đán Bính Ngọ (mùng 1)'),
  ('2026-02-18', 'off',  'Tết Nguyên đán Bính Ngọ'),
  ('2026-02-19', 'off',  'Tết Nguyên đán Bính Ngọ'),
  ('2026-02-20', 'off',  'Tết Nguyên đán Bính Ngọ'),
  -- 10/3 Bính Ngọ = Chủ nhật 26/4/2026: nghỉ bù thứ Hai 27/4 (BLLĐ đ.112 k.1 c và k.3).
  ('2026-04-27', 'off',  'Nghỉ bù Giỗ Tổ Hùng Vương'),
  ('2026-04-30', 'off',  'Ngày Chiến thắng'),
  ('2026-05-01', 'off',  'Ngày Quốc tế lao động'),
  -- Quốc khánh: 02/9 (thứ Tư) và ngày liền kề 01/9/2026 (BLLĐ đ.112 k.1 đ).
  ('2026-09-01', 'off',  'Quốc khánh (ngày liền kề)'),
  ('2026-09-02', 'off',  'Quốc khánh'),
  -- Ngày Văn hóa Việt Nam, nghỉ hưởng nguyên lương từ 2026 (Nghị quyết 80-NQ/TW ngày
  -- 07/01/2026; Nghị quyết 30/NQ-CP giao bổ sung vào khoản 1 Điều 112 BLLĐ).
  ('2026-11-24', 'off',  'Ngày Văn hóa Việt Nam');
