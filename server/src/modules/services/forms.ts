import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { FieldError } from '../../kernel/errors.js';
import type { Procedure } from './catalogue.schema.js';

/**
 * Forms are data: each component's form is a JSON Schema that the web app
 * renders and this file validates, with Vietnamese messages naming the field
 * by its label. Compiled validators are cached per procedure version.
 */

const ajv = new Ajv2020({ allErrors: true, strict: false, coerceTypes: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);

const cache = new Map<string, ValidateFunction>();
const CACHE_MAX = 500;

function validatorFor(key: string, schema: object): ValidateFunction {
  let v = cache.get(key);
  if (!v) {
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
    v = ajv.compile({ ...schema, additionalProperties: false });
    cache.set(key, v);
  }
  return v;
}

type Props = Record<string, Record<string, unknown>>;

function titleOf(props: Props, name: string): string {
  return (props[name]?.title as string | undefined) ?? name;
}

function message(e: ErrorObject, props: Props): { field: string; rule: string; message: string } {
  const prop = e.instancePath.split('/')[1] ?? '';
  switch (e.keyword) {
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      return { field: missing, rule: 'required', message: `Chưa nhập «${titleOf(props, missing)}»` };
    }
    case 'additionalProperties': {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      return { field: extra, rule: 'unknown', message: `Biểu mẫu không có trường «${extra}»` };
    }
    case 'enum':
      return { field: prop, rule: 'enum', message: `«${titleOf(props, prop)}» phải là một trong: ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).join(', ')}` };
    case 'pattern':
      return { field: prop, rule: 'pattern', message: `«${titleOf(props, prop)}» không đúng định dạng${props[prop]?.description ? ` (${props[prop]!.description as string})` : ''}` };
    case 'format': {
      const f = (e.params as { format: string }).format;
      const what = f === 'date' ? 'ngày (năm-tháng-ngày)' : f === 'email' ? 'địa chỉ thư điện tử' : f;
      return { field: prop, rule: 'format', message: `«${titleOf(props, prop)}» phải là ${what} hợp lệ` };
    }
    case 'type':
      return { field: prop, rule: 'type', message: `«${titleOf(props, prop)}» phải là ${(e.params as { type: string }).type === 'integer' ? 'số nguyên' : (e.params as { type: string }).type === 'number' ? 'số' : 'chữ'}` };
    case 'maxLength':
      return { field: prop, rule: 'maxLength', message: `«${titleOf(props, prop)}» dài quá ${(e.params as { limit: number }).limit} ký tự` };
    case 'minLength':
      return { field: prop, rule: 'minLength', message: `Chưa nhập «${titleOf(props, prop)}»` };
    case 'minimum':
      return { field: prop, rule: 'minimum', message: `«${titleOf(props, prop)}» không được nhỏ hơn ${(e.params as { limit: number }).limit}` };
    case 'maximum':
      return { field: prop, rule: 'maximum', message: `«${titleOf(props, prop)}» không được lớn hơn ${(e.params as { limit: number }).limit}` };
    default:
      return { field: prop, rule: e.keyword, message: `«${titleOf(props, prop)}» không hợp lệ` };
  }
}

/** Drops empty strings, so an untouched optional field is absent rather than invalid. */
export function cleanForm(data: unknown): Record<string, unknown> {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return {};
  return Object.fromEntries(Object.entries(data as Record<string, unknown>).filter(([, v]) => v !== '' && v !== null && v !== undefined));
}

/**
 * Validates the filled forms of a procedure version. `base` is where the
 * fields live in the request (e.g. 'body.forms'). Every problem of every form
 * is reported at once.
 */
export function formProblems(p: Procedure, version: number, forms: Record<string, unknown>, base: string): FieldError[] {
  const out: FieldError[] = [];
  const known = new Set(p.components.filter((c) => c.form).map((c) => c.key));
  for (const k of Object.keys(forms)) {
    if (!known.has(k)) out.push({ field: `${base}.${k}`, rule: 'unknown', message: `Thủ tục không có biểu mẫu «${k}»` });
  }
  for (const c of p.components) {
    if (!c.form) continue;
    const value = forms[c.key];
    if (value === undefined) {
      if (c.required) out.push({ field: `${base}.${c.key}`, rule: 'required', message: `Chưa điền «${c.name}»` });
      continue;
    }
    const v = validatorFor(`${p.code}@${version}#${c.key}`, c.form);
    if (!v(cleanForm(value))) {
      for (const e of v.errors ?? []) {
        const m = message(e, c.form.properties as Props);
        out.push({ field: `${base}.${c.key}.${m.field}`, rule: m.rule, message: m.message });
      }
    }
  }
  return out;
}
