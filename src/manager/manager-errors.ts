/**
 * The errors the manager raises about its own state (closing, duplicate ids), and where every
 * plugin error ends up: the host's logger plus a `plugin.error` event, so dashboards see what
 * the caller may have swallowed.
 */
import { ErrorCodes, GuestError, PluginError, describeError } from '../errors.ts';
import type { EventBus, PluginEvent } from '../events/event-bus.ts';
import { Events } from '../events/event-names.ts';
import type { Logger } from '../plugin/types.ts';

/**
 * Where the manager's reports go: the host's logger, and the event bus while the manager is
 * open (shared by the error reporter and the guest channel).
 */
export interface ReportTargets {
  logger: Logger;
  events: EventBus;
  /** True once shutdown has finished: nobody is left to hear the events. */
  isClosed: () => boolean;
}

/** Logs plugin errors and publishes them as `plugin.error`; never throws. */
export class ErrorReporter {
  readonly #out: ReportTargets;

  constructor(out: ReportTargets) {
    this.#out = out;
  }

  /**
   * Logs an error (unless it is also thrown to the caller) and publishes `plugin.error`; never
   * throws.
   */
  report(error: PluginError, options: { thrown?: boolean } = {}): void {
    // An error thrown to the caller (load, reload) is the caller's to print: logging it too
    // printed every failed load twice.
    if (options.thrown !== true) this.#out.logger.warn(error.message);
    if (this.#out.isClosed()) return;
    this.#out.events.publish({ type: Events.PLUGIN_ERROR, data: { pluginId: error.pluginId, code: error.code, operation: error.operation, message: error.message, error } }).catch(() => {});
  }

  /** The event bus's `onSubscriberError`: a subscriber (host or plugin) threw. */
  onSubscriberError(err: unknown, event: PluginEvent, owner: string | undefined): void {
    // Subscribers are host or JS plugin code: their throw is a handler's failure, as in hooks.
    const operation = `event:${event.type}`;
    const error = err instanceof PluginError ? err : new GuestError(ErrorCodes.GUEST, `${operation} failed: ${describeError(err)}`, { pluginId: owner, cause: err, operation });
    // Never answer a failure in a plugin.error subscriber with another plugin.error: that loops.
    if (event.type === Events.PLUGIN_ERROR) this.#out.logger.error(error.message);
    else this.report(error);
  }
}

/** `E_CLOSED` for work refused because shutdown has begun. */
export function closingError(pluginId: string | undefined, operation: string | undefined): PluginError {
  return new PluginError(ErrorCodes.CLOSED, 'the plugin manager is shutting down', { pluginId, operation });
}

/** `E_DUPLICATE` for a second plugin with an id already loaded. */
export function duplicateError(id: string): PluginError {
  return new PluginError(ErrorCodes.DUPLICATE, `a plugin with id "${id}" is already loaded`, { pluginId: id, operation: 'load' });
}

/**
 * Any thrown value as a PluginError: PluginErrors pass through, anything else becomes
 * `E_INTERNAL` naming the plugin and operation (so `plugin.error` always has a code): every
 * failure the host expects is raised as a PluginError already, so anything else is a host bug.
 */
export function asPluginError(err: unknown, pluginId: string | undefined, operation: string): PluginError {
  if (err instanceof PluginError) return err;
  return new PluginError(ErrorCodes.INTERNAL, describeError(err), { pluginId, cause: err, operation });
}
