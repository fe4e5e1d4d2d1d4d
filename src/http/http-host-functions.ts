/**
 * Our implementation of Extism's HTTP kernel functions (`extism:host/env` `http_request`,
 * `http_status_code`, `http_headers`), so stock PDK plugins get HTTP under our policy.
 *
 * The ABI (as in Extism's own HttpContext): `http_request(request: i64, body: i64) -> i64`
 * takes a block holding JSON `{ "url", "method"?, "headers"? }` and an optional body block, and
 * returns a block with the response body (0 when empty); `http_status_code() -> i32` and
 * `http_headers() -> i64` (a JSON object block, or 0) describe the last response. Unlike
 * Extism's, these never throw (a throw wedges a worker plugin): refusals, limits and failures
 * come back as a response with an error status and an `x-reed-error` header.
 */
import type { HostFunction } from '../engine/extism-guest.ts';
import { HTTP_ERROR_STATUS, type HttpOutcome } from './http-session.ts';
import type { WasmHttp } from './plan-http.ts';
import { describeError } from '../errors.ts';

type Context = Parameters<HostFunction>[0];

/**
 * The three kernel functions for one guest instance.
 *
 * - `worker` and `jspi` perform requests (async: in worker isolation, where host functions may
 *   await, or inline under JSPI, where the guest is suspended while the request runs);
 * - `none` answers every request at once with a refusal carrying `reason` (inline on a
 *   runtime without JSPI, where a host function cannot wait for the network).
 */
export function httpEnvFunctions({ session, mode, reason }: Pick<WasmHttp, 'session' | 'mode' | 'reason'>): Record<string, HostFunction> {
  const deliver = (context: Context, outcome: HttpOutcome): bigint => {
    if (outcome.body.byteLength === 0) return 0n;
    try {
      return context.store(outcome.body);
    } catch {
      // Extism refused the block (its host buffer cap): report that instead of a body.
      session.last = {
        ...outcome,
        status: HTTP_ERROR_STATUS.limit,
        headers: { ...outcome.headers, 'x-reed-error': 'limit', 'x-reed-error-message': 'the response does not fit in the host buffers' },
        body: new Uint8Array(0),
      };
      return 0n;
    }
  };

  const parse = (context: Context, requestAddr: bigint, bodyAddr: bigint) => {
    const text = context.read(requestAddr)?.text();
    const parsed = text === undefined ? undefined : (JSON.parse(text) as { url?: unknown; method?: unknown; headers?: unknown; header?: unknown });
    const headers = parsed?.headers ?? parsed?.header;
    return {
      url: typeof parsed?.url === 'string' ? parsed.url : '',
      method: typeof parsed?.method === 'string' ? parsed.method : undefined,
      headers: headers !== null && typeof headers === 'object' ? (headers as Record<string, string>) : undefined,
      body: bodyAddr === 0n ? null : (context.read(bodyAddr)?.bytes() ?? null),
    };
  };

  const http_request: HostFunction =
    mode !== 'none'
      ? async (context: Context, requestAddr: bigint, bodyAddr: bigint): Promise<bigint> => {
          try {
            const spec = parse(context, requestAddr, bodyAddr);
            return deliver(context, await session.request(spec));
          } catch (err) {
            return deliver(context, await session.request({ url: `invalid request: ${describeError(err)}` }));
          }
        }
      : (context: Context, requestAddr: bigint, bodyAddr: bigint): bigint => {
          let url = '';
          try {
            url = parse(context, requestAddr, bodyAddr).url;
          } catch {
            // A malformed request is refused like any other.
          }
          return deliver(context, session.refuse(url, reason));
        };

  const status = {
    http_status_code: (): number => session.last?.status ?? 0,
    http_headers: (context: Context): bigint => {
      const last = session.last;
      if (last === undefined) return 0n;
      try {
        return context.store(JSON.stringify(last.headers));
      } catch {
        return 0n;
      }
    },
  };
  return { http_request, ...status };
}
