import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Serves a DER request/answer endpoint (POST only, small bodies) on 127.0.0.1:
 * the dev TSA and the dev OCSP responder, for tests, demos and `congso pki`.
 */
export async function serveDerEndpoint(respond: (body: Uint8Array) => Promise<Uint8Array>, contentType: string, pathName: string, port = 0, host = '127.0.0.1'): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 64 * 1024) req.destroy(); // requests are a few hundred bytes; anything this big is not one
      else chunks.push(c);
    });
    req.on('end', () => {
      respond(new Uint8Array(Buffer.concat(chunks))).then(
        (body) => res.writeHead(200, { 'content-type': contentType, 'content-length': body.length }).end(body),
        () => res.writeHead(500).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${host}:${addr.port}${pathName}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

