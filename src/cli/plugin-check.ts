/**
 * `reed-plugin check`: everything the host would refuse at load, found without running the
 * plugin and reported all at once: the manifest (every issue with its path), the module, its
 * exports against the declared capabilities, its imports against what the host provides (with
 * the fix for each), whether it can be instrumented, the sha256, and limits a default host caps.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ManifestError, PluginError, describeError } from '../errors.ts';
import { importHint } from '../engine/import-hints.ts';
import { isInstrumentImport, DEFAULT_LIMITS, instrumentOptions, resolveLimits, type EffectiveLimits } from '../plugin/limits.ts';
import { HOST_USER_FUNCTIONS, missingExports } from '../plugin/wasm-plugin.ts';
import { capabilitySet, type CapabilitySet } from '../manifest/capabilities.ts';
import { closest } from '../util/closest.ts';
import { Hooks } from '../hooks/hook-names.ts';
import { parseManifest } from '../manifest/parse-manifest.ts';
import { validateConfig } from '../manager/config-schema.ts';
import type { PluginMetadata } from '../manifest/types.ts';
import { instrument } from '../instrument/index.ts';
import { sha256Hex } from '../util/sha256.ts';
import { WASI_MODULE } from '../wasi/wasi-link.ts';

/** One problem (or note) found. */
export interface Finding {
  level: 'error' | 'warning';
  /** The PluginError code the host would raise for it. */
  code: string;
  message: string;
  /** Manifest path, for manifest issues. */
  path?: string;
}

/** What `check` learned about a plugin. */
export interface CheckReport {
  dir: string;
  metadata: PluginMetadata | undefined;
  wasmPath: string | undefined;
  /** Module facts, when the module could be read. */
  module: { bytes: number; exports: string[]; imports: string[]; instrumentedBytes: number | undefined } | undefined;
  findings: Finding[];
}

/** Checks a plugin folder. */
export async function checkPlugin(dir: string): Promise<CheckReport> {
  const report: CheckReport = { dir, metadata: undefined, wasmPath: undefined, module: undefined, findings: [] };
  const error = (code: string, message: string, path?: string) => void report.findings.push({ level: 'error', code, message, ...(path === undefined ? {} : { path }) });
  const manifestPath = join(dir, 'plugin.toml');
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (err) {
    error('E_IO', `cannot read ${manifestPath}: ${describeError(err)}`);
    return report;
  }
  try {
    report.metadata = parseManifest(text, manifestPath);
  } catch (err) {
    if (err instanceof ManifestError) for (const issue of err.issues) error('E_MANIFEST', issue.message, issue.path);
    else error(err instanceof PluginError ? err.code : 'E_MANIFEST', describeError(err));
    return report;
  }
  const metadata = report.metadata;
  report.wasmPath = join(dir, metadata.wasm);
  // The schema as the host compiles it at load (shape, bounded patterns, $refs); the config
  // itself is the host's, so only the schema's own problems count here.
  if (metadata.configSchema !== undefined) {
    try {
      await validateConfig(metadata.configSchema, {}, metadata.id);
    } catch (err) {
      if (err instanceof ManifestError) for (const issue of err.issues) error('E_MANIFEST', issue.message, issue.path);
    }
  }
  noteHookTypos(report, capabilitySet(metadata));
  noteCappedLimits(report, resolveLimits({}, metadata.limits));
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(report.wasmPath));
  } catch (err) {
    error('E_IO', `cannot read the module ${report.wasmPath} (${describeError(err)}): build it first (reed-plugin build)`);
    return report;
  }
  if (metadata.sha256 !== undefined) {
    const actual = await sha256Hex(bytes);
    if (actual !== metadata.sha256.toLowerCase()) error('E_WASM', `the module's sha256 is ${actual}, the manifest expects ${metadata.sha256}`, 'sha256');
  }
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch (err) {
    error('E_WASM', `not a valid WebAssembly module: ${describeError(err)}`);
    return report;
  }
  const exports = WebAssembly.Module.exports(module);
  const imports = WebAssembly.Module.imports(module);
  const functions = new Set(exports.filter((e) => e.kind === 'function').map((e) => e.name));
  for (const missing of missingExports(capabilitySet(metadata), functions)) error('E_EXPORT', `missing export ${missing}`);
  for (const imp of imports) {
    if (isProvided(imp)) continue;
    const hint = importHint(imp.module, imp.name);
    error('E_LINK', `imports ${imp.module}.${imp.name} (${imp.kind}), which the host does not provide${hint === undefined ? '' : `: ${hint}`}`);
  }
  let instrumentedBytes: number | undefined;
  try {
    instrumentedBytes = instrument(bytes, instrumentOptions(resolveLimits({}, metadata.limits))).bytes.byteLength;
  } catch (err) {
    error('E_INSTRUMENT', `cannot be instrumented for the host's limits: ${describeError(err)}`);
  }
  report.module = {
    bytes: bytes.byteLength,
    exports: exports.map((e) => `${e.name} (${e.kind})`),
    imports: imports.map((i) => `${i.module}.${i.name} (${i.kind})`),
    instrumentedBytes,
  };
  return report;
}

/**
 * Whether the host serves an import of a module loaded as bytes (WASI preview1 is linked to the
 * host's own layer at load).
 */
export function isProvided(imp: WebAssembly.ModuleImportDescriptor): boolean {
  if (imp.kind !== 'function') return false;
  if (imp.module === 'extism:host/env' || imp.module === WASI_MODULE) return true;
  if (imp.module === 'extism:host/user') return HOST_USER_FUNCTIONS.includes(imp.name);
  return isInstrumentImport(imp.module, imp.name);
}

/**
 * A declared hook that is not built in and defines no kind of its own is legal (a hook of the
 * host's), but one a letter away from a built-in is almost always a typo that would never run.
 */
function noteHookTypos(report: CheckReport, caps: CapabilitySet): void {
  const builtin = Object.values(Hooks) as string[];
  for (const hook of caps.hooks) {
    if (builtin.includes(hook) || caps.hookKinds[hook] !== undefined) continue;
    const near = closest(hook, builtin);
    if (near !== undefined)
      report.findings.push({
        level: 'warning',
        code: 'E_UNKNOWN_HOOK',
        path: 'capabilities',
        message: `Hook "${hook}" is not a built-in hook: did you mean "${near}"? (a hook of the host's own is fine; then ignore this)`,
      });
  }
}

/** A warning for each limit the manifest asks above what a host with default limits grants. */
function noteCappedLimits(report: CheckReport, granted: EffectiveLimits): void {
  const asked = report.metadata?.limits ?? {};
  for (const [name, value] of Object.entries(asked)) {
    const cap = granted[name as keyof EffectiveLimits];
    if (typeof value !== 'number' || typeof cap !== 'number' || value <= cap) continue;
    const fallback = DEFAULT_LIMITS[name as keyof EffectiveLimits];
    report.findings.push({
      level: 'warning',
      code: 'E_LIMIT',
      path: `limits.${name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`,
      message: `asks for ${name} = ${value}, but a host with default limits caps it at ${fallback ?? cap}: the host must raise it (new PluginManager({ limits: { ${name}: ${value} } }))`,
    });
  }
}
