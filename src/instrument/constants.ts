/**
 * Small shared constants: export kinds and the reason codes written to `__reed_limit_reason`.
 */

/**
 * Names of the globals every instrumented module exports. Here, with the other constants, so
 * the host's call path reads them without pulling in the rewriter (a frontend bundle loads the
 * rewriter only when it instruments raw bytes).
 *
 * @example
 * ```ts
 * (instance.exports[INSTRUMENT_EXPORTS.fuelBudget] as WebAssembly.Global).value = 10_000n;
 * ```
 */
export const INSTRUMENT_EXPORTS = {
  fuel: '__reed_fuel',
  fuelBudget: '__reed_fuel_budget',
  reason: '__reed_limit_reason',
  depth: '__reed_depth',
  hostBudget: '__reed_host_budget',
  start: '__reed_start',
} as const;

/** Export/import descriptor kinds. */
export const ExportKind = { func: 0, table: 1, memory: 2, global: 3 } as const;

/**
 * Why the last call hit a limit; the value of the `__reed_limit_reason` global and the argument
 * passed to the optional limit import. HOST_MEMORY: a host-call guard refused a host buffer over
 * the call's budget (the guest got 0 and goes on; see host-call-guards.ts).
 *
 * @example
 * ```ts
 * if (exports.__reed_limit_reason.value === LimitReason.FUEL) console.log('out of fuel');
 * ```
 */
export const LimitReason = { NONE: 0, FUEL: 1, STACK: 2, MEMORY: 3, TABLE: 4, HOST_MEMORY: 5 } as const;

/**
 * Passed to the limit import (never written to `__reed_limit_reason`) when an exported
 * `() -> i32` function returns nonzero; the next call of the import carries the code itself.
 * Extism's other hosts treat a nonzero export return as a failure, and the JS SDK discards it.
 */
export const RETURN_CODE_SIGNAL = 0x100;

// Prices of size-dependent operations. Measured in V8 (Node 20) by bench/bulk-costs.ts, as the
// time each op holds the thread per unit against a plain loop's time per fuel (BENCHMARKS.md),
// and set so that no op runs much longer per fuel than that loop: a fuel budget bounds time.

/** Bulk memory ops (memory.copy/fill/init) and the host's copies: size >>> MEMORY_BYTES_SHIFT fuel (1 per 4 bytes). */
export const MEMORY_BYTES_SHIFT = 2;
/**
 * Static fuel every bulk memory or table op pays on top of its instruction: each is a runtime
 * call of ~5-8 ns in V8. Not more: AssemblyScript code runs thousands of tiny copies and fills
 * per call (128 pushed ordinary plugins past their budgets; BENCHMARKS.md).
 */
export const BULK_OP_BASE_FUEL = 64;
/**
 * table.fill/copy/init: count << shift fuel, by the table's element type (funcref entries also
 * update V8's dispatch table: ~20-55 ns each, against ~2-35 ns for externref): 512 and 256 fuel
 * per element. table.copy pays the dearer of its two tables.
 */
export const TABLE_ELEMENT_FUEL_SHIFT: Readonly<Record<number, number>> = { 0x70: 9, 0x6f: 8 };
/** A successful table.grow: count << shift fuel, by element type (~130 ns per funcref entry, ~20 ns per externref). */
export const TABLE_GROW_FUEL_SHIFT: Readonly<Record<number, number>> = { 0x70: 10, 0x6f: 8 };
/** Fuel charged per page of a successful memory.grow (64 KiB / 64 bytes per fuel). */
export const FUEL_PER_PAGE = 1024;
/**
 * Static fuel of every memory.grow or table.grow by n > 0 that passes its cap check, whether
 * the host's grow import or the engine then refuses it: a grow makes V8 account external memory
 * and often collect garbage (~5-60 µs measured), and asking the host is a host call, so a guest
 * cannot buy thousands of grows (or of refused asks) with one budget. A grow past the cap is
 * refused in the module for 1 fuel. Total growth is bounded by the caps in any case.
 */
export const GROW_BASE_FUEL = 16_384;

/** The `kind` argument of the grow import (grow-helpers.ts); the host reads it at run time. */
export const GrowKind = { MEMORY: 0, TABLE: 1 } as const;
