/**
 * Real compiler output: an AssemblyScript kernel compiled with asc -O3 (default incremental
 * runtime: GC, arrays, strings, memory.grow) runs identically plain and instrumented, and its
 * limits hold.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { INSTRUMENT_EXPORTS, LimitReason, instrument } from '../../src/instrument/index.ts';
import { compileAs } from './as-compile.ts';

interface Kernel {
  buffer: () => number;
  fnv1a: (len: number) => number;
  transform: (len: number, key: number) => number;
  sortChecksum: (n: number, seed: number) => number;
  strings: (n: number) => number;
  depth: (n: number) => number;
  memory: WebAssembly.Memory;
}

let bytes: Uint8Array<ArrayBuffer>;
const env = { abort: () => {} };

async function instantiate(b: Uint8Array<ArrayBuffer>): Promise<Kernel & Record<string, unknown>> {
  return (await WebAssembly.instantiate(b, { env, reed: { limit: () => {} } })).instance.exports as unknown as Kernel & Record<string, unknown>;
}

beforeAll(async () => {
  bytes = await compileAs('kernel.ts');
});

describe('AssemblyScript output', () => {
  it('instruments to a valid module', () => {
    const { bytes: out, stats } = instrument(bytes, { maxCallDepth: 1000, memoryMaxPages: 64, limitImport: { module: 'reed', name: 'limit' } });
    expect(WebAssembly.validate(out)).toBe(true);
    expect(stats.functions).toBeGreaterThan(5);
  });

  it('computes the same results as the plain module', async () => {
    const out = instrument(bytes, { maxCallDepth: 1000, memoryMaxPages: 64, limitImport: { module: 'reed', name: 'limit' }, defaultFuel: 10n ** 12n }).bytes;
    const plain = await instantiate(bytes);
    const inst = await instantiate(out);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 65536 }), fc.nat(), fc.integer({ min: 0, max: 300 }), (data, seed, n) => {
        for (const k of [plain, inst]) new Uint8Array(k.memory.buffer, k.buffer(), data.length).set(data);
        expect(inst.fnv1a(data.length)).toBe(plain.fnv1a(data.length));
        expect(inst.transform(data.length, seed)).toBe(plain.transform(data.length, seed));
        expect(inst.sortChecksum(n, seed)).toBe(plain.sortChecksum(n, seed));
        expect(inst.strings(n)).toBe(plain.strings(n));
      }),
      { numRuns: 30 },
    );
  });

  it('reports deterministic fuel and stops runaway work', async () => {
    const out = instrument(bytes, { maxCallDepth: 500 }).bytes;
    const a = await instantiate(out);
    const b = await instantiate(out);
    const used = (k: Record<string, unknown>): bigint =>
      ((k[INSTRUMENT_EXPORTS.fuelBudget] as WebAssembly.Global).value as bigint) - ((k[INSTRUMENT_EXPORTS.fuel] as WebAssembly.Global).value as bigint);
    a.sortChecksum(100, 7);
    b.sortChecksum(100, 7);
    expect(used(a)).toBe(used(b));
    expect(used(a)).toBeGreaterThan(1000n);
    // 1M default fuel cannot sort a million numbers
    expect(() => a.sortChecksum(1_000_000, 7)).toThrow(WebAssembly.RuntimeError);
    expect((a[INSTRUMENT_EXPORTS.reason] as WebAssembly.Global).value).toBe(LimitReason.FUEL);
    expect(a.depth(400)).toBe(400);
    expect(() => a.depth(10_000)).toThrow(WebAssembly.RuntimeError);
    expect((a[INSTRUMENT_EXPORTS.reason] as WebAssembly.Global).value).toBe(LimitReason.STACK);
  });

  it('holds the memory cap against runtime allocation', async () => {
    const out = instrument(bytes, { memoryMaxPages: 4, defaultFuel: 10n ** 12n }).bytes;
    const k = await instantiate(out);
    expect(() => k.sortChecksum(1_000_000, 3)).toThrow(WebAssembly.RuntimeError); // 4 MB of i32 > 256 KiB
    expect((k[INSTRUMENT_EXPORTS.reason] as WebAssembly.Global).value).toBe(LimitReason.MEMORY);
    expect(k.memory.buffer.byteLength).toBeLessThanOrEqual(4 * 65536);
  });
});
