/**
 * The limits a plugin runs under: the host's limits (with defaults), lowered where the plugin's
 * manifest asks for less. A plugin can never raise a limit above the host's.
 */
import { EXTISM_KERNEL_GUARDS } from '../engine/extism-kernel.ts';
import type { InstrumentOptions } from '../instrument/index.ts';
import type { RequestedLimits } from '../manifest/types.ts';

/**
 * Every limit resolved to a value; `null` means "unlimited".
 *
 * @example
 * ```ts
 * const limits: EffectiveLimits = resolveLimits({ fuel: 5_000_000 }); // every field set; null: unlimited
 * ```
 */
export interface EffectiveLimits {
  /** Fuel (instructions, see docs/instrument.md) per call; null: unmetered. */
  fuel: number | null;
  /** Linear memory cap in bytes (rounded down to whole 64 KiB pages). */
  memoryBytes: number;
  /**
   * Elements of all the module's tables together: engines allocate tables outside linear
   * memory (declared minimums eagerly, `table.grow` at run time), so they are capped apart.
   */
  maxTableElements: number;
  /** Deepest guest call stack; null: only the engine's own limit. */
  maxCallDepth: number | null;
  maxInputBytes: number;
  maxOutputBytes: number;
  /** Guest log bytes per call. */
  maxLogBytes: number;
  /**
   * Bytes of plugin variables (Extism's `var_set`), which the host keeps between calls: without
   * a cap a plugin could grow host memory a little on every call.
   */
  maxVarBytes: number;
  /**
   * Events a plugin may publish in one call. Each costs the host far more than the guest's fuel
   * for one host call: without a cap a plugin could queue tens of thousands per call.
   */
  maxEventsPerCall: number;
  /** Files and directories a WASI plugin may hold open at once (its mounts not counted). */
  maxFileHandles: number;
  /** Wall-clock limit per call (worker isolation only; inline calls are bounded by fuel). */
  timeoutMs: number;
}

/**
 * The defaults: the seed's memory, Shopify-like sizes scaled for whole HTML pages, EmDash's hook
 * timeout. Fuel from measurement: the example plugins need up to 9.3 M on a 64 KiB page (seo
 * 8.1 M, reading-time 9.2 M; 0.7-1 M on 5.5 KB), so 20 M leaves twice that; the tightest loop
 * spends a million fuel in ~0.6-0.8 ms here (Node 20), so 20 M bounds a runaway call to ~15 ms.
 *
 * @example
 * ```ts
 * new PluginManager({ limits: { fuel: DEFAULT_LIMITS.fuel! / 4 } });
 * ```
 */
export const DEFAULT_LIMITS: Readonly<EffectiveLimits> = {
  fuel: 20_000_000,
  memoryBytes: 64 * 1024 * 1024,
  // Real toolchains declare one funcref table of a few to tens of thousands of entries (measured:
  // a Go 1.24 go-pdk plugin 6,268; Emscripten's webp codec 442; clang C 6; AssemblyScript none).
  // 1,000,000 leaves them room (a 35 MB Rust module scales to well under 100,000) and bounds a
  // plugin's tables at ~8 MB of host memory, an eighth of the memory cap.
  maxTableElements: 1_000_000,
  maxCallDepth: 10_000,
  maxInputBytes: 8 * 1024 * 1024,
  maxOutputBytes: 8 * 1024 * 1024,
  maxLogBytes: 64 * 1024,
  maxVarBytes: 1024 * 1024,
  maxEventsPerCall: 1_000,
  maxFileHandles: 100,
  timeoutMs: 5_000,
};

/** The host-wide chain limits (in `limits` of the manager config). */
export interface EventChainLimits {
  /** The longest chain of plugin-published events answering each other. Default 8. */
  maxEventChainDepth?: number;
  /** Plugin-published events one trigger may cause, across all plugins. Default 1,000. */
  maxEventsPerChain?: number;
  /** Plugin `on_event` calls one trigger may cause, across all plugins. Default 10,000. */
  maxCallsPerChain?: number;
}

/**
 * The defaults: depth as before; as many events as one call may publish (`maxEventsPerCall`,
 * so one call's allowance fits one chain); calls enough for those events to reach ten
 * subscribers each.
 */
export const DEFAULT_CHAIN_LIMITS: Readonly<Required<EventChainLimits>> = {
  maxEventChainDepth: 8,
  maxEventsPerChain: DEFAULT_LIMITS.maxEventsPerCall,
  maxCallsPerChain: 10 * DEFAULT_LIMITS.maxEventsPerCall,
};

/**
 * Host-wide limits: the same fields as a manifest's `[limits]` (a plugin may ask for less,
 * never more). Defaults: `DEFAULT_LIMITS` (below) and the HTTP defaults
 * (10 requests, 1 MiB per response, 3,000 ms, 5 redirects; src/http/http-limits.ts). Plus the
 * host-wide event-chain limits, which span plugins (`DEFAULT_CHAIN_LIMITS`, below).
 *
 * @example
 * ```ts
 * const limits: HostLimits = { fuel: 5_000_000, memoryBytes: 32 << 20, maxEventsPerChain: 100 };
 * new PluginManager({ limits });
 * ```
 */
export type HostLimits = RequestedLimits & EventChainLimits;

/** WebAssembly page size. */
export const PAGE_BYTES = 65_536;

/**
 * Resolves host limits (defaults filled in) capped by what the plugin requests.
 *
 * @example
 * ```ts
 * resolveLimits({ fuel: 1_000_000 }, { fuel: 5_000 }).fuel;   // 5000: the plugin asked for less
 * resolveLimits({ fuel: 1_000_000 }, { fuel: 9e9 }).fuel;     // 1000000: capped by the host
 * resolveLimits({ fuel: false }, {}).fuel;                    // null: unmetered
 * ```
 */
