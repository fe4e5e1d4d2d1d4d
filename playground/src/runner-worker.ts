/**
 * The runner: a Web Worker owning the PluginManager. Calls run here, not on the page's main
 * thread, because nothing interrupts a WebAssembly call inline: fuel ends a runaway call, but
 * until it does the thread is busy, and the page (its meters, its buttons) must stay live.
 */
import { DEFAULT_LIMITS, Events, HookManager, Hooks, PluginError, PluginManager, parseManifest, resolveLimits, type PluginEvent, type PluginMetadata } from '@reedcms/plugins';
// The manager's own module-cache key: which limits change an instrumented module.
import { instrumentationKey } from '../../src/plugin/limits.ts';
import { mockedFetch } from './mock-fetch.ts';
import type { ErrorReport, LoadInfo, ModuleSource, Report, RunnerReply, RunnerRequest, RunnerSettings } from './protocol.ts';

const scope = self as unknown as { postMessage(message: RunnerReply): void; onmessage: ((e: MessageEvent<{ seq: number; request: RunnerRequest }>) => void) | null };

let manager: PluginManager | undefined;
let pluginId = '';
/** The report the current request fills (events and logs arrive through the bus). */
let current: Report = emptyReport();

function emptyReport(): Report {
  return { ok: true, logs: [], events: [], denied: [], requests: [] };
}

function toErrorReport(err: unknown): ErrorReport {
  if (err instanceof PluginError) {
    const issues = (err as PluginError & { issues?: Array<{ path: string; message: string }> }).issues ?? [];
    return { code: err.code, operation: err.operation, message: err.message, issues: issues.map((i) => ({ path: i.path, message: i.message })) };
  }
  return { code: 'Error', operation: undefined, message: err instanceof Error ? err.message : String(err), issues: [] };
}

function onEvent(event: PluginEvent): void {
  const data = event.data as Record<string, unknown>;
  if (event.type === Events.PLUGIN_LOG) current.logs.push({ level: String(data.level), message: String(data.message) });
  else if (event.type === Events.PLUGIN_DENIED) {
    current.denied.push(data);
    if (data.what === 'http') current.requests.push({ url: String(data.url ?? ''), method: String(data.method ?? 'GET'), refused: String(data.reason) });
  } else if (event.source === pluginId) current.events.push({ type: event.type, data: event.data });
}

/**
 * What to hand `manager.load`: a catalog entry's module instrumented at site build time while
 * the limits chosen are the ones it was instrumented for (fuel, memory and table caps, call
 * depth and the host-buffer budget are written into the module; same key, same rewrite), else
 * the raw module, which the manager instruments under the limits chosen (loading the rewriter
 * then). Limits outside the key (sizes, logs, events, time) are the host's at every call.
 */
async function moduleFor(source: ModuleSource, metadata: PluginMetadata, settings: RunnerSettings): Promise<{ wasm: Uint8Array | URL | WebAssembly.Module; instrumented: LoadInfo['instrumented'] }> {
  if ('bytes' in source) return { wasm: new Uint8Array(source.bytes), instrumented: 'in the tab' };
  if (instrumentationKey(resolveLimits(settings.limits, metadata.limits)) !== source.prepared.key) return { wasm: new URL(source.url), instrumented: 'in the tab' };
  return { wasm: await WebAssembly.compileStreaming(fetch(source.prepared.url)), instrumented: 'prebuilt' };
}

