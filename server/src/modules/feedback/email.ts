import { timingSafeEqual } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { systemCtx } from '../../kernel/context.js';
import { errors } from '../../kernel/errors.js';
import type { Kernel } from '../../kernel/index.js';
import { feedbackErrors } from './errors.js';
import { MAX_PHOTOS } from './media.js';
import { submit } from './report.service.js';
import type { ReportRow } from './report.repo.js';

/**
 * Reports by email: the province's mail server hands each message sent to the
 * feedback address (e.g. phananh@ninhbinh.gov.vn) to POST /api/feedback/inbound-email
 * as raw RFC 822 (a pipe in Postfix's aliases, or a mail gateway's webhook),
 * with the bearer token FEEDBACK_INBOUND_EMAIL_TOKEN. The message becomes a
 * report on channel "email" in the category "khac" for the desk to classify;
 * its image attachments become photos (checked and stripped like any other);
 * the sender gets the usual acknowledgement with the code. A message delivered
 * twice (same Message-ID) is one report.
 */

export const EMAIL_CATEGORY = 'khac';

export function checkToken(k: Kernel, header: string | undefined): void {
  const expected = k.config.FEEDBACK_INBOUND_EMAIL_TOKEN;
  if (!expected) throw feedbackErrors.inboundOff();
  const got = Buffer.from((header ?? '').replace(/^Bearer\s+/i, ''));
  const want = Buffer.from(expected);
  if (got.length !== want.length || !timingSafeEqual(got, want)) throw feedbackErrors.inboundToken();
}

export async function fromEmail(k: Kernel, raw: Buffer): Promise<ReportRow> {
  const mail = await simpleParser(raw, { skipHtmlToText: false, skipTextToHtml: true, skipImageLinks: true });
  const from = mail.from?.value[0];
  if (!from?.address) throw errors.field('body', 'from', 'Thư không có địa chỉ người gửi (From)');
  const text = (mail.text ?? '').replace(/\r\n/g, '\n').trim();
  const subject = (mail.subject ?? '').trim();
  if (text.length < 10 && subject.length < 5) throw errors.field('body', 'text', 'Thư không có nội dung');
  const images = (mail.attachments ?? []).filter((a) => /^image\/(jpeg|png|webp|heic|heif)$/.test(a.contentType)).slice(0, MAX_PHOTOS);
  const key = `email:${(mail.messageId ?? `${from.address}:${mail.date?.toISOString() ?? ''}:${subject}`).slice(0, 110)}`.replace(/[^A-Za-z0-9._:-]/g, '_');
  return submit(k, systemCtx('feedback.email'), {
    categoryCode: EMAIL_CATEGORY,
    title: (subject || text.split('\n')[0]!).slice(0, 200),
    body: (text || subject).slice(0, 5000),
    channel: 'email',
    reporter: { name: from.name?.trim() || from.address, email: from.address },
  }, images.map((a, i) => ({ name: a.filename ?? `anh-${i + 1}.jpg`, data: a.content })), key);
}
