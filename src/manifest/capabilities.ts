/**
 * Reads what a manifest's capabilities grant, grouped by kind.
 */
import type { Capability, PluginMetadata } from './types.ts';
import type { HookKind } from '../hooks/hook-kinds.ts';

/**
 * A plugin's capabilities, grouped by kind.
 *
 * @example
 * ```ts
 * const { hooks, events, commands } = capabilitySet(metadata);
 * ```
 */
export interface CapabilitySet {
  hooks: string[];
  /** Kinds declared with hooks (`{ Hook = "x", kind = "guard" }`), by hook name. */
  hookKinds: Record<string, HookKind>;
  events: string[];
  commands: string[];
  contentTypes: string[];
  templateFunctions: string[];
  /** Exports the host may call as is (`manager.call`). */
  exports: string[];
  /** Host-supplied functions the plugin may import, as `namespace.name`. */
  hostFunctions: string[];
}

/**
 * Groups a manifest's capabilities by kind (duplicates removed, order kept).
 */
export function capabilitySet(meta: Pick<PluginMetadata, 'capabilities'>): CapabilitySet {
  const set: CapabilitySet = { hooks: [], hookKinds: {}, events: [], commands: [], contentTypes: [], templateFunctions: [], exports: [], hostFunctions: [] };
  const add = (list: string[], value: string) => {
    if (!list.includes(value)) list.push(value);
  };
  for (const cap of meta.capabilities as Array<Capability & Record<string, string>>) {
    if ('Hook' in cap) {
      add(set.hooks, cap.Hook);
      const kind = (cap as { kind?: CapabilitySet['hookKinds'][string] }).kind;
      if (kind !== undefined) set.hookKinds[cap.Hook] = kind;
    } else if ('Event' in cap) add(set.events, cap.Event);
    else if ('Command' in cap) add(set.commands, cap.Command);
    else if ('ContentType' in cap) add(set.contentTypes, cap.ContentType);
    else if ('TemplateFunction' in cap) add(set.templateFunctions, cap.TemplateFunction);
    else if ('Export' in cap) add(set.exports, cap.Export);
    else if ('HostFunction' in cap) add(set.hostFunctions, cap.HostFunction);
  }
  return set;
}
