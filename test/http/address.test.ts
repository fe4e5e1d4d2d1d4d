/**
 * Address classification: IPv4 ranges at their edges, IPv6 forms (compressed, embedded IPv4,
 * mapped, NAT64, 6to4), what the URL parser does to odd spellings, and local-only names.
 */
import { describe, expect, it } from 'vitest';
import { classifyHost, parseIpv4, parseIpv6 } from '../../src/http/address.ts';

const hostOf = (url: string) => new URL(url).hostname;
const cls = (url: string) => classifyHost(hostOf(url)).class;

describe('IPv4', () => {
  it.each([
    ['http://0.0.0.0/', 'unspecified'],
    ['http://0.1.2.3/', 'unspecified'],
    ['http://127.0.0.1/', 'loopback'],
    ['http://127.255.255.254/', 'loopback'],
    ['http://10.0.0.1/', 'private'],
    ['http://10.255.255.255/', 'private'],
    ['http://172.15.255.255/', 'public'],
    ['http://172.16.0.0/', 'private'],
    ['http://172.31.255.255/', 'private'],
    ['http://172.32.0.0/', 'public'],
    ['http://192.167.255.255/', 'public'],
    ['http://192.168.0.1/', 'private'],
    ['http://192.169.0.0/', 'public'],
    ['http://169.254.169.254/', 'link-local'],
    ['http://100.64.0.1/', 'shared'],
    ['http://100.100.100.200/', 'shared'],
    ['http://100.128.0.0/', 'public'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://255.255.255.255/', 'reserved'],
    ['http://8.8.8.8/', 'public'],
    ['http://1.1.1.1/', 'public'],
  ])('%s is %s', (url, expected) => {
    expect(cls(url)).toBe(expected);
  });

  it('sees through the spellings the URL parser normalizes (hex, octal, integer, short forms)', () => {
    for (const url of ['http://0x7f.1/', 'http://2130706433/', 'http://127.1/', 'http://0177.0.0.1/', 'http://0x7f000001/']) {
      expect(hostOf(url)).toBe('127.0.0.1');
      expect(cls(url)).toBe('loopback');
    }
    expect(cls('http://0/')).toBe('unspecified');
  });

  it('parses only canonical dotted decimal', () => {
    expect(parseIpv4('192.168.1.1')).toBe(0xc0a80101);
    for (const bad of ['1.2.3', '1.2.3.4.5', '01.2.3.4', '256.1.1.1', '1.2.3.-4', 'a.b.c.d', '']) expect(parseIpv4(bad)).toBeNull();
  });
});

describe('IPv6', () => {
  it.each([
    ['http://[::1]/', 'loopback'],
    ['http://[::]/', 'unspecified'],
    ['http://[fc00::1]/', 'unique-local'],
    ['http://[fdff:ffff::1]/', 'unique-local'],
    ['http://[fd00:ec2::254]/', 'unique-local'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://[febf::1]/', 'link-local'],
    ['http://[fec0::1]/', 'private'],
    ['http://[ff02::1]/', 'multicast'],
    ['http://[2001:db8::1]/', 'reserved'],
    ['http://[2606:4700:4700::1111]/', 'public'],
    ['http://[fbff::1]/', 'public'],
  ])('%s is %s', (url, expected) => {
    expect(cls(url)).toBe(expected);
  });

  it('judges addresses that embed IPv4 by the IPv4 address', () => {
    expect(hostOf('http://[::ffff:127.0.0.1]/')).toBe('[::ffff:7f00:1]');
    expect(cls('http://[::ffff:127.0.0.1]/')).toBe('loopback');
    expect(cls('http://[::ffff:a9fe:a9fe]/')).toBe('link-local'); // 169.254.169.254
    expect(cls('http://[::ffff:10.1.2.3]/')).toBe('private');
    expect(cls('http://[::ffff:8.8.8.8]/')).toBe('public');
    expect(cls('http://[::127.0.0.1]/')).toBe('loopback'); // IPv4-compatible
    expect(cls('http://[64:ff9b::a00:1]/')).toBe('private'); // NAT64 of 10.0.0.1
    expect(cls('http://[2002:c0a8:101::1]/')).toBe('private'); // 6to4 of 192.168.1.1
    expect(cls('http://[::ffff:0.0.0.0]/')).toBe('unspecified');
  });

  it('parses compressed forms and rejects malformed ones', () => {
    expect(parseIpv6('1::')).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIpv6('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(parseIpv6('1:2:3:4:5:6:1.2.3.4')).toEqual([1, 2, 3, 4, 5, 6, 0x102, 0x304]);
    expect(parseIpv6('::1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0, 0x102, 0x304]);
    for (const bad of ['1:2:3:4:5:6:7', '1::2::3', '12345::', 'g::', '1:2:3:4:5:6:7:8:9', 'fe80::1%eth0', '::1.2.3']) expect(parseIpv6(bad), bad).toBeNull();
  });
});

describe('names', () => {
  it('treats local-only names as special and others as public (not resolved)', () => {
    for (const host of ['localhost', 'LOCALHOST', 'api.localhost', 'printer.local', 'metadata.google.internal', 'router.home.arpa', 'intranet', 'localhost.']) {
      expect(classifyHost(host.toLowerCase()).class, host).toBe('local-name');
    }
    for (const host of ['example.com', 'api.example.com', 'localhost.example.com', 'xn--bcher-kva.example']) expect(classifyHost(host).class, host).toBe('public');
  });
});
