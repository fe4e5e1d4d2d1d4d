import { beforeAll, describe, it, expect } from 'vitest';
import { planLoadOrder, type DependencyPlan } from '../../src/manager/dependency-order.ts';
import { loadSemver } from '../../src/manifest/manifest-loader.ts';
import { DependencyError, PluginError } from '../../src/errors.ts';
import type { PluginDependency, PluginMetadata } from '../../src/manifest/types.ts';

// The manager loads semver when it reads a manifest with dependencies; planLoadOrder alone needs it loaded.
beforeAll(loadSemver);

type Dep = string | [pluginId: string, version?: string, optional?: boolean];

/** Builds metadata: `meta('seo', { deps: ['core', ['db', '^2', true]] })`. */
function meta(id: string, options: { version?: string; priority?: number; deps?: Dep[] } = {}): PluginMetadata {
  const dependencies: PluginDependency[] = (options.deps ?? []).map((d) =>
    typeof d === 'string' ? { pluginId: d, version: '*', optional: false } : { pluginId: d[0], version: d[1] ?? '*', optional: d[2] ?? false },
  );
  return {
    id,
    name: id,
    version: options.version ?? '1.0.0',
    priority: options.priority ?? 100,
    wasm: 'plugin.wasm',
    capabilities: [],
    dependencies,
    limits: {},
    network: { allowedHosts: [] },
  };
}

function plan(candidates: PluginMetadata[], loaded: Record<string, string> = {}): DependencyPlan {
  return planLoadOrder(candidates, new Map(Object.entries(loaded)));
}

function failure(p: DependencyPlan, id: string): DependencyError {
  const err = p.failures.get(id);
  expect(err, `expected "${id}" to fail`).toBeInstanceOf(DependencyError);
  return err as DependencyError;
}

/** Every id is placed after all its (loadable) dependencies. */
function expectDependenciesFirst(p: DependencyPlan, candidates: PluginMetadata[]): void {
  for (const m of candidates) {
    if (!p.order.includes(m.id)) continue;
    for (const d of m.dependencies) {
      if (p.order.includes(d.pluginId)) expect(p.order.indexOf(d.pluginId), `${d.pluginId} before ${m.id}`).toBeLessThan(p.order.indexOf(m.id));
    }
  }
}

describe('planLoadOrder: ordering', () => {
  it('is empty for no candidates', () => {
    const p = plan([]);
    expect(p.order).toStrictEqual([]);
    expect(p.failures.size).toBe(0);
  });

  it('without dependencies: by priority (lower first), then by id', () => {
    const p = plan([meta('zed', { priority: 10 }), meta('beta'), meta('alpha'), meta('late', { priority: 500 }), meta('early', { priority: -1 })]);
    expect(p.order).toStrictEqual(['early', 'zed', 'alpha', 'beta', 'late']);
    expect(p.failures.size).toBe(0);
  });

  it('the result does not depend on the input order', () => {
    const list = [meta('c', { deps: ['a'] }), meta('b', { priority: 5 }), meta('a', { priority: 50 }), meta('d', { deps: ['c', 'b'] })];
    const expected = plan(list).order;
    for (const permutation of [[...list].reverse(), [list[2]!, list[0]!, list[3]!, list[1]!], [list[3]!, list[1]!, list[0]!, list[2]!]]) {
      expect(plan(permutation).order).toStrictEqual(expected);
    }
  });

  it('puts dependencies first even when they have a later priority', () => {
    const candidates = [meta('seo', { priority: 1, deps: ['core'] }), meta('core', { priority: 1000 })];
    const p = plan(candidates);
    expect(p.order).toStrictEqual(['core', 'seo']);
    expect(p.failures.size).toBe(0);
  });

  it('among ready plugins picks the lowest priority, then id (Kahn with a priority queue)', () => {
    // core (200) must come first; then both a (50) and z (10) become ready along with free (100).
    const candidates = [
      meta('core', { priority: 200 }),
      meta('a', { priority: 50, deps: ['core'] }),
      meta('z', { priority: 10, deps: ['core'] }),
      meta('free', { priority: 100 }),
      meta('m', { priority: 10, deps: ['core'] }),
    ];
    const p = plan(candidates);
    // free (100) is ready before core (200); after core, m and z (10) by id, then a (50).
    expect(p.order).toStrictEqual(['free', 'core', 'm', 'z', 'a']);
  });

  it('handles a diamond and a chain', () => {
    const candidates = [
      meta('app', { deps: ['left', 'right'] }),
      meta('left', { deps: ['base'] }),
      meta('right', { deps: ['base'], priority: 1 }),
      meta('base', { priority: 300 }),
      meta('c3', { deps: ['c2'] }),
      meta('c2', { deps: ['c1'] }),
      meta('c1'),
    ];
    const p = plan(candidates);
    expect(p.failures.size).toBe(0);
    expect(p.order).toHaveLength(7);
    expect(new Set(p.order).size).toBe(7);
    expectDependenciesFirst(p, candidates);
    expect(p.order).toStrictEqual(['c1', 'c2', 'c3', 'base', 'right', 'left', 'app']);
  });

  it('a dependency listed twice still orders correctly', () => {
    const p = plan([meta('a', { deps: ['b', ['b', '^1']] }), meta('b')]);
    expect(p.order).toStrictEqual(['b', 'a']);
  });
});

