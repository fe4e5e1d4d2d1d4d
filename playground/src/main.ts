/**
 * The playground page: wires the editors, the compiler, the runner and the panels.
 */
import examples, { type Example } from 'virtual:playground/examples';
import { buildInBrowser } from './compiler.ts';
import { createEditor } from './editor.ts';
import { byId, el, pretty } from './panels/dom.ts';
import { readIsolation, readLimits, renderLimits, writeLimits } from './panels/limits-panel.ts';
import { addMockRow, manifestHosts, readAllowedHosts, readMocks, showManifestNetwork, writeAllowedHosts, writeMocks } from './panels/network-panel.ts';
import { showReport, showResultStatus } from './panels/result-panel.ts';
import type { LoadInfo, ModuleSource, RunnerSettings } from './protocol.ts';
import { Runner } from './runner.ts';
import { decodeState, download, encodeState } from './share.ts';
import { asState, type PlaygroundState } from './state.ts';
import './style.css';

const runner = new Runner();
const status = byId('status');
const setStatus = (text: string) => void (status.textContent = text);

/**
 * The module Run uses: bytes built or uploaded in the tab, or a catalog entry's prebuilt files
 * (fetched by the runner); and the source text it stands for (a different text needs a Build).
 */
type PageModule = { bytes: Uint8Array } | { example: Example };
let wasm: PageModule | undefined;
let wasmFrom: string | undefined;
let wasmVersion = 0;
let loadedKey = '';
let example: Example = examples[0]!;
let hooks: LoadInfo['hooks'] = [];

// Every load setting is part of the load key (ensureLoaded), so edits need no change handlers.
const noop = () => {};
const source = createEditor(byId('source'), 'assemblyscript', '', noop);
const manifest = createEditor(byId('manifest'), 'toml', '', () => showManifestNetwork(manifest.text));
const input = createEditor(byId('input'), 'json', '', noop);
const config = createEditor(byId('config'), 'json', '{}', noop);

function setWasm(module: PageModule, from: string): void {
  wasm = module;
  wasmFrom = from;
  wasmVersion++;
}

const moduleBytes = (): number => (wasm === undefined ? 0 : 'bytes' in wasm ? wasm.bytes.byteLength : wasm.example.wasmBytes);

/** What the runner is sent: a copy of the tab's bytes, or the entry's files as absolute URLs (the worker's base differs). */
function moduleSource(module: PageModule): ModuleSource {
  if ('bytes' in module) return { bytes: module.bytes.slice().buffer };
  const { wasmUrl, prepared } = module.example;
  return { url: new URL(wasmUrl, location.href).href, prepared: { url: new URL(prepared.url, location.href).href, key: prepared.key } };
}

async function downloadWasm(): Promise<void> {
  if (wasm === undefined) return;
  download('plugin.wasm', 'bytes' in wasm ? wasm.bytes : new Uint8Array(await (await fetch(wasm.example.wasmUrl)).arrayBuffer()));
}

function fillTargets(info: LoadInfo | undefined, selected: string): void {
  const select = byId<HTMLSelectElement>('target');
  select.replaceChildren();
  const declared = hooks.filter((h) => h.declared);
  const add = (label: string, items: Array<[string, string]>) => {
    if (items.length === 0) return;
    const group = el('optgroup', '', { label });
    for (const [value, text] of items) group.append(el('option', text, { value }));
    select.append(group);
  };
  add(
    'Declared hooks',
    declared.map((h) => [h.name, `${h.name} (${h.kind})`]),
  );
  add(
    'Commands',
    (info?.commands ?? []).map((c) => [`command:${c}`, `command ${c}`]),
  );
  // A declared pattern (`content.*`) is offered as one concrete type it matches.
  const types = (info?.events ?? []).map((e) => e.replace('*', 'created'));
  add(
    'Publish an event',
    types.map((t) => [`event:${t}`, `event ${t}`]),
  );
  add(
    'Predefined hooks',
    hooks.filter((h) => !h.declared).map((h) => [h.name, `${h.name} (${h.kind})`]),
  );
  if ([...select.options].some((o) => o.value === selected)) select.value = selected;
}

function collect(): PlaygroundState {
  return {
    example: example.id,
    source: source.text,
    manifest: manifest.text,
    input: input.text,
    config: config.text,
    target: byId<HTMLSelectElement>('target').value,
    limits: readLimits(),
    isolation: readIsolation(),
    allowedHosts: readAllowedHosts(),
    mocks: readMocks(),
  };
}

