import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, type FieldError, type Lang, toProblem } from '../errors.js';

const locales = { vi: z.locales.vi(), en: z.locales.en() };

/** Which of the supported languages the caller asked for; Vietnamese first. */
export function pickLang(req: FastifyRequest): Lang {
  const q = (req.query as Record<string, unknown> | undefined)?.lang;
  if (q === 'en' || q === 'vi') return q;
  const h = req.headers['accept-language'];
  if (typeof h === 'string') {
    const first = h.split(',')[0]?.trim().toLowerCase() ?? '';
    if (first.startsWith('en')) return 'en';
  }
  return 'vi';
}

function ruleOf(code: string, params: Record<string, unknown>): string {
  switch (code) {
    case 'invalid_type':
      return params.input === undefined && !('received' in params) ? 'required' : 'type';
    case 'too_small':
      return 'min';
    case 'too_big':
      return 'max';
    case 'invalid_format':
      return String(params.format ?? 'format');
    case 'invalid_value':
      return 'enum';
    case 'unrecognized_keys':
      return 'unknown';
    default:
      return code;
  }
}

/** Zod issues (from request validation) as field errors in the caller's language. */
export function zodFieldErrors(
  part: string,
  issues: { keyword: string; instancePath: string; message: string; params: Record<string, unknown> }[],
  lang: Lang,
): FieldError[] {
  const out: FieldError[] = [];
  for (const v of issues) {
    const base = [part, ...v.instancePath.split('/').filter(Boolean)].join('.');
    const issue = { code: v.keyword, ...v.params, message: v.message } as never;
    let message = v.message;
    // Messages set explicitly in a schema stay; generated ones are translated.
    const generated = locales.en.localeError(issue);
    const enMsg = typeof generated === 'string' ? generated : generated?.message;
    if (!v.message || v.message === enMsg || v.message.startsWith('Invalid') || v.message.startsWith('Too') || v.message.startsWith('Unrecognized')) {
      const m = locales[lang].localeError(issue);
      message = (typeof m === 'string' ? m : m?.message) ?? v.message;
      if (v.keyword === 'invalid_type' && v.params.input === undefined) {
        message = lang === 'vi' ? 'Trường này là bắt buộc' : 'This field is required';
      }
    }
    if (v.keyword === 'unrecognized_keys' && Array.isArray(v.params.keys)) {
      for (const k of v.params.keys as string[]) {
        out.push({
          field: `${base}.${k}`,
          rule: 'unknown',
          message: lang === 'vi' ? `Trường "${k}" không được chấp nhận` : `Field "${k}" is not allowed`,
        });
      }
      continue;
    }
    out.push({ field: base, rule: ruleOf(v.keyword, v.params), message });
  }
  return out;
}

export function sendProblem(reply: FastifyReply, req: FastifyRequest, err: AppError, headers: Record<string, string> = {}) {
  const problem = toProblem(err, pickLang(req), req.id, req.url.split('?')[0]);
  void reply
    .code(problem.status)
    .headers({ 'content-type': 'application/problem+json; charset=utf-8', ...headers })
    .send(JSON.stringify(problem));
  return reply;
}

/** The one error handler: catalogue errors as they are, framework errors mapped, anything else logged and hidden. */
export function errorHandler(error: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) return sendProblem(reply, req, error);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const part = (error as FastifyError & { validationContext?: string }).validationContext ?? 'body';
    const fields = zodFieldErrors(part, error.validation as never, pickLang(req));
    return sendProblem(reply, req, new AppError('VALIDATION_FAILED', {}, fields));
  }
  const code = error.code;
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (error instanceof SyntaxError && error.statusCode === 400)) {
    return sendProblem(reply, req, new AppError('MALFORMED_BODY'));
  }
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) {
    return sendProblem(reply, req, new AppError('BODY_TOO_LARGE', { limit: req.routeOptions.bodyLimit ?? 0 }));
  }
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || error.statusCode === 415) {
    return sendProblem(reply, req, new AppError('UNSUPPORTED_MEDIA_TYPE'));
  }
  if (error.statusCode === 429) {
    const retry = String(reply.getHeader('retry-after') ?? 60);
    return sendProblem(reply, req, new AppError('RATE_LIMITED', { retryAfter: retry }));
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    // Other client errors raised by Fastify or a plugin (bad content-length, bad params...).
    return sendProblem(reply, req, new AppError('VALIDATION_FAILED', {}, [
      { field: 'request', rule: code ?? 'invalid', message: pickLang(req) === 'vi' ? 'Yêu cầu không hợp lệ' : error.message },
    ]));
  }
  req.log.error({ err: error, reqId: req.id }, 'unhandled error');
  return sendProblem(reply, req, new AppError('INTERNAL', { requestId: req.id }));
}