describe('planLoadOrder: missing dependencies and versions', () => {
  it('a missing required dependency fails with E_DEPENDENCY naming it', () => {
    const p = plan([meta('seo', { deps: [['core', '^1.0']] }), meta('other')]);
    expect(p.order).toStrictEqual(['other']);
    const err = failure(p, 'seo');
    expect(err).toBeInstanceOf(PluginError);
    expect(err.code).toBe('E_DEPENDENCY');
    expect(err.pluginId).toBe('seo');
    expect(err.dependency).toBe('core');
    expect(err.message).toContain('"core"');
    expect(err.message).toContain('^1.0');
    expect(p.failures.size).toBe(1);
  });

  it('a missing optional dependency is fine', () => {
    const p = plan([meta('seo', { deps: [['analytics', '^2', true]] })]);
    expect(p.order).toStrictEqual(['seo']);
    expect(p.failures.size).toBe(0);
  });

  it('a present optional dependency is ordered first', () => {
    const p = plan([meta('seo', { priority: 1, deps: [['analytics', '*', true]] }), meta('analytics', { priority: 999 })]);
    expect(p.order).toStrictEqual(['analytics', 'seo']);
  });

  it('a version outside the range fails, naming the dependency, range and installed version', () => {
    const p = plan([meta('seo', { deps: [['core', '^2.0']] }), meta('core', { version: '1.4.0' })]);
    expect(p.order).toStrictEqual(['core']);
    const err = failure(p, 'seo');
    expect(err.dependency).toBe('core');
    expect(err.message).toContain('^2.0');
    expect(err.message).toContain('1.4.0');
  });

  it('a version outside the range fails for a present optional dependency too', () => {
    const p = plan([meta('seo', { deps: [['core', '>=2', true]] }), meta('core', { version: '1.9.9' })]);
    expect(p.order).toStrictEqual(['core']);
    expect(failure(p, 'seo').dependency).toBe('core');
  });

  it('a version inside the range is accepted (several range forms)', () => {
    for (const range of ['^1.2', '~1.2.3', '1.x', '>=1.0.0 <2', '1.2.3', '*', '^0.9 || ^1']) {
      const p = plan([meta('seo', { deps: [['core', range]] }), meta('core', { version: '1.2.3' })]);
      expect(p.failures.size, range).toBe(0);
      expect(p.order, range).toStrictEqual(['core', 'seo']);
    }
  });

  it('already-loaded plugins satisfy dependencies (and are not in the order)', () => {
    const p = plan([meta('seo', { deps: [['core', '^1.0']] })], { core: '1.3.0' });
    expect(p.order).toStrictEqual(['seo']);
    expect(p.failures.size).toBe(0);
  });

  it('an already-loaded plugin with the wrong version fails the dependent', () => {
    const p = plan([meta('seo', { deps: [['core', '^2.0']] })], { core: '1.3.0' });
    expect(p.order).toStrictEqual([]);
    expect(failure(p, 'seo').message).toContain('1.3.0');
  });

  it('prerelease versions: a prerelease within the range satisfies it', () => {
    const p = plan([meta('seo', { deps: [['core', '^1.0']] }), meta('core', { version: '1.5.0-beta.2' })]);
    expect(p.failures.size).toBe(0);
    expect(p.order).toStrictEqual(['core', 'seo']);
  });

  it('prerelease versions: a prerelease below the range minimum does not', () => {
    const p = plan([meta('seo', { deps: [['core', '^1.2.0']] }), meta('core', { version: '1.2.0-rc.1' })]);
    expect(p.order).toStrictEqual(['core']);
    expect(failure(p, 'seo').message).toContain('1.2.0-rc.1');
  });

  it('prerelease versions: a next-major prerelease is outside ^1', () => {
    const p = plan([meta('seo', { deps: [['core', '^1.0']] })], { core: '2.0.0-alpha.1' });
    expect(failure(p, 'seo').dependency).toBe('core');
  });

  it('prerelease ranges match the same prerelease line', () => {
    const p = plan([meta('seo', { deps: [['core', '>=1.0.0-beta.1']] }), meta('core', { version: '1.0.0-beta.3' })]);
    expect(p.failures.size).toBe(0);
  });
});