async function apply(state: PlaygroundState): Promise<void> {
  example = examples.find((e) => e.id === state.example) ?? examples[0]!;
  byId<HTMLSelectElement>('example').value = example.id;
  source.text = state.source;
  manifest.text = state.manifest;
  input.text = state.input;
  config.text = state.config;
  writeLimits(state.limits);
  byId<HTMLSelectElement>('isolation').value = state.isolation;
  writeAllowedHosts(state.allowedHosts);
  writeMocks(state.mocks);
  showManifestNetwork(state.manifest);
  wasm = undefined;
  wasmFrom = undefined;
  loadedKey = '';
  // The prebuilt module stands for the example's own source; edited source is built on Run.
  if (state.source === (await example.texts()).source) setWasm({ example }, state.source);
  const target = state.target;
  fillTargets(undefined, target);
  if (wasm !== undefined) await ensureLoaded();
  fillTargets(lastLoad, target);
  const select = byId<HTMLSelectElement>('target');
  if (![...select.options].some((o) => o.value === target)) select.append(el('option', target, { value: target }));
  select.value = target;
}

async function openExample(entry: Example): Promise<void> {
  const texts = await entry.texts();
  return apply({
    example: entry.id,
    source: texts.source,
    manifest: texts.manifest,
    input: pretty(entry.input),
    config: '{}',
    target: entry.run,
    limits: readLimits(),
    isolation: readIsolation(),
    // The host allows what the example asks for; edit the allow-list to see a refusal.
    allowedHosts: manifestHosts(texts.manifest),
    mocks: entry.mocks,
  });
}

function settings(): RunnerSettings | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(config.text || '{}');
  } catch (err) {
    return `the config is not JSON: ${(err as Error).message}`;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'the config must be a JSON object';
  return { limits: readLimits(), isolation: readIsolation(), allowedHosts: readAllowedHosts(), mocks: readMocks(), config: parsed as Record<string, unknown> };
}

let lastLoad: LoadInfo | undefined;

function clientError(what: string, message: string): void {
  showReport({ ok: false, error: { code: 'E_INPUT', operation: what, message, issues: [] }, logs: [], events: [], denied: [], requests: [] }, { what, maxCallDepth: null, wasmBytes: moduleBytes() });
}

async function ensureLoaded(): Promise<boolean> {
  const chosen = settings();
  if (typeof chosen === 'string') {
    clientError('config', chosen);
    return false;
  }
  if (wasm === undefined) {
    clientError('load', 'no module: Build the source or upload a .wasm');
    return false;
  }
  const key = JSON.stringify({ wasmVersion, manifest: manifest.text, chosen });
  if (key === loadedKey) return true;
  setStatus('loading…');
  const reply = await runner.send({ kind: 'load', manifest: manifest.text, module: moduleSource(wasm), settings: chosen });
  byId('config-issues').replaceChildren(...(reply.report.error?.code === 'E_CONFIG' ? reply.report.error.issues.map((i) => el('li', `${i.path || '(whole)'}: ${i.message}`)) : []));
  if (!reply.report.ok || reply.load === undefined) {
    showReport(reply.report, { what: 'load', maxCallDepth: null, wasmBytes: moduleBytes() });
    loadedKey = '';
    setStatus('load failed');
    return false;
  }
  lastLoad = reply.load;
  hooks = reply.load.hooks;
  byId('instrumented').textContent = reply.load.instrumented;
  const target = byId<HTMLSelectElement>('target').value;
  fillTargets(reply.load, target);
  loadedKey = key;
  setStatus(`loaded ${reply.load.pluginId}`);
  return true;
}

