/**
 * The examples of docs/abi.md's "Building with …" sections, as they stand on the page: each is
 * cut out of the Markdown, built with its language's toolchain (clang + wasi-libc, Go with
 * go-pdk, Go on sdk/go, cargo with extism-pdk, AssemblyScript by the package name), loaded
 * through the real PluginManager and called, so a reader who copies one gets a plugin that
 * works. A missing toolchain skips its example with a line saying which.
 */
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Hooks, PluginManager } from '@reedcms/plugins';
import { REPO_ROOT } from '../../scripts/lib/build-assemblyscript.ts';
import { cargoBuild, clangBuild, goBuild, GO_FIXTURES_DIR, RUST_FIXTURES_DIR } from '../../scripts/lib/build-native.ts';
import { findCargo, findClang, findGo, type Toolchain } from '../../scripts/lib/native-toolchains.ts';
import { compileAssemblyScript } from '../../src/cli/compile-assemblyscript.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { manifestToml } from '../support/wat-plugins.ts';

const DOC = await readFile(join(REPO_ROOT, 'docs', 'abi.md'), 'utf8');
const WORK = join(REPO_ROOT, 'build', 'doc-examples');

/** The first ```lang block after the heading `heading`, before the next heading of its level. */
function example(heading: string, lang: string, nth = 0): string {
  const level = /^#+/.exec(heading)![0];
  const start = DOC.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`docs/abi.md has no heading "${heading}"`);
  const next = DOC.slice(start + heading.length + 2).search(new RegExp(`\\n${level} `));
  const section = next < 0 ? DOC.slice(start) : DOC.slice(start, start + heading.length + 2 + next);
  const blocks = [...section.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1]!);
  if (blocks[nth] === undefined) throw new Error(`docs/abi.md "${heading}" has no ${lang} example #${nth + 1}`);
  return blocks[nth];
}

function skipUnless(tool: Toolchain, what: string): string | undefined {
  if (tool.found) return undefined;
  console.warn(`skipping the ${what} example of docs/abi.md: ${tool.missing}`);
  return tool.missing;
}

