/**
 * `reed-plugin inspect <file.wasm>`: a module's imports, exports, memory and sections, and what
 * of it the host would accept.
 */
import { readFile } from 'node:fs/promises';
import { describeError } from '../../errors.ts';
import { importHint } from '../../engine/import-hints.ts';
import { instrument } from '../../instrument/index.ts';
import { scanModule } from '../../instrument/module-scan.ts';
import { instrumentOptions, resolveLimits } from '../../plugin/limits.ts';
import { isProvided } from '../plugin-check.ts';
import { parseCommand, type CommandSpec } from '../cli-args.ts';
import { ExitCode, UsageError, formatBytes, paint, type Terminal } from '../terminal.ts';

export const INSPECT: CommandSpec = {
  name: 'inspect',
  usage: 'reed-plugin inspect <file.wasm>',
  summary: 'Shows a module’s imports, exports, memory limits and sections, and whether the host accepts each.',
  options: {},
  help: [],
};

const SECTION_NAMES = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount', 'tag'];

/** Runs `inspect`. */
export async function runInspect(argv: string[], term: Terminal): Promise<number> {
  const { values, positionals } = parseCommand(INSPECT, argv);
  const file = positionals[0];
  if (file === undefined || positionals.length > 1) throw new UsageError('inspect takes exactly one .wasm file');
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${describeError(err)}`);
  }
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch (err) {
    const problem = `not a valid WebAssembly module: ${describeError(err)}`;
    term.out(values['json'] === true ? JSON.stringify({ ok: false, error: { code: 'E_WASM', message: problem } }) : `${paint(term, 'red', '✗')} E_WASM ${problem}`);
    return ExitCode.PLUGIN_ERROR;
  }
  const info = scanModule(bytes);
  const imports = WebAssembly.Module.imports(module).map((i) => {
    const accepted = isProvided(i);
    return { module: i.module, name: i.name, kind: i.kind, accepted, hint: accepted ? undefined : importHint(i.module, i.name) };
  });
  const exports = WebAssembly.Module.exports(module).map((e) => ({ name: e.name, kind: e.kind }));
  const sections = info.sections.map((s) => ({ id: s.id, name: SECTION_NAMES[s.id] ?? `unknown ${s.id}`, bytes: s.end - s.start }));
  const memory = info.memory === undefined ? null : { imported: info.memory.imported, minPages: info.memory.limits.min, maxPages: info.memory.limits.max ?? null };
  let instrumentation: { ok: true; bytes: number } | { ok: false; error: string };
  try {
    instrumentation = { ok: true, bytes: instrument(bytes, instrumentOptions(resolveLimits({}))).bytes.byteLength };
  } catch (err) {
    instrumentation = { ok: false, error: describeError(err) };
  }
  const ok = instrumentation.ok && imports.every((i) => i.accepted);
  if (values['json'] === true) {
    term.out(JSON.stringify({ ok, bytes: bytes.byteLength, imports, exports, memory, sections, instrumentation }));
    return ok ? ExitCode.OK : ExitCode.PLUGIN_ERROR;
  }
  term.out(`${file}: ${formatBytes(bytes.byteLength)}`);
  term.out(`sections: ${sections.map((s) => `${s.name} ${formatBytes(s.bytes)}`).join(', ')}`);
  term.out(`memory:   ${memory === null ? 'none' : `${memory.imported ? 'imported, ' : ''}${memory.minPages} pages min, ${memory.maxPages === null ? 'no max' : `${memory.maxPages} max`}`}`);
  term.out(`exports:  ${exports.map((e) => `${e.name} (${e.kind})`).join(', ') || '(none)'}`);
  term.out('imports:');
  for (const i of imports) term.out(`  ${i.accepted ? paint(term, 'green', '✓') : paint(term, 'red', '✗')} ${i.module}.${i.name} (${i.kind})${i.hint === undefined ? '' : ` — ${i.hint}`}`);
  term.out(instrumentation.ok ? `instrumented for the default limits: ${formatBytes(instrumentation.bytes)}` : `${paint(term, 'red', '✗')} E_INSTRUMENT ${instrumentation.error}`);
  term.out(ok ? `${paint(term, 'green', '✓')} the host accepts this module` : `${paint(term, 'red', '✗')} the host would refuse this module`);
  return ok ? ExitCode.OK : ExitCode.PLUGIN_ERROR;
}
