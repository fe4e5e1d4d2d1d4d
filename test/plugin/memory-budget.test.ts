/**
 * The manager-wide memory budget's bookkeeping: accounts grow and shrink within the limit, a
 * refusal changes nothing, and closing an account gives everything back (no leak on unload or
 * instance replacement).
 */
import { describe, expect, it } from 'vitest';
import { MemoryBudget } from '../../src/plugin/memory-budget.ts';

describe('MemoryBudget', () => {
  it('charges accounts up to the limit and refuses past it without changing anything', () => {
    const budget = new MemoryBudget(100);
    const a = budget.open();
    const b = budget.open();
    expect(a.setFixed(60)).toBe(true);
    expect(b.setFixed(50)).toBe(false);
    expect(b.fixedBytes).toBe(0);
    expect(b.setFixed(40)).toBe(true);
    expect(budget.usedBytes).toBe(100);
    expect(a.setFixed(30)).toBe(true); // shrinking always fits
    expect(b.setFixed(70)).toBe(true);
    expect(a.peakBytes).toBe(60);
  });

  it('transient host buffers count until the call ends', () => {
    const budget = new MemoryBudget(100);
    const a = budget.open();
    a.setFixed(50);
    expect(a.takeTransient(40)).toBe(true);
    expect(a.takeTransient(20)).toBe(false);
    a.endCall();
    expect(budget.usedBytes).toBe(50);
    expect(a.takeTransient(50)).toBe(true);
  });

  it('closing an account gives everything back, once', () => {
    const budget = new MemoryBudget(100);
    const a = budget.open();
    a.setFixed(70);
    a.takeTransient(10);
    a.close();
    a.close();
    expect(budget.usedBytes).toBe(0);
    expect(a.setFixed(10)).toBe(false); // a closed account takes nothing
    expect(budget.open().setFixed(100)).toBe(true);
  });

  it('refuses a budget that is not a number of bytes', () => {
    expect(() => new MemoryBudget(Number.NaN)).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    expect(() => new MemoryBudget(-1)).toThrow(/memoryBudgetBytes/);
  });
});