async function freshDir(name: string): Promise<string> {
  const dir = join(WORK, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  return dir;
}

async function run(id: string, wasm: Uint8Array, hook: string, data: unknown, config: Record<string, unknown> = {}) {
  const logger = captureLogger();
  const manager = new PluginManager({ logger, limits: { fuel: 10_000_000 }, plugins: { [id]: config } });
  try {
    await manager.load({ manifest: manifestToml(id, [`Hook = "${hook}"`]), wasm });
    const result = await manager.hooks.execute(hook, data, { errorPolicy: 'fail' });
    return { result, lines: logger.lines.map(([level, line]) => `${level} ${line}`) };
  } finally {
    await manager.shutdown();
  }
}

afterAll(async () => {
  await rm(WORK, { recursive: true, force: true });
});

describe('docs/abi.md examples, built as they stand', () => {
  const clang = findClang();
  it.skipIf(skipUnless(clang, 'C') !== undefined)('C: the hook echoes the page and logs through printf and log_info', async () => {
    const dir = await freshDir('c');
    await writeFile(join(dir, 'plugin.c'), example('## Building with C', 'c'));
    await clangBuild((clang as { command: string }).command, join(dir, 'plugin.c'), join(dir, 'plugin.wasm'));
    const { result, lines } = await run('cdoc', await readFile(join(dir, 'plugin.wasm')), Hooks.BEFORE_RENDER, { title: 'hi' }, { suffix: '!' });
    expect(result).toEqual({ title: 'hi' });
    expect(lines).toContain('info [cdoc] hello from C');
    expect(lines.some((l) => /^info \[cdoc\] rendering at \d+$/.test(l))).toBe(true);
  });

  const go = findGo();
  it.skipIf(skipUnless(go, 'Go') !== undefined)('Go (go-pdk): the hook shouts the title with the configured suffix', async () => {
    const dir = await freshDir('go');
    await writeFile(join(dir, 'main.go'), example('## Building with Go', 'go'));
    // The fixture's go.mod and go.sum pin the same go-pdk.
    for (const file of ['go.mod', 'go.sum']) await writeFile(join(dir, file), await readFile(join(GO_FIXTURES_DIR, 'plugin', file)));
    await goBuild((go as { command: string }).command, dir, join(dir, 'plugin.wasm'));
    const { result, lines } = await run('godoc', await readFile(join(dir, 'plugin.wasm')), Hooks.BEFORE_RENDER, { title: 'hi' }, { suffix: '?' });
    expect(result).toEqual({ title: 'HI?' });
    expect(lines).toEqual(['info [godoc] go: shouting hi']);
  });

  it.skipIf(skipUnless(go, 'Go SDK') !== undefined)('Go (sdk/go): reed.Filter with typed config', async () => {
    const dir = await freshDir('go-sdk');
    await writeFile(join(dir, 'main.go'), example('### The Go SDK (`sdk/go`)', 'go'));
    const mod = (await readFile(join(GO_FIXTURES_DIR, 'sdk', 'go.mod'), 'utf8')).replace(/=> .*sdk\/go$/m, `=> ${join(REPO_ROOT, 'sdk', 'go')}`);
    await writeFile(join(dir, 'go.mod'), mod);
    await writeFile(join(dir, 'go.sum'), await readFile(join(GO_FIXTURES_DIR, 'sdk', 'go.sum')));
    await goBuild((go as { command: string }).command, dir, join(dir, 'plugin.wasm'));
    const { result, lines } = await run('gosdkdoc', await readFile(join(dir, 'plugin.wasm')), Hooks.TRANSFORM_DATA, { title: 'hi' }, { suffix: '!' });
    expect(result).toEqual({ title: 'HI!' });
    expect(lines).toEqual(['info [gosdkdoc] go sdk: hi']);
  });

  const cargo = findCargo();
  it.skipIf(skipUnless(cargo, 'Rust') !== undefined)('Rust (extism-pdk): the hook shouts the title with the configured suffix', async () => {
    const dir = await freshDir('rust');
    await mkdir(join(dir, 'src'));
    const manifest = example('## Building with Rust', 'toml');
    const crate = /^name = "([^"]+)"/m.exec(manifest)![1]!;
    await writeFile(join(dir, 'Cargo.toml'), manifest);
    await writeFile(join(dir, 'src', 'lib.rs'), example('## Building with Rust', 'rust'));
    // The fixture's Cargo.lock pins the same crates (the example's dependencies are the fixture's).
    const lock = (await readFile(join(RUST_FIXTURES_DIR, 'plugin', 'Cargo.lock'), 'utf8')).replace('name = "reed-fixture-plugin"', `name = "${crate}"`);
    await writeFile(join(dir, 'Cargo.lock'), lock);
    await cargoBuild((cargo as { command: string }).command, dir, join(dir, 'plugin.wasm'));
    const { result, lines } = await run('rustdoc', await readFile(join(dir, 'plugin.wasm')), Hooks.BEFORE_RENDER, { title: 'hi' }, { suffix: '?' });
    expect(result).toEqual({ title: 'HI?' });
    expect(lines).toEqual(['info [rustdoc] rust: shouting hi']);
  });

  it('AssemblyScript: the SDK by its package name; the hook marks the page as seen', async () => {
    const dir = await freshDir('as');
    await mkdir(join(dir, 'assembly'));
    await mkdir(join(dir, 'node_modules', '@reedcms'), { recursive: true });
    // A plugin project as `npm install @reedcms/plugins` leaves it: the package in node_modules.
    await symlink(REPO_ROOT, join(dir, 'node_modules', '@reedcms', 'plugins'), 'dir');
    await writeFile(join(dir, 'assembly', 'index.ts'), example('## Building with AssemblyScript', 'ts'));
    await compileAssemblyScript(dir, join(dir, 'assembly', 'index.ts'), join(dir, 'plugin.wasm'));
    const { result } = await run('asdoc', await readFile(join(dir, 'plugin.wasm')), Hooks.BEFORE_RENDER, { title: 'hi', meta: {} });
    expect(result).toEqual({ title: 'hi', meta: { seen: 1 } });
  });
});