describe('planLoadOrder: cycles', () => {
  it('a 2-cycle fails both plugins, each naming the full cycle', () => {
    const p = plan([meta('a', { deps: ['b'] }), meta('b', { deps: ['a'] }), meta('free')]);
    expect(p.order).toStrictEqual(['free']);
    for (const id of ['a', 'b']) {
      const err = failure(p, id);
      expect(err.code).toBe('E_DEPENDENCY');
      expect(err.pluginId).toBe(id);
      expect(err.message).toContain('a -> b -> a');
    }
    expect(p.failures.size).toBe(2);
  });

  it('a 3-cycle fails all three, each naming the full cycle', () => {
    const p = plan([meta('c', { deps: ['a'] }), meta('a', { deps: ['b'] }), meta('b', { deps: ['c'] })]);
    expect(p.order).toStrictEqual([]);
    for (const id of ['a', 'b', 'c']) {
      const err = failure(p, id);
      expect(err.message).toContain('a -> b -> c -> a');
      expect(err.dependency).toBe('a -> b -> c -> a');
    }
  });

  it('names the cycle in dependency direction whatever the input order', () => {
    // x depends on w, w on y, y on x: the cycle read from its smallest id is w -> y -> x -> w.
    const candidates = [meta('x', { deps: ['w'] }), meta('w', { deps: ['y'] }), meta('y', { deps: ['x'] })];
    for (const list of [candidates, [...candidates].reverse()]) {
      const p = plan(list);
      for (const id of ['w', 'x', 'y']) expect(failure(p, id).message).toContain('w -> y -> x -> w');
    }
  });

  it('a self-dependency fails with "a -> a"', () => {
    const p = plan([meta('a', { deps: ['a'] }), meta('b')]);
    expect(p.order).toStrictEqual(['b']);
    expect(failure(p, 'a').message).toContain('a -> a');
  });

  it('two separate cycles are each reported with their own path', () => {
    const p = plan([meta('a', { deps: ['b'] }), meta('b', { deps: ['a'] }), meta('x', { deps: ['y'] }), meta('y', { deps: ['x'] })]);
    expect(failure(p, 'a').message).toContain('a -> b -> a');
    expect(failure(p, 'y').message).toContain('x -> y -> x');
    expect(failure(p, 'x').message).not.toContain('a -> b');
  });

  it('a plugin depending on a cycle (but not in it) fails as a dependent', () => {
    const p = plan([meta('a', { deps: ['b'] }), meta('b', { deps: ['a'] }), meta('top', { deps: ['a'] })]);
    const err = failure(p, 'top');
    expect(err.dependency).toBe('a');
    expect(err.message).toContain('"a"');
    expect(err.message).toContain('a -> b -> a');
    expect(p.order).toStrictEqual([]);
  });
});

describe('planLoadOrder: failure propagation', () => {
  it('propagates a failure to dependents, transitively, naming the broken dependency', () => {
    const candidates = [meta('base', { deps: ['missing'] }), meta('mid', { deps: ['base'] }), meta('top', { deps: ['mid'] }), meta('ok')];
    const p = plan(candidates);
    expect(p.order).toStrictEqual(['ok']);
    expect(failure(p, 'base').dependency).toBe('missing');
    expect(failure(p, 'mid').dependency).toBe('base');
    expect(failure(p, 'top').dependency).toBe('mid');
    expect(failure(p, 'mid').message).toContain('"base"');
    // The root cause is visible all the way up.
    expect(failure(p, 'top').message).toContain('missing');
    for (const id of ['base', 'mid', 'top']) expect(failure(p, id).pluginId).toBe(id);
  });

  it('propagation does not depend on input order (dependent listed before its dependency)', () => {
    const p = plan([meta('top', { deps: ['mid'] }), meta('mid', { deps: ['base'] }), meta('base', { deps: ['missing'] })]);
    expect([...p.failures.keys()].sort()).toStrictEqual(['base', 'mid', 'top']);
  });

  it('an optional dependency that fails does not fail the dependent', () => {
    const p = plan([meta('seo', { deps: [['extra', '*', true]] }), meta('extra', { deps: ['missing'] })]);
    expect(p.order).toStrictEqual(['seo']);
    expect([...p.failures.keys()]).toStrictEqual(['extra']);
  });

  it('a failed plugin is never in the order, and every candidate is either ordered or failed', () => {
    const candidates = [
      meta('a', { deps: ['b'] }),
      meta('b', { deps: ['a'] }),
      meta('c', { deps: ['a'] }),
      meta('d', { deps: [['e', '^3']] }),
      meta('e', { version: '2.0.0' }),
      meta('f', { deps: ['e'] }),
    ];
    const p = plan(candidates);
    for (const id of p.order) expect(p.failures.has(id)).toBe(false);
    expect([...p.order, ...p.failures.keys()].sort()).toStrictEqual(candidates.map((c) => c.id).sort());
    expect(p.order).toStrictEqual(['e', 'f']);
  });
});
