/**
 * Classifies a URL's host as a public or a special-purpose address, so the network policy can
 * keep plugins away from the host's own machine, its LAN and cloud metadata services (SSRF).
 *
 * Works on hosts as the WHATWG URL parser leaves them (`new URL(u).hostname`): IPv4 in dotted
 * decimal (the parser has already turned `0x7f.1`, `2130706433` and `127.1` into `127.0.0.1`),
 * IPv6 in brackets and compressed (`[::ffff:7f00:1]`). Names are not resolved here: the
 * web-standard core has no DNS API (see docs/network.md).
 */

/** What kind of address a host is. Everything but `public` is denied unless allowed literally. */
export type AddressClass = 'public' | 'loopback' | 'private' | 'link-local' | 'unspecified' | 'shared' | 'multicast' | 'reserved' | 'unique-local' | 'local-name';

/** The result of {@link classifyHost}. */
export interface HostClass {
  /** `ipv4`, `ipv6` (bracketed literal) or `name`. */
  kind: 'ipv4' | 'ipv6' | 'name';
  class: AddressClass;
}

/** Classifies a hostname as given by `URL.hostname` (lower-case; IPv6 in brackets). */
export function classifyHost(hostname: string): HostClass {
  const host = hostname.toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) {
    const groups = parseIpv6(host.slice(1, -1));
    return { kind: 'ipv6', class: groups === null ? 'reserved' : classifyIpv6(groups) };
  }
  const v4 = parseIpv4(host);
  if (v4 !== null) return { kind: 'ipv4', class: classifyIpv4(v4) };
  return { kind: 'name', class: isLocalName(host) ? 'local-name' : 'public' };
}

/** Whether a host is anything but a public address or name. */
export function isSpecialHost(hostname: string): boolean {
  return classifyHost(hostname).class !== 'public';
}

/**
 * Parses canonical dotted-decimal IPv4 (`a.b.c.d`, each 0–255, no leading zeros) into a 32-bit
 * unsigned number, or null.
 */
export function parseIpv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    value = value * 256 + n;
  }
  return value;
}

/**
 * Parses an IPv6 address (without brackets; `::` compression and a trailing dotted IPv4 allowed;
 * no zone ids) into eight 16-bit groups, or null.
 */
export function parseIpv6(text: string): number[] | null {
  if (text.includes('%')) return null;
  let body = text;
  const tail: number[] = [];
  const lastColon = body.lastIndexOf(':');
  if (body.slice(lastColon + 1).includes('.')) {
    const v4 = parseIpv4(body.slice(lastColon + 1));
    if (v4 === null) return null;
    tail.push(Math.floor(v4 / 65_536), v4 % 65_536);
    // Keep the colon when it is part of `::` (`::1.2.3.4`), drop it otherwise (`1:…:6:1.2.3.4`).
    body = body.slice(0, lastColon + 1);
    if (!body.endsWith('::')) body = body.slice(0, -1);
  }
  const halves = body.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-f]{1,4}$/i.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parse(halves[0] ?? '');
  const rest = halves.length === 2 ? parse(halves[1] ?? '') : [];
  if (head === null || rest === null) return null;
  const explicit = head.length + rest.length + tail.length;
  if (halves.length === 1) return explicit === 8 ? [...head, ...tail] : null;
  if (explicit > 7) return null;
  return [...head, ...new Array<number>(8 - explicit).fill(0), ...rest, ...tail];
}

/** IPv4 ranges that are not the public internet (RFC 6890 and friends), most specific last. */
const IPV4_RANGES: ReadonlyArray<[base: string, bits: number, cls: AddressClass]> = [
  ['0.0.0.0', 8, 'unspecified'], // "this network"; 0.0.0.0 reaches the local host on Linux
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared'], // carrier-grade NAT; also Alibaba Cloud's metadata (100.100.100.200)
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'], // AWS/GCP/Azure metadata at 169.254.169.254
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'], // IETF protocol assignments (incl. Oracle Cloud metadata 192.0.0.192)
  ['192.0.2.0', 24, 'reserved'], // documentation
  ['192.88.99.0', 24, 'reserved'], // 6to4 relay anycast
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'], // benchmarking
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // incl. 255.255.255.255
];

/** Classifies a 32-bit IPv4 address. */
export function classifyIpv4(address: number): AddressClass {
  for (const [base, bits, cls] of IPV4_RANGES) {
    const size = 2 ** (32 - bits);
    const start = parseIpv4(base) as number;
    if (address >= start && address < start + size) return cls;
  }
  return 'public';
}

/**
 * Classifies an IPv6 address given as eight groups. Addresses that embed an IPv4 address
 * (IPv4-mapped `::ffff:0:0/96`, IPv4-compatible `::/96`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`)
 * are judged by that IPv4 address, so `[::ffff:127.0.0.1]` is loopback.
 */
export function classifyIpv6(g: readonly number[]): AddressClass {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const embedded = (hi: number, lo: number) => classifyIpv4(hi * 65_536 + lo);
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0) {
    if (g5 === 0xffff) return embedded(g6, g7); // IPv4-mapped
    if (g5 === 0) {
      if (g6 === 0 && g7 === 0) return 'unspecified';
      if (g6 === 0 && g7 === 1) return 'loopback';
      return embedded(g6, g7); // IPv4-compatible (deprecated, still routed by some stacks)
    }
  }
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return embedded(g6, g7); // NAT64
  if (g0 === 0x2002) return embedded(g1, g2); // 6to4
  if ((g0 & 0xfe00) === 0xfc00) return 'unique-local'; // fc00::/7
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local'; // fe80::/10
  if ((g0 & 0xffc0) === 0xfec0) return 'private'; // fec0::/10, deprecated site-local
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  if (g0 === 0x2001 && g1 === 0xdb8) return 'reserved'; // documentation
  if (g0 === 0x100 && g1 === 0 && g2 === 0 && g3 === 0) return 'reserved'; // discard-only
  return 'public';
}

/** Names that only resolve inside the host's own network (RFC 6761, 6762, 8375, ICANN .internal). */
const LOCAL_SUFFIXES = ['.localhost', '.local', '.internal', '.home.arpa', '.localdomain'];

function isLocalName(host: string): boolean {
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (name === 'localhost' || name === '' || !name.includes('.')) return true; // single-label names resolve through local search domains
  return LOCAL_SUFFIXES.some((suffix) => name.endsWith(suffix));
}
