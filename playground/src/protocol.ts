/**
 * Messages between the page and the runner worker (which owns the PluginManager). Everything
 * here is structured-clone friendly: plain objects, no class instances.
 */
import type { HookKind, HostLimits, PluginStats } from '@reedcms/plugins';

/** A canned answer for URLs the plugin fetches (the manager's `fetch` option). */
export interface MockResponse {
  /** Exact URL, or a prefix ending in `*`. */
  url: string;
  status: number;
  body: string;
}

/** How the manager is set up for a load. */
export interface RunnerSettings {
  limits: HostLimits;
  isolation: 'inline' | 'worker';
  /** The host-wide egress cap (a plugin's own allow-list is intersected with it). */
  allowedHosts: string[];
  mocks: MockResponse[];
  /** The plugin's config (validated against its `config_schema` at load). */
  config: Record<string, unknown>;
}

/**
 * The module to load: bytes built or uploaded in the tab, or a catalog entry's files (absolute
 * URLs): its raw module and the same module instrumented at site build time for the limits
 * `prepared.key` names.
 */
export type ModuleSource = { bytes: ArrayBuffer } | { url: string; prepared: { url: string; key: string } };

/** What the page asks. */
export type RunnerRequest =
  | { kind: 'defaults' }
  | { kind: 'load'; manifest: string; module: ModuleSource; settings: RunnerSettings }
  | { kind: 'hook'; hook: string; input: unknown }
  | { kind: 'command'; name: string; args: unknown }
  | { kind: 'publish'; type: string; data: unknown };

/** A PluginError as the page shows it. */
export interface ErrorReport {
  code: string;
  operation: string | undefined;
  message: string;
  /** Per-field problems (E_CONFIG, E_MANIFEST). */
  issues: Array<{ path: string; message: string }>;
}

/** One line of the request log. */
export interface RequestLine {
  url: string;
  method: string;
  /** The response status, when one came. */
  status?: number;
  /** Answered from the mock table. */
  mocked?: boolean;
  /** Why it was refused or failed. */
  refused?: string;
}

/** What happened during one load or call. */
export interface Report {
  ok: boolean;
  output?: unknown;
  error?: ErrorReport;
  logs: Array<{ level: string; message: string }>;
  /** Events the plugin published. */
  events: Array<{ type: string; data: unknown }>;
  /** `plugin.denied` payloads. */
  denied: Array<Record<string, unknown>>;
  requests: RequestLine[];
  /** Counters after the call (lastError and profile left out). */
  stats?: Omit<PluginStats, 'lastError' | 'profile'>;
}

/** What a load reports besides its Report. */
export interface LoadInfo {
  pluginId: string;
  /** Every hook the Run panel offers: the predefined ones and the manifest's own, with kinds. */
  hooks: Array<{ name: string; kind: HookKind; declared: boolean }>;
  commands: string[];
  events: string[];
  /** Where the module was instrumented: at site build time (the limits chosen match), or in the tab. */
  instrumented: 'prebuilt' | 'in the tab';
}

/** The worker's answer to one request. */
export interface RunnerReply {
  seq: number;
  report: Report;
  /** For a hook call: its kind, for showing the result's shape. */
  kind?: HookKind;
  load?: LoadInfo;
  /** For `defaults`: the package's default limits and predefined hooks. */
  defaults?: { limits: Record<string, number | null>; hooks: LoadInfo['hooks'] };
}
