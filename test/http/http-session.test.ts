/**
 * HttpSession with an injected fetch: redirect handling (method change, credentials across
 * origins, loops, opaque redirects), failures that must never reject, and refusal reports.
 */
import { describe, expect, it } from 'vitest';
import { resolveHttpLimits } from '../../src/http/http-limits.ts';
import { HttpSession, type HttpDenial } from '../../src/http/http-session.ts';
import { NetworkPolicy } from '../../src/http/network-policy.ts';

interface Seen {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | null;
}

function session(routes: (url: URL, seen: Seen) => Response | Promise<Response>, allowed = ['https://a.example', 'https://b.example']) {
  const seen: Seen[] = [];
  const denials: HttpDenial[] = [];
  const fake = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
    const entry = { url: String(input), method: init?.method ?? 'GET', headers, body: init?.body ? new TextDecoder().decode(init.body as Uint8Array) : null };
    seen.push(entry);
    return routes(new URL(String(input)), entry);
  }) as typeof fetch;
  const s = new HttpSession({ policy: NetworkPolicy.create({ host: allowed, plugin: allowed }), limits: resolveHttpLimits({ maxHttpRedirects: 3 }), fetch: fake, onDenied: (d) => denials.push(d) });
  s.beginCall();
  return { s, seen, denials };
}

const redirect = (status: number, location: string) => new Response(null, { status, headers: { location } });

describe('HttpSession', () => {
  it('turns POST into GET without a body on 303, and keeps them on 307', async () => {
    const { s, seen } = session((url) => (url.pathname === '/see' ? redirect(303, '/done') : url.pathname === '/temp' ? redirect(307, '/done') : new Response('ok')));
    await s.request({ url: 'https://a.example/see', method: 'POST', headers: { 'content-type': 'text/plain' }, body: new TextEncoder().encode('x') });
    expect(seen.map((r) => [r.method, r.body, r.headers['content-type'] ?? null])).toEqual([
      ['POST', 'x', 'text/plain'],
      ['GET', null, null],
    ]);
    seen.length = 0;
    await s.request({ url: 'https://a.example/temp', method: 'POST', body: new TextEncoder().encode('x') });
    expect(seen.map((r) => [r.method, r.body])).toEqual([
      ['POST', 'x'],
      ['POST', 'x'],
    ]);
  });

  it('drops credentials when a redirect changes origin', async () => {
    const { s, seen } = session((url) => (url.host === 'a.example' ? redirect(302, 'https://b.example/x') : new Response('ok')));
    const res = await s.request({ url: 'https://a.example/', headers: { Authorization: 'Bearer t', Cookie: 'c=1', 'X-Keep': 'k' } });
    expect(res.status).toBe(200);
    expect(seen[0]?.headers).toMatchObject({ authorization: 'Bearer t', cookie: 'c=1' });
    expect(seen[1]?.headers).toEqual({ 'x-keep': 'k' });
  });

  it('stops redirect loops at maxHttpRedirects', async () => {
    const { s, seen, denials } = session(() => redirect(302, '/again'));
    const res = await s.request({ url: 'https://a.example/' });
    expect(res).toMatchObject({ status: 429, error: { kind: 'limit' } });
    expect(seen).toHaveLength(4);
    expect(denials).toEqual([expect.objectContaining({ kind: 'limit', limit: 'maxHttpRedirects' })]);
  });

  it('refuses redirects it cannot inspect (browsers: opaqueredirect)', async () => {
    const { s } = session(() => {
      const res = new Response(null, { status: 200 });
      Object.defineProperty(res, 'type', { value: 'opaqueredirect' });
      return res;
    });
    expect(await s.request({ url: 'https://a.example/' })).toMatchObject({ status: 403, error: { kind: 'denied' } });
  });

  it('answers a failing fetch with 502 instead of rejecting', async () => {
    const { s } = session(() => {
      throw new TypeError('fetch failed', { cause: new Error('ECONNREFUSED') });
    });
    const res = await s.request({ url: 'https://a.example/' });
    expect(res).toMatchObject({ status: 502, error: { kind: 'network' } });
    expect(res.error?.message).toMatch(/ECONNREFUSED/);
    expect(res.headers['x-reed-error']).toBe('network');
  });

  it('refuses a declared content-length over the limit before reading', async () => {
    const { s } = session(() => new Response('x', { headers: { 'content-length': String(10 * 1024 * 1024) } }));
    expect(await s.request({ url: 'https://a.example/' })).toMatchObject({ status: 429, error: { kind: 'limit' } });
  });

  it('rejects bad input as 400 without calling fetch', async () => {
    const { s, seen } = session(() => new Response('ok'));
    expect(await s.request({ url: 'not a url' })).toMatchObject({ status: 400, error: { kind: 'invalid' } });
    expect(await s.request({ url: 'https://a.example/', method: 'CONNECT' })).toMatchObject({ status: 400 });
    expect(seen).toEqual([]);
  });

  it('never lets the guest set host or connection headers', async () => {
    const { s, seen } = session(() => new Response('ok'));
    await s.request({ url: 'https://a.example/', headers: { Host: 'evil.example', Connection: 'upgrade', 'x-ok': 'line\r\nbreak' } });
    expect(seen[0]?.headers).toEqual({ 'x-ok': 'line  break' });
  });
});
