/**
 * The host-wide memory budget (the seed's `resource_limits.max_memory`): per-plugin caps do not
 * bound the sum (40 plugins × 64 MiB), so every plugin's linear memory, tables (elements × 8
 * bytes) and host buffers are charged to one manager-wide budget. Each plugin instance holds an
 * account; a load, a grow or a host buffer that would pass the budget is refused, and an
 * account's bytes go back to the budget when its instance is closed (unload, replacement after a
 * trap), so nothing leaks.
 */
import { ErrorCodes, PluginError } from '../errors.ts';

/** The default budget: the seed's max_memory, 256 MiB. */
export const DEFAULT_MEMORY_BUDGET_BYTES = 256 * 1024 * 1024;

/** Host bytes charged per table element (V8 stores one pointer per externref entry, measured ~8 B). */
export const TABLE_ELEMENT_BYTES = 8;

/** The manager-wide budget. */
export class MemoryBudget {
  readonly limitBytes: number;
  #used = 0;

  constructor(limitBytes: number = DEFAULT_MEMORY_BUDGET_BYTES) {
    if (!(limitBytes >= 0)) throw new PluginError(ErrorCodes.INVALID_ARGUMENT, 'memoryBudgetBytes must be a non-negative number of bytes');
    this.limitBytes = limitBytes;
  }

  /** Bytes charged by every open account. */
  get usedBytes(): number {
    return this.#used;
  }

  /** A new, empty account. */
  open(): MemoryAccount {
    return new MemoryAccount(this);
  }

  /** Charges `delta` bytes (negative: gives back); false, changing nothing, when over the limit. */
  charge(delta: number): boolean {
    if (delta > 0 && this.#used + delta > this.limitBytes) return false;
    this.#used += delta;
    return true;
  }
}

/**
 * One instance's share: its linear memory and tables (`fixed`, which only grows while the
 * instance lives) and the host buffers of its running call (`transient`, given back when the
 * call ends).
 */
export class MemoryAccount {
  readonly #budget: MemoryBudget;
  #fixed = 0;
  #transient = 0;
  #peak = 0;
  #closed = false;

  constructor(budget: MemoryBudget) {
    this.#budget = budget;
  }

  /** Linear memory and table bytes now. */
  get fixedBytes(): number {
    return this.#fixed;
  }

  /** The most memory and table bytes this account ever held. */
  get peakBytes(): number {
    return this.#peak;
  }

  /** Sets the memory and table bytes; false (unchanged) when growth would pass the budget. */
  setFixed(bytes: number): boolean {
    if (this.#closed || !this.#budget.charge(bytes - this.#fixed)) return false;
    this.#fixed = bytes;
    if (bytes > this.#peak) this.#peak = bytes;
    return true;
  }

  /** Charges a host buffer of the running call; false when it would pass the budget. */
  takeTransient(bytes: number): boolean {
    if (this.#closed || !this.#budget.charge(bytes)) return false;
    this.#transient += bytes;
    return true;
  }

  /** The call is over: its host buffers are gone. */
  endCall(): void {
    this.#budget.charge(-this.#transient);
    this.#transient = 0;
  }

  /** Gives everything back (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.endCall();
    this.#budget.charge(-this.#fixed);
    this.#fixed = 0;
    this.#closed = true;
  }
}
