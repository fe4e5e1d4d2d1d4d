/**
 * `exports` and the built files must not drift apart: builds the package (tsconfig.build.json,
 * into build/dist-check so a dist/ in use is left alone), then checks that every target of
 * every condition exists (of `exports` and of the `#runtime` import), that the conditions come in
 * the order bundlers need, and that the default adapter follows the runtime, not the entry.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/build-assemblyscript.ts';

const OUT = join(REPO_ROOT, 'build', 'dist-check');
type Target = string | { [condition: string]: Target };
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { exports: Record<string, Target>; imports: Record<string, Target>; types: string };

/** Every (subpath, condition path, file) the exports map names. */
function targets(target: Target, path: string[] = []): Array<{ path: string[]; file: string }> {
  if (typeof target === 'string') return [{ path, file: target }];
  return Object.entries(target).flatMap(([condition, next]) => targets(next, [...path, condition]));
}

/** Where a `./dist/…` target lands in the check build. */
const built = (file: string) => (file.startsWith('./dist/') ? join(OUT, file.slice('./dist/'.length)) : join(REPO_ROOT, file));

describe('package exports', () => {
  beforeAll(() => {
    const tsc = join(REPO_ROOT, 'node_modules', '.bin', 'tsc');
    // Type errors are the typecheck's business; here only the emitted files count.
    const result = spawnSync(tsc, ['-p', 'tsconfig.build.json', '--outDir', OUT], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (result.error) throw result.error;
  }, 120_000);

  it('every exports target exists after the build', () => {
    const all = Object.entries(pkg.exports).flatMap(([subpath, target]) => targets(target, [subpath]));
    expect(all.length).toBeGreaterThan(10);
    const missing = all.filter((t) => !existsSync(built(t.file))).map((t) => `${t.path.join(' → ')}: ${t.file}`);
    expect(missing).toEqual([]);
    expect(existsSync(built(pkg.types))).toBe(true);
  });

  it('"." lists workerd, deno, browser, node, default in that order (the first match wins)', () => {
    expect(Object.keys(pkg.exports['.'] as Record<string, Target>)).toEqual(['workerd', 'deno', 'browser', 'node', 'default']);
    for (const target of Object.values(pkg.exports['.'] as Record<string, Target>)) expect(Object.keys(target as object)).toEqual(['types', 'default']);
  });

  it('"#runtime" lists workerd, deno, browser, node, default, and every target exists after the build', () => {
    const runtime = pkg.imports['#runtime'] as Record<string, Target>;
    expect(Object.keys(runtime)).toEqual(['workerd', 'deno', 'browser', 'node', 'default']);
    for (const target of Object.values(runtime)) expect(Object.keys(target as object)).toEqual(['types', 'default']);
    const missing = targets(runtime, ['#runtime'])
      .filter((t) => !existsSync(built(t.file)))
      .map((t) => `${t.path.join(' → ')}: ${t.file}`);
    expect(missing).toEqual([]);
  });

  it('every entry exports its own adapter, and under Node all of them default to the node adapter', async () => {
    const entries = { node: 'nodeRuntime', deno: 'denoRuntime', workerd: 'workerdRuntime', browser: 'browserRuntime', default: 'webRuntime' } as const;
    type Entry = { runtimeCapabilities(): { runtime: string }; PluginManager: new () => { runtime: { name: string } } } & Record<string, unknown>;
    for (const [condition, adapter] of Object.entries(entries)) {
      const file = ((pkg.exports['.'] as Record<string, Record<string, string>>)[condition] as Record<string, string>).default as string;
      const entry = (await import(/* @vite-ignore */ pathToFileURL(built(file)).href)) as Entry;
      expect((entry[adapter] as { name: string }).name, condition).toBe(condition === 'default' ? 'web' : condition);
      // `#runtime` resolved by Node itself through package.json "imports" (the node condition):
      // importing another entry changes nothing.
      expect(entry.runtimeCapabilities().runtime, condition).toBe('node');
      expect(new entry.PluginManager().runtime.name, condition).toBe('node');
    }
  });

  it('./vite exports the Vite plugin', async () => {
    const vite = (await import(/* @vite-ignore */ pathToFileURL(built('./dist/vite/index.js')).href)) as Record<string, unknown>;
    expect(typeof vite.reedPlugins).toBe('function');
    expect(vite.default).toBe(vite.reedPlugins);
  });
});
