/**
 * The rewrite plan: every index the output module uses, decided before anything is written.
 * Added globals and functions go after the existing ones (no shifting); only a newly added
 * limit import shifts the defined functions up by one, and `remapFunc` is the one place that
 * knows it.
 */
import { InstrumentError } from './errors.ts';
import { ExportKind, INSTRUMENT_EXPORTS } from './constants.ts';
import { capLimits } from './memory-cap.ts';
import type { ModuleInfo } from './module-scan.ts';
import { MAX_TABLE_ELEMENTS, capTables } from './table-cap.ts';
import { type FuncType, type Limits, ValType, sameFuncType } from './types.ts';

/** Options after defaults are applied. */
export interface ResolvedOptions {
  fuel: boolean;
  defaultFuel: bigint;
  memoryMaxPages: number | undefined;
  maxCallDepth: number;
  limitImport: { module: string; name: string } | undefined;
  signalReturnCodes: boolean;
  maxTableElements: number | undefined;
  growImport: { module: string; name: string } | undefined;
  hostCalls: HostCallOptions | undefined;
  /** Run the start function (and `_initialize`, `_start`) from `__reed_start` instead of at instantiation. */
  deferStart: boolean;
  profileImport: { module: string; name: string } | undefined;
}

/** A function import the rewrite adds after the module's own. */
export interface AddedImport {
  module: string;
  name: string;
  typeIndex: number;
}

/** Exports an Extism host calls while instantiating (WASI reactors and commands): deferred with the start function. */
export const INSTANTIATION_EXPORTS: readonly string[] = ['_initialize', '_start'];

/**
 * Guards put in front of the host's kernel functions (see host-call-guards.ts): which imports
 * make the host create buffers, and which run in the guest's own thread. Names are those of
 * `module`'s functions.
 */
export interface HostCallOptions {
  /** The kernel's import module (Extism: `extism:host/env`). */
  module: string;
  /** Bytes of host buffers one call may create (reset by every export wrapper). */
  budgetBytes: bigint;
  /** `(func (param i64 size) (result i64 block))`: charged by its size before the call. */
  alloc: string;
  /** `(func (param i64 block) (result i64 bytes))`: how the guards read a block's size. */
  length: string;
  /** Functions returning a block the host made (config, variables, HTTP): charged by its length after the call. */
  returnsBlock: readonly string[];
  /** Functions handing a block to the host (output_set, error_set): the block is refreshed when stale. */
  setsBlock: readonly string[];
  /** Functions served in the guest's own thread; every other import crosses to the host's thread. */
  local: readonly string[];
  /** Crossing functions whose i64 parameters are blocks the host reads (refreshed when stale), by import module. */
  passesBlocks: Readonly<Record<string, readonly string[]>>;
  /** Block accessors for the refresh copy: `[load_u64, store_u64, load_u8, store_u8]`. */
  access: readonly [string, string, string, string];
}

/** What a guard does in front of one import (host-call-guards.ts). */
export const GuardKind = { ALLOC: 0, RETURNS_BLOCK: 1, SETS_BLOCK: 2, CROSSING: 3 } as const;

/** One guarded import. */
export interface Guard {
  kind: (typeof GuardKind)[keyof typeof GuardKind];
  /** The import's function index (imports keep their indices). */
  target: number;
  typeIndex: number;
  /** The guard's own index. */
  index: number;
  /** The call crosses to the host's thread (calls made before it leave blocks stale there). */
  crossing: boolean;
  /** Its i64 parameters are blocks the host reads: refreshed first when stale. */
  passesBlocks: boolean;
}

/** One added wrapper around an exported function. */
export interface Wrapper {
  /** Output index of the wrapped (original) function. */
  target: number;
  typeIndex: number;
  /** Output index of the wrapper itself. */
  index: number;
}

