/**
 * The per-runtime half of bench/runtimes.ts, written once and run on every runtime: the same
 * `transform_data` hook call through a PluginManager and a raw Extism `call` of the same
 * export on the same (instrumented) module, interleaved in rounds. Web-standard only.
 *
 * @example
 * ```ts
 * const { oursUs, rawUs } = await benchHook({ pkg, createPlugin, module, ops: 2000, rounds: 7 });
 * ```
 */
import { STOCK_IO_FUNCTIONS } from '../../src/engine/guest-io-functions.ts';

/** The package surface the bench needs. */
interface Pkg {
  PluginManager: new (config: Record<string, unknown>) => {
    load(source: { manifest: string; wasm: WebAssembly.Module }): Promise<string>;
    hooks: { execute(hook: string, data: unknown): Promise<unknown> };
    shutdown(): Promise<void>;
  };
}

/** Extism's default export (createPlugin), as loosely as every build of it fits. */
type CreatePlugin = (
  manifest: { wasm: Array<{ module: WebAssembly.Module }> },
  options: Record<string, unknown>,
) => Promise<{ call(name: string, input: string): Promise<{ text(): string } | null>; close(): Promise<void> }>;

/** The echo plugin's manifest. */
export const ECHO_MANIFEST = 'id = "echo"\nname = "Echo"\nversion = "1.0.0"\ncapabilities = [{ Hook = "transform_data" }]\n';

const DATA = { title: 'Hello', body: 'x'.repeat(200) };
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** Both sides, ready to call. */
export interface HookPair {
  ours: () => Promise<unknown>;
  raw: () => Promise<unknown>;
  close: () => Promise<void>;
}

/**
 * Loads the module both ways: through the manager, and straight into Extism.
 *
 * @example
 * ```ts
 * const pair = await hookPair(pkg, createPlugin, module);
 * ```
 */
export async function hookPair(pkg: Pkg, createPlugin: CreatePlugin, module: WebAssembly.Module): Promise<HookPair> {
  const manager = new pkg.PluginManager({ logger: silent });
  await manager.load({ manifest: ECHO_MANIFEST, wasm: module });
  // The instrumented module imports the limit signal (reed:host/instrument), and the SDK our
  // echo is built with imports the fast I/O functions; a raw host answers "unavailable" (the SDK
  // then takes Extism's stock copy path), as bench/dispatch.ts does.
  const host = { ...STOCK_IO_FUNCTIONS, reed_publish_event: () => 0 };
  const raw = await createPlugin({ wasm: [{ module }] }, { useWasi: false, functions: { 'extism:host/user': host, 'reed:host/instrument': { limit: () => {}, grow: () => 1 } } });
  const ours = () => manager.hooks.execute('transform_data', DATA);
  const rawCall = async () => JSON.parse((await raw.call('hook_transform_data', JSON.stringify(DATA)))?.text() ?? 'null') as unknown;
  if (JSON.stringify(await ours()) !== JSON.stringify(DATA) || JSON.stringify(await rawCall()) !== JSON.stringify(DATA)) throw new Error('echo returned something else');
  return { ours, raw: rawCall, close: async () => void (await Promise.all([manager.shutdown(), raw.close()])) };
}

/**
 * Runs `fn` `ops` times.
 *
 * @example
 * ```ts
 * await repeat(pair.ours, 1000);
 * ```
 */
export async function repeat(fn: () => Promise<unknown>, ops: number): Promise<void> {
  for (let i = 0; i < ops; i++) await fn();
}

/**
 * Median µs per call of each side, measured in-process (not for workerd, whose clock stands
 * still while code runs: there the driver times HTTP requests from outside).
 *
 * @example
 * ```ts
 * const { oursUs, rawUs } = await benchHook({ pkg, createPlugin, module, ops: 2000, rounds: 7 });
 * ```
 */
export async function benchHook(options: { pkg: Pkg; createPlugin: CreatePlugin; module: WebAssembly.Module; ops: number; rounds: number }): Promise<{ oursUs: number; rawUs: number }> {
  const pair = await hookPair(options.pkg, options.createPlugin, options.module);
  try {
    await repeat(pair.ours, options.ops);
    await repeat(pair.raw, options.ops);
    const ours: number[] = [];
    const raw: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      for (const [fn, into] of round % 2 === 0
        ? ([
            [pair.ours, ours],
            [pair.raw, raw],
          ] as const)
        : ([
            [pair.raw, raw],
            [pair.ours, ours],
          ] as const)) {
        const start = performance.now();
        await repeat(fn, options.ops);
        into.push(((performance.now() - start) * 1000) / options.ops);
      }
    }
    return { oursUs: median(ours), rawUs: median(raw) };
  } finally {
    await pair.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] as number;
}
