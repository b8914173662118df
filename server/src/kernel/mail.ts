import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from './config.js';
import type { Executor } from './db/index.js';
import type { Outbox } from './outbox/index.js';

/**
 * Email leaves through the outbox: `send` writes a `mail.send` entry in the
 * caller's transaction and a worker hands it to SMTP (nodemailer), with the
 * outbox's retries. Without SMTP_URL (development) messages are written as .eml
 * files under DATA_DIR/mail, so nothing is lost and a developer can read them.
 */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export const MAIL_TOPIC = 'mail.send';

export class Mailer {
  private transport: Transporter;
  private readonly dir: string | null;

  constructor(private readonly config: Config) {
    if (config.SMTP_URL) {
      this.transport = nodemailer.createTransport(config.SMTP_URL);
      this.dir = null;
    } else {
      this.transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
      this.dir = path.join(config.dataDir, 'mail');
    }
  }

  /** Queues a message in `tx`; it is sent after commit by a worker. */
  send(tx: Executor, outbox: Outbox, msg: MailMessage, requestId?: string): Promise<void> {
    return outbox.enqueue(tx, MAIL_TOPIC, msg, { requestId, maxAttempts: 10 });
  }

  /** Delivers now: the outbox handler. */
  async deliver(msg: MailMessage): Promise<void> {
    const info = await this.transport.sendMail({ from: this.config.MAIL_FROM, ...msg });
    if (this.dir) {
      mkdirSync(this.dir, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${Math.random().toString(36).slice(2, 8)}.eml`;
      await writeFile(path.join(this.dir, name), (info as unknown as { message: Buffer }).message);
    }
  }

  register(outbox: Outbox): void {
    outbox.on<MailMessage>(MAIL_TOPIC, (m) => this.deliver(m.payload));
  }
}