export function resolveLimits(host: HostLimits = {}, requested: RequestedLimits = {}): EffectiveLimits {
  const hostFuel = host.fuel === undefined ? DEFAULT_LIMITS.fuel : host.fuel === false ? null : host.fuel;
  const askedFuel = requested.fuel === undefined || requested.fuel === false ? null : requested.fuel;
  return {
    fuel: minNullable(hostFuel, askedFuel),
    memoryBytes: Math.min(host.memoryBytes ?? DEFAULT_LIMITS.memoryBytes, requested.memoryBytes ?? Infinity),
    maxTableElements: Math.min(host.maxTableElements ?? DEFAULT_LIMITS.maxTableElements, requested.maxTableElements ?? Infinity),
    maxCallDepth: minNullable(host.maxCallDepth ?? DEFAULT_LIMITS.maxCallDepth, requested.maxCallDepth ?? null),
    maxInputBytes: Math.min(host.maxInputBytes ?? DEFAULT_LIMITS.maxInputBytes, requested.maxInputBytes ?? Infinity),
    maxOutputBytes: Math.min(host.maxOutputBytes ?? DEFAULT_LIMITS.maxOutputBytes, requested.maxOutputBytes ?? Infinity),
    maxLogBytes: Math.min(host.maxLogBytes ?? DEFAULT_LIMITS.maxLogBytes, requested.maxLogBytes ?? Infinity),
    maxVarBytes: Math.min(host.maxVarBytes ?? DEFAULT_LIMITS.maxVarBytes, requested.maxVarBytes ?? Infinity),
    maxEventsPerCall: Math.min(host.maxEventsPerCall ?? DEFAULT_LIMITS.maxEventsPerCall, requested.maxEventsPerCall ?? Infinity),
    maxFileHandles: Math.min(host.maxFileHandles ?? DEFAULT_LIMITS.maxFileHandles, requested.maxFileHandles ?? Infinity),
    timeoutMs: Math.min(host.timeoutMs ?? DEFAULT_LIMITS.timeoutMs, requested.timeoutMs ?? Infinity),
  };
}

/** The smaller of two limits where null means unlimited. */
function minNullable(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

/**
 * Bytes of host buffers (Extism blocks: input, output, logs, config and variable copies, HTTP
 * bodies) one call may have the host create: room for the largest input, output and logs, plus
 * 1 MiB for the rest. Enforced by the host inline and by guards in the module (in a worker).
 */
export function hostBufferBytes(limits: EffectiveLimits): number {
  return limits.maxInputBytes + limits.maxOutputBytes + limits.maxLogBytes + 1024 * 1024;
}

/** A stable key for the limits that change the instrumented module (for the module cache). */
export function instrumentationKey(limits: EffectiveLimits): string {
  return `f${limits.fuel ?? 'off'}:p${Math.floor(limits.memoryBytes / PAGE_BYTES)}:d${limits.maxCallDepth ?? 'off'}:t${limits.maxTableElements}:h${hostBufferBytes(limits)}`;
}

/**
 * The namespace of the imports our instrumenter adds. Not `extism:host/user`: Extism also uses
 * that name for a linked module, so an instrumented module named so could not be linked.
 */
export const INSTRUMENT_IMPORT_MODULE = 'reed:host/instrument';

/**
 * The host function an instrumented module calls with the reason right before a limit trap,
 * and with an export's nonzero return code (see `recordLimitSignal`).
 */
export const LIMIT_IMPORT = { module: INSTRUMENT_IMPORT_MODULE, name: 'limit' } as const;

/**
 * The host function an instrumented module asks before every memory.grow and table.grow
 * (`(kind, index, newSize) -> allowed`, src/instrument/grow-helpers.ts): how the host keeps the
 * manager-wide memory budget and learns sizes it cannot read (a worker's memory).
 */
export const GROW_IMPORT = { module: INSTRUMENT_IMPORT_MODULE, name: 'grow' } as const;

/** Whether an import is one the instrumenter adds (and the host serves). */
export function isInstrumentImport(module: string, name: string): boolean {
  return module === INSTRUMENT_IMPORT_MODULE && (name === LIMIT_IMPORT.name || name === GROW_IMPORT.name || name === PROFILE_IMPORT.name);
}

/** The import a module instrumented for a fuel profile reports every function's entry and exit to. */
export const PROFILE_IMPORT = { module: INSTRUMENT_IMPORT_MODULE, name: 'profile' } as const;

/**
 * The instrumenter options that enforce a plugin's limits: the one place that maps limits to
 * a rewrite, shared by the manager (at load) and by ahead-of-time builds (precompile, the Vite
 * plugin), so a precompiled module carries exactly what the manager would have given it.
 */
export function instrumentOptions(limits: EffectiveLimits): InstrumentOptions {
  return {
    fuel: limits.fuel !== null,
    defaultFuel: BigInt(limits.fuel ?? 0),
    memoryMaxPages: Math.max(0, Math.floor(limits.memoryBytes / PAGE_BYTES)),
    maxCallDepth: limits.maxCallDepth ?? 0,
    limitImport: LIMIT_IMPORT,
    signalReturnCodes: true,
    maxTableElements: limits.maxTableElements,
    growImport: GROW_IMPORT,
    // In a worker Extism serves its kernel in the guest's thread, out of reach of the host's own
    // budget: the module holds it there itself.
    hostCalls: { ...EXTISM_KERNEL_GUARDS, budgetBytes: BigInt(hostBufferBytes(limits)) },
    // Start code runs in a call (WasmPlugin runs __reed_start after instantiating), under the
    // call's limits and error reporting, not inside Extism's instantiation (see docs/instrument.md).
    deferStart: true,
  };
}