async function load(manifest: string, source: ModuleSource, settings: RunnerSettings): Promise<LoadInfo | undefined> {
  await manager?.shutdown().catch(() => {});
  const metadata = parseManifest(manifest);
  const log = (level: string) => (message: string) => void current.logs.push({ level: `host ${level}`, message });
  const fetch = mockedFetch(settings.mocks, (line) => void current.requests.push(line));
  manager = new PluginManager({
    limits: settings.limits,
    isolation: settings.isolation,
    allowedHosts: settings.allowedHosts,
    fetch,
    logLevel: 'debug',
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    failOnError: true,
    plugins: { [metadata.id]: settings.config },
  });
  manager.events.subscribe(onEvent);
  const { wasm, instrumented } = await moduleFor(source, metadata, settings);
  pluginId = await manager.load({ manifest, wasm });
  const caps = declared(manager.plugins().find((p) => p.id === pluginId)?.metadata);
  const names = [...new Set([...Object.values(Hooks), ...caps.hooks])];
  return {
    pluginId,
    hooks: names.map((name) => ({ name, kind: manager!.hooks.definition(name)?.kind ?? 'filter', declared: caps.hooks.includes(name) })),
    commands: caps.commands,
    events: caps.events,
    instrumented,
  };
}

/** The hooks, commands and events a manifest declares (each capability is `{ Kind = "name" }`). */
function declared(metadata: PluginMetadata | undefined): { hooks: string[]; commands: string[]; events: string[] } {
  const pick = (kind: string) => (metadata?.capabilities ?? []).flatMap((c) => (kind in c ? [String((c as Record<string, unknown>)[kind])] : []));
  return { hooks: pick('Hook'), commands: pick('Command'), events: pick('Event') };
}

function statsOf(): Report['stats'] {
  if (manager === undefined || pluginId === '') return undefined;
  try {
    const { lastError: _e, profile: _p, ...rest } = manager.stats(pluginId);
    return rest;
  } catch {
    return undefined;
  }
}

async function handle(request: RunnerRequest): Promise<Omit<RunnerReply, 'seq'>> {
  current = emptyReport();
  const report = current;
  let kind: RunnerReply['kind'];
  let loadInfo: LoadInfo | undefined;
  if (request.kind === 'defaults') {
    const hooks = new HookManager();
    const builtin = Object.values(Hooks).map((name) => ({ name, kind: hooks.definition(name)?.kind ?? 'filter', declared: false }));
    return { report, defaults: { limits: { ...DEFAULT_LIMITS }, hooks: builtin } };
  }
  try {
    if (request.kind === 'load') loadInfo = await load(request.manifest, request.module, request.settings);
    else if (manager === undefined) throw new Error('no plugin is loaded');
    else if (request.kind === 'hook') {
      kind = manager.hooks.definition(request.hook)?.kind ?? 'filter';
      // `fail` so the plugin's error reaches the panel instead of being skipped.
      report.output = await manager.hooks.execute(request.hook, request.input as never, { errorPolicy: 'fail' });
    } else if (request.kind === 'command') report.output = await manager.command(pluginId, request.name, request.args);
    else await manager.events.publish({ type: request.type, data: request.data });
  } catch (err) {
    report.ok = false;
    report.error = toErrorReport(err);
  }
  // Plain JSON for the page (a guard's denial may carry a PluginError: its toJSON is what is shown).
  if (report.output !== undefined) report.output = JSON.parse(JSON.stringify(report.output)) as unknown;
  // Published events and logs are delivered asynchronously: wait until the bus stops delivering.
  for (let seen = -1, i = 0; seen !== report.events.length + report.logs.length && i < 100; i++) {
    seen = report.events.length + report.logs.length;
    await new Promise((r) => setTimeout(r, 0));
  }
  // The manager's logger echoes each guest log line as `[id] message`: the guest's line is enough.
  const guestLines = new Set(report.logs.filter((l) => !l.level.startsWith('host ')).map((l) => `[${pluginId}] ${l.message}`));
  report.logs = report.logs.filter((l) => !l.level.startsWith('host ') || !guestLines.has(l.message));
  const stats = statsOf();
  if (stats !== undefined) report.stats = stats;
  return { report, ...(kind === undefined ? {} : { kind }), ...(loadInfo === undefined ? {} : { load: loadInfo }) };
}

let queue: Promise<void> = Promise.resolve();
scope.onmessage = ({ data }) => {
  // One request at a time, in order: a load finishes before the call that follows it.
  queue = queue.then(async () => scope.postMessage({ seq: data.seq, ...(await handle(data.request)) }));
};
