/**
 * Orders plugins for initialization: dependencies first, then priority (lower first), then id,
 * and finds everything that cannot load: a missing required dependency, a version outside the
 * range, a cycle (named in full), or a dependency that itself cannot load.
 */
import { satisfiesRange } from '../manifest/manifest-loader.ts';
import { DependencyError } from '../errors.ts';
import type { PluginMetadata } from '../manifest/types.ts';

/** The result of ordering: who loads in which order, and who cannot load and why. */
export interface DependencyPlan {
  order: string[];
  failures: Map<string, DependencyError>;
}

/** Plans the load order of `candidates`, given plugins already loaded (`loaded`: id → version). */
export function planLoadOrder(candidates: readonly PluginMetadata[], loaded: ReadonlyMap<string, string>): DependencyPlan {
  const byId = new Map(candidates.map((m) => [m.id, m]));
  const failures = new Map<string, DependencyError>();

  // 1. Direct problems: missing or mismatched versions.
  for (const meta of candidates) {
    for (const dep of meta.dependencies) {
      const version = byId.get(dep.pluginId)?.version ?? loaded.get(dep.pluginId);
      if (version === undefined) {
        if (!dep.optional) {
          failures.set(meta.id, new DependencyError(`requires plugin "${dep.pluginId}" (${dep.version}), which is not installed`, dep.pluginId, { pluginId: meta.id, operation: 'load' }));
          break;
        }
      } else if (!satisfiesRange(version, dep.version)) {
        failures.set(meta.id, new DependencyError(`requires plugin "${dep.pluginId}" ${dep.version}, but version ${version} is installed`, dep.pluginId, { pluginId: meta.id, operation: 'load' }));
        break;
      }
    }
  }

  // 2. Cycles among the candidates, each reported with its full path.
  for (const cycle of findCycles(candidates, byId)) {
    const path = [...cycle, cycle[0]].join(' -> ');
    for (const id of cycle) {
      if (!failures.has(id)) failures.set(id, new DependencyError(`dependency cycle: ${path}`, path, { pluginId: id, operation: 'load' }));
    }
  }

  // 3. Failures propagate to dependents (a missing optional dependency is fine; a failed one is absent).
  let changed = true;
  while (changed) {
    changed = false;
    for (const meta of candidates) {
      if (failures.has(meta.id)) continue;
      const broken = meta.dependencies.find((d) => !d.optional && failures.has(d.pluginId));
      if (broken !== undefined) {
        failures.set(
          meta.id,
          new DependencyError(`depends on "${broken.pluginId}", which cannot load: ${failures.get(broken.pluginId)?.message ?? ''}`, broken.pluginId, { pluginId: meta.id, operation: 'load' }),
        );
        changed = true;
      }
    }
  }

  return {
    order: topologicalOrder(
      candidates.filter((m) => !failures.has(m.id)),
      failures,
    ),
    failures,
  };
}

/** Kahn's algorithm; among the ready ones, lowest priority first, then id. */
function topologicalOrder(ok: readonly PluginMetadata[], failures: ReadonlyMap<string, unknown>): string[] {
  const ids = new Set(ok.map((m) => m.id));
  const waitingOn = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const meta of ok) {
    const deps = meta.dependencies.filter((d) => ids.has(d.pluginId) && !failures.has(d.pluginId));
    waitingOn.set(meta.id, deps.length);
    for (const dep of deps) dependents.set(dep.pluginId, [...(dependents.get(dep.pluginId) ?? []), meta.id]);
  }
  const byId = new Map(ok.map((m) => [m.id, m]));
  const compare = (a: string, b: string) => {
    const pa = byId.get(a)?.priority ?? 0;
    const pb = byId.get(b)?.priority ?? 0;
    return pa - pb || (a < b ? -1 : a > b ? 1 : 0);
  };
  const ready = ok.filter((m) => waitingOn.get(m.id) === 0).map((m) => m.id);
  const order: string[] = [];
  while (ready.length > 0) {
    ready.sort(compare);
    const next = ready.shift() as string;
    order.push(next);
    for (const dependent of dependents.get(next) ?? []) {
      const left = (waitingOn.get(dependent) ?? 1) - 1;
      waitingOn.set(dependent, left);
      if (left === 0) ready.push(dependent);
    }
  }
  return order;
}

/** Every elementary cycle found by DFS (each reported once, starting at its smallest id). */
function findCycles(candidates: readonly PluginMetadata[], byId: ReadonlyMap<string, PluginMetadata>): string[][] {
  const cycles = new Map<string, string[]>();
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string) => {
    state.set(id, 'visiting');
    stack.push(id);
    for (const dep of byId.get(id)?.dependencies ?? []) {
      if (!byId.has(dep.pluginId)) continue;
      const s = state.get(dep.pluginId);
      if (s === 'visiting') {
        const cycle = stack.slice(stack.indexOf(dep.pluginId));
        const start = cycle.indexOf([...cycle].sort()[0] as string);
        const canonical = [...cycle.slice(start), ...cycle.slice(0, start)];
        cycles.set(canonical.join('>'), canonical);
      } else if (s === undefined) {
        visit(dep.pluginId);
      }
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const meta of [...candidates].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    if (!state.has(meta.id)) visit(meta.id);
  }
  return [...cycles.values()];
}
