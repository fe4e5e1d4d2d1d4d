/**
 * What a WASM plugin's guest code sends the host besides call results: events it publishes
 * (`reed_publish_event`), its log lines, and the refusals the host answers with. Every refusal
 * is logged and published as `plugin.denied`, so a plugin cannot fail silently.
 */
import { describeError } from '../errors.ts';
import type { PluginEvent } from '../events/event-bus.ts';
import { GuestEvents, type DeniedEventData, type LogEventData } from '../http/guest-events.ts';
import { capabilitySet, eventTypeMatches } from '../manifest/capabilities.ts';
import type { PluginMetadata } from '../manifest/types.ts';
import { PublishStatus } from '../plugin/wasm-plugin.ts';
import type { ReportTargets } from './manager-errors.ts';
import { printable } from '../util/printable.ts';

/** Event type prefixes only the host publishes. */
const RESERVED_EVENT_PREFIXES = ['plugin.', 'system.', 'stream.'];
/** The longest chain of events plugins may publish in answer to each other. */
const MAX_EVENT_CHAIN = 8;

/**
 * The host end of every WASM plugin's events and logs (one per manager: the event-chain bound
 * spans plugins).
 *
 * @example
 * ```ts
 * const guest = new GuestChannel({ events, logger, isClosed: () => closed });
 * WasmPlugin.create({ …, onLog: (level, message) => guest.log(id, level, message), publish: (type, data, cause) => guest.publish(metadata, type, data, cause) });
 * ```
 */
export class GuestChannel {
  readonly #out: ReportTargets;
  /** How many plugin-published events led to each event (absent: published by the host). */
  readonly #eventDepth = new WeakMap<PluginEvent, number>();

  constructor(out: ReportTargets) {
    this.#out = out;
  }

  /**
   * `reed_publish_event` from a guest: only declared event types, always with its own source.
   * Returns a PublishStatus code for the guest.
   *
   * @example
   * ```ts
   * guest.publish(metadata, 'seo.indexed', { url }, currentEvent); // PublishStatus.OK or DENIED
   * ```
   */
  publish(metadata: PluginMetadata, type: string, data: unknown, cause: PluginEvent | undefined): number {
    const declared = capabilitySet(metadata).events;
    if (RESERVED_EVENT_PREFIXES.some((prefix) => type.startsWith(prefix))) {
      this.denied({ pluginId: metadata.id, what: 'event', reason: `publishing "${type}" was refused: plugin.*, system.* and stream.* events are the host's own`, type });
      return PublishStatus.DENIED;
    }
    if (!declared.some((pattern) => eventTypeMatches(pattern, type))) {
      this.denied({ pluginId: metadata.id, what: 'event', reason: `publishing "${type}" was refused: the plugin declares no matching Event capability`, type });
      return PublishStatus.DENIED;
    }
    // Plugins answering each other's events could chain forever: bound the chain's length.
    const depth = (cause === undefined ? 0 : (this.#eventDepth.get(cause) ?? 0)) + 1;
    if (depth > MAX_EVENT_CHAIN) {
      this.denied({ pluginId: metadata.id, what: 'event', reason: `publishing "${type}" was refused: an event chain of ${depth} plugin-published events (the limit is ${MAX_EVENT_CHAIN})`, type });
      return PublishStatus.DENIED;
    }
    // Host functions are synchronous: deliver after the guest call, on a macrotask, so a busy
    // chain of plugin events never starves timers and I/O.
    setTimeout(() => {
      if (this.#out.isClosed()) return;
      let event: PluginEvent;
      try {
        event = this.#out.events.createEvent({ type, data, source: metadata.id });
      } catch (err) {
        this.#out.logger.error(`[${metadata.id}] publish failed: ${describeError(err)}`);
        return;
      }
      this.#eventDepth.set(event, depth);
      this.#out.events.dispatch(event).catch((err: unknown) => this.#out.logger.error(`[${metadata.id}] publish failed: ${describeError(err)}`));
    }, 0);
    return PublishStatus.OK;
  }

  /**
   * A guest log line: to the host's logger, and published as `plugin.log`.
   *
   * @example
   * ```ts
   * guest.log('seo', 'info', 'indexed 12 pages'); // logger.info('[seo] indexed 12 pages')
   * ```
   */
  log(id: string, level: LogEventData['level'], message: string): void {
    const line = `[${id}] ${message}`;
    if (level === 'trace' || level === 'debug') this.#out.logger.debug(line);
    else this.#out.logger[level](line);
    // Already bounded by the plugin's per-call log limit (WasmPlugin drops lines past it).
    if (!this.#out.isClosed()) this.#out.events.publish({ type: GuestEvents.LOG, data: { pluginId: id, level, message }, source: id }).catch(() => {});
  }

  /**
   * A refused guest action: logged and published as `plugin.denied`; never throws.
   *
   * @example
   * ```ts
   * guest.denied({ pluginId: 'seo', what: 'http', reason: 'host not allowed', url });
   * ```
   */
  denied(data: DeniedEventData): void {
    // The reason may quote what the guest asked for (a URL, an event type): escaped for the log.
    this.#out.logger.warn(`[${data.pluginId}] denied ${data.what}: ${printable(data.reason)}`);
    if (!this.#out.isClosed()) this.#out.events.publish({ type: GuestEvents.DENIED, data, source: data.pluginId }).catch(() => {});
  }
}
