/**
 * Per-call limits on a plugin's HTTP: how many requests one call may make, how big one response
 * may be, how long one request (with its redirects) may take. Host-wide (`limits` in the
 * manager config); a plugin cannot raise them.
 */

/** HTTP limits with every value resolved. */
export interface HttpLimits {
  /** Requests per guest call. Default 10 (EmDash's subrequest budget). */
  maxRequests: number;
  /** Bytes of one response body. Default 1 MiB. */
  maxResponseBytes: number;
  /** Wall-clock limit of one request, redirects and body included. Default 3,000 ms. */
  timeoutMs: number;
  /** Redirects followed (each re-checked against the policy). Default 5. */
  maxRedirects: number;
}

/** The defaults. */
export const DEFAULT_HTTP_LIMITS: Readonly<HttpLimits> = {
  maxRequests: 10,
  maxResponseBytes: 1024 * 1024,
  timeoutMs: 3_000,
  maxRedirects: 5,
};

/**
 * Fills in defaults. The request timeout stays below the call's own wall-clock limit (worker
 * isolation), so a slow server ends the request, not the whole call.
 */
export function resolveHttpLimits(host: HttpLimitFields = {}, callTimeoutMs = Infinity, requested: HttpLimitFields = {}): HttpLimits {
  // The host's value (or the default), lowered where the plugin's manifest asks for less.
  const pick = (hostValue: number | undefined, fallback: number, asked: number | undefined) => Math.min(hostValue ?? fallback, asked ?? Infinity);
  const timeout = pick(host.httpTimeoutMs, DEFAULT_HTTP_LIMITS.timeoutMs, requested.httpTimeoutMs);
  return {
    maxRequests: pick(host.maxHttpRequests, DEFAULT_HTTP_LIMITS.maxRequests, requested.maxHttpRequests),
    maxResponseBytes: pick(host.maxHttpResponseBytes, DEFAULT_HTTP_LIMITS.maxResponseBytes, requested.maxHttpResponseBytes),
    timeoutMs: Math.max(1, Math.min(timeout, callTimeoutMs - 250)),
    maxRedirects: pick(host.maxHttpRedirects, DEFAULT_HTTP_LIMITS.maxRedirects, requested.maxHttpRedirects),
  };
}

/** The HTTP limit fields, as a host's `limits` or a manifest's `[limits]` spell them. */
export interface HttpLimitFields {
  maxHttpRequests?: number;
  maxHttpResponseBytes?: number;
  httpTimeoutMs?: number;
  maxHttpRedirects?: number;
}
