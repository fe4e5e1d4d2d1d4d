/**
 * Per-call limit bookkeeping for a WASM plugin: input size before the call, log bytes during it,
 * output size and fuel after it, and the translation of a trap into the limit that caused it.
 */
import { ErrorCodes, GuestError, PluginError, type ErrorCode } from '../errors.ts';
import { INSTRUMENT_EXPORTS, LimitReason, RETURN_CODE_SIGNAL } from '../instrument/constants.ts';
import { utf8Length } from '../util/json-codec.ts';
import type { EffectiveLimits } from './limits.ts';

/** What happened during one call, gathered from host functions and logs. */
export interface CallWatch {
  /** Set by the `reed_limit` host function (the only channel in worker mode). */
  limitReason: number;
  /** Guest log bytes so far. */
  logBytes: number;
  /** True once the log limit was passed (later lines are dropped). */
  logsDropped: boolean;
  /** Extism refused an allocation because of the host-side buffer cap. */
  hostMemoryRefused: boolean;
  /** Extism refused a `var_set` over the plugin's variable cap. */
  varsRefused: boolean;
  /** Events published by the guest in this call (refused ones included). */
  eventsPublished: number;
  /** The host-wide memory budget refused a grow or a host buffer in this call. */
  budgetRefused: boolean;
  /** Bytes of the events the guest published in this call (refused ones included). */
  eventBytes: number;
  /** The last abort/panic line the guest logged. */
  abortNote: string | undefined;
  /** The export's nonzero return code, signalled by the instrumented wrapper (0: none). */
  returnCode: number;
  /** The wrapper signalled RETURN_CODE_SIGNAL: the limit import's next argument is the code. */
  returnCodeNext: boolean;
}

/** A fresh watch for a call. */
export function newCallWatch(): CallWatch {
  return {
    limitReason: LimitReason.NONE,
    logBytes: 0,
    logsDropped: false,
    hostMemoryRefused: false,
    varsRefused: false,
    eventsPublished: 0,
    eventBytes: 0,
    budgetRefused: false,
    abortNote: undefined,
    returnCode: 0,
    returnCodeNext: false,
  };
}

/** Clears a watch for the next call (reused rather than allocated per call: calls are serialized). */
export function resetCallWatch(watch: CallWatch): void {
  watch.limitReason = LimitReason.NONE;
  watch.logBytes = 0;
  watch.logsDropped = false;
  watch.hostMemoryRefused = false;
  watch.varsRefused = false;
  watch.eventsPublished = 0;
  watch.budgetRefused = false;
  watch.eventBytes = 0;
  watch.abortNote = undefined;
  watch.returnCode = 0;
  watch.returnCodeNext = false;
}

/**
 * What the instrumented module's limit import receives: a limit reason, or (for an export's
 * nonzero return) RETURN_CODE_SIGNAL followed by the code.
 */
export function recordLimitSignal(watch: CallWatch, value: number): void {
  if (watch.returnCodeNext) {
    watch.returnCodeNext = false;
    watch.returnCode = value;
  } else if (value === RETURN_CODE_SIGNAL) {
    watch.returnCodeNext = true;
  } else {
    watch.limitReason = value;
  }
}

/** The instrumentation globals of a live instance (inline mode). */
export interface MeterGlobals {
  fuel: WebAssembly.Global | undefined;
  reason: WebAssembly.Global | undefined;
  /** The per-call budget the export wrappers reset the fuel to. */
  budget: WebAssembly.Global | undefined;
  /** The per-call host-buffer budget of the module's host-call guards. */
  hostBudget?: WebAssembly.Global | undefined;
}

/** Finds the instrumentation globals of an instance. */
export function meterGlobals(instance: WebAssembly.Instance | undefined): MeterGlobals {
  const exports = (instance?.exports ?? {}) as Record<string, unknown>;
  const global = (name: string) => (exports[name] instanceof WebAssembly.Global ? (exports[name] as WebAssembly.Global) : undefined);
  return { fuel: global(INSTRUMENT_EXPORTS.fuel), reason: global(INSTRUMENT_EXPORTS.reason), budget: global(INSTRUMENT_EXPORTS.fuelBudget), hostBudget: global(INSTRUMENT_EXPORTS.hostBudget) };
}

