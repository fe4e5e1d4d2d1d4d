/**
 * The run order of a hook's handlers: `before` / `after` plugin-id constraints are hard, priority
 * (lower first) and then registration order break the remaining ties. The order is computed
 * when handlers are added or removed, never per call, so execution just walks an array.
 */
import { ErrorCodes, PluginError } from '../errors.ts';

/** What ordering needs to know about a handler. */
export interface Orderable {
  pluginId: string | undefined;
  priority: number;
  /** Registration sequence: the last tie-breaker. */
  order: number;
  /** Plugin ids whose handlers (on this hook) this one must run before. */
  before: readonly string[];
  /** Plugin ids whose handlers (on this hook) this one must run after. */
  after: readonly string[];
}

/**
 * Sorts handlers into run order, or throws `E_ORDER` naming the cycle when the constraints
 * cannot all hold. A constraint naming a plugin with no handler on this hook is vacuous (it
 * may load later, and then it counts).
 *
 * Among the handlers whose constraints are met, the one with the lowest (priority, order) runs
 * next: with no constraints this is exactly a stable sort by priority.
 */
export function orderHandlers<T extends Orderable>(hook: string, items: readonly T[]): T[] {
  const byRank = (a: T, b: T) => a.priority - b.priority || a.order - b.order;
  if (!items.some((item) => item.before.length > 0 || item.after.length > 0)) return [...items].sort(byRank);

  for (const item of items) {
    if (item.pluginId !== undefined && (item.before.includes(item.pluginId) || item.after.includes(item.pluginId))) {
      throw new PluginError(ErrorCodes.ORDER, `hook "${hook}": a handler of "${item.pluginId}" cannot be ordered before or after its own plugin`, {
        pluginId: item.pluginId,
        operation: `hook:${hook}`,
      });
    }
  }

  const n = items.length;
  const byPlugin = new Map<string, number[]>();
  items.forEach((item, i) => {
    if (item.pluginId !== undefined) byPlugin.set(item.pluginId, [...(byPlugin.get(item.pluginId) ?? []), i]);
  });
  // successors[i] holds every j that must run after i, with the constraint that says so.
  const successors: Array<Array<{ to: number; why: string }>> = items.map(() => []);
  const indegree = new Array<number>(n).fill(0);
  const addEdge = (from: number, to: number, why: string) => {
    (successors[from] as Array<{ to: number; why: string }>).push({ to, why });
    indegree[to] = (indegree[to] ?? 0) + 1;
  };
  items.forEach((item, i) => {
    for (const id of item.before) for (const j of byPlugin.get(id) ?? []) addEdge(i, j, `${label(item)} has before: "${id}"`);
    for (const id of item.after) for (const j of byPlugin.get(id) ?? []) addEdge(j, i, `${label(item)} has after: "${id}"`);
  });

  // Kahn's algorithm, always taking the best-ranked ready handler (n is small: a linear scan).
  const done = new Array<boolean>(n).fill(false);
  const result: T[] = [];
  for (let step = 0; step < n; step++) {
    let pick = -1;
    for (let i = 0; i < n; i++) {
      if (done[i] || indegree[i] !== 0) continue;
      if (pick === -1 || byRank(items[i] as T, items[pick] as T) < 0) pick = i;
    }
    if (pick === -1) throw cycleError(hook, items, successors, done);
    done[pick] = true;
    result.push(items[pick] as T);
    for (const { to } of successors[pick] ?? []) indegree[to] = (indegree[to] ?? 0) - 1;
  }
  return result;
}

/** Finds one cycle among the unplaced handlers and names it, with the constraint behind each step. */
function cycleError(hook: string, items: readonly Orderable[], successors: ReadonlyArray<ReadonlyArray<{ to: number; why: string }>>, done: readonly boolean[]): PluginError {
  // Every unplaced handler has an unplaced predecessor (that is why it could not be placed), so
  // walking predecessors among unplaced handlers must revisit one: that loop is the cycle.
  const predecessor = (node: number): { from: number; why: string } | undefined => {
    for (let from = 0; from < successors.length; from++) {
      if (done[from]) continue;
      const edge = successors[from]?.find((e) => e.to === node);
      if (edge !== undefined) return { from, why: edge.why };
    }
    return undefined;
  };
  const position = new Map<number, number>();
  const walk: Array<{ node: number; why: string }> = []; // walk[k].why explains walk[k].node → previous node
  let node = done.findIndex((d) => !d);
  while (!position.has(node)) {
    position.set(node, walk.length);
    const prev = predecessor(node);
    if (prev === undefined) break; // cannot happen; keeps the loop total
    walk.push({ node: prev.from, why: prev.why });
    node = prev.from;
  }
  // walk holds predecessors from the first visit of `node` on; reverse to read it forwards.
  const loop = walk.slice(position.get(node) ?? 0).reverse();
  const names = [...loop.map((step) => label(items[step.node] as Orderable)), label(items[loop[0]?.node ?? node] as Orderable)].join(' → ');
  const reasons = loop.map((step) => step.why).join('; ');
  return new PluginError(ErrorCodes.ORDER, `hook "${hook}": before/after constraints form a cycle: ${names} (${reasons})`, {
    pluginId: items[loop[0]?.node ?? node]?.pluginId,
    operation: `hook:${hook}`,
  });
}

function label(item: Orderable): string {
  return item.pluginId ?? `host handler #${item.order}`;
}
