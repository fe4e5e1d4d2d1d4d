/**
 * Differential test: the compute kernel runs plain and instrumented (all limits on, with a
 * budget large enough not to trip) over random inputs; results and memory must be identical,
 * and the fuel used must be the same on a second instrumented instance.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { INSTRUMENT_EXPORTS, instrument } from '../../src/instrument/index.ts';
import { compileWat } from './harness.ts';
import { KERNEL } from './seeds.ts';

interface Kernel {
  hash: (len: number) => number;
  collatz: (n: bigint) => number;
  sort: (len: number) => number;
  transform: (len: number) => void;
  memory: WebAssembly.Memory;
}

let plain: Kernel;
let metered: Kernel[];

beforeAll(async () => {
  const bytes = await compileWat(KERNEL, 'kernel.wat');
  plain = (await WebAssembly.instantiate(bytes)).instance.exports as unknown as Kernel;
  const out = instrument(bytes, { maxCallDepth: 100, memoryMaxPages: 4, limitImport: { module: 'reed', name: 'limit' }, defaultFuel: 10n ** 12n }).bytes;
  metered = await Promise.all([0, 1].map(async () => (await WebAssembly.instantiate(out, { reed: { limit: () => {} } })).instance.exports as unknown as Kernel));
});

function fuelUsed(k: Kernel): bigint {
  const e = k as unknown as Record<string, WebAssembly.Global>;
  return (e[INSTRUMENT_EXPORTS.fuelBudget]!.value as bigint) - (e[INSTRUMENT_EXPORTS.fuel]!.value as bigint);
}

/** Runs `fn` on plain and both metered instances after loading `data`; compares everything. */
function compare(data: Uint8Array, fn: (k: Kernel) => unknown): void {
  const results = [plain, ...metered].map((k) => {
    new Uint8Array(k.memory.buffer).set(data);
    const value = fn(k);
    return { value, memory: new Uint8Array(k.memory.buffer, 0, data.length).slice() };
  });
  expect(results[1]).toEqual(results[0]);
  expect(results[2]).toEqual(results[0]);
  expect(fuelUsed(metered[0]!)).toBe(fuelUsed(metered[1]!));
  expect(fuelUsed(metered[0]!)).toBeGreaterThan(0n);
}

describe('differential: plain vs instrumented', () => {
  it('hash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (data) => compare(data, (k) => k.hash(data.length))),
      { numRuns: 100 },
    );
  });

  it('SIMD transform', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (data) => compare(data, (k) => k.transform(data.length))),
      { numRuns: 100 },
    );
  });

  it('insertion sort', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 200 }), (values) => {
        const data = new Uint8Array(new Int32Array(values).buffer);
        compare(data, (k) => k.sort(values.length));
      }),
      { numRuns: 100 },
    );
  });

  it('collatz', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 12n }), (n) => compare(new Uint8Array(0), (k) => k.collatz(n))),
      { numRuns: 200 },
    );
  });
});
