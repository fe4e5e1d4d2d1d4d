/**
 * `reed-plugin check [dir]`: what the host would refuse, without running the plugin.
 */
import { parseCommand, type CommandSpec } from '../cli-args.ts';
import { checkPlugin, type CheckReport } from '../plugin-check.ts';
import { ExitCode, UsageError, formatBytes, paint, type Terminal } from '../terminal.ts';

export const CHECK: CommandSpec = {
  name: 'check',
  usage: 'reed-plugin check [dir]',
  summary: 'Validates the plugin in <dir> (default .): manifest, module, exports, imports, instrumentation, sha256.',
  options: {},
  help: [],
};

/** Runs `check`. */
export async function runCheck(argv: string[], term: Terminal): Promise<number> {
  const { values, positionals } = parseCommand(CHECK, argv);
  if (positionals.length > 1) throw new UsageError('check takes at most one folder');
  const report = await checkPlugin(positionals[0] ?? '.');
  printReport(term, values['json'] === true, report);
  return report.findings.some((f) => f.level === 'error') ? ExitCode.PLUGIN_ERROR : ExitCode.OK;
}

/** Prints a check report (also the tail of `build`). */
export function printReport(term: Terminal, json: boolean, report: CheckReport, extra: Record<string, unknown> = {}): void {
  const errors = report.findings.filter((f) => f.level === 'error');
  if (json) {
    term.out(
      JSON.stringify({
        ok: errors.length === 0,
        ...extra,
        plugin: report.metadata === undefined ? null : { id: report.metadata.id, version: report.metadata.version },
        wasm: report.wasmPath ?? null,
        module: report.module ?? null,
        findings: report.findings,
      }),
    );
    return;
  }
  const id = report.metadata === undefined ? report.dir : `${report.metadata.id} ${report.metadata.version}`;
  for (const f of report.findings) {
    const mark = f.level === 'error' ? paint(term, 'red', '✗') : paint(term, 'yellow', '!');
    term.out(`${mark} ${f.code} ${f.path === undefined ? '' : `${f.path}: `}${f.message}`);
  }
  if (report.module !== undefined) {
    const m = report.module;
    const growth = m.instrumentedBytes === undefined ? '' : `, ${formatBytes(m.instrumentedBytes)} instrumented (+${(((m.instrumentedBytes - m.bytes) / m.bytes) * 100).toFixed(0)}% for the limits)`;
    term.out(`module:   ${formatBytes(m.bytes)}${growth}`);
    term.out(`exports:  ${m.exports.join(', ') || '(none)'}`);
    term.out(`imports:  ${m.imports.length} (${[...new Set(m.imports.map((i) => i.split('.')[0]))].join(', ') || 'none'})`);
  }
  term.out(errors.length === 0 ? `${paint(term, 'green', '✓')} ${id}: the host would load it` : `${paint(term, 'red', '✗')} ${id}: ${errors.length} problem${errors.length === 1 ? '' : 's'}`);
}