/** Indices and additions of the output module. */
export interface Plan {
  opts: ResolvedOptions;
  info: ModuleInfo;
  /** How many imports are added in front of the defined functions (each shifts them by one). */
  shift: number;
  /** The imports added (limit and grow imports the module does not already have). */
  addedImports: AddedImport[];
  limitFunc: number | undefined;
  /** The host's grow import `(kind, index, newSize) -> allowed`, called before every grow. */
  growFunc: number | undefined;
  newTypes: FuncType[];
  typeVoid: number;
  typeI32Void: number;
  typeGrow: number;
  /** The memory's limits as written (capped), or undefined without a memory. */
  memoryLimits: Limits | undefined;
  /** Every table's limits as written (capped), table index order. */
  tableLimits: Limits[];
  /** Total elements all tables may hold together at run time. */
  tableTotalCap: number;
  /** The table.grow helper of each table, by table index. */
  fTableGrow: number[];
  /** Global indices of the added globals. */
  gFuel: number;
  gBudget: number;
  gReason: number;
  gDepth: number;
  /** Export wrappers under way: 0 when the host enters, above 0 when a host function re-enters. */
  gEntered: number;
  /** Host-buffer bytes left in this call, its per-call budget, and the first fresh block index (host-call-guards.ts). */
  gHostLeft: number;
  gHostBudget: number;
  gFresh: number;
  /** Guards in front of kernel imports, and the kernel functions they call (output indices). */
  guards: Guard[];
  /** Guard index by input import index, or -1: where calls and references to an import go. */
  redirect: Int32Array | undefined;
  kernel: { alloc: number; length: number; load64: number; store64: number; load8: number; store8: number } | undefined;
  fCharge: number | undefined;
  fRefresh: number | undefined;
  fTrack: number | undefined;
  /** The profile import, the wrapper of every defined function, and each one's wrapper index. */
  profileFunc: number | undefined;
  profileWrappers: Wrapper[];
  profileOf: Int32Array | undefined;
  /** `__reed_start`: runs the deferred start code once (undefined when nothing is deferred). */
  fStart: number | undefined;
  /** What `__reed_start` calls, in order (output indices). */
  startTargets: number[];
  /** Exports left out of the export section (their functions run from `__reed_start`). */
  deferredExports: Set<string>;
  /** i32 global: 1 once the start code ran (or when there is none). */
  gStarted: number;
  /** Function indices of the added helpers (undefined when not needed). */
  fOutOfFuel: number | undefined;
  fStackOverflow: number | undefined;
  fGrow: number | undefined;
  wrappers: Wrapper[];
  /** Wrapper index by input function index, for the export section. */
  wrapperOf: Map<number, number>;
  /** Type index of every added function, in order, for the function section. */
  addedFuncTypes: number[];
  /** Block type (0x40, a value type, or a type index) wrapping each distinct result list, by function type index. */
  blockTypeOf: Map<number, number>;
  remapFunc: (index: number) => number;
  /** remapFunc, then guarded imports to their guards: for every call and function reference. */
  refFunc: (index: number) => number;
}

