import { z } from 'zod';
import type { AgencyRow, OfficialRow, UnitRow } from './org.repo.js';

/** Schemas and views shared by the org routes. */
export const TAG = 'org';

export const unitTypes = ['country', 'province', 'city', 'commune', 'ward', 'special_zone'] as const;
export const agencyKinds = ['people_committee', 'committee_office', 'department', 'service_centre', 'commune_committee', 'other'] as const;

export const unitCode = z.string().regex(/^\d{2}(\d{3})?$/, 'Mã đơn vị gồm 2 (tỉnh) hoặc 5 (xã/phường) chữ số');
export { isoDate } from '../../kernel/http/schemas.js';
export const text = (max: number) => z.string().trim().min(1, 'Không được để trống').max(max, `Tối đa ${max} ký tự`).refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'Không được chứa ký tự điều khiển');
export const optText = (max: number) => text(max).nullable().optional();
export const email = z.email('Thư điện tử không hợp lệ').max(200);
export const phone = z.string().regex(/^\+?[0-9 .-]{8,20}$/, 'Số điện thoại không hợp lệ');
export const uuid = (what: string) => z.uuid(`${what} không hợp lệ`);

export const unitSchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  fullName: z.string(),
  nameEn: z.string().nullable(),
  type: z.enum(unitTypes),
  parentCode: z.string().nullable(),
  path: z.string(),
  effectiveFrom: z.string(),
  effectiveTo: z.string().nullable(),
});

export function unitView(u: UnitRow): z.infer<typeof unitSchema> {
  return {
    id: u.id,
    code: u.code,
    name: u.name,
    fullName: u.full_name,
    nameEn: u.name_en,
    type: u.type,
    parentCode: u.parent_code,
    path: u.path,
    effectiveFrom: u.effective_from,
    effectiveTo: u.effective_to,
  };
}

export const agencySchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  shortName: z.string().nullable(),
  nameEn: z.string().nullable(),
  kind: z.enum(agencyKinds),
  unitCode: z.string(),
  unitName: z.string(),
  parentId: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  address: z.string().nullable(),
  active: z.boolean(),
});

export function agencyView(a: AgencyRow): z.infer<typeof agencySchema> {
  return {
    id: a.id,
    code: a.code,
    name: a.name,
    shortName: a.short_name,
    nameEn: a.name_en,
    kind: a.kind,
    unitCode: a.unit_code,
    unitName: a.unit_name,
    parentId: a.parent_id,
    email: a.email,
    phone: a.phone,
    address: a.address,
    active: a.active,
  };
}

export const officialSchema = z.object({
  id: z.string(),
  fullName: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  agencyId: z.string(),
  agencyName: z.string(),
  divisionId: z.string().nullable(),
  positionCode: z.string(),
  positionName: z.string(),
  active: z.boolean(),
  accountId: z.string().nullable(),
});

export function officialView(o: OfficialRow): z.infer<typeof officialSchema> {
  return {
    id: o.id,
    fullName: o.full_name,
    email: o.email,
    phone: o.phone,
    agencyId: o.agency_id,
    agencyName: o.agency_name,
    divisionId: o.division_id,
    positionCode: o.position_code,
    positionName: o.position_name,
    active: o.active,
    accountId: o.account_id,
  };
}

export const divisionSchema = z.object({ id: z.string(), code: z.string(), name: z.string() });
