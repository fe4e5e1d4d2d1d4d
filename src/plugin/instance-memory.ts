/**
 * One WASM plugin's share of the manager-wide memory budget: what its live instance holds
 * (linear memory and tables, as the module's `reed.limits` section declares them at
 * instantiation and its `reed_grow` import reports them after), and the host buffers of its
 * running call. The same figures in inline and worker isolation: the main thread cannot read a
 * worker's memory, but the grow import reaches it from either.
 */
import { ErrorCodes, GuestError } from '../errors.ts';
import { GrowKind } from '../instrument/constants.ts';
import { readModuleLimits } from '../instrument/limits-section.ts';
import { PAGE_BYTES } from './limits.ts';
import { TABLE_ELEMENT_BYTES, type MemoryAccount, type MemoryBudget } from './memory-budget.ts';
import { recordMemory } from './stats.ts';
import type { PluginStats } from './types.ts';

/** V8's limit on tables per module: a grow naming a higher index is not from our instrumenter. */
const MAX_TABLES = 100_000;

interface Sizes {
  memoryPages: number;
  tableElements: number[];
}

/** Tracks one plugin's instances against the budget. */
export class InstanceMemory {
  readonly #budget: MemoryBudget;
  readonly #pluginId: string;
  readonly #stats: PluginStats;
  readonly #onRefused: () => void;
  /** What instantiation allocates (none recorded: unknown, counted as 0). */
  readonly #initial: Sizes;
  /** The table cap baked into the module (a build-time instrumented module may differ from the host's). */
  readonly tableCap: number | null;
  #account: MemoryAccount | undefined;
  #sizes: Sizes = { memoryPages: 0, tableElements: [] };
  /** Host-buffer bytes held for the whole life of the instance (see `reserve`). */
  #hostReserve = 0;

  constructor(budget: MemoryBudget, module: WebAssembly.Module, pluginId: string, stats: PluginStats, onRefused: () => void) {
    this.#budget = budget;
    this.#pluginId = pluginId;
    this.#stats = stats;
    this.#onRefused = onRefused;
    const declared = readModuleLimits(module);
    this.#initial = { memoryPages: declared?.memoryPages ?? 0, tableElements: declared?.tableElements ?? [] };
    this.tableCap = declared?.maxTableElements ?? null;
  }

  /** The budget's size, for errors. */
  get budgetBytes(): number {
    return this.#budget.limitBytes;
  }

  /**
   * Charges what the engine allocates at instantiation (declared memory and table minimums)
   * before it allocates it, plus `hostReserveBytes` for the instance's whole life: in a worker
   * the host buffers of a call live in the worker, where the host cannot charge them one by
   * one, so the most a call may hold (the module's own guard enforces it) is held up front.
   *
   * @throws GuestError `E_MEMORY` (limit `memoryBudgetBytes`) when it does not fit the budget.
   */
  reserve(hostReserveBytes = 0): void {
    this.release();
    const account = this.#budget.open();
    const sizes = { memoryPages: this.#initial.memoryPages, tableElements: [...this.#initial.tableElements] };
    const bytes = sizeBytes(sizes);
    if (!account.setFixed(bytes + hostReserveBytes)) {
      const budget = this.#budget;
      const buffers = hostReserveBytes > 0 ? ` (and ${hostReserveBytes} bytes of host buffers per call in worker isolation)` : '';
      throw new GuestError(
        ErrorCodes.MEMORY,
        `the module needs ${bytes} bytes of memory and tables${buffers}, but the host-wide memory budget of ${budget.limitBytes} bytes has only ${Math.max(0, budget.limitBytes - budget.usedBytes)} left`,
        { pluginId: this.#pluginId, operation: 'instantiate', limit: { name: 'memoryBudgetBytes', value: budget.limitBytes } },
      );
    }
    this.#account = account;
    this.#sizes = sizes;
    this.#hostReserve = hostReserveBytes;
    recordMemory(this.#stats, bytes);
  }

  /** The instance is gone: its memory and tables go back to the budget (idempotent). */
  release(): void {
    this.#account?.close();
    this.#account = undefined;
  }

  /** The call is over: its host buffers go back; its memory figure is recorded. */
  endCall(): void {
    const account = this.#account;
    if (account === undefined) return;
    account.endCall();
    recordMemory(this.#stats, account.fixedBytes - this.#hostReserve);
  }

  /** Charges a host buffer of the running call (inline); false when the budget refuses it. */
  chargeHost(bytes: number): boolean {
    if (this.#account?.takeTransient(bytes) ?? true) return true;
    this.#onRefused();
    return false;
  }

  /**
   * The `reed_grow(kind, index, newSize)` import (src/instrument/grow-helpers.ts): 1 when the
   * new size fits the budget, else 0.
   */
  grow(kind: number, index: number, newSize: number): number {
    const account = this.#account;
    if (account === undefined) return 0;
    const size = newSize >>> 0;
    const next = { memoryPages: this.#sizes.memoryPages, tableElements: [...this.#sizes.tableElements] };
    if (kind === GrowKind.MEMORY) next.memoryPages = size;
    else if (kind === GrowKind.TABLE && index >= 0 && index < MAX_TABLES) {
      // A table the reed.limits section did not list (a stripped section) started at 0.
      while (next.tableElements.length <= index) next.tableElements.push(0);
      next.tableElements[index] = size;
    } else return 0;
    if (!account.setFixed(sizeBytes(next) + this.#hostReserve)) {
      this.#onRefused();
      return 0;
    }
    this.#sizes = next;
    return 1;
  }
}

/** Host bytes of a memory of `memoryPages` and tables of `tableElements`. */
function sizeBytes(sizes: Sizes): number {
  let elements = 0;
  for (const n of sizes.tableElements) elements += n;
  return sizes.memoryPages * PAGE_BYTES + elements * TABLE_ELEMENT_BYTES;
}
