/**
 * `reed-plugin run`: one hook call (or command, or event) on the real manager, reported as
 * Shopify's function-runner does: the output or the typed error, logs, events, requests and
 * refusals, fuel of the budget, time.
 */
import { readFile } from 'node:fs/promises';
import { parseCommand, numberOption, type CommandSpec } from '../cli-args.ts';
import { ExitCode, UsageError, formatBytes, formatCount, paint, type Terminal } from '../terminal.ts';
import { createTestHost } from '../../testing/node.ts';
import type { RunResult, TestHost } from '../../testing/test-host.ts';
import type { MockResponse } from '../../testing/mock-fetch.ts';
import type { HostLimits } from '../../plugin/limits.ts';
import { DEFAULT_LIMITS } from '../../plugin/limits.ts';
import { describeError } from '../../errors.ts';

/** Profile lines printed (all are in --json). */
const PROFILE_LINES = 15;

export const RUN: CommandSpec = {
  name: 'run',
  usage: 'reed-plugin run [dir] <hook> [--input file.json | -] [options]   (or --command NAME / --event file.json)',
  summary: 'Runs one call of the plugin in <dir> (default .) on the real host and reports what it did.',
  options: {
    input: { type: 'string', short: 'i' },
    config: { type: 'string' },
    fuel: { type: 'string' },
    memory: { type: 'string' },
    'allow-host': { type: 'string', multiple: true },
    'mock-http': { type: 'string' },
    isolation: { type: 'string' },
    command: { type: 'string' },
    args: { type: 'string' },
    event: { type: 'string' },
    repeat: { type: 'string' },
    profile: { type: 'boolean' },
  },
  help: [
    '-i, --input FILE|-   the hook data as JSON (default null; - reads stdin)',
    '--config FILE        the plugin config as JSON (checked against config_schema)',
    `--fuel N             fuel budget per call (default ${formatCount(DEFAULT_LIMITS.fuel ?? 0)})`,
    '--memory BYTES       linear memory cap',
    "--allow-host P       host-wide egress allow-list entry (repeatable; default: the manifest's)",
    '--mock-http FILE     JSON { "<url>": { "status", "json" | "body", "headers" } } answering requests',
    '--isolation MODE     inline (default) or worker',
    '--command NAME       call a declared command instead of a hook (--args FILE for its arguments)',
    '--event FILE         deliver one event { "type", "data" } instead',
    '--repeat N           run N times and report min / median / max time and fuel',
    '--profile            fuel per function (self, callees excluded), most first (inline; slower)',
  ],
};

/** Runs `run`. */
export async function runRun(argv: string[], term: Terminal): Promise<number> {
  const { values, positionals } = parseCommand(RUN, argv);
  const command = values['command'] as string | undefined;
  const eventFile = values['event'] as string | undefined;
  const callsHook = command === undefined && eventFile === undefined;
  const [dir, hook] = callsHook ? (positionals.length >= 2 ? [positionals[0]!, positionals[1]!] : ['.', positionals[0]]) : [positionals[0] ?? '.', undefined];
  if (callsHook && hook === undefined) throw new UsageError('run needs a hook name (or --command NAME / --event FILE)');
  const isolation = (values['isolation'] as string | undefined) ?? 'inline';
  if (isolation !== 'inline' && isolation !== 'worker') throw new UsageError('--isolation must be inline or worker');
  const repeat = numberOption(values, 'repeat') ?? 1;
  if (repeat < 1) throw new UsageError('--repeat must be at least 1');
  const limits: HostLimits = {};
  const fuel = numberOption(values, 'fuel');
  const memory = numberOption(values, 'memory');
  if (fuel !== undefined) limits.fuel = fuel;
  if (memory !== undefined) limits.memoryBytes = memory;
  const input = await readJsonOption(values['input'] as string | undefined, 'input', null);
  const config = await readJsonOption(values['config'] as string | undefined, 'config', undefined);
  const mocks = await readJsonOption(values['mock-http'] as string | undefined, 'mock-http', {});
  const args = await readJsonOption(values['args'] as string | undefined, 'args', undefined);
  const event = eventFile === undefined ? undefined : await readJsonOption(eventFile, 'event', undefined);
  if (config !== undefined && (config === null || typeof config !== 'object' || Array.isArray(config))) throw new UsageError('--config must hold a JSON object');
  if (event !== undefined && (event === null || typeof event !== 'object' || typeof (event as { type?: unknown }).type !== 'string'))
    throw new UsageError('--event must hold { "type": "…", "data": … }');

  const host = await createTestHost({
    dir,
    limits,
    isolation,
    http: mocks as Record<string, MockResponse>,
    profile: values['profile'] === true,
    ...(config === undefined ? {} : { config: config as Record<string, unknown> }),
    ...(values['allow-host'] === undefined ? {} : { allowedHosts: values['allow-host'] as string[] }),
  });
  try {
    const call = (): Promise<RunResult> => (hook !== undefined ? host.run(hook, input) : command !== undefined ? host.command(command, args) : host.event(event as { type: string; data?: unknown }));
    const results: RunResult[] = [];
    for (let i = 0; i < repeat; i++) results.push(await call());
    const last = results[results.length - 1]!;
    const what = hook ?? (command !== undefined ? `command ${command}` : `event ${(event as { type: string }).type}`);
    report(term, values['json'] === true, host, what, results, fuelCapNote(host, limits));
    return last.error === undefined ? ExitCode.OK : ExitCode.PLUGIN_ERROR;
  } finally {
    await host.close();
  }
}