async function build(): Promise<boolean> {
  setStatus('building… (the compiler loads on the first build)');
  const text = source.text;
  const result = await buildInBrowser(text);
  const shown = byId('build-time');
  // Counts builds, so a reader (or a benchmark) can tell this build's outcome from the last one's.
  shown.dataset.count = String(Number(shown.dataset.count ?? '0') + 1);
  shown.dataset.ok = String(result.wasm !== undefined);
  await source.mark(result.diagnostics);
  const list = byId('diagnostics');
  list.replaceChildren(...result.diagnostics.map((d) => el('li', `${d.file ?? ''}:${d.line ?? '?'}:${d.column ?? '?'} ${d.severity} ${d.code}: ${d.message}`, { class: d.severity })));
  if (result.wasm === undefined) {
    if (result.diagnostics.length === 0) list.append(el('li', result.output || 'the build failed', { class: 'error' }));
    const message = `build failed (${result.diagnostics.filter((d) => d.severity === 'error').length} error(s), see under the source)`;
    setStatus(message);
    showResultStatus(message, false);
    return false;
  }
  setWasm({ bytes: result.wasm }, text);
  setStatus(`built ${result.wasm.byteLength} bytes in ${Math.round(result.ms)} ms`);
  shown.textContent = `${Math.round(result.ms)} ms`;
  return true;
}

async function run(): Promise<void> {
  const button = byId<HTMLButtonElement>('run');
  button.disabled = true;
  try {
    if (wasm === undefined || wasmFrom !== source.text) {
      if (!(await build())) return;
    }
    if (!(await ensureLoaded())) return;
    const target = byId<HTMLSelectElement>('target').value;
    let data: unknown;
    try {
      data = JSON.parse(input.text);
    } catch (err) {
      clientError(target, `the input is not JSON: ${(err as Error).message}`);
      return;
    }
    setStatus(`running ${target}…`);
    const [what, name] = target.startsWith('command:') ? ['command', target.slice(8)] : target.startsWith('event:') ? ['event', target.slice(6)] : ['hook', target];
    const reply = await runner.send(what === 'command' ? { kind: 'command', name, args: data } : what === 'event' ? { kind: 'publish', type: name, data } : { kind: 'hook', hook: name, input: data });
    const depth = readLimits().maxCallDepth;
    showReport(reply.report, { what, kind: reply.kind, input: data, maxCallDepth: typeof depth === 'number' ? depth : null, wasmBytes: moduleBytes() });
    setStatus(reply.report.ok ? `${target}: done` : `${target}: ${reply.report.error?.code}`);
  } finally {
    button.disabled = false;
  }
}

async function share(): Promise<void> {
  const hash = await encodeState(collect());
  history.replaceState(null, '', hash);
  const link = byId<HTMLInputElement>('share-link');
  link.value = location.href;
  link.hidden = false;
  await navigator.clipboard?.writeText(location.href).catch(() => {});
  setStatus('link copied: it reproduces this state');
}

async function upload(files: FileList): Promise<void> {
  for (const file of files) {
    if (file.name.endsWith('.wasm')) setWasm({ bytes: new Uint8Array(await file.arrayBuffer()) }, source.text);
    else manifest.text = await file.text();
  }
  loadedKey = '';
  if (await ensureLoaded()) setStatus(`uploaded ${[...files].map((f) => f.name).join(', ')}`);
}

async function start(): Promise<void> {
  const select = byId<HTMLSelectElement>('example');
  for (const group of [...new Set(examples.map((e) => e.group))]) {
    const optgroup = el('optgroup', '', { label: group });
    for (const e of examples.filter((x) => x.group === group)) optgroup.append(el('option', e.title, { value: e.id }));
    select.append(optgroup);
  }
  const defaults = (await runner.send({ kind: 'defaults' })).defaults!;
  hooks = defaults.hooks;
  renderLimits(defaults.limits);
  select.addEventListener('change', () => void openExample(examples.find((e) => e.id === select.value)!));
  byId('run').addEventListener('click', () => void run());
  byId('build').addEventListener('click', () => void build().then((ok) => ok && ensureLoaded()));
  byId('share').addEventListener('click', () => void share());
  byId('download-wasm').addEventListener('click', () => void downloadWasm());
  byId('download-toml').addEventListener('click', () => download('plugin.toml', manifest.text));
  byId('add-mock').addEventListener('click', () => addMockRow());
  byId<HTMLInputElement>('upload').addEventListener('change', (e) => {
    const files = (e.target as HTMLInputElement).files;
    if (files !== null && files.length > 0) void upload(files);
  });
  const shared = asState(await decodeState(location.hash).catch(() => undefined));
  await (shared !== undefined ? apply(shared) : openExample(example));
  document.body.dataset.ready = 'true';
  setStatus(shared !== undefined ? 'opened from the link' : 'ready');
}

start().catch((err: unknown) => setStatus(`failed to start: ${String(err)}`));
