/**
 * Host patterns (scheme, host, port) and the intersection policy built from them.
 */
import { describe, expect, it } from 'vitest';
import { matchesHostPattern, parseHostPattern } from '../../src/http/host-pattern.ts';
import { NetworkPolicy } from '../../src/http/network-policy.ts';

const matches = (pattern: string, url: string) => matchesHostPattern(parseHostPattern(pattern), new URL(url));

describe('parseHostPattern', () => {
  it('parses scheme, host and port', () => {
    expect(parseHostPattern('https://api.example.com')).toMatchObject({ scheme: 'https', host: { type: 'exact', name: 'api.example.com' }, port: 'default' });
    expect(parseHostPattern('https://*.Example.com:8443/')).toMatchObject({ host: { type: 'suffix', suffix: '.example.com' }, port: 8443 });
    expect(parseHostPattern('*://*:*')).toMatchObject({ scheme: '*', host: { type: 'any' }, port: '*' });
    expect(parseHostPattern('http://[::1]:8080')).toMatchObject({ host: { type: 'exact', name: '[::1]' }, port: 8080 });
    expect(parseHostPattern('api.example.com')).toMatchObject({ scheme: 'https', port: 'default' });
    expect(parseHostPattern('https://bücher.example')).toMatchObject({ host: { type: 'exact', name: 'xn--bcher-kva.example' } });
  });

  it.each([
    ['ftp://example.com', /scheme must be http, https or \*/],
    ['https://example.com/path', /no path/],
    ['https://user@example.com', /no path, query or user info/],
    ['https://example.com:0', /out of range/],
    ['https://example.com:70000', /out of range/],
    ['https://a.*.example.com', /leading "\*\." wildcard/],
    ['https://*example.com', /leading "\*\." wildcard/],
    ['https://*.1.2.3', /domain name after/],
    ['http://127.1', /dotted decimal/],
    ['http://[::g]', /not a scheme/],
    ['', /not a scheme/],
  ])('rejects %j', (pattern, why) => {
    expect(() => parseHostPattern(pattern)).toThrow(why);
  });
});

describe('matchesHostPattern', () => {
  it('needs the scheme and the port to match (default ports included)', () => {
    expect(matches('https://api.example.com', 'https://api.example.com/v1?q=1')).toBe(true);
    expect(matches('https://api.example.com', 'https://api.example.com:443/')).toBe(true);
    expect(matches('https://api.example.com', 'http://api.example.com/')).toBe(false);
    expect(matches('https://api.example.com', 'https://api.example.com:8443/')).toBe(false);
    expect(matches('http://api.example.com:8080', 'http://api.example.com:8080/')).toBe(true);
    expect(matches('*://api.example.com', 'http://api.example.com/')).toBe(true);
    expect(matches('*://api.example.com', 'http://api.example.com:443/')).toBe(false);
    expect(matches('https://api.example.com:*', 'https://api.example.com:9/')).toBe(true);
    expect(matches('https://API.example.com', 'https://api.EXAMPLE.com./')).toBe(true);
  });

  it('matches subdomains for *.domain, not the domain itself nor look-alikes', () => {
    expect(matches('https://*.example.com', 'https://a.example.com/')).toBe(true);
    expect(matches('https://*.example.com', 'https://a.b.example.com/')).toBe(true);
    expect(matches('https://*.example.com', 'https://example.com/')).toBe(false);
    expect(matches('https://*.example.com', 'https://evilexample.com/')).toBe(false);
    expect(matches('https://*.example.com', 'https://example.com.evil.net/')).toBe(false);
  });

  it('never lets a wildcard match a special address or local name', () => {
    for (const url of ['http://127.0.0.1/', 'http://10.0.0.1/', 'http://[::1]/', 'http://[::ffff:7f00:1]/', 'http://169.254.169.254/', 'http://0.0.0.0/', 'http://localhost/', 'http://db.internal/']) {
      expect(matches('*://*:*', url), url).toBe(false);
    }
    expect(matches('*://*:*', 'http://93.184.216.34/')).toBe(true);
    expect(matches('https://*.localhost', 'https://api.localhost/')).toBe(false);
  });

  it('matches a special address only when named literally', () => {
    expect(matches('http://127.0.0.1:8080', 'http://127.0.0.1:8080/x')).toBe(true);
    expect(matches('http://127.0.0.1:8080', 'http://127.0.0.2:8080/x')).toBe(false);
    expect(matches('http://127.0.0.1:8080', 'http://localhost:8080/x')).toBe(false);
    expect(matches('http://[::1]:8080', 'http://[0:0:0:0:0:0:0:1]:8080/')).toBe(true);
    expect(matches('http://localhost:3000', 'http://localhost:3000/')).toBe(true);
  });

  it('refuses other schemes outright', () => {
    expect(matches('*://*:*', 'ftp://example.com/')).toBe(false);
    expect(matches('*://*:*', 'file:///etc/passwd')).toBe(false);
  });
});

describe('NetworkPolicy', () => {
  it('allows the intersection of host and plugin lists', () => {
    const policy = NetworkPolicy.create({ host: ['https://*.example.com'], plugin: ['https://api.example.com', 'https://other.net'] });
    expect(policy.check(new URL('https://api.example.com/x'))).toEqual({ allowed: true });
    expect(policy.check(new URL('https://www.example.com/x'))).toMatchObject({ allowed: false, reason: expect.stringMatching(/plugin's \[network\] allowed_hosts/) });
    expect(policy.check(new URL('https://other.net/'))).toMatchObject({ allowed: false, reason: expect.stringMatching(/host's allowedHosts/) });
  });

  it('is off when either list is empty', () => {
    expect(NetworkPolicy.create({ host: [], plugin: ['https://a.com'] }).check(new URL('https://a.com/'))).toMatchObject({ allowed: false, reason: expect.stringMatching(/disabled by the host/) });
    expect(NetworkPolicy.create({ host: ['https://a.com'], plugin: [] }).enabled).toBe(false);
    expect(NetworkPolicy.none().enabled).toBe(false);
  });

  it('explains a refused special address', () => {
    const policy = NetworkPolicy.create({ host: ['*://*:*'], plugin: ['http://10.0.0.5'] });
    expect(policy.check(new URL('http://10.0.0.5/'))).toMatchObject({ allowed: false, reason: expect.stringMatching(/private address/) });
  });

  it('refuses user info in URLs', () => {
    const policy = NetworkPolicy.create({ host: ['https://a.com'], plugin: ['https://a.com'] });
    expect(policy.check(new URL('https://u:p@a.com/'))).toMatchObject({ allowed: false });
  });

  it('names the bad pattern with its list and index', () => {
    expect(() => NetworkPolicy.create({ host: ['https://ok.com'], plugin: ['https://ok.com', 'gopher://x'] })).toThrow(/^network\.allowed_hosts\[1\]: "gopher:\/\/x": scheme/);
  });
});
