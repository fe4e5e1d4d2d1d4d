/**
 * Memory cap: the only memory limit every engine enforces is the module's own declared maximum,
 * so the cap is written into it (added when absent, lowered when above). A module whose minimum
 * is already over the cap can never run within it and is rejected up front.
 */
import { LimitReason } from './constants.ts';
import { InstrumentError } from './errors.ts';
import type { Limits } from './types.ts';
import type { ByteWriter } from './writer.ts';

/** The wasm32 page limit (4 GiB). */
export const MAX_PAGES = 65_536;

/**
 * Returns `limits` with the maximum capped at `capPages` (or unchanged when `capPages` is
 * undefined). Throws `InstrumentError` (reason MEMORY) if the minimum exceeds the cap.
 */
export function capLimits(limits: Limits, capPages: number | undefined, offset: number): Limits {
  if (capPages === undefined) return limits;
  const cap = Math.min(capPages, MAX_PAGES);
  if (limits.min > cap) {
    throw new InstrumentError(`memory minimum of ${limits.min} pages exceeds the cap of ${cap} pages`, { offset, reason: LimitReason.MEMORY });
  }
  const max = limits.max === undefined ? cap : Math.min(limits.max, cap);
  return { flags: limits.flags | 0x01, min: limits.min, max };
}

/** Writes memory limits (flags, min, optional max). */
export function writeLimits(w: ByteWriter, limits: Limits): void {
  w.u8(limits.flags);
  w.u32(limits.min);
  if (limits.flags & 0x01) w.u32(limits.max ?? limits.min);
}
