/**
 * A `fetch` that answers from a table instead of the network, for plugin tests and
 * `reed-plugin run --mock-http`. It sits behind the manager's real network policy: a URL the
 * plugin's manifest does not allow is denied before it gets here.
 */

/**
 * One canned response.
 *
 * @example
 * ```ts
 * const tags: MockResponse = { status: 200, json: ['a', 'b'] };
 * await createTestHost({ dir: '.', http: { 'https://api.example.com/v1/tags': tags } });
 * ```
 */
export interface MockResponse {
  status?: number;
  headers?: Record<string, string>;
  /** A JSON body (sent with `content-type: application/json`). */
  json?: unknown;
  /** A text body. */
  body?: string;
}

/**
 * A request that reached the mock table.
 *
 * @example
 * ```ts
 * const r = await host.run('after_render', page);
 * expect(r.requests).toEqual([{ method: 'GET', url: 'https://api.example.com/v1/tags', status: 200, mocked: true }]);
 * ```
 */
export interface RecordedRequest {
  method: string;
  url: string;
  status: number;
  /** False when no mock matched (answered 404). */
  mocked: boolean;
}

/**
 * Builds a fetch answering `mocks` by exact URL (or URL without its query), 404 otherwise, and
 * recording every request into `requests`.
 *
 * @example
 * ```ts
 * const requests: RecordedRequest[] = [];
 * const fetch = mockFetch({ 'https://api.example.com/v1/tags': { json: ['a'] } }, requests);
 * ```
 */
export function mockFetch(mocks: Readonly<Record<string, MockResponse>>, requests: RecordedRequest[]): typeof fetch {
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const mock = mocks[url.href] ?? mocks[`${url.origin}${url.pathname}`];
    const status = mock === undefined ? 404 : (mock.status ?? 200);
    requests.push({ method: request.method, url: url.href, status, mocked: mock !== undefined });
    if (mock === undefined) return new Response(`no mock response for ${url.href}`, { status, headers: { 'content-type': 'text/plain' } });
    const headers = new Headers(mock.headers);
    if (mock.json !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
    const body = mock.json !== undefined ? JSON.stringify(mock.json) : (mock.body ?? '');
    return new Response(status === 204 || status === 304 ? null : body, { status, headers });
  };
}