/** Decides all output indices for `info` under `opts`. */
export function makePlan(info: ModuleInfo, opts: ResolvedOptions): Plan {
  const newTypes: FuncType[] = [];
  const typeIndex = (t: FuncType): number => {
    const existing = info.types.findIndex((u) => sameFuncType(u, t));
    if (existing >= 0) return existing;
    const added = newTypes.findIndex((u) => sameFuncType(u, t));
    if (added >= 0) return info.types.length + added;
    newTypes.push(t);
    return info.types.length + newTypes.length - 1;
  };

  for (const e of info.exports) {
    if ((Object.values(RESERVED) as string[]).includes(e.name)) {
      throw new InstrumentError(`module already exports "${e.name}" (already instrumented?)`);
    }
  }

  const typeVoid = typeIndex({ params: [], results: [] });
  const typeI32Void = typeIndex({ params: [ValType.i32], results: [] });
  const typeGrow = info.memory ? typeIndex({ params: [ValType.i32], results: [ValType.i32] }) : -1;
  // Caps first: a module over them is refused before anything else is decided.
  const memoryLimits = info.memory === undefined ? undefined : capLimits(info.memory.limits, opts.memoryMaxPages, info.memory.limitsOffset);
  const tableLimits = capTables(info, opts.maxTableElements);

  // The host imports: reuse an identical existing import, else add one after the others.
  const addedImports: AddedImport[] = [];
  const hostImport = (wanted: { module: string; name: string }, type: FuncType, shown: string): number => {
    const { module, name } = wanted;
    const found = info.funcImports.findIndex((i) => i.module === module && i.name === name);
    if (found >= 0) {
      if (!sameFuncType(info.types[info.funcImports[found]!.typeIndex]!, type)) {
        throw new InstrumentError(`module imports ${module}.${name} with a type other than ${shown}`);
      }
      return found;
    }
    addedImports.push({ module, name, typeIndex: typeIndex(type) });
    return info.importedFuncs + addedImports.length - 1;
  };
  const limitFunc = opts.limitImport ? hostImport(opts.limitImport, { params: [ValType.i32], results: [] }, '(func (param i32))') : undefined;
  const grows = info.memory !== undefined || info.tables.length > 0;
  const growFunc =
    opts.growImport && grows ? hostImport(opts.growImport, { params: [ValType.i32, ValType.i32, ValType.i32], results: [ValType.i32] }, '(func (param i32 i32 i32) (result i32))') : undefined;
  const profileFunc = opts.profileImport ? hostImport(opts.profileImport, { params: [ValType.i32, ValType.i32], results: [] }, '(func (param i32 i32))') : undefined;
  const hostCalls = opts.hostCalls;
  const guarded = hostCalls === undefined ? [] : guardedImports(info, hostCalls);
  // The kernel functions the guards call: the module's own imports where it has them.
  let kernel: Plan['kernel'];
  if (hostCalls !== undefined && guarded.length > 0) {
    const i64 = ValType.i64;
    const kernelImport = (name: string, type: FuncType): number => {
      const found = info.funcImports.findIndex((i) => i.module === hostCalls.module && i.name === name);
      if (found >= 0) {
        if (!sameFuncType(info.types[info.funcImports[found]!.typeIndex]!, type)) throw new InstrumentError(`module imports ${hostCalls.module}.${name} with an unexpected type`);
        return found;
      }
      addedImports.push({ module: hostCalls.module, name, typeIndex: typeIndex(type) });
      return info.importedFuncs + addedImports.length - 1;
    };
    const [load64, store64, load8, store8] = hostCalls.access;
    kernel = {
      alloc: kernelImport(hostCalls.alloc, { params: [i64], results: [i64] }),
      length: kernelImport(hostCalls.length, { params: [i64], results: [i64] }),
      load64: kernelImport(load64, { params: [i64], results: [i64] }),
      store64: kernelImport(store64, { params: [i64, i64], results: [] }),
      load8: kernelImport(load8, { params: [i64], results: [ValType.i32] }),
      store8: kernelImport(store8, { params: [i64, ValType.i32], results: [] }),
    };
  }
  const shift = addedImports.length;
  const imported = info.importedFuncs;
  const remapFunc = shift === 0 ? (i: number): number => i : (i: number): number => (i >= imported ? i + shift : i);

  const totalFuncs = info.funcTypes.length + shift;
  const addedFuncTypes: number[] = [];
  const addFunc = (type: number): number => {
    addedFuncTypes.push(type);
    return totalFuncs + addedFuncTypes.length - 1;
  };
  const fOutOfFuel = opts.fuel ? addFunc(typeVoid) : undefined;
  const fStackOverflow = opts.maxCallDepth > 0 ? addFunc(typeVoid) : undefined;
  const fGrow = info.memory ? addFunc(typeGrow) : undefined;
  const fTableGrow = info.tables.map((t) => addFunc(typeIndex({ params: [t.refType, ValType.i32], results: [ValType.i32] })));
  const guards: Guard[] = [];
  let redirect: Int32Array | undefined;
  let fCharge: number | undefined;
  let fRefresh: number | undefined;
  let fTrack: number | undefined;
  if (kernel !== undefined) {
    fCharge = addFunc(typeIndex({ params: [ValType.i64], results: [ValType.i32] }));
    fRefresh = addFunc(typeIndex({ params: [ValType.i64], results: [ValType.i64] }));
    fTrack = addFunc(typeIndex({ params: [ValType.i64], results: [] }));
    redirect = new Int32Array(imported).fill(-1);
    for (const { target, kind, crossing, passesBlocks } of guarded) {
      const type = info.funcImports[target]!.typeIndex;
      const index = addFunc(type);
      guards.push({ kind, target, typeIndex: type, index, crossing, passesBlocks });
      redirect[target] = index;
    }
  }
  // Profiling: every defined function gets a wrapper reporting entry and exit; every call and
  // reference goes to it.
  const profileWrappers: Wrapper[] = [];
  let profileOf: Int32Array | undefined;
  if (profileFunc !== undefined) {
    profileOf = new Int32Array(info.funcTypes.length - imported);
    for (let f = imported; f < info.funcTypes.length; f++) {
      const type = info.funcTypes[f]!;
      const index = addFunc(type);
      profileWrappers.push({ target: remapFunc(f), typeIndex: type, index });
      profileOf[f - imported] = index;
    }
  }
  const importRef = redirect === undefined ? remapFunc : (i: number): number => (i < imported && redirect[i]! >= 0 ? redirect[i]! : remapFunc(i));
  const refFunc = profileOf === undefined ? importRef : (i: number): number => (i >= imported ? profileOf[i - imported]! : importRef(i));

  // Deferred start code: the start function, then the instantiation exports, when void -> void.
  const startTargets: number[] = [];
  const deferredExports = new Set<string>();
  if (opts.deferStart) {
    if (info.start !== undefined) startTargets.push(refFunc(info.start));
    for (const name of INSTANTIATION_EXPORTS) {
      const e = info.exports.find((x) => x.name === name && x.kind === ExportKind.func);
      const type = e === undefined ? undefined : info.types[info.funcTypes[e.index] ?? -1];
      if (e === undefined || type === undefined || type.params.length > 0 || type.results.length > 0) continue;
      startTargets.push(refFunc(e.index));
      deferredExports.add(name);
    }
  }
  // Exported even with nothing to run: its presence tells a host that instantiating the module
  // runs none of its code.
  const fStart = opts.deferStart ? addFunc(typeVoid) : undefined;

  const wrappers: Wrapper[] = [];
  const wrapperOf = new Map<number, number>();
  for (const e of info.exports) {
    if (e.kind !== ExportKind.func || wrapperOf.has(e.index) || deferredExports.has(e.name)) continue;
    if (e.index >= info.funcTypes.length) throw new InstrumentError(`export "${e.name}" names function ${e.index}, which does not exist`);
    const type = info.funcTypes[e.index]!;
    const index = addFunc(type);
    wrappers.push({ target: refFunc(e.index), typeIndex: type, index });
    wrapperOf.set(e.index, index);
  }

  // Fuel and depth limiting wrap each body in a block of the function's results, so every exit
  // passes through one epilogue (see code-rewriter).
  const blockTypeOf = new Map<number, number>();
  if (opts.maxCallDepth > 0 || opts.fuel) {
    for (let f = imported; f < info.funcTypes.length; f++) {
      const t = info.funcTypes[f]!;
      if (blockTypeOf.has(t)) continue;
      const results = info.types[t]!.results;
      const bt = results.length === 0 ? 0x40 : results.length === 1 ? results[0]! : -1;
      blockTypeOf.set(t, bt >= 0 ? bt : BLOCK_TYPE_INDEX | typeIndex({ params: [], results }));
    }
  }

  const globals = info.importedGlobals + info.definedGlobals;
  return {
    opts,
    info,
    shift,
    addedImports,
    limitFunc,
    growFunc,
    newTypes,
    typeVoid,
    typeI32Void,
    typeGrow,
    memoryLimits,
    tableLimits,
    tableTotalCap: opts.maxTableElements ?? MAX_TABLE_ELEMENTS,
    fTableGrow,
    gFuel: globals,
    gBudget: globals + 1,
    gReason: globals + 2,
    gDepth: globals + 3,
    gEntered: globals + 4,
    gHostLeft: globals + 5,
    gHostBudget: globals + 6,
    gFresh: globals + 7,
    gStarted: globals + 8,
    fStart,
    profileFunc,
    profileWrappers,
    profileOf,
    startTargets,
    deferredExports,
    guards,
    redirect,
    kernel,
    fCharge,
    fRefresh,
    fTrack,
    fOutOfFuel,
    fStackOverflow,
    fGrow,
    wrappers,
    wrapperOf,
    addedFuncTypes,
    blockTypeOf,
    remapFunc,
    refFunc,
  };
}

