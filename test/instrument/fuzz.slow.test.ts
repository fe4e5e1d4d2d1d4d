/**
 * Fuzzing the rewriter with fast-check: random bytes and mutated valid modules, with random
 * options. Every input must either yield a module that validates or throw an InstrumentError;
 * nothing may hang or throw anything else. Time-bounded so it fits in CI.
 */
import fc from 'fast-check';
import { EXTISM_KERNEL_GUARDS } from '../../src/engine/extism-kernel.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { InstrumentError, instrument, type InstrumentOptions } from '../../src/instrument/index.ts';
import { compileWat } from './harness.ts';
import { SEEDS } from './seeds.ts';

const TIME_LIMIT_MS = Number(process.env.FUZZ_MS ?? 8_000);
let seeds: Uint8Array<ArrayBuffer>[] = [];

beforeAll(async () => {
  seeds = await Promise.all(SEEDS.map((s, i) => compileWat(s, `seed${i}.wat`)));
});

const optionsArb: fc.Arbitrary<InstrumentOptions> = fc.record(
  {
    fuel: fc.boolean(),
    defaultFuel: fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }),
    memoryMaxPages: fc.integer({ min: 0, max: 70_000 }),
    maxCallDepth: fc.integer({ min: 0, max: 100_000 }),
    limitImport: fc.record({ module: fc.string({ maxLength: 4 }), name: fc.string({ maxLength: 4 }) }),
    // The host-call guards (with the seeds' "env" imports as the kernel module too) and deferred start.
    hostCalls: fc.constantFrom('extism:host/env', 'env').map((module) => ({ ...EXTISM_KERNEL_GUARDS, module, budgetBytes: 1n << 24n })),
    deferStart: fc.boolean(),
    validate: fc.boolean(),
  },
  { requiredKeys: [] },
);

type Mutation = { kind: number; at: number; len: number; bytes: number[] };
const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.integer({ min: 0, max: 5 }),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  len: fc.integer({ min: 1, max: 16 }),
  bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }),
});

/** Applies byte-level mutations that keep most of the structure (so the reader gets deep). */
function mutate(input: Uint8Array, mutations: Mutation[]): Uint8Array<ArrayBuffer> {
  let b = Array.from(input);
  for (const m of mutations) {
    const at = 8 + Math.floor(m.at * Math.max(0, b.length - 8));
    switch (m.kind) {
      case 0: // overwrite
        m.bytes.forEach((v, i) => {
          if (at + i < b.length) b[at + i] = v;
        });
        break;
      case 1: // insert
        b.splice(at, 0, ...m.bytes);
        break;
      case 2: // delete
        b.splice(at, m.len);
        break;
      case 3: // truncate
        b = b.slice(0, at);
        break;
      case 4: // duplicate a range
        b.splice(at, 0, ...b.slice(at, at + m.len));
        break;
      default: // bump one byte (small changes to counts, sizes, indices, opcodes)
        if (at < b.length) b[at] = (b[at]! + (m.bytes[0]! % 3) - 1) & 0xff;
    }
  }
  return new Uint8Array(b);
}

/** The property: a valid module out, or an InstrumentError; never a crash. */
function check(input: Uint8Array<ArrayBuffer>, options: InstrumentOptions): void {
  const started = performance.now();
  let out: Uint8Array<ArrayBuffer>;
  try {
    out = instrument(input, options).bytes;
  } catch (error) {
    if (!(error instanceof InstrumentError)) throw error;
    expect(error.code).toBe('E_INSTRUMENT');
    return;
  } finally {
    expect(performance.now() - started).toBeLessThan(2_000);
  }
  // With validation off, invalid input may give invalid output; valid input never may.
  if (options.validate !== false || WebAssembly.validate(input)) {
    if (!WebAssembly.validate(out)) throw new Error(`invalid output for ${JSON.stringify(options, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))}`);
  }
}

describe('fuzz', () => {
  it('seeds themselves instrument to valid modules under random options', () => {
    fc.assert(
      fc.property(fc.nat(), optionsArb, (i, options) => {
        check(seeds[i % seeds.length]!, options);
      }),
      { numRuns: 300 },
    );
  });

  it('mutated valid modules: valid output or InstrumentError', () => {
    const stats = { runs: 0 };
    fc.assert(
      fc.property(fc.nat(), fc.array(mutationArb, { minLength: 1, maxLength: 4 }), optionsArb, (i, mutations, options) => {
        stats.runs++;
        check(mutate(seeds[i % seeds.length]!, mutations), options);
      }),
      { numRuns: 1_000_000, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false },
    );
    expect(stats.runs).toBeGreaterThan(200);
  });

  it('random bytes behind a valid header: valid output or InstrumentError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), optionsArb, (tail, options) => {
        check(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...tail]), options);
      }),
      { numRuns: 1_000_000, interruptAfterTimeLimit: TIME_LIMIT_MS / 2, markInterruptAsFailure: false },
    );
  });

  it('is deterministic: same input and options, same bytes', () => {
    for (const seed of seeds) {
      const a = instrument(seed, { maxCallDepth: 10, memoryMaxPages: 8, limitImport: { module: 'r', name: 'l' } }).bytes;
      const b = instrument(seed, { maxCallDepth: 10, memoryMaxPages: 8, limitImport: { module: 'r', name: 'l' } }).bytes;
      expect(a).toEqual(b);
    }
  });
});
