/**
 * The time and randomness a WASI guest sees: the host's clock and `crypto.getRandomValues`, or,
 * when the plugin runs deterministically, a fixed clock and a seeded generator, so a test or a
 * replay gets the same output every time (as Shopify Functions are: no clock, no randomness).
 */
import { ClockId } from './wasi-constants.ts';

/** Where a WASI guest's clocks and random bytes come from. */
export interface WasiEntropy {
  /** Nanoseconds on `clock` (realtime: since the Unix epoch), or undefined for an unknown clock. */
  now(clock: number): bigint | undefined;
  /** Fills `target` with random bytes. */
  fill(target: Uint8Array): void;
}

/** Resolution reported for every clock: the host's timers are at best microsecond-precise. */
export const CLOCK_RESOLUTION_NS = 1_000n;

/**
 * The deterministic clock's start (2024-01-01T00:00:00Z) and how far it moves on each read: it
 * advances, so a guest timing itself sees a nonzero duration, but by the same step every time.
 */
export const DETERMINISTIC_EPOCH_NS = 1_704_067_200_000_000_000n;
export const DETERMINISTIC_STEP_NS = 1_000n;

/** The most bytes `crypto.getRandomValues` fills at once (a web-platform limit). */
const RANDOM_CHUNK = 65_536;

/** The host's clock and randomness. */
export function hostEntropy(): WasiEntropy {
  // Wall time from Date.now() (every runtime has it; workerd's `performance.timeOrigin` is not
  // a wall clock), refined below the millisecond by performance.now() where there is one.
  const hasPerformance = typeof performance !== 'undefined' && typeof performance.now === 'function';
  const monotonicNs = (): bigint => BigInt(Math.round((hasPerformance ? performance.now() : Date.now()) * 1_000)) * 1_000n;
  const offset = BigInt(Date.now()) * 1_000_000n - monotonicNs();
  return {
    now(clock) {
      if (clock === ClockId.REALTIME) return offset + monotonicNs();
      if (clock === ClockId.MONOTONIC || clock === ClockId.PROCESS_CPUTIME || clock === ClockId.THREAD_CPUTIME) return monotonicNs();
      return undefined;
    },
    fill(target) {
      for (let at = 0; at < target.byteLength; at += RANDOM_CHUNK) {
        crypto.getRandomValues(target.subarray(at, Math.min(at + RANDOM_CHUNK, target.byteLength)));
      }
    },
  };
}

/**
 * A fixed clock and a generator seeded from `seed` (the plugin id: plugins differ from each
 * other, runs do not). Every instance starts from the same state.
 */
export function deterministicEntropy(seed: string): WasiEntropy {
  let ticks = 0n;
  let state = fnv1a(seed);
  return {
    now(clock) {
      if (clock < ClockId.REALTIME || clock > ClockId.THREAD_CPUTIME) return undefined;
      ticks += DETERMINISTIC_STEP_NS;
      return clock === ClockId.REALTIME ? DETERMINISTIC_EPOCH_NS + ticks : ticks;
    },
    fill(target) {
      // xorshift32: small and fast; this randomness is for reproducibility, not secrecy.
      for (let i = 0; i < target.byteLength; i++) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        state >>>= 0;
        target[i] = state & 0xff;
      }
    },
  };
}

/** FNV-1a over the UTF-16 code units, never 0 (xorshift's fixed point). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash === 0 ? 1 : hash;
}
