/**
 * The Extism kernel functions the host serves itself inline: `alloc` and `config_get` under a
 * per-call byte budget for the buffers host functions create for the guest (Extism's own cap,
 * `maxPages`, sums every block on every allocation; this one is O(1)), the budgeted context
 * every other host function is handed, and `var_set`, so a refusal is learnt directly.
 */
import type { CallContext } from '@extism/extism';
import { describeError } from '../errors.ts';
import type { GuestLogSink, HostFunction } from './extism-guest.ts';

const encoder = new TextEncoder();

/**
 * Extism's `config_get`, storing through the context it is handed (inline: under the call's
 * budget, since each call stores a fresh copy and a plugin could otherwise hold 32,767 copies of
 * its largest config value in one call). Answers only the config's own keys: Extism's
 * `key in config` also finds `toString` and friends.
 */
export function configGet(config: Record<string, string>): HostFunction {
  return (context: CallContext, key: bigint): bigint => {
    const name = context.read(key)?.text();
    if (name === undefined || !Object.hasOwn(config, name)) return 0n;
    try {
      return context.store(config[name] as string);
    } catch {
      return 0n; // over the budget
    }
  };
}

/**
 * Extism's `var_set`, with its refusal (over `maxVarBytes`) reported through `onRefused` as
 * well as logged and set as the call's error, as Extism does.
 */
export function variableSetter(onLog: GuestLogSink, onRefused: (() => void) | undefined): HostFunction {
  return (context: CallContext, keyAddress: bigint, valueAddress: bigint): void => {
    const key = context.read(keyAddress)?.text();
    if (key === undefined) {
      onLog('error', `attempted to set variable using invalid key address (addr="${keyAddress.toString(16)}H")`);
      return;
    }
    if (valueAddress === 0n) {
      context.deleteVariable(key);
      return;
    }
    const value = context.read(valueAddress);
    if (value === null) {
      onLog('error', `attempted to set variable to invalid address (key="${key}"; addr="${valueAddress.toString(16)}H")`);
      return;
    }
    try {
      // A copy: variables outlive the call's blocks.
      context.setVariable(key, value.bytes().slice());
    } catch (err) {
      onRefused?.();
      onLog('error', describeError(err));
      context.setError(err as Error);
    }
  };
}

/** Extism's `alloc`, through the context it is handed (inline: under the call's budget). */
export function allocate(context: CallContext, size: bigint): bigint {
  return context.alloc(size);
}

const AsyncFunction = (async () => {}).constructor;

/**
 * The same host functions, each handed `contextFor(context)` instead of Extism's context. Async
 * functions stay async: Extism tells them apart by their constructor.
 */
export function withContext(functions: Record<string, HostFunction>, contextFor: (context: CallContext) => CallContext): Record<string, HostFunction> {
  const out: Record<string, HostFunction> = {};
  for (const [name, fn] of Object.entries(functions)) {
    out[name] =
      fn.constructor === AsyncFunction
        ? async (context: CallContext, ...args: unknown[]) => fn(contextFor(context), ...args)
        : (context: CallContext, ...args: unknown[]) => fn(contextFor(context), ...args);
  }
  return out;
}

/**
 * Contexts whose `alloc` and `store` draw on the call's budget, and whose `store` always stores
 * a copy; everything else goes to Extism's. Made once per Extism context (one per instance),
 * not per host call.
 */
export function budgetedContexts(budget: AllocationBudget): (context: CallContext) => CallContext {
  let last: CallContext | undefined;
  let adapter: CallContext | undefined;
  return (context) => {
    if (context === last) return adapter as CallContext;
    last = context;
    adapter = {
      read: (address: bigint) => context.read(address),
      length: (address: bigint) => context.length(address),
      hostContext: () => context.hostContext(),
      setError: (err: unknown) => context.setError(err as string),
      alloc: (size: bigint) => (budget.take(Number(size)) ? context.alloc(size) : 0n),
      store: (value: string | Uint8Array) => {
        const bytes = typeof value === 'string' ? encoder.encode(value) : value;
        // Throws as Extism's own store does when its cap refuses a block.
        if (!budget.take(bytes.byteLength)) throw new Error("memory limit exceeded: the call's host-buffer budget is spent");
        // Fresh bytes either way, copied only once charged: Extism would adopt a whole-buffer
        // view as the block itself, aliasing the caller's memory.
        return context.store(bytes === value ? bytes.slice() : bytes);
      },
    } as unknown as CallContext;
    return adapter;
  };
}

/** The per-call byte budget of {@link allocationBudget}. */
export interface AllocationBudget {
  /** Charges `bytes` of new blocks; false (and logged) when over the budget. */
  take(bytes: number): boolean;
  /** Starts a call's budget afresh. */
  reset(): void;
}

/**
 * A per-call byte budget for the buffers host functions create for the guest (`alloc`, `store`
 * in `config_get`, `http_headers`, …, and the copies of `reed_block_write` and
 * `reed_output_write`). A refusal
 * returns 0 (what Extism's own cap returns), tells `onRefused` (which the plugin layer turns
 * into `E_LIMIT`) and logs the line Extism logs.
 */
export function allocationBudget(maxBytes: number, onLog: GuestLogSink, onRefused: (() => void) | undefined): AllocationBudget {
  let used = 0;
  let refused = false;
  const take = (bytes: number): boolean => {
    if (!(bytes >= 0) || used + bytes > maxBytes) {
      // Once per call: a guest retrying in a loop must not turn refusals into a log flood.
      if (!refused) {
        onRefused?.();
        onLog('error', `memory limit exceeded: ${used + bytes} bytes of blocks requested in this call, ${maxBytes} allowed`);
      }
      refused = true;
      return false;
    }
    used += bytes;
    return true;
  };
  return {
    take,
    reset() {
      used = 0;
      refused = false;
    },
  };
}
