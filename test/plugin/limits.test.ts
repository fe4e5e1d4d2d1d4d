import { describe, expect, it } from 'vitest';
import { DEFAULT_CHAIN_LIMITS, DEFAULT_LIMITS, resolveLimits } from '../../src/plugin/limits.ts';

describe('resolveLimits', () => {
  it('fills in the defaults', () => {
    expect(resolveLimits()).toStrictEqual(DEFAULT_LIMITS);
  });

  it('a plugin may lower a limit, never raise one above the host', () => {
    const limits = resolveLimits({ fuel: 1_000_000, memoryBytes: 1 << 20 }, { fuel: 5_000, memoryBytes: 1 << 30, maxCallDepth: 10 });
    expect([limits.fuel, limits.memoryBytes, limits.maxCallDepth]).toStrictEqual([5_000, 1 << 20, 10]);
    expect(resolveLimits({ fuel: 1_000_000 }, { fuel: 9e9 }).fuel).toBe(1_000_000);
  });

  it('fuel false on the host is unmetered; a plugin asking for false gets the host cap', () => {
    expect(resolveLimits({ fuel: false }).fuel).toBeNull();
    expect(resolveLimits({ fuel: false }, { fuel: 7 }).fuel).toBe(7);
    expect(resolveLimits({}, { fuel: false }).fuel).toBe(DEFAULT_LIMITS.fuel);
  });

  it('chain limits default from the per-call event allowance', () => {
    expect(DEFAULT_CHAIN_LIMITS).toStrictEqual({ maxEventChainDepth: 8, maxEventsPerChain: DEFAULT_LIMITS.maxEventsPerCall, maxCallsPerChain: 10 * DEFAULT_LIMITS.maxEventsPerCall });
  });
});
