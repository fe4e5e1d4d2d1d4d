/**
 * The rewrite plan: every index the output module uses, decided before anything is written.
 * Added globals and functions go after the existing ones (no shifting); only a newly added
 * limit import shifts the defined functions up by one, and `remapFunc` is the one place that
 * knows it.
 */
import { InstrumentError } from './errors.ts';
import { ExportKind } from './constants.ts';
import type { ModuleInfo } from './module-scan.ts';
import { type FuncType, ValType, sameFuncType } from './types.ts';

/** Options after defaults are applied. */
export interface ResolvedOptions {
  fuel: boolean;
  defaultFuel: bigint;
  memoryMaxPages: number | undefined;
  maxCallDepth: number;
  limitImport: { module: string; name: string } | undefined;
  signalReturnCodes: boolean;
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
  /** 1 when a limit import is added in front of the defined functions. */
  shift: number;
  /** True when the limit import is new (not reused from the module's own imports). */
  addImport: boolean;
  limitFunc: number | undefined;
  newTypes: FuncType[];
  typeVoid: number;
  typeI32Void: number;
  typeGrow: number;
  /** Global indices of the added globals. */
  gFuel: number;
  gBudget: number;
  gReason: number;
  gDepth: number;
  /** Export wrappers under way: 0 when the host enters, above 0 when a host function re-enters. */
  gEntered: number;
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
}

/**
 * Decides all output indices for `info` under `opts`.
 *
 * @example
 * ```ts
 * const plan = makePlan(scanModule(bytes), resolved);
 * plan.remapFunc(3); // output index of input function 3
 * ```
 */
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

  // The limit import: reuse an identical existing import, else add one after the others.
  let limitFunc: number | undefined;
  let addImport = false;
  if (opts.limitImport) {
    const { module, name } = opts.limitImport;
    const found = info.funcImports.findIndex((i) => i.module === module && i.name === name);
    if (found >= 0) {
      const t = info.types[info.funcImports[found]!.typeIndex]!;
      if (!sameFuncType(t, { params: [ValType.i32], results: [] })) {
        throw new InstrumentError(`module imports ${module}.${name} with a type other than (func (param i32))`);
      }
      limitFunc = found;
    } else {
      addImport = true;
      limitFunc = info.importedFuncs;
    }
  }
  const shift = addImport ? 1 : 0;
  const imported = info.importedFuncs;
  const remapFunc = shift === 0 ? (i: number): number => i : (i: number): number => (i >= imported ? i + 1 : i);

  const totalFuncs = info.funcTypes.length + shift;
  const addedFuncTypes: number[] = [];
  const addFunc = (type: number): number => {
    addedFuncTypes.push(type);
    return totalFuncs + addedFuncTypes.length - 1;
  };
  const fOutOfFuel = opts.fuel ? addFunc(typeVoid) : undefined;
  const fStackOverflow = opts.maxCallDepth > 0 ? addFunc(typeVoid) : undefined;
  const fGrow = info.memory ? addFunc(typeGrow) : undefined;

  const wrappers: Wrapper[] = [];
  const wrapperOf = new Map<number, number>();
  for (const e of info.exports) {
    if (e.kind !== ExportKind.func || wrapperOf.has(e.index)) continue;
    if (e.index >= info.funcTypes.length) throw new InstrumentError(`export "${e.name}" names function ${e.index}, which does not exist`);
    const type = info.funcTypes[e.index]!;
    const index = addFunc(type);
    wrappers.push({ target: remapFunc(e.index), typeIndex: type, index });
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
    addImport,
    limitFunc,
    newTypes,
    typeVoid,
    typeI32Void,
    typeGrow,
    gFuel: globals,
    gBudget: globals + 1,
    gReason: globals + 2,
    gDepth: globals + 3,
    gEntered: globals + 4,
    fOutOfFuel,
    fStackOverflow,
    fGrow,
    wrappers,
    wrapperOf,
    addedFuncTypes,
    blockTypeOf,
    remapFunc,
  };
}

/** Flag marking a `blockTypeOf` entry as a type index rather than a one-byte block type. */
export const BLOCK_TYPE_INDEX = 0x4000_0000;

/** Globals the rewriter appends: the four exported ones, then the wrappers' entry count. */
export const ADDED_GLOBALS = 5;

/** Names of the added exports (mirrors INSTRUMENT_EXPORTS in index.ts). */
export const RESERVED = { fuel: '__reed_fuel', fuelBudget: '__reed_fuel_budget', reason: '__reed_limit_reason', depth: '__reed_depth' } as const;
