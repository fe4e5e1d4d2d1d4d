/**
 * One plugin's outbound HTTP: every request checked against its network policy (redirects
 * followed by hand and each hop re-checked: Spin's CVE-2024-32980 was an SSRF through a
 * redirect), counted, timed and size-capped per guest call. A request never rejects: refusals
 * and failures come back as a response with an error status and `x-reed-error` headers, since
 * a host function that throws wedges an Extism worker.
 */
import { ErrorCodes, type ErrorCode, describeError } from '../errors.ts';
import type { HttpLimits } from './http-limits.ts';
import type { NetworkPolicy } from './network-policy.ts';

/** What the guest asked for (Extism's `http_request` JSON plus the body block). */
export interface HttpRequestSpec {
  url: string;
  method?: string | undefined;
  headers?: Record<string, string> | undefined;
  body?: Uint8Array | null | undefined;
}

/** Why a request did not get a real response. */
export type HttpErrorKind = 'denied' | 'limit' | 'timeout' | 'network' | 'invalid';

/** A response, real or synthetic (`error` set). */
export interface HttpOutcome {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Uint8Array;
  error?: { kind: HttpErrorKind; message: string } | undefined;
}

/** Reported for every refusal (policy or limit), so the manager can publish `plugin.denied`. */
export interface HttpDenial {
  kind: 'denied' | 'limit' | 'timeout';
  /** The host-side code of the refusal (the guest sees only the status): by `kind`, see {@link DENIAL_CODES}. */
  code: ErrorCode;
  reason: string;
  url: string;
  /** The limit that was hit (`maxHttpRequests`, `maxHttpResponseBytes`, `httpTimeoutMs`). */
  limit?: string | undefined;
}

/** A refusal's code on the host side (`plugin.denied`): the policy's, or the limit's that was hit. */
const DENIAL_CODES: Readonly<Record<HttpDenial['kind'], ErrorCode>> = { denied: ErrorCodes.HTTP_DENIED, limit: ErrorCodes.LIMIT, timeout: ErrorCodes.TIMEOUT };

/**
 * The status a synthetic response carries per error kind. Guests tell them from real ones by
 * the `x-reed-error` header (`denied`, `limit`, `timeout`, `network`, `invalid`).
 */
export const HTTP_ERROR_STATUS: Readonly<Record<HttpErrorKind, number>> = {
  denied: 403,
  limit: 429,
  timeout: 504,
  network: 502,
  invalid: 400,
};

/** Header naming the error kind on a synthetic response. */
export const ERROR_HEADER = 'x-reed-error';
/** Header carrying the error message (ASCII) on a synthetic response. */
export const ERROR_MESSAGE_HEADER = 'x-reed-error-message';

/** What a session needs. */
export interface HttpSessionOptions {
  policy: NetworkPolicy;
  limits: HttpLimits;
  /** The fetch to use (ManagerConfig `fetch`, default the global one). */
  fetch?: typeof fetch | undefined;
  onDenied?: ((denial: HttpDenial) => void) | undefined;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers a guest may not set: the connection is the host's business. */
const DROPPED_REQUEST_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'upgrade', 'te', 'trailer', 'expect']);
/** Credentials never follow a redirect to another origin (as browsers' fetch does). */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];
const encoder = new TextEncoder();

/** A plugin's HTTP client under its policy and limits. */
export class HttpSession {
  readonly #options: HttpSessionOptions;
  #requests = 0;
  /**
   * The last request's outcome, for `http_status_code` / `http_headers` (calls on one instance
   * are serialized, so "last" is this call's last request).
   */
  last: HttpOutcome | undefined;

  constructor(options: HttpSessionOptions) {
    this.#options = options;
  }

  /** Whether the policy could allow anything. */
  get enabled(): boolean {
    return this.#options.policy.enabled;
  }

  /** Starts a new guest call's budget. */
  beginCall(): void {
    this.#requests = 0;
  }

  /** Performs one guest request; never rejects. */
  async request(spec: HttpRequestSpec): Promise<HttpOutcome> {
    this.last = undefined;
    try {
      this.last = await this.#request(spec);
    } catch (err) {
      this.last = failure('network', `request failed: ${describeError(err)}`);
    }
    return this.last;
  }

  /** Refuses a request without any I/O (for runtimes where HTTP cannot run), reporting it. */
  refuse(url: string, reason: string): HttpOutcome {
    this.last = this.#deny('denied', reason, url);
    return this.last;
  }

