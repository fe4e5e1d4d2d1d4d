/**
 * Loads a built guest module into REAL Extism (2.0.0-rc13) the way the ReedCMS host does for
 * the SDK's purposes: no WASI, our `reed_publish_event` host function, config flattened by the
 * host convention, and a logger that records every line.
 *
 * @example
 * ```ts
 * const h = await loadGuest(await readFixture('echo'), { config: { base_url: 'https://x.test' } });
 * const out = await h.plugin.call('hook_after_render', '{"a":1}');
 * h.logs; // [{ level: 'info', message: '…' }]
 * ```
 */
import createPlugin, { type CallContext, type Plugin } from '@extism/extism';
import { STOCK_IO_FUNCTIONS } from '@reedcms/plugins/extism';

/** One recorded log line. */
export interface LogLine {
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

/** Options for {@link loadGuest}. */
export interface GuestOptions {
  /** The plugin's config (what an operator writes), flattened with {@link toExtismConfig}. */
  config?: Record<string, unknown>;
  /** Decides publish results: return 0 to accept. Default accepts everything. */
  onPublish?: (eventJson: string) => number;
  /** Extism log level. Default 'debug' (Extism's own default is silent). */
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';
}

/** A loaded guest plus what it did. */
export interface Guest {
  plugin: Plugin;
  logs: LogLine[];
  /** Every `reed_publish_event` payload, as text, in order. */
  published: string[];
}

/**
 * The host's config convention: every top-level key as a string (strings as they are, other
 * values as JSON) plus the whole config as JSON under `reed.config`.
 *
 * @example
 * ```ts
 * toExtismConfig({ n: 3, s: 'x' }); // { n: '3', s: 'x', 'reed.config': '{"n":3,"s":"x"}' }
 * ```
 */
export function toExtismConfig(config: Record<string, unknown>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    flat[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  flat['reed.config'] = JSON.stringify(config);
  return flat;
}

/**
 * Instantiates `wasm` in Extism on the main thread.
 *
 * @example
 * ```ts
 * const { plugin, published } = await loadGuest(bytes, { onPublish: () => 1 });
 * ```
 */
export async function loadGuest(wasm: Uint8Array, options: GuestOptions = {}): Promise<Guest> {
  const logs: LogLine[] = [];
  const published: string[] = [];
  const record = (level: LogLine['level']) => (message: unknown) => void logs.push({ level, message: String(message) });
  const logger = {
    trace: record('trace'),
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    log: record('info'),
  } as unknown as Console;
  const plugin = await createPlugin(
    { wasm: [{ data: wasm }] },
    {
      useWasi: false,
      logLevel: options.logLevel ?? 'debug',
      logger,
      config: toExtismConfig(options.config ?? {}),
      functions: {
        'extism:host/user': {
          reed_publish_event: (ctx: CallContext, offs: bigint): number => {
            const text = ctx.read(offs)?.text() ?? '';
            published.push(text);
            return options.onPublish ? options.onPublish(text) : 0;
          },
          // The SDK's fast I/O answering "unavailable" (as a worker-isolated ReedCMS host does)
          // and "no frames": these tests exercise the stock 8-bytes-per-call path and JSON text.
          ...STOCK_IO_FUNCTIONS,
        },
      },
    },
  );
  return { plugin, logs, published };
}

/**
 * Calls `name` and returns the output as text ("" for no output).
 *
 * @example
 * ```ts
 * await callText(plugin, 'json_roundtrip', '[1]'); // "[1]"
 * ```
 */
export async function callText(plugin: Plugin, name: string, input: string | Uint8Array = ''): Promise<string> {
  const out = await plugin.call(name, input);
  return out === null ? '' : out.text();
}
