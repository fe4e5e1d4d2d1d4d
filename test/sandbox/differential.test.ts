/**
 * Differential: the example plugins, instrumented and run by the manager, give exactly the
 * output the plain module gives under raw Extism, over many inputs.
 */
import createPlugin, { type Plugin as ExtismPlugin } from '@extism/extism';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PluginManager } from '@reedcms/plugins';
import { STOCK_IO_FUNCTIONS } from '@reedcms/plugins/extism';
import { examplePluginDir } from '../support/fixtures.ts';
import { captureLogger } from '../support/capture-logger.ts';

const CONFIG = {
  seo: { base_url: 'https://example.com' },
  'reading-time': { words_per_minute: 120 },
  'content-validator': { max_body_chars: 400 },
};

const text = fc.string({ unit: 'grapheme', maxLength: 300 });
const ARBITRARIES = {
  seo: fc.record({
    path: fc.stringMatching(/^\/[a-z0-9/-]{0,30}$/),
    title: text,
    html: fc.constantFrom('<html><head><title>t</title></head><body>b</body></html>', '<html><body>no head</body></html>', '<head></head>'),
    meta: fc.record({ description: text }, { requiredKeys: [] }),
  }),
  'reading-time': fc.record({ path: fc.constant('/p'), title: text, body: fc.lorem({ maxCount: 400 }), meta: fc.constant({}) }),
  'content-validator': fc.record({ type: fc.constant('article'), title: text, body: fc.string({ maxLength: 500 }) }, { requiredKeys: ['type', 'title', 'body'] }),
} as const;
const HOOKS = { seo: 'after_render', 'reading-time': 'before_render', 'content-validator': 'before_save' } as const;

type Id = keyof typeof HOOKS;
const manager = new PluginManager({ plugins: CONFIG, logger: captureLogger() });
const raw = new Map<Id, ExtismPlugin>();

beforeAll(async () => {
  for (const id of Object.keys(HOOKS) as Id[]) {
    await manager.load({ dir: examplePluginDir(id) });
    const config: Record<string, string> = { 'reed.config': JSON.stringify(CONFIG[id]) };
    for (const [k, v] of Object.entries(CONFIG[id])) config[k] = typeof v === 'string' ? v : JSON.stringify(v);
    const plain = await createPlugin(
      { wasm: [{ data: new Uint8Array(await readFile(join(examplePluginDir(id), 'plugin.wasm'))) }] },
      { useWasi: false, config, functions: { 'extism:host/user': { ...STOCK_IO_FUNCTIONS } } },
    );
    await plain.call('initialize', JSON.stringify({ pluginId: id, config: CONFIG[id] }));
    raw.set(id, plain);
  }
});

afterAll(async () => {
  await manager.shutdown();
  for (const plugin of raw.values()) await plugin.close();
});

/** The plain module's answer, in the manager's terms: a value, `undefined` (no output), or an error message. */
async function plainResult(id: Id, input: unknown): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  try {
    const out = await (raw.get(id) as ExtismPlugin).call(`hook_${HOOKS[id]}`, JSON.stringify(input));
    const textOut = out?.text() ?? '';
    return { ok: true, value: textOut === '' ? undefined : JSON.parse(textOut) };
  } catch (err) {
    return { ok: false, message: String((err as Error).message).replace('Plugin-originated error: ', '') };
  }
}

async function instrumentedResult(id: Id, input: unknown): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  try {
    // Calling through the hook chain with only this plugin registered on the hook.
    const value = await manager.hooks.execute(HOOKS[id], input, { errorPolicy: 'fail' });
    return { ok: true, value: JSON.stringify(value) === JSON.stringify(input) ? undefined : value };
  } catch (err) {
    return { ok: false, message: String((err as Error).message).replace(`[${id}] hook_${HOOKS[id]}: `, '') };
  }
}

describe('instrumented example plugins behave exactly as the plain modules', () => {
  for (const id of Object.keys(HOOKS) as Id[]) {
    it(`${id}: same output (or same error) for 200 random inputs`, async () => {
      await fc.assert(
        fc.asyncProperty(ARBITRARIES[id] as fc.Arbitrary<unknown>, async (input) => {
          const plain = await plainResult(id, input);
          const ours = await instrumentedResult(id, input);
          // "No output" and "output equal to the input" both mean unchanged data.
          if (plain.ok && ours.ok && plain.value !== undefined && JSON.stringify(plain.value) === JSON.stringify(input)) plain.value = undefined;
          expect(ours).toEqual(plain);
        }),
        { numRuns: 200 },
      );
    });
  }
});
