/**
 * Table cap: engines allocate a table's declared minimum eagerly (V8: 8 bytes and more per
 * element, 64 × 10,000,000 externref kill Node at load) and `table.grow` grows host memory, so
 * tables are capped the way memory is: every table's maximum is written in (added when absent,
 * lowered when above the cap), and a module whose minimums (per table or together), or whose
 * element segments (the engine keeps passive ones alive), exceed the cap is rejected before any
 * engine sees it. The grow helpers (snippets.ts) keep the sum of all tables under the cap at
 * run time.
 */
import { LimitReason } from './constants.ts';
import { InstrumentError } from './errors.ts';
import type { ModuleInfo } from './module-scan.ts';
import type { Limits } from './types.ts';

/** The largest table the binary format can declare (u32 limits). */
export const MAX_TABLE_ELEMENTS = 0xffff_ffff;

/**
 * Every table's limits with its maximum capped at `cap` (unchanged when `cap` is undefined).
 * Throws `InstrumentError` (reason TABLE) when a minimum, the sum of the minimums or the
 * element segments' elements exceed the cap.
 */
export function capTables(info: ModuleInfo, cap: number | undefined): Limits[] {
  if (cap === undefined) return info.tables.map((t) => t.limits);
  const refuse = (message: string, offset?: number): never => {
    throw new InstrumentError(`${message} exceeds the cap of ${cap} table elements (maxTableElements)`, { ...(offset === undefined ? {} : { offset }), reason: LimitReason.TABLE });
  };
  let total = 0;
  const capped = info.tables.map((table, index) => {
    const { limits } = table;
    if (limits.min > cap) refuse(`table ${index}'s minimum of ${limits.min} elements`, table.limitsOffset);
    total += limits.min;
    const max = limits.max === undefined ? cap : Math.min(limits.max, cap);
    return { flags: limits.flags | 0x01, min: limits.min, max };
  });
  if (total > cap) refuse(`the tables' minimums of ${total} elements together`);
  if (info.elementCount > cap) refuse(`the element segments' ${info.elementCount} elements`);
  return capped;
}
