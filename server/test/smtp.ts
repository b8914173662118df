import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from '../src/kernel/db/embedded.js';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  parsed: ParsedMail;
}

/**
 * A real SMTP server (npm smtp-server) on loopback for tests: what arrives is
 * what a mail server would get. Pass the port to bring one back on the same address.
 */
export async function startSmtp(port?: number) {
  const received: ReceivedMail[] = [];
  const p = port ?? (await freePort());
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        void simpleParser(raw).then((parsed) => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: raw.toString('utf8'),
            parsed,
          });
          cb();
        }, cb);
      });
    },
  });
  await new Promise<void>((r) => server.listen(p, '127.0.0.1', r));
  return {
    port: p,
    url: `smtp://127.0.0.1:${p}?ignoreTLS=true`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
