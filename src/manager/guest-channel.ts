/**
 * What a WASM plugin's guest code sends the host besides call results: events it publishes
 * (`reed_publish_event`), its log lines, and the refusals the host answers with. Refusals are
 * logged and published as `plugin.denied` (a limit once per call or chain, not per refused
 * event), so a plugin cannot fail silently.
 */
import type { PluginEvent } from '../events/event-bus.ts';
import { eventTypeProblem } from '../events/event-type-grammar.ts';
import { GuestEvents, type DeniedEventData, type LogEventData } from '../events/guest-events.ts';
import { compileTypePatterns } from '../events/type-pattern.ts';
import { capabilitySet } from '../manifest/capabilities.ts';
import type { PluginMetadata } from '../manifest/types.ts';
import { PublishStatus } from '../plugin/wasm-plugin.ts';
import { EventChains, resolveChainLimits } from './event-chains.ts';
import type { EventChainLimits } from '../plugin/limits.ts';
import type { ChainKey } from '../plugin/types.ts';
import type { ReportTargets } from './manager-errors.ts';
import { printable } from '../util/printable.ts';

/** Event type prefixes only the host publishes. */
const RESERVED_EVENT_PREFIXES = ['plugin.', 'system.', 'stream.'];

/**
 * The host end of every WASM plugin's events and logs (one per manager: the event-chain budget
 * spans plugins).
 */
export class GuestChannel {
  readonly #out: ReportTargets;
  readonly #chains: EventChains;
  /** Each manifest's `Event` capabilities, compiled on its first publish (weakly held). */
  readonly #declared = new WeakMap<PluginMetadata, (type: string) => boolean>();

  /** @throws TypeError when a chain limit is not a positive integer. */
  constructor(out: ReportTargets, limits?: EventChainLimits) {
    this.#out = out;
    this.#chains = new EventChains(resolveChainLimits(limits), out, (data) => this.denied(data));
  }

  /**
   * `reed_publish_event` from a guest: only well-formed, declared event types, always with its
   * own source, within its chain's budget. Returns a PublishStatus code for the guest.
   */
  publish(metadata: PluginMetadata, type: string, data: unknown, cause: ChainKey, call?: string): number {
    // First: a refused type is quoted in messages, so it must be known harmless.
    const problem = eventTypeProblem(type);
    if (problem !== undefined) {
      this.denied({ pluginId: metadata.id, what: 'event', reason: `publishing was refused: ${problem}` });
      return PublishStatus.MALFORMED;
    }
    if (RESERVED_EVENT_PREFIXES.some((prefix) => type.startsWith(prefix))) {
      this.denied({ pluginId: metadata.id, what: 'event', reason: `publishing "${type}" was refused: plugin.*, system.* and stream.* events are the host's own`, type });
      return PublishStatus.DENIED;
    }
    let declared = this.#declared.get(metadata);
    if (declared === undefined) this.#declared.set(metadata, (declared = compileTypePatterns(capabilitySet(metadata).events)));
    if (!declared(type)) {
      this.denied({ pluginId: metadata.id, what: 'event', reason: `publishing "${type}" was refused: the plugin declares no matching Event capability`, type });
      return PublishStatus.DENIED;
    }
    return this.#chains.publish(metadata.id, type, data, cause, call) ? PublishStatus.OK : PublishStatus.DENIED;
  }

  /** May `pluginId`'s `on_event` receive `event`? Counted against the event's chain. */
  admitDelivery(event: PluginEvent, pluginId: string): boolean {
    return this.#chains.admitCall(event, pluginId);
  }

  /** A guest log line: to the host's logger, and published as `plugin.log`. */
  log(id: string, level: LogEventData['level'], message: string, call?: string): void {
    const line = `[${id}] ${message}`;
    if (level === 'trace' || level === 'debug') this.#out.logger.debug(line);
    else this.#out.logger[level](line);
    // Already bounded by the plugin's per-call log limit (WasmPlugin drops lines past it).
    if (!this.#out.isClosed())
      this.#out.events.publish({ type: GuestEvents.LOG, data: call === undefined ? { pluginId: id, level, message } : { pluginId: id, level, message, call }, source: id }).catch(() => {});
  }

  /** A refused guest action: logged and published as `plugin.denied`; never throws. */
  denied(data: DeniedEventData): void {
    // The reason may quote what the guest asked for (a URL, an event type): escaped for the log.
    this.#out.logger.warn(`[${data.pluginId}] denied ${data.what}: ${printable(data.reason)}`);
    if (!this.#out.isClosed()) this.#out.events.publish({ type: GuestEvents.DENIED, data, source: data.pluginId }).catch(() => {});
  }
}
