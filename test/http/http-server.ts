/**
 * A real HTTP server on 127.0.0.1 for the HTTP tests, with routes that exercise the policy and
 * limits: /hello, /echo (method, x-custom header and body back as JSON), /redirect?to=<url>,
 * /big?bytes=<n>, /slow?ms=<n>. It records every request it receives.
 *
 * @example
 * ```ts
 * const server = await startTestServer();
 * await fetch(`${server.origin}/hello`);
 * server.requests; // ['GET /hello']
 * await server.close();
 * ```
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  origin: string;
  port: number;
  requests: string[];
  close(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const requests: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(`${req.method} ${url.pathname}`);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      switch (url.pathname) {
        case '/hello':
          res.writeHead(200, { 'content-type': 'text/plain', 'x-test': 'yes' }).end('hello');
          return;
        case '/echo':
          res
            .writeHead(201, { 'content-type': 'application/json' })
            .end(JSON.stringify({ method: req.method, custom: req.headers['x-custom'] ?? null, type: req.headers['content-type'] ?? null, body }));
          return;
        case '/redirect':
          res.writeHead(302, { location: url.searchParams.get('to') ?? '/hello' }).end();
          return;
        case '/big':
          res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(Number(url.searchParams.get('bytes') ?? 100_000)));
          return;
        case '/slow': {
          const timer = setTimeout(() => res.writeHead(200).end('late'), Number(url.searchParams.get('ms') ?? 2_000));
          res.on('close', () => clearTimeout(timer));
          return;
        }
        default:
          res.writeHead(404).end('not found');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
