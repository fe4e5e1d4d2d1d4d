/**
 * Small shared constants: export kinds and the reason codes written to `__reed_limit_reason`.
 */

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
export const LimitReason = { NONE: 0, FUEL: 1, STACK: 2, MEMORY: 3, HOST_MEMORY: 4 } as const;

/** Fuel charged per byte-count unit of bulk memory ops: size >>> MEMORY_BYTES_SHIFT (1 per 64 bytes). */
export const MEMORY_BYTES_SHIFT = 6;
/** Fuel charged per table element unit of table ops: count >>> TABLE_ELEMS_SHIFT (1 per 8 elements). */
export const TABLE_ELEMS_SHIFT = 3;
/** Fuel charged per page of a successful memory.grow (64 KiB / 64 bytes per fuel). */
export const FUEL_PER_PAGE = 1024;
