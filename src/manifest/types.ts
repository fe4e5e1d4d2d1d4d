/**
 * The parsed, validated form of plugin.toml (the seed's PluginMetadata) in TypeScript casing.
 */
import type { HookKind } from '../hooks/hook-kinds.ts';

/**
 * A capability as written in plugin.toml: a one-key table such as `{ Hook = "after_render" }`.
 *
 * @example
 * ```ts
 * const caps: Capability[] = [{ Hook: 'after_render' }, { Event: 'content.*' }, { Command: 'reindex' }];
 * ```
 */
export type Capability =
  | { Hook: string; kind?: HookKind }
  | { Event: string }
  | { Command: string }
  | { ContentType: string }
  | { TemplateFunction: string }
  /** An export the host may call as is (`manager.call`), as Extism hosts call any export. */
  | { Export: string }
  /** A host function the host supplies (`hostFunctions`), as `namespace.name`. */
  | { HostFunction: string };

/**
 * A `[[dependencies]]` entry.
 *
 * @example
 * ```ts
 * const deps: PluginDependency[] = parseManifest(toml).dependencies; // [{ pluginId: 'core', version: '^1.0', optional: false }]
 * ```
 */
export interface PluginDependency {
  /** The id of the plugin depended on. */
  pluginId: string;
  /** A semver range the dependency's version must satisfy (`*` when omitted). */
  version: string;
  /** When true, a missing dependency is fine (but a present one must still match). */
  optional: boolean;
}

/**
 * Limits: what a plugin asks for in `[limits]`, and the host's caps (`HostLimits`).
 *
 * @example
 * ```ts
 * // plugin.toml: [limits] fuel = 2_000_000, memory_bytes = 16_777_216
 * parseManifest(toml).limits; // { fuel: 2_000_000, memoryBytes: 16_777_216 }
 * ```
 */
export interface RequestedLimits {
  /** Instructions per call (`false`: unmetered). */
  fuel?: number | false;
  /** The plugin's linear memory cap, bytes. */
  memoryBytes?: number;
  /** Elements of all the plugin's tables together (funcref/externref tables live outside linear memory). */
  maxTableElements?: number;
  /** Deepest guest call stack. */
  maxCallDepth?: number;
  maxInputBytes?: number;
  maxOutputBytes?: number;
  /** Guest log bytes per call. */
  maxLogBytes?: number;
  /** Bytes of plugin variables (Extism `var_set`) kept between calls. */
  maxVarBytes?: number;
  /** Events the plugin may publish in one call. */
  maxEventsPerCall?: number;
  /** Files a WASI plugin may hold open at once. */
  maxFileHandles?: number;
  /** Wall-clock limit per call (worker isolation). */
  timeoutMs?: number;
  /** HTTP requests per call. */
  maxHttpRequests?: number;
  /** Bytes of one HTTP response body. */
  maxHttpResponseBytes?: number;
  /** Wall-clock limit of one HTTP request, redirects and body included. */
  httpTimeoutMs?: number;
  /** Redirects followed per request. */
  maxHttpRedirects?: number;
}

/**
 * Everything a plugin declares about itself.
 *
 * @example
 * ```ts
 * const meta: PluginMetadata = parseManifest(tomlText);
 * console.log(meta.id, meta.version, meta.capabilities);
 * ```
 */
export interface PluginMetadata {
  id: string;
  name: string;
  /** A semver version. */
  version: string;
  author?: string;
  description?: string;
  license?: string;
  homepage?: string;
  /** Lower runs first (default 100). */
  priority: number;
  /** The module file name beside plugin.toml (default `plugin.wasm`). */
  wasm: string;
  /** Expected sha256 of the module bytes, hex. */
  sha256?: string;
  capabilities: Capability[];
  dependencies: PluginDependency[];
  /** A JSON Schema for the plugin's host-side config. */
  configSchema?: Record<string, unknown>;
  limits: RequestedLimits;
  network: { allowedHosts: string[] };
  /** The `[wasi]` table: args and environment a WASI guest sees (the host's config wins). */
  wasi?: { args: string[]; env: Record<string, string> };
  /** The `[filesystem]` table: mounts the plugin asks for (the host grants them or not). */
  filesystem?: { mounts: Array<{ path: string; mode: 'ro' | 'rw' }> };
}

/**
 * A manifest as a caller may give it: TOML text, or an object in the TOML's shape (snake_case
 * keys; camelCase keys are accepted too and mean the same).
 *
 * @example
 * ```ts
 * const manifest: ManifestInput = 'id = "seo"\nname = "SEO"\nversion = "1.0.0"';
 * await manager.load({ manifest, wasm });
 * ```
 */
export type ManifestInput = string | Record<string, unknown>;