/**
 * Sets an instance's per-call budget to the plugin's fuel limit, so a module instrumented
 * elsewhere (a precompiled `WebAssembly.Module`, built with another budget) still gets exactly
 * this host's limit. Inline mode only: a worker's instance is out of reach.
 */
export function applyFuelBudget(meter: MeterGlobals, limits: EffectiveLimits): void {
  if (meter.budget === undefined || limits.fuel === null) return;
  meter.budget.value = BigInt(limits.fuel);
}

/** Fuel used by the call that just ended, or null when it cannot be read (worker mode, unmetered). */
export function fuelUsed(meter: MeterGlobals, limits: EffectiveLimits): number | null {
  if (meter.fuel === undefined || limits.fuel === null) return null;
  // Plain numbers, not BigInt arithmetic (this runs on every call): budgets are far below 2^53,
  // and a counter far below zero only needs to be known to be below zero.
  const left = Number(meter.fuel.value as bigint);
  // The wrapper resets the budget on entry, so budget - left is this call's use (a trap leaves
  // the counter below zero: clamp to the whole budget).
  const used = limits.fuel - left;
  return used > limits.fuel ? limits.fuel : used < 0 ? 0 : used;
}

/** Throws `E_LIMIT` when an encoded input (UTF-8 JSON or a frame) is over `maxInputBytes`. */
export function checkInputSize(input: Uint8Array, limits: EffectiveLimits, pluginId: string, operation: string): void {
  const max = limits.maxInputBytes;
  if (input.byteLength > max) {
    throw new GuestError(ErrorCodes.LIMIT, `${operation}: the input is ${input.byteLength} bytes, over the ${max}-byte input limit`, {
      pluginId,
      operation,
      limit: { name: 'maxInputBytes', value: max },
    });
  }
}

/**
 * Turns a failed call into the error that names its real cause: the limit the guest hit
 * (fuel, call depth, memory, host buffers, logs), or an abort with its message.
 */
export function explainFailure(
  error: PluginError,
  watch: CallWatch,
  meter: MeterGlobals,
  limits: EffectiveLimits,
  pluginId: string,
  operation: string,
  memoryBudgetBytes: number = Number.POSITIVE_INFINITY,
  askedFuel?: number | false,
): PluginError {
  const reason = watch.limitReason !== LimitReason.NONE ? watch.limitReason : ((meter.reason?.value as number | undefined) ?? LimitReason.NONE);
  const limitError = (code: ErrorCode, message: string, name: string, value: number) => new GuestError(code, `${operation}: ${message}`, { pluginId, operation, cause: error, limit: { name, value } });
  if (error.code === ErrorCodes.TRAP || error.code === ErrorCodes.GUEST) {
    if (reason === LimitReason.FUEL && limits.fuel !== null)
      return limitError(ErrorCodes.FUEL, `ran out of fuel (budget ${limits.fuel} per call; ${fuelAdvice(limits.fuel, askedFuel)})`, 'fuel', limits.fuel);
    if (reason === LimitReason.STACK && limits.maxCallDepth !== null)
      return limitError(ErrorCodes.STACK, `exceeded the call depth limit of ${limits.maxCallDepth}`, 'maxCallDepth', limits.maxCallDepth);
    if (watch.budgetRefused) {
      return limitError(ErrorCodes.MEMORY, `was refused memory: the host-wide memory budget of ${memoryBudgetBytes} bytes is spent`, 'memoryBudgetBytes', memoryBudgetBytes);
    }
    if (reason === LimitReason.MEMORY) return limitError(ErrorCodes.MEMORY, `hit the memory cap of ${limits.memoryBytes} bytes`, 'memoryBytes', limits.memoryBytes);
    if (reason === LimitReason.TABLE) return limitError(ErrorCodes.MEMORY, `hit the table cap of ${limits.maxTableElements} elements`, 'maxTableElements', limits.maxTableElements);
    if (watch.varsRefused) return limitError(ErrorCodes.LIMIT, `kept more than ${limits.maxVarBytes} bytes of variables`, 'maxVarBytes', limits.maxVarBytes);
    if (watch.hostMemoryRefused) return limitError(ErrorCodes.LIMIT, `exceeded the host buffer limit (${limits.maxOutputBytes} output bytes)`, 'maxOutputBytes', limits.maxOutputBytes);
    if (watch.logsDropped) return limitError(ErrorCodes.LIMIT, `logged more than ${limits.maxLogBytes} bytes`, 'maxLogBytes', limits.maxLogBytes);
  }
  if (error.code === ErrorCodes.STACK && limits.maxCallDepth !== null) {
    return limitError(ErrorCodes.STACK, `overflowed the engine's call stack`, 'maxCallDepth', limits.maxCallDepth);
  }
  if (error.code === ErrorCodes.TIMEOUT) return limitError(ErrorCodes.TIMEOUT, `took longer than ${limits.timeoutMs} ms`, 'timeoutMs', limits.timeoutMs);
  if (error.code === ErrorCodes.TRAP && watch.abortNote !== undefined) {
    return new GuestError(ErrorCodes.TRAP, `${operation} aborted: ${watch.abortNote}`, { pluginId, operation, cause: error });
  }
  return error;
}

