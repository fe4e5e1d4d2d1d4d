/**
 * A trusted JS plugin (the seed's native type) behind the same runtime interface as WASM ones.
 * It registers its own hooks and subscriptions through the context it gets in `initialize`.
 */
import { ErrorCodes, GuestError, PluginError, describeError } from '../errors.ts';
import type { PluginEvent } from '../events/event-bus.ts';
import { recordFailure, recordSuccess } from './stats.ts';
import type { Plugin, PluginContext, PluginRuntime, PluginStats } from './types.ts';

/** Drives one JS plugin object. */
export class JsPlugin implements PluginRuntime {
  readonly kind = 'js' as const;
  readonly #id: string;
  readonly #plugin: Plugin;
  readonly #stats: PluginStats;

  constructor(id: string, plugin: Plugin, stats: PluginStats) {
    this.#id = id;
    this.#plugin = plugin;
    this.#stats = stats;
  }

  declaredHooks(): string[] {
    return [];
  }

  declaredEvents(): string[] {
    return [];
  }

  async initialize(context: PluginContext): Promise<void> {
    if (this.#plugin.initialize === undefined) return;
    try {
      await this.#track('initialize', () => this.#plugin.initialize?.(context));
    } catch (err) {
      throw new PluginError(ErrorCodes.INIT, `initialize failed: ${describeError(err)}`, { pluginId: this.#id, cause: err, operation: 'initialize' });
    }
  }

  async invokeHook(): Promise<unknown> {
    return undefined;
  }

  async deliverEvent(_event: PluginEvent): Promise<void> {}

  async callExport(name: string): Promise<Uint8Array> {
    throw new PluginError(ErrorCodes.NOT_IMPLEMENTED, `a JS plugin has no exports to call (asked for "${name}")`, { pluginId: this.#id, operation: `call:${name}` });
  }

  async command(name: string, args: unknown): Promise<unknown> {
    const handler = this.#plugin.handleCommand;
    if (handler === undefined) {
      throw new PluginError(ErrorCodes.NOT_IMPLEMENTED, `the plugin handles no commands (asked for "${name}")`, { pluginId: this.#id, operation: `command:${name}` });
    }
    return this.#track(`command:${name}`, () => handler.call(this.#plugin, name, args));
  }

  declaredContentTypes(): string[] {
    return [];
  }

  async contentType(name: string): Promise<unknown> {
    throw new PluginError(ErrorCodes.NOT_IMPLEMENTED, `JS plugins register content types through their context (asked for "${name}")`, { pluginId: this.#id, operation: 'content_type' });
  }

  declaredTemplateFunctions(): string[] {
    return [];
  }

  async templateFunction(name: string): Promise<unknown> {
    throw new PluginError(ErrorCodes.NOT_IMPLEMENTED, `JS plugins register template functions through their context (asked for "${name}")`, { pluginId: this.#id, operation: 'template_function' });
  }

  async shutdown(): Promise<void> {
    try {
      await this.#plugin.shutdown?.();
    } catch (err) {
      throw new GuestError(ErrorCodes.GUEST, `shutdown failed: ${describeError(err)}`, { pluginId: this.#id, cause: err, operation: 'shutdown' });
    }
  }

  async #track<T>(operation: string, fn: () => T | Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await fn();
      recordSuccess(this.#stats, performance.now() - started);
      return result;
    } catch (err) {
      const error = err instanceof PluginError ? err : new GuestError(ErrorCodes.GUEST, `${operation} failed: ${describeError(err)}`, { pluginId: this.#id, cause: err, operation });
      recordFailure(this.#stats, error, performance.now() - started);
      throw error;
    }
  }
}
