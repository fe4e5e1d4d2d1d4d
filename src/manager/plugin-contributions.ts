/**
 * What a plugin contributes to the host: hook handlers, event subscriptions, template
 * functions and content types. A new version's contributions are read and checked before it
 * goes live, registered when it is swapped in, and disposed when the plugin goes away.
 */
import { ErrorCodes, PluginError } from '../errors.ts';
import type { EventBus, PluginEvent } from '../events/event-bus.ts';
import type { HookManager } from '../hooks/hook-manager.ts';
import { isGuestDiagnostic } from '../events/guest-events.ts';
import { capabilitySet } from '../manifest/capabilities.ts';
import { compileTypePatterns } from '../events/type-pattern.ts';
import type { ContentTypeRegistry } from './content-types.ts';
import { loadBoundedSchema } from '../schema/schema-loader.ts';
import type { ContentTypeDefinition } from '../plugin/types.ts';
import type { Generation, PluginRecord } from './plugin-record.ts';
import type { TemplateRegistry } from './template-functions.ts';

/** Where contributions are registered: the manager's shared registries. */
export interface ContributionTargets {
  hooks: HookManager;
  events: EventBus;
  contentTypes: ContentTypeRegistry;
  templates: TemplateRegistry;
  /** May a plugin's `on_event` receive this event? (its event chain's call budget) */
  admitDelivery: (event: PluginEvent, pluginId: string) => boolean;
}

/**
 * Reads a WASM plugin's content type definitions and checks no other plugin owns its names
 * (nor defines its declared hooks with another kind). Runs before the swap, so a version that
 * clashes never replaces the running one.
 *
 * @throws PluginError `E_OUTPUT`, `E_CAPABILITY` or `E_HOOK_DEFINITION`.
 */
export async function readContributions(generation: Generation, targets: ContributionTargets): Promise<void> {
  const { metadata, runtime } = generation;
  for (const name of runtime.declaredContentTypes()) {
    const definition = await runtime.contentType(name);
    if (definition === null || typeof definition !== 'object' || Array.isArray(definition)) {
      throw new PluginError(ErrorCodes.OUTPUT, `content_type("${name}") must return a JSON object such as { "schema": { … } }`, { pluginId: metadata.id, operation: 'content_type' });
    }
    generation.contentTypes[name] = definition as ContentTypeDefinition;
  }
  // The validator is loaded for the first schema (the registry compiles synchronously).
  if (Object.values(generation.contentTypes).some((definition) => definition.schema !== undefined)) await loadBoundedSchema();
  targets.contentTypes.checkPlugin(metadata.id, Object.keys(generation.contentTypes), generation.contentTypes);
  // A hook the plugin declares with a kind must not clash with how the hook is already defined.
  for (const [hook, kind] of Object.entries(capabilitySet(metadata).hookKinds)) {
    const current = targets.hooks.definition(hook);
    if (current !== undefined && current.origin !== 'implicit' && current.kind !== kind) {
      throw new PluginError(ErrorCodes.HOOK_DEFINITION, `declares hook "${hook}" as ${kind}, but it is defined as ${current.kind}`, { pluginId: metadata.id, operation: 'load' });
    }
  }
  targets.templates.checkPlugin(metadata.id, runtime.declaredTemplateFunctions());
}

/**
 * Registers the current generation's contributions. A WASM plugin's declared hooks and events
 * are registered once per plugin: the handlers call whatever generation is current when they
 * run, so a reload swaps versions without a gap (a chain never sees "neither version").
 * Re-registered only when the declarations change.
 */
export function syncDeclared(record: PluginRecord, targets: ContributionTargets): void {
  const generation = record.generation;
  if (generation === undefined) return;
  const { metadata, runtime } = generation;
  targets.contentTypes.replacePlugin(record.id, generation.contentTypes);
  for (const [name, impl] of Object.entries(generation.templates)) generation.disposers.push(targets.templates.register(record.id, name, impl));
  for (const [hook, kind] of Object.entries(capabilitySet(metadata).hookKinds)) {
    // Checked before the swap (readContributions); defining the same kind again is a no-op.
    if (targets.hooks.definition(hook)?.origin !== 'builtin') targets.hooks.define(hook, { kind });
  }
  const hooks = runtime.declaredHooks();
  const patterns = runtime.declaredEvents();
  const functions = runtime.declaredTemplateFunctions();
  const signature = JSON.stringify([hooks, metadata.priority, patterns, functions]);
  if (record.declared?.signature === signature) return;
  record.declared?.dispose();
  const disposers: Array<() => void> = [];
  for (const hook of hooks) {
    const handler = (data: unknown) => (record.generation === undefined ? undefined : record.generation.runtime.invokeHook(hook, data));
    disposers.push(targets.hooks.register(hook, handler, { priority: metadata.priority, pluginId: metadata.id }));
  }
  if (patterns.length > 0) {
    // One subscription for all patterns, so an event matching two is delivered once; a
    // plugin's own events are not echoed back to it (that would invite loops).
    const declared = compileTypePatterns(patterns);
    const wanted = (e: PluginEvent) => e.source !== metadata.id && !isGuestDiagnostic(e.type) && declared(e.type);
    const handler = (e: PluginEvent) => (record.state === 'active' && record.generation !== undefined && targets.admitDelivery(e, metadata.id) ? record.generation.runtime.deliverEvent(e) : undefined);
    disposers.push(targets.events.subscribeAs(metadata.id, wanted, handler));
  }
  for (const name of functions) {
    const impl = (args: unknown) => {
      if (record.state !== 'active' || record.generation === undefined) {
        throw new PluginError(ErrorCodes.STATE, `template function "${name}": the plugin is ${record.state}`, { pluginId: record.id, operation: `template:${name}` });
      }
      return record.generation.runtime.templateFunction(name, args);
    };
    disposers.push(targets.templates.register(record.id, name, impl));
  }
  record.declared = { signature, dispose: () => disposers.splice(0).forEach((dispose) => dispose()) };
}

/**
 * Removes a plugin's per-plugin registrations: declared hooks, events, templates, content
 * types (a generation's own registrations go with `retire`).
 */
export function withdraw(record: PluginRecord, contentTypes: ContentTypeRegistry): void {
  record.declared?.dispose();
  record.declared = undefined;
  contentTypes.replacePlugin(record.id, {});
}
