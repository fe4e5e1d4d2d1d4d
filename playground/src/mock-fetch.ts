/**
 * The fetch the runner's manager uses: answers URLs from the mock table, passes the rest to the
 * real fetch, and logs every request with its status or failure.
 */
import type { MockResponse, RequestLine } from './protocol.ts';

/**
 * Whether a mock answers a URL: exact, or a prefix when the pattern ends in `*`.
 */
export function mockMatches(pattern: string, url: string): boolean {
  return pattern.endsWith('*') ? url.startsWith(pattern.slice(0, -1)) : pattern === url;
}

/**
 * A fetch answering from `mocks` first.
 */
export function mockedFetch(mocks: readonly MockResponse[], onRequest: (line: RequestLine) => void): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const mock = mocks.find((m) => mockMatches(m.url, request.url));
    if (mock !== undefined) {
      onRequest({ url: request.url, method: request.method, status: mock.status, mocked: true });
      return new Response(mock.body, { status: mock.status, headers: { 'content-type': 'application/json' } });
    }
    try {
      const response = await fetch(request);
      onRequest({ url: request.url, method: request.method, status: response.status });
      return response;
    } catch (err) {
      onRequest({ url: request.url, method: request.method, refused: `fetch failed: ${err instanceof Error ? err.message : String(err)}` });
      throw err;
    }
  };
}
