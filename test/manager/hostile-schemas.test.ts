/**
 * Hostile `config_schema`s (the TOML manifests in ./hostile-schemas) load through the real
 * manager and real Extism in both isolation modes: each ends with its exact typed error (E_MANIFEST
 * for the schema's fault, with the path of every bad keyword; E_CONFIG for the host config's) or a
 * bounded, correct result, never a hang, and a well-behaved neighbour works right after.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hooks, PluginManager, type PluginError } from '@reedcms/plugins';
import { readFixture } from '../support/fixtures.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { manifestToml } from '../support/wat-plugins.ts';

const DIR = join(import.meta.dirname, 'hostile-schemas');
const LONG = 30_000;

function nested(depth: number, leaf: unknown, wrap: (inner: unknown) => unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = wrap(value);
  return value;
}

const LONG_KEY = `${'a'.repeat(LONG)}!`;

interface Case {
  file: string;
  config: Record<string, unknown>;
  /** The code the load ends with, or null: it loads. */
  code: 'E_MANIFEST' | 'E_CONFIG' | null;
  /** The paths of the issues, sorted. */
  paths?: string[];
  message?: RegExp;
}

const CASES: Case[] = [
  {
    file: 'redos-patterns',
    config: {
      star_star: 'a'.repeat(LONG),
      alternation: `${'a'.repeat(LONG)}!`,
      nested_plus: `${'a'.repeat(LONG)}!`,
      adjacent: 'x'.repeat(LONG),
      words: `${'word '.repeat(LONG / 5)}!`,
      overlap: `${'a'.repeat(LONG)}!`,
      email: `${'a'.repeat(LONG)}@`,
      counted: 'a'.repeat(40),
    },
    code: 'E_CONFIG',
    paths: ['adjacent', 'alternation', 'email', 'nested_plus', 'overlap', 'star_star', 'words'],
  },
  {
    file: 'redos-pattern-properties',
    config: { [LONG_KEY]: 1, aaaa: 'not an integer', abc1: 'a string' },
    code: 'E_CONFIG',
    paths: ['aaaa', LONG_KEY],
  },
  {
    file: 'unbounded-patterns',
    config: { smuggled: `${'a'.repeat(LONG)}!` },
    code: 'E_MANIFEST',
    paths: [
      'config_schema.patternProperties["(?=x)"]',
      ...['backreference', 'huge', 'invalid', 'lookahead', 'lookbehind', 'named', 'smuggled'].map((p) => `config_schema.properties.${p}.pattern`),
      'config_schema.properties.smuggled_format.format',
    ],
  },
  { file: 'format-url', config: { home: `http://${'a'.repeat(40)}!` }, code: 'E_MANIFEST', paths: ['config_schema.properties.home.format'], message: /format "url" .* use "uri"/ },
  { file: 'ref-self', config: {}, code: 'E_MANIFEST', paths: ['config_schema'], message: /refers to itself without descending into the data \(# → #\)/ },
  { file: 'ref-loop', config: {}, code: 'E_MANIFEST', paths: ['config_schema.$defs.a'], message: /#\/\$defs\/a → #\/\$defs\/b → #\/\$defs\/b\/allOf\/0 → #\/\$defs\/a/ },
  {
    file: 'ref-missing',
    config: {},
    code: 'E_MANIFEST',
    paths: ['config_schema.properties.a.$ref', 'config_schema.properties.b.$ref', 'config_schema.properties.c.$ref'],
    message: /"#\/\$defs\/nowhere" does not resolve/,
  },
  { file: 'ref-exponential', config: { x: 5 }, code: 'E_MANIFEST', paths: ['config_schema'], message: /schema evaluations|overflows the stack/ },
  { file: 'ref-descending-fanout', config: { x: nested(40, [], (inner) => [inner]) }, code: 'E_MANIFEST', paths: ['config_schema'], message: /more than 250,000 schema evaluations/ },
  { file: 'unique-items', config: { list: Array.from({ length: 10_000 }, (_, i) => i) }, code: 'E_CONFIG', paths: ['list'], message: /too many to check uniqueItems/ },
  { file: 'recursive-tree', config: nested(20_000, {}, (inner) => ({ a: inner })) as Record<string, unknown>, code: 'E_CONFIG', message: /nested more than 256 levels deep/ },
  { file: 'no-schema', config: nested(20_000, {}, (inner) => ({ a: inner })) as Record<string, unknown>, code: 'E_CONFIG', message: /nested more than 256 levels deep/ },
  { file: 'legit-patterns', config: { slug: 'my-plugin-2', base_url: 'https://example.com', date: 'on 2026-12-02', name: 'Élodie', emoji: '😀😎', word: 'the cms works', 'x-tag': 'v' }, code: null },
];

const CONFIGS = Object.fromEntries(CASES.map((c) => [c.file, c.config]));

async function manifestOf(file: string): Promise<string> {
  const text = await readFile(join(DIR, `${file}.toml`), 'utf8');
  // The manifests name their own ids; the test keys configs by file name.
  return text.replace(/^id = ".*"$/m, `id = "${file}"`);
}

for (const isolation of ['inline', 'worker'] as const) {
  describe(`hostile config schemas, ${isolation} isolation`, () => {
    let manager: PluginManager;
    let echo: Uint8Array;

    beforeAll(async () => {
      echo = await readFixture('echo');
      manager = new PluginManager({ isolation, logger: captureLogger(), plugins: CONFIGS });
      await manager.load({ manifest: manifestToml('good', ['Hook = "before_render"']), wasm: echo });
    });

    afterAll(async () => {
      await manager.shutdown();
    });

    for (const c of CASES) {
      it(`${c.file} ${c.code === null ? 'loads' : `is refused with ${c.code}`}, and the neighbour works`, async () => {
        const loading = manager.load({ manifest: await manifestOf(c.file), wasm: echo });
        if (c.code === null) {
          await expect(loading).resolves.toBe(c.file);
          await manager.unload(c.file);
        } else {
          const error = (await loading.catch((e: unknown) => e)) as PluginError & { issues: Array<{ path: string; message: string }> };
          expect(error).toMatchObject({ code: c.code, pluginId: c.file });
          if (c.paths !== undefined) expect(error.issues.map((i) => i.path).sort()).toEqual([...c.paths].sort());
          if (c.message !== undefined) expect(error.message).toMatch(c.message);
          expect(manager.plugins().map((p) => p.id)).toEqual(['good']);
        }
        const page = { title: 'Still fine ✓', n: Math.random() };
        await expect(manager.hooks.execute(Hooks.BEFORE_RENDER, page)).resolves.toEqual(page);
      });
    }
  });
}