/** The imports of `hostCalls.module` (and every crossing one) that get a guard, by kind. */
function guardedImports(info: ModuleInfo, hostCalls: HostCallOptions): Omit<Guard, 'typeIndex' | 'index'>[] {
  const out: Omit<Guard, 'typeIndex' | 'index'>[] = [];
  info.funcImports.forEach((imp, target) => {
    const kernel = imp.module === hostCalls.module;
    const crossing = !kernel || !hostCalls.local.includes(imp.name);
    let kind: Guard['kind'] | undefined;
    if (kernel && imp.name === hostCalls.alloc) kind = GuardKind.ALLOC;
    else if (kernel && hostCalls.returnsBlock.includes(imp.name)) kind = GuardKind.RETURNS_BLOCK;
    else if (kernel && hostCalls.setsBlock.includes(imp.name)) kind = GuardKind.SETS_BLOCK;
    else if (crossing) kind = GuardKind.CROSSING;
    if (kind === undefined) return;
    const type = info.types[imp.typeIndex]!;
    const i64 = ValType.i64;
    const fits =
      kind === GuardKind.ALLOC
        ? sameFuncType(type, { params: [i64], results: [i64] })
        : kind === GuardKind.RETURNS_BLOCK
          ? type.results.length === 1 && type.results[0] === i64
          : kind === GuardKind.SETS_BLOCK
            ? type.params[0] === i64
            : true;
    if (!fits) throw new InstrumentError(`module imports ${imp.module}.${imp.name} with an unexpected type`);
    out.push({ target, kind, crossing, passesBlocks: crossing && (hostCalls.passesBlocks[imp.module]?.includes(imp.name) ?? false) });
  });
  return out;
}

/** Flag marking a `blockTypeOf` entry as a type index rather than a one-byte block type. */
export const BLOCK_TYPE_INDEX = 0x4000_0000;

/** Globals the rewriter appends: the four exported ones, the wrappers' entry count, the host-call guards' three and the deferred-start flag. */
export const ADDED_GLOBALS = 9;

/** Names of the added exports. */
export const RESERVED = INSTRUMENT_EXPORTS;
