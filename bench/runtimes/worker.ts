/**
 * bench/runtimes.ts on workerd: `GET /run?side=ours|raw&ops=N` runs N calls of one side and
 * answers when done. workerd's clock does not advance while code runs, so the driver times
 * the requests from outside; N is large enough that the HTTP round trip is noise.
 */
import createPlugin from '@extism/extism';
import * as pkg from '@reedcms/plugins';
import plugins from 'virtual:reed-plugins';
import { hookPair, repeat, type HookPair } from './hook-bench.ts';

let pair: Promise<HookPair> | undefined;

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const echo = plugins.find((p) => p.id === 'echo');
    if (echo === undefined) return new Response('no echo plugin', { status: 500 });
    pair ??= hookPair(pkg as never, createPlugin as never, echo.wasm);
    const sides = await pair;
    const ops = Number(url.searchParams.get('ops') ?? 1);
    await repeat(url.searchParams.get('side') === 'raw' ? sides.raw : sides.ours, ops);
    return new Response('ok');
  },
};
