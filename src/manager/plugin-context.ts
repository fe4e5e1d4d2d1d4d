/**
 * Builds what a plugin sees of the host: a context whose hooks and subscriptions are scoped to
 * one generation (removed on unload, silent until the generation is swapped in), and whose
 * publications carry the plugin's own id as `source`.
 */
import type { EventBus, EventFilter, EventHandler, PluginEvent, PublishInput } from '../events/event-bus.ts';
import type { HookContext, HookManager, RegisterOptions } from '../hooks/hook-manager.ts';
import type { Logger, PluginContext, ContentTypeDefinition, TemplateFunctionImpl } from '../plugin/types.ts';
import type { ContentTypeRegistry } from './content-types.ts';
import type { Generation } from './plugin-record.ts';
import type { TemplateRegistry } from './template-functions.ts';

/** What the context needs from the manager. */
export interface ContextDeps {
  hooks: HookManager;
  events: EventBus;
  logger: Logger;
  contentTypes: ContentTypeRegistry;
  templates: TemplateRegistry;
}

/** A plugin's view of the host. */
export function createPluginContext(pluginId: string, config: Record<string, unknown>, generation: Generation, deps: ContextDeps): PluginContext {
  const track = (undo: () => void) => {
    generation.disposers.push(undo);
    return () => {
      const index = generation.disposers.indexOf(undo);
      if (index >= 0) generation.disposers.splice(index, 1);
      undo();
    };
  };
  return {
    pluginId,
    config,
    logger: prefixedLogger(deps.logger, pluginId),
    hooks: {
      register<T>(hook: string, handler: (data: T, context: HookContext) => unknown, options: Omit<RegisterOptions, 'pluginId'> = {}) {
        const gated = (data: T, context: HookContext): unknown => (generation.phase === 'pending' ? undefined : handler(data, context));
        return track(deps.hooks.register(hook, gated, { ...options, pluginId }));
      },
      execute: (hook, data, options) => deps.hooks.execute(hook, data, options),
      define(hook, options) {
        deps.hooks.define(hook, options);
      },
    },
    events: {
      subscribe(filterOrHandler: EventFilter | EventHandler, maybeHandler?: EventHandler) {
        const handler = (maybeHandler ?? filterOrHandler) as EventHandler;
        const gated: EventHandler = (event) => (generation.phase === 'pending' ? undefined : handler(event));
        const off = maybeHandler === undefined ? deps.events.subscribeAs(pluginId, gated) : deps.events.subscribeAs(pluginId, filterOrHandler as EventFilter, gated);
        return track(off);
      },
      publish<T>(input: Omit<PublishInput<T>, 'source'>): Promise<PluginEvent<T>> {
        return deps.events.publish({ ...input, source: pluginId });
      },
    } as PluginContext['events'],
    contentTypes: {
      register(name: string, definition: ContentTypeDefinition) {
        // Collected on the generation; the manager registers them when it swaps the version in.
        deps.contentTypes.checkPlugin(pluginId, [name]);
        generation.contentTypes[name] = definition;
      },
    },
    templates: {
      register(name: string, impl: TemplateFunctionImpl) {
        // Collected like content types: a version that fails to load never replaces the running one's.
        deps.templates.checkPlugin(pluginId, [name]);
        generation.templates[name] = impl;
      },
    },
  };
}

/** A logger that prefixes every line with the plugin id. */
export function prefixedLogger(logger: Logger, pluginId: string): Logger {
  return {
    debug: (message, ...rest) => logger.debug(`[${pluginId}] ${message}`, ...rest),
    info: (message, ...rest) => logger.info(`[${pluginId}] ${message}`, ...rest),
    warn: (message, ...rest) => logger.warn(`[${pluginId}] ${message}`, ...rest),
    error: (message, ...rest) => logger.error(`[${pluginId}] ${message}`, ...rest),
  };
}
