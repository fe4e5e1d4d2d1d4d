/**
 * Decides, per plugin at load time, how its HTTP is served and in which isolation it runs:
 * JSPI where present (inline, the guest suspended while our `http_request` runs), otherwise worker
 * isolation (forced for a plugin that may reach the network), otherwise a clear
 * `E_UNSUPPORTED` "HTTP unavailable in this runtime".
 */
import { ErrorCodes, PluginError, describeError } from '../errors.ts';
import { httpMode, type HttpMode } from './http-mode.ts';
import { resolveHttpLimits, type HttpLimitFields } from './http-limits.ts';
import { HttpSession, type HttpDenial } from './http-session.ts';
import { NetworkPolicy } from './network-policy.ts';
import { httpEnvFunctions } from './http-host-functions.ts';
import type { HostFunction } from '../engine/extism-guest.ts';

/** A plugin's HTTP wiring: the session that enforces its policy and how requests are served. */
export interface WasmHttp {
  session: HttpSession;
  mode: HttpMode;
  /** Why requests are refused (mode `none`, or a plugin without network access). */
  reason: string;
  /** The kernel's HTTP functions (`extism:host/env`) serving this plan. */
  functions: Record<string, HostFunction>;
}

/** What {@link planHttp} needs. */
export interface PlanHttpInput {
  pluginId: string;
  /** The manager's `allowedHosts`. */
  hostAllowed: readonly string[] | undefined;
  /** The manifest's `[network] allowed_hosts`. */
  pluginAllowed: readonly string[];
  isolation: 'inline' | 'worker';
  hasWorkers: boolean;
  jspi: boolean;
  limits: HttpLimitFields | undefined;
  /** What the plugin's manifest asks for (it may only lower the host's limits). */
  requested?: HttpLimitFields | undefined;
  /** The call's wall-clock limit (worker isolation). */
  callTimeoutMs: number;
  fetch: typeof fetch | undefined;
  onDenied: (denial: HttpDenial) => void;
}

/**
 * The isolation to use and the plugin's HTTP wiring.
 *
 * @throws PluginError `E_MANIFEST` / `E_CONFIG` for a bad pattern, `E_UNSUPPORTED` when the
 *   plugin may reach the network but the runtime has neither JSPI nor workers.
 */
export function planHttp(input: PlanHttpInput): { isolation: 'inline' | 'worker'; http: WasmHttp } {
  const { pluginId } = input;
  let policy: NetworkPolicy;
  try {
    NetworkPolicy.create({ host: input.hostAllowed ?? [], plugin: [] });
  } catch (err) {
    throw new PluginError(ErrorCodes.CONFIG, `invalid host network policy: ${describeError(err)}`, { pluginId, cause: err, operation: 'load' });
  }
  try {
    policy = NetworkPolicy.create({ host: input.hostAllowed ?? [], plugin: input.pluginAllowed });
  } catch (err) {
    throw new PluginError(ErrorCodes.MANIFEST, `invalid [network] allowed_hosts: ${describeError(err)}`, { pluginId, cause: err, operation: 'load' });
  }
  const mode = httpMode(input, policy.enabled);
  if (policy.enabled && mode === 'none') {
    throw new PluginError(
      ErrorCodes.UNSUPPORTED,
      'HTTP unavailable in this runtime: the plugin declares network access, but this runtime has neither JSPI (WebAssembly.Suspending) nor worker isolation',
      { pluginId, operation: 'load' },
    );
  }
  const isolation = mode === 'worker' ? 'worker' : input.isolation;
  const limits = resolveHttpLimits(input.limits, isolation === 'worker' ? input.callTimeoutMs : Infinity, input.requested);
  const session = new HttpSession({ policy, limits, fetch: input.fetch, onDenied: input.onDenied });
  const reason = (input.hostAllowed ?? []).length === 0 ? 'network access is disabled by the host (allowedHosts is empty)' : 'the plugin declares no [network] allowed_hosts';
  return { isolation, http: { session, mode, reason, functions: httpEnvFunctions({ session, mode, reason }) } };
}