/** Reads a JSON option: a file path or `-` for stdin. */
async function readJsonOption(path: string | undefined, name: string, fallback: unknown): Promise<unknown> {
  if (path === undefined) return fallback;
  let text: string;
  try {
    text = path === '-' ? await readStdin() : await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--${name}: cannot read ${path}: ${describeError(err)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`--${name}: ${path} is not valid JSON: ${describeError(err)}`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Uint8Array);
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** Says so when the manifest asked for more fuel than this run grants, and how to raise it. */
function fuelCapNote(host: TestHost, limits: HostLimits): string | undefined {
  const asked = host.metadata.limits.fuel;
  const granted = limits.fuel ?? DEFAULT_LIMITS.fuel;
  if (typeof asked !== 'number' || granted === false || granted === null || asked <= granted) return undefined;
  return `the manifest asks for ${formatCount(asked)} fuel per call; this host grants ${formatCount(granted)} (raise it with --fuel ${asked}, or limits.fuel in the host's PluginManager)`;
}

function report(term: Terminal, json: boolean, host: TestHost, what: string, results: RunResult[], note: string | undefined): void {
  const last = results[results.length - 1]!;
  const timing = results.length > 1 ? summary(results.map((r) => r.timeMs)) : undefined;
  const fuelRange = results.length > 1 ? summary(results.map((r) => r.fuel ?? 0)) : undefined;
  if (json) {
    term.out(
      JSON.stringify({
        ok: last.error === undefined,
        plugin: { id: host.pluginId, version: host.metadata.version },
        call: what,
        output: last.output ?? null,
        error:
          last.error === undefined ? null : { code: last.error.code, message: last.error.message, operation: last.error.operation ?? null, limit: (last.error as { limit?: unknown }).limit ?? null },
        logs: last.logs,
        events: last.events.map((e) => ({ type: e.type, data: e.data })),
        requests: last.requests,
        denied: last.denied,
        fuel: { used: last.fuel, budget: last.fuelBudget },
        memory: last.memory,
        ...(last.profile === undefined ? {} : { profile: last.profile }),
        timeMs: last.timeMs,
        ...(timing === undefined ? {} : { repeat: { runs: results.length, timeMs: timing, fuel: fuelRange } }),
        ...(note === undefined ? {} : { notes: [note] }),
      }),
    );
    return;
  }
  const head = last.error === undefined ? paint(term, 'green', '✓') : paint(term, 'red', '✗');
  term.out(`${head} ${what}  ${paint(term, 'dim', `(${host.pluginId} ${host.metadata.version})`)}`);
  if (last.error === undefined) term.out(`output:   ${JSON.stringify(last.output ?? null)}`);
  else term.out(`${paint(term, 'red', 'error:')}    ${last.error.code}: ${last.error.message}`);
  for (const log of last.logs) term.out(`log:      [${log.level}] ${log.message}`);
  for (const e of last.events) term.out(`event:    ${e.type} ${JSON.stringify(e.data)}`);
  for (const r of last.requests) term.out(`request:  ${r.method} ${r.url} → ${r.status}${r.mocked ? '' : ' (no mock)'}`);
  for (const d of last.denied) term.out(`${paint(term, 'yellow', 'denied:')}   ${d.what}${d.url === undefined ? '' : ` ${d.url}`}: ${d.reason}`);
  if (last.fuel !== null) {
    const share = last.fuelBudget ? ` (${((100 * last.fuel) / last.fuelBudget).toFixed(1)}%)` : '';
    term.out(`fuel:     ${formatCount(last.fuel)} of ${last.fuelBudget === null ? 'unmetered' : formatCount(last.fuelBudget)}${share}`);
  }
  term.out(`memory:   ${formatBytes(last.memory.bytes)} (peak ${formatBytes(last.memory.peak)}) of ${formatBytes(last.memory.cap)}`);
  term.out(`time:     ${last.timeMs.toFixed(2)} ms`);
  if (last.profile !== undefined) {
    const total = last.profile.reduce((sum, e) => sum + e.fuel, 0) || 1;
    term.out('profile:  fuel by function (self), most first');
    for (const e of last.profile.slice(0, PROFILE_LINES)) term.out(`  ${formatCount(e.fuel).padStart(12)}  ${((100 * e.fuel) / total).toFixed(1).padStart(5)}%  ${e.calls}×  ${e.function}`);
    if (last.profile.length > PROFILE_LINES) term.out(paint(term, 'dim', `  … ${last.profile.length - PROFILE_LINES} more (--json lists all)`));
  }
  if (timing !== undefined && fuelRange !== undefined) {
    term.out(
      `repeat:   ${results.length} runs; time min ${timing.min.toFixed(2)} / median ${timing.median.toFixed(2)} / max ${timing.max.toFixed(2)} ms; fuel min ${formatCount(fuelRange.min)} / median ${formatCount(fuelRange.median)} / max ${formatCount(fuelRange.max)}`,
    );
  }
  if (note !== undefined) term.out(`${paint(term, 'yellow', 'note:')}     ${note}`);
}

function summary(values: number[]): { min: number; median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]!, max: sorted[sorted.length - 1]! };
}
