/**
 * Outbound host patterns, shaped like Spin's `allowed_outbound_hosts`: each names a scheme, a
 * host and a port, so allowing `https://api.example.com` never also allows plain HTTP or another
 * port on that machine.
 *
 *   https://api.example.com          https on port 443 only
 *   https://*.example.com:443        any subdomain (not example.com itself), port 443
 *   http://127.0.0.1:8080            a literal address: the only way to reach a private one
 *   *://example.com:*                both schemes, any port
 *   api.example.com                  shorthand for https://api.example.com
 *
 * A wildcard host never matches a loopback, private, link-local or metadata address, nor a
 * local-only name (`localhost`, `*.local`, `*.internal`, single-label names).
 */
import { classifyHost, parseIpv4, parseIpv6 } from './address.ts';

/** A parsed pattern. */
export interface HostPattern {
  /** The text it came from. */
  source: string;
  scheme: 'http' | 'https' | '*';
  /** `any` (`*`), `suffix` (`*.example.com` → `.example.com`) or `exact` (a name or literal). */
  host: { type: 'any' } | { type: 'suffix'; suffix: string } | { type: 'exact'; name: string };
  /** A port number, `*` (any), or `default` (the scheme's: 80 or 443). */
  port: number | '*' | 'default';
}

/** Thrown (as a plain Error, wrapped by the caller) when a pattern cannot be parsed. */
export class HostPatternError extends Error {
  override name = 'HostPatternError';
}

const PATTERN = /^(?:(\*|https?):\/\/)?(\[[0-9a-fA-F:.]+\]|[^:/[\]\s@?#]+)(?::(\*|[0-9]{1,5}))?\/?$/;

/**
 * Parses one pattern.
 *
 * @throws HostPatternError with the reason (`"ftp://x": scheme must be http, https or *`).
 */
export function parseHostPattern(source: string): HostPattern {
  const text = source.trim();
  const fail = (why: string): never => {
    throw new HostPatternError(`"${source}": ${why} (expected e.g. "https://api.example.com", "https://*.example.com:443" or "http://127.0.0.1:8080")`);
  };
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*|\*):\/\//.exec(text);
  if (schemeMatch && !/^(\*|https?)$/i.test(schemeMatch[1] as string)) fail('scheme must be http, https or *');
  const m = PATTERN.exec(text);
  if (m === null) return fail('not a scheme://host[:port] pattern (no path, query or user info)');
  const scheme = (m[1]?.toLowerCase() ?? 'https') as HostPattern['scheme'];
  const rawHost = (m[2] as string).toLowerCase();
  const port = m[3] === undefined ? 'default' : m[3] === '*' ? '*' : Number(m[3]);
  if (typeof port === 'number' && (port < 1 || port > 65_535)) fail(`port ${port} is out of range`);
  return { source, scheme, host: parseHost(rawHost, fail), port };
}

function parseHost(raw: string, fail: (why: string) => never): HostPattern['host'] {
  if (raw === '*') return { type: 'any' };
  if (raw.startsWith('[')) {
    const groups = parseIpv6(raw.slice(1, -1));
    if (groups === null) return fail('not a valid IPv6 address');
    return { type: 'exact', name: canonicalHost(raw) ?? fail('not a valid IPv6 address') };
  }
  if (raw.startsWith('*.')) {
    const rest = raw.slice(2);
    if (rest.includes('*')) return fail('only a leading "*." wildcard is allowed');
    const name = canonicalHost(rest);
    if (name === null || parseIpv4(name) !== null) return fail('a wildcard needs a domain name after "*."');
    return { type: 'suffix', suffix: `.${name}` };
  }
  if (raw.includes('*')) return fail('only a leading "*." wildcard is allowed');
  if (/^[0-9.]+$/.test(raw) && parseIpv4(raw) === null) return fail('an IPv4 address must be in dotted decimal (a.b.c.d)');
  const name = canonicalHost(raw);
  if (name === null) return fail('not a valid host name');
  return { type: 'exact', name };
}

/** The host as `new URL(…).hostname` spells it (lower case, punycode, compressed IPv6), or null. */
function canonicalHost(host: string): string | null {
  try {
    const hostname = new URL(`http://${host}/`).hostname;
    return hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  } catch {
    return null;
  }
}

/** The scheme's default port. */
function defaultPort(scheme: string): number {
  return scheme === 'https' ? 443 : 80;
}

/**
 * Whether a URL matches a pattern. The URL must be http(s). Wildcard hosts match only public
 * names and addresses; a special-purpose address or local name matches only a pattern that
 * names it exactly.
 */
export function matchesHostPattern(pattern: HostPattern, url: URL): boolean {
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== 'http' && scheme !== 'https') return false;
  if (pattern.scheme !== '*' && pattern.scheme !== scheme) return false;
  const port = url.port === '' ? defaultPort(scheme) : Number(url.port);
  if (pattern.port !== '*' && (pattern.port === 'default' ? defaultPort(scheme) : pattern.port) !== port) return false;
  const host = url.hostname.endsWith('.') ? url.hostname.slice(0, -1) : url.hostname;
  switch (pattern.host.type) {
    case 'exact':
      return pattern.host.name === host;
    case 'any':
      return classifyHost(host).class === 'public';
    case 'suffix':
      return host.endsWith(pattern.host.suffix) && classifyHost(host).class === 'public';
  }
}
