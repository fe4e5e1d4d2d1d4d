/**
 * The kernel's budgeted parts, shared by the host's own kernel (inline-kernel.ts) and Extism's
 * worker: the per-call byte budget for the buffers host functions create for the guest
 * (Extism's own cap, `maxPages`, sums every block on every allocation; this one is O(1)),
 * `config_get` storing under it, and `var_set`, so a refusal is learnt directly.
 */
import type { CallContext } from '@extism/extism';
import { describeError } from '../errors.ts';
import { utf8Length } from '../util/json-codec.ts';
import type { GuestLogSink, HostFunction } from './extism-guest.ts';

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
 *
 * `maxKeyBytes` caps the keys' bytes, for a context that counts only the values (Extism's own):
 * without it a guest could keep megabytes per call, for ever, under long keys with empty values.
 * The keys counted are those this setter added and has not deleted (a key a host function
 * deleted stays counted: stricter, never looser). The host's own kernel counts keys itself.
 */
export function variableSetter(onLog: GuestLogSink, onRefused: (() => void) | undefined, maxKeyBytes = Number.POSITIVE_INFINITY): HostFunction {
  const keys = new Set<string>();
  let keyBytes = 0;
  return (context: CallContext, keyAddress: bigint, valueAddress: bigint): void => {
    const key = context.read(keyAddress)?.text();
    if (key === undefined) {
      onLog('error', `attempted to set variable using invalid key address (addr="${keyAddress.toString(16)}H")`);
      return;
    }
    if (valueAddress === 0n) {
      context.deleteVariable(key);
      if (keys.delete(key)) keyBytes -= utf8Length(key);
      return;
    }
    const value = context.read(valueAddress);
    if (value === null) {
      onLog('error', `attempted to set variable to invalid address (key="${key}"; addr="${valueAddress.toString(16)}H")`);
      return;
    }
    try {
      const added = Number.isFinite(maxKeyBytes) && !keys.has(key) ? utf8Length(key) : 0;
      if (keyBytes + added > maxKeyBytes) throw new Error(`var memory limit exceeded: ${keyBytes + added} bytes of keys requested, ${maxKeyBytes} allowed`);
      // A copy: variables outlive the call's blocks.
      context.setVariable(key, value.bytes().slice());
      if (added > 0) {
        keys.add(key);
        keyBytes += added;
      }
    } catch (err) {
      onRefused?.();
      onLog('error', describeError(err));
      context.setError(err as Error);
    }
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
