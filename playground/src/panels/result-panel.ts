/**
 * Shows what one call did: its result in the shape of its hook kind (a filter's output and its
 * diff against the input, a guard's verdict, a collect's findings), the failure with its code
 * explained, the meters (fuel against the budget, memory against the cap, time, sizes), logs,
 * published events, refusals and HTTP requests.
 */
import type { HookKind } from '@reedcms/plugins';
import { diffLines } from '../diff.ts';
import { explainCode } from '../error-help.ts';
import type { Report } from '../protocol.ts';
import { byId, el, formatBytes, pretty } from './dom.ts';

/** What the panel needs besides the report. */
export interface CallContext {
  /** `hook`, `command`, `event` or `load`. */
  what: string;
  kind?: HookKind | undefined;
  input?: unknown;
  /** The host's call-depth limit, shown beside the meters. */
  maxCallDepth: number | null;
  wasmBytes: number;
}

/**
 * Sets the result line (also for outcomes without a report, such as a failed build).
 */
export function showResultStatus(text: string, ok: boolean): void {
  const status = byId('result-status');
  status.textContent = text;
  status.className = ok ? 'ok' : 'failed';
  // Counts results shown, so a reader (or a test) can tell this one from the previous one.
  status.dataset.run = String(Number(status.dataset.run ?? '0') + 1);
}

function list(id: string, items: readonly string[], empty: string, cls = ''): void {
  const target = byId(id);
  target.replaceChildren(...(items.length === 0 ? [el('li', empty, { class: 'empty' })] : items.map((t) => el('li', t, { class: cls }))));
}

function meter(id: string, used: number | null, max: number | null, label: string): void {
  const m = byId<HTMLMeterElement>(`${id}-meter`);
  m.max = max ?? 1;
  m.value = used ?? 0;
  byId(`${id}-text`).textContent = label;
  m.dataset.used = String(used ?? '');
  m.dataset.max = String(max ?? '');
}

/** The result in its hook kind's terms: one line, and a collect's findings one per line. */
function shape(kind: HookKind | undefined, output: unknown): { line: string; findings: string[] } {
  if (kind === 'guard') {
    const v = output as { allowed?: boolean; reason?: string; pluginId?: string } | undefined;
    const line = v?.allowed === true ? 'guard verdict: allowed' : `guard verdict: denied${v?.reason ? ` (${v.reason})` : ''}${v?.pluginId ? ` by ${v.pluginId}` : ''}`;
    return { line, findings: [] };
  }
  if (kind === 'collect') {
    const r = output as { valid?: boolean; errors?: Array<{ path: string; message: string; pluginId?: string }> } | undefined;
    const findings = r?.errors ?? [];
    return {
      line: `collect: ${r?.valid === true ? 'valid' : 'invalid'}, ${findings.length} finding(s)`,
      findings: findings.map((f) => `${f.path || '(whole)'}: ${f.message}${f.pluginId ? ` (${f.pluginId})` : ''}`),
    };
  }
  if (kind === 'first') return { line: output === undefined ? 'first: no plugin answered' : 'first: answered', findings: [] };
  if (kind === 'action') return { line: 'action: runs for its effects (no result)', findings: [] };
  return { line: kind === 'filter' ? 'filter: output replaces the data' : '', findings: [] };
}

/**
 * Renders a report.
 */
export function showReport(report: Report, context: CallContext): void {
  showResultStatus(report.ok ? `${context.what}: ok` : `${context.what}: failed with ${report.error?.code ?? 'an error'}`, report.ok);
  const failure = byId('failure');
  failure.hidden = report.ok;
  if (report.error !== undefined) {
    byId('error-code').textContent = report.error.code;
    byId('error-operation').textContent = report.error.operation ?? '';
    byId('error-message').textContent = report.error.message;
    byId('error-help').textContent = explainCode(report.error.code);
    list(
      'error-issues',
      report.error.issues.map((i) => `${i.path || '(whole)'}: ${i.message}`),
      '',
    );
  }
  byId('output').textContent = report.ok && context.what !== 'load' ? pretty(report.output) : '';
  const shown = report.ok ? shape(context.kind, report.output) : { line: '', findings: [] };
  byId('shape').textContent = shown.line;
  const findings = byId('findings');
  findings.hidden = shown.findings.length === 0;
  findings.replaceChildren(...shown.findings.map((f) => el('li', f)));
  const diff = byId('diff');
  diff.replaceChildren();
  if (report.ok && context.kind === 'filter' && report.output !== undefined) {
    for (const line of diffLines(pretty(context.input), pretty(report.output))) {
      diff.append(el('div', `${line.op} ${line.text}`, { class: line.op === '+' ? 'add' : line.op === '-' ? 'del' : 'same' }));
    }
  }
  const stats = report.stats;
  if (stats !== undefined) {
    const fuel = stats.fuel;
    meter('fuel', fuel.last, fuel.budget, fuel.budget === null ? `${fuel.last ?? 0} (unmetered)` : `${(fuel.last ?? 0).toLocaleString('en')} of ${fuel.budget.toLocaleString('en')}`);
    meter(
      'memory',
      stats.memory.bytes,
      stats.memory.cap,
      `${formatBytes(stats.memory.bytes)} of ${stats.memory.cap === null ? '∞' : formatBytes(stats.memory.cap)} (peak ${formatBytes(stats.memory.peak)})`,
    );
    byId('call-time').textContent = `${stats.timeMs.last.toFixed(2)} ms`;
    byId('fuel-used').textContent = String(fuel.last ?? 0);
  }
  byId('call-depth').textContent = context.maxCallDepth === null ? 'off' : context.maxCallDepth.toLocaleString('en');
  const inputBytes = context.input === undefined ? 0 : new TextEncoder().encode(JSON.stringify(context.input)).byteLength;
  const outputBytes = report.output === undefined ? 0 : new TextEncoder().encode(JSON.stringify(report.output)).byteLength;
  byId('sizes').textContent = `module ${formatBytes(context.wasmBytes)}, input ${formatBytes(inputBytes)}, output ${formatBytes(outputBytes)}`;
  list(
    'logs',
    report.logs.map((l) => `[${l.level}] ${l.message}`),
    'no logs',
  );
  list(
    'events',
    report.events.map((e) => `${e.type} ${JSON.stringify(e.data)}`),
    'no events published',
  );
  list(
    'denied',
    report.denied.map((d) => `${String(d.what)}: ${String(d.reason)}${d.url ? ` (${String(d.url)})` : ''}`),
    'nothing refused',
  );
  list(
    'requests',
    report.requests.map((r) => `${r.method} ${r.url} → ${r.refused !== undefined ? `refused: ${r.refused}` : `${r.status}${r.mocked ? ' (mock)' : ''}`}`),
    'no requests',
  );
}