/** How to get more fuel: the host raises its cap, or the plugin asks for up to it. */
function fuelAdvice(budget: number, asked: number | false | undefined): string {
  if (typeof asked === 'number' && asked > budget) return `the plugin asks for ${asked}, capped by the host: raise the host's limits.fuel`;
  return "the host's limits.fuel sets it; a plugin's [limits] fuel may only lower it";
}

/** Checks a successful call's output and logs against their limits. */
export function checkAfterCall(outputBytes: number, watch: CallWatch, limits: EffectiveLimits, pluginId: string, operation: string): void {
  if (outputBytes > limits.maxOutputBytes) {
    throw new GuestError(ErrorCodes.LIMIT, `${operation}: the output is ${outputBytes} bytes, over the ${limits.maxOutputBytes}-byte output limit`, {
      pluginId,
      operation,
      limit: { name: 'maxOutputBytes', value: limits.maxOutputBytes },
    });
  }
  if (watch.logsDropped) {
    throw new GuestError(ErrorCodes.LIMIT, `${operation}: logged more than ${limits.maxLogBytes} bytes in one call (the rest was dropped)`, {
      pluginId,
      operation,
      limit: { name: 'maxLogBytes', value: limits.maxLogBytes },
    });
  }
  if (watch.returnCode !== 0) {
    // Extism's other hosts fail a call whose export returns nonzero; the JS SDK drops the code.
    throw new GuestError(ErrorCodes.GUEST, `${operation} returned ${watch.returnCode} (a nonzero return is a failure) without an error message`, { pluginId, operation });
  }
  if (watch.varsRefused) {
    // In a worker Extism drops the error it sets for a refused var_set, and the call "succeeds"
    // without the variable: end it the same way as inline.
    throw new GuestError(ErrorCodes.LIMIT, `${operation}: kept more than ${limits.maxVarBytes} bytes of variables`, {
      pluginId,
      operation,
      limit: { name: 'maxVarBytes', value: limits.maxVarBytes },
    });
  }
}

/**
 * The most a byte of plugin output can grow when the next plugin gets it as JSON: a control
 * character in a framed string becomes `\u00XX` (6 bytes), and `1e20` becomes 21 digits.
 */
const REENCODED_GROWTH = 6;

/**
 * Checks that a decoded output still fits `maxOutputBytes` once it is JSON again, as the next
 * plugin in a chain receives it, so an output that only grows on the way (framed control
 * characters, exponent numbers) fails as its producer's call and not as the next plugin's
 * input. Outputs that cannot grow past the limit are not re-encoded.
 */
export function checkReencodedSize(outputBytes: number, result: unknown, limits: EffectiveLimits, pluginId: string, operation: string): void {
  if (outputBytes * REENCODED_GROWTH <= limits.maxOutputBytes || result === undefined) return;
  const size = utf8Length(JSON.stringify(result));
  if (size > limits.maxOutputBytes) {
    throw new GuestError(ErrorCodes.LIMIT, `${operation}: the output is ${size} bytes as JSON, over the ${limits.maxOutputBytes}-byte output limit`, {
      pluginId,
      operation,
      limit: { name: 'maxOutputBytes', value: limits.maxOutputBytes },
    });
  }
}
