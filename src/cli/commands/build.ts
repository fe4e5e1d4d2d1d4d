/**
 * `reed-plugin build [dir] [--watch]`: compiles assembly/index.ts with the SDK's flags to the
 * manifest's module path, then checks the result.
 */
import { existsSync, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ManifestError } from '../../errors.ts';
import { parseManifest } from '../../manifest/parse-manifest.ts';
import { parseCommand, type CommandSpec } from '../cli-args.ts';
import { CompileError, compileAssemblyScript } from '../compile-assemblyscript.ts';
import { checkPlugin } from '../plugin-check.ts';
import { ExitCode, UsageError, paint, type Terminal } from '../terminal.ts';
import { printReport } from './check.ts';

export const BUILD: CommandSpec = {
  name: 'build',
  usage: 'reed-plugin build [dir] [--watch]',
  summary: "Compiles <dir>/assembly/index.ts (default dir .) to the manifest's module, then runs check.",
  options: { watch: { type: 'boolean', short: 'w' } },
  help: ['-w, --watch          rebuild when assembly/ or plugin.toml changes'],
};

/** Runs `build`. */
export async function runBuild(argv: string[], term: Terminal): Promise<number> {
  const { values, positionals } = parseCommand(BUILD, argv);
  if (positionals.length > 1) throw new UsageError('build takes at most one folder');
  const dir = resolve(positionals[0] ?? '.');
  const entry = join(dir, 'assembly', 'index.ts');
  if (!existsSync(entry)) throw new UsageError(`${entry} does not exist: build compiles AssemblyScript plugins (for other languages, build with their toolchain and run reed-plugin check)`);
  const json = values['json'] === true;
  if (values['watch'] !== true) return buildOnce(dir, entry, term, json);
  await buildOnce(dir, entry, term, json);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const rebuild = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void buildOnce(dir, entry, term, json), 100);
  };
  watch(join(dir, 'assembly'), { recursive: true }, rebuild);
  watch(join(dir, 'plugin.toml'), rebuild);
  term.err(paint(term, 'dim', 'watching assembly/ and plugin.toml (Ctrl-C to stop)'));
  return new Promise<number>(() => {});
}

async function buildOnce(dir: string, entry: string, term: Terminal, json: boolean): Promise<number> {
  const started = performance.now();
  let wasm: string;
  try {
    wasm = parseManifest(await readFile(join(dir, 'plugin.toml'), 'utf8'), join(dir, 'plugin.toml')).wasm;
  } catch (err) {
    // The manifest's problems are check's to report, all at once.
    if (!(err instanceof ManifestError) && !(err as NodeJS.ErrnoException).code) throw err;
    const report = await checkPlugin(dir);
    printReport(term, json, report, { built: false });
    return ExitCode.PLUGIN_ERROR;
  }
  try {
    await compileAssemblyScript(dir, entry, join(dir, wasm));
  } catch (err) {
    if (!(err instanceof CompileError)) throw err;
    if (json) term.out(JSON.stringify({ ok: false, built: false, error: { code: 'E_COMPILE', message: err.message, diagnostics: err.diagnostics } }));
    else term.out(`${paint(term, 'red', '✗')} ${err.message}\n${err.diagnostics}`);
    return ExitCode.PLUGIN_ERROR;
  }
  const ms = performance.now() - started;
  if (!json) term.out(`${paint(term, 'green', '✓')} built ${wasm} in ${ms.toFixed(0)} ms`);
  const report = await checkPlugin(dir);
  printReport(term, json, report, { built: true, buildMs: Math.round(ms) });
  return report.findings.some((f) => f.level === 'error') ? ExitCode.PLUGIN_ERROR : ExitCode.OK;
}
