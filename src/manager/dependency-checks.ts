/**
 * Dependency questions about the plugins already loaded: which versions are active, who
 * requires a plugin (so unload can refuse or cascade), and whether a new version of a plugin
 * keeps every dependent's range satisfied (so reload can refuse before swapping).
 */
import { satisfiesRange } from '../manifest/manifest-loader.ts';
import { DependencyError } from '../errors.ts';
import type { PluginMetadata } from '../manifest/types.ts';
import { planLoadOrder } from './dependency-order.ts';
import type { PluginRecord } from './plugin-record.ts';

/** Active plugins' versions by id, as `planLoadOrder` takes them. */
export function activeVersions(records: ReadonlyMap<string, PluginRecord>): Map<string, string> {
  const versions = new Map<string, string>();
  for (const r of records.values()) if (r.state === 'active' && r.generation !== undefined) versions.set(r.id, r.generation.metadata.version);
  return versions;
}

/** Ids of loaded plugins that require `id` (optional dependencies do not count). */
export function dependentsOf(records: ReadonlyMap<string, PluginRecord>, id: string): string[] {
  return [...records.values()].filter((r) => r.generation !== undefined && r.generation.metadata.dependencies.some((d) => d.pluginId === id && !d.optional)).map((r) => r.id);
}

/**
 * A new version must satisfy its own dependencies and every dependent's range on it.
 *
 * @throws DependencyError naming what would break.
 */
export function checkReloadDependencies(records: ReadonlyMap<string, PluginRecord>, id: string, metadata: PluginMetadata): void {
  const versions = activeVersions(records);
  versions.delete(id);
  const failure = planLoadOrder([metadata], versions).failures.get(id);
  if (failure !== undefined) throw failure;
  for (const other of records.values()) {
    const dependency = other.generation?.metadata.dependencies.find((d) => d.pluginId === id);
    if (dependency === undefined || other.id === id) continue;
    if (!satisfiesRange(metadata.version, dependency.version)) {
      throw new DependencyError(`version ${metadata.version} would break "${other.id}", which requires ${id} ${dependency.version}`, other.id, { pluginId: id, operation: 'reload' });
    }
  }
}
