/**
 * The rewrite plan: every index the output module uses, decided before anything is written.
 * Added globals and functions go after the existing ones (no shifting); only a newly added
 * limit import shifts the defined functions up by one, and `remapFunc` is the one place that
 * knows it.
 */
import { InstrumentError } from './errors.ts';
import { ExportKind } from './constants.ts';
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
}

/** A function import the rewrite adds after the module's own. */
export interface AddedImport {
  module: string;
  name: string;
  typeIndex: number;
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
    opts.growImport && grows
      ? hostImport(opts.growImport, { params: [ValType.i32, ValType.i32, ValType.i32], results: [ValType.i32] }, '(func (param i32 i32 i32) (result i32))')
      : undefined;
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