  async #request(spec: HttpRequestSpec): Promise<HttpOutcome> {
    const { policy, limits } = this.#options;
    let url: URL;
    try {
      url = new URL(spec.url);
    } catch {
      return failure('invalid', `not a valid absolute URL: ${JSON.stringify(String(spec.url).slice(0, 200))}`);
    }
    let method = (spec.method ?? 'GET').toUpperCase();
    if (!/^[A-Z]{1,16}$/.test(method) || method === 'CONNECT' || method === 'TRACE' || method === 'TRACK') {
      return failure('invalid', `method ${JSON.stringify(method)} is not allowed`);
    }
    const verdict = policy.check(url);
    if (!verdict.allowed) return this.#deny('denied', verdict.reason, url.href);
    if (this.#requests >= limits.maxRequests) {
      return this.#deny('limit', `more than ${limits.maxRequests} HTTP requests in one call`, url.href, 'maxHttpRequests');
    }
    this.#requests++;

    let headers = requestHeaders(spec.headers);
    let body = method === 'GET' || method === 'HEAD' ? null : (spec.body ?? null);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), limits.timeoutMs);
    try {
      for (let hop = 0; ; hop++) {
        let response: Response;
        try {
          response = await (this.#options.fetch ?? fetch)(url.href, {
            method,
            headers,
            ...(body === null ? {} : { body: body.slice() }),
            redirect: 'manual',
            signal: controller.signal,
          });
        } catch (err) {
          if (controller.signal.aborted) return this.#timeout(url);
          return failure('network', `request to ${url.origin} failed: ${describeError(err)}`);
        }
        if (response.type === 'opaqueredirect') {
          return this.#deny('denied', `${url.origin} answered with a redirect this runtime does not let the host inspect; redirects must be re-checked, so it is refused`, url.href);
        }
        const location = REDIRECTS.has(response.status) ? response.headers.get('location') : null;
        if (location === null) return await this.#read(response, url, controller);
        await response.body?.cancel().catch(() => {});
        if (hop >= limits.maxRedirects) return this.#deny('limit', `more than ${limits.maxRedirects} redirects`, url.href, 'maxHttpRedirects');
        let next: URL;
        try {
          next = new URL(location, url);
        } catch {
          return failure('invalid', `redirect to an invalid URL ${JSON.stringify(location.slice(0, 200))}`);
        }
        const nextVerdict = policy.check(next);
        if (!nextVerdict.allowed) return this.#deny('denied', `redirect from ${url.origin} refused: ${nextVerdict.reason}`, next.href);
        if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
          if (method !== 'HEAD') method = 'GET';
          body = null;
          headers = headers.filter(([name]) => !name.startsWith('content-'));
        }
        if (next.origin !== url.origin) headers = headers.filter(([name]) => !CREDENTIAL_HEADERS.includes(name));
        url = next;
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** Reads a body up to the limit; a longer one is cut off and refused. */
  async #read(response: Response, url: URL, controller: AbortController): Promise<HttpOutcome> {
    const max = this.#options.limits.maxResponseBytes;
    const tooLarge = () => this.#deny('limit', `the response from ${url.origin} is larger than ${max} bytes`, url.href, 'maxHttpResponseBytes');
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > max) {
      await response.body?.cancel().catch(() => {});
      return tooLarge();
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    const reader = response.body?.getReader();
    try {
      while (reader !== undefined) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > max) {
          await reader.cancel().catch(() => {});
          return tooLarge();
        }
        chunks.push(value);
      }
    } catch (err) {
      if (controller.signal.aborted) return this.#timeout(url);
      return failure('network', `reading the response from ${url.origin} failed: ${describeError(err)}`);
    }
    const body = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      body.set(chunk, offset);
      offset += chunk.byteLength;
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => (headers[key] = value));
    return { status: response.status, headers, body };
  }

  #timeout(url: URL): HttpOutcome {
    return this.#deny('timeout', `the request to ${url.origin} took longer than ${this.#options.limits.timeoutMs} ms`, url.href, 'httpTimeoutMs');
  }

  #deny(kind: HttpDenial['kind'], reason: string, url: string, limit?: string): HttpOutcome {
    try {
      this.#options.onDenied?.({ kind, code: DENIAL_CODES[kind], reason, url, limit });
    } catch {
      // Reporting must never turn a refusal into a throw inside a host function.
    }
    return failure(kind, reason);
  }
}

/** A synthetic response for an error. */
function failure(kind: HttpErrorKind, message: string): HttpOutcome {
  return {
    status: HTTP_ERROR_STATUS[kind],
    // Header values must be ByteStrings: keep the message ASCII.
    headers: { [ERROR_HEADER]: kind, [ERROR_MESSAGE_HEADER]: message.replace(/[^\x20-\x7e]/g, '?'), 'content-type': 'text/plain; charset=utf-8' },
    body: encoder.encode(message),
    error: { kind, message },
  };
}

/** The guest's headers as pairs, minus the ones the host owns. */
function requestHeaders(raw: Record<string, string> | undefined): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (raw === undefined || raw === null || typeof raw !== 'object') return out;
  for (const [name, value] of Object.entries(raw)) {
    const key = name.toLowerCase();
    if (DROPPED_REQUEST_HEADERS.has(key) || !/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(key)) continue;
    out.push([key, String(value).replace(/[\r\n\0]/g, ' ')]);
  }
  return out;
}
