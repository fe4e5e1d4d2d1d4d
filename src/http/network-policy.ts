/**
 * A plugin's network policy: the intersection of what its manifest asks for
 * (`[network] allowed_hosts`) and what the host allows (`allowedHosts`). A URL is allowed when
 * both lists have a pattern matching it; either list empty means no network.
 */
import { classifyHost } from './address.ts';
import { matchesHostPattern, parseHostPattern, type HostPattern } from './host-pattern.ts';
import { describeError } from '../errors.ts';

/** Why a URL was refused (or `null` when it is allowed). */
export type PolicyVerdict = { allowed: true } | { allowed: false; reason: string };

/** The compiled policy of one plugin. */
export class NetworkPolicy {
  readonly #host: readonly HostPattern[];
  readonly #plugin: readonly HostPattern[];

  private constructor(host: readonly HostPattern[], plugin: readonly HostPattern[]) {
    this.#host = host;
    this.#plugin = plugin;
  }

  /**
   * Parses both lists.
   *
   * @throws Error naming the list, index and problem of the first bad pattern in each list
   *   (`plugin[1]: "ftp://x": scheme must be …`); the caller wraps it in a PluginError.
   */
  static create(lists: { host: readonly string[]; plugin: readonly string[] }): NetworkPolicy {
    return new NetworkPolicy(parseList(lists.host, 'allowedHosts'), parseList(lists.plugin, 'network.allowed_hosts'));
  }

  /** A policy that refuses everything. */
  static none(): NetworkPolicy {
    return new NetworkPolicy([], []);
  }

  /** Whether any request could be allowed at all (both lists non-empty). */
  get enabled(): boolean {
    return this.#host.length > 0 && this.#plugin.length > 0;
  }

  /** Decides one URL. */
  check(url: URL): PolicyVerdict {
    const scheme = url.protocol.slice(0, -1);
    if (scheme !== 'http' && scheme !== 'https') return { allowed: false, reason: `the scheme "${scheme}" is not allowed (only http and https)` };
    if (url.username !== '' || url.password !== '') return { allowed: false, reason: 'URLs with user info are not allowed' };
    const origin = `${scheme}://${url.host}`;
    if (!this.enabled) return { allowed: false, reason: this.#host.length === 0 ? `network access is disabled by the host (allowedHosts is empty)` : `the plugin declares no [network] allowed_hosts` };
    const hostOk = this.#host.some((p) => matchesHostPattern(p, url));
    const pluginOk = this.#plugin.some((p) => matchesHostPattern(p, url));
    if (hostOk && pluginOk) return { allowed: true };
    const cls = classifyHost(url.hostname).class;
    if (cls !== 'public') {
      return { allowed: false, reason: `${origin} is a ${cls} address or name; only an allowedHosts entry (and an allowed_hosts entry) naming it literally allows it` };
    }
    if (!pluginOk) return { allowed: false, reason: `${origin} is not in the plugin's [network] allowed_hosts` };
    return { allowed: false, reason: `${origin} is not in the host's allowedHosts` };
  }
}

function parseList(list: readonly string[], name: string): HostPattern[] {
  return list.map((source, i) => {
    try {
      return parseHostPattern(source);
    } catch (err) {
      throw new Error(`${name}[${i}]: ${describeError(err)}`, { cause: err });
    }
  });
}
