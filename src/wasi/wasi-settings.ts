/**
 * What a plugin's WASI world holds: its args, its environment and whether it runs
 * deterministically. Empty and real by default; the manifest's `[wasi]` table may set args and
 * env, and the host's config (`wasi: { <id>: … }`, `deterministic`) may set all three. Where
 * both set something, the host's value wins (env key by key).
 */

import type { Mount } from './wasi-mounts.ts';

/**
 * The host's WASI settings for one plugin (`new PluginManager({ wasi: { seo: … } })`).
 *
 * @example
 * ```ts
 * const seo: WasiConfig = { args: ['seo', '--fast'], env: { MODE: 'fast' }, deterministic: true };
 * new PluginManager({ wasi: { seo } });
 * ```
 */
export interface WasiConfig {
  /** argv as the guest sees it (replaces the manifest's). */
  args?: string[];
  /** Environment variables, merged over the manifest's. */
  env?: Record<string, string>;
  /** Fixed clock and seeded randomness; overrides the manager's `deterministic`. */
  deterministic?: boolean;
}

/** The manifest's `[wasi]` table. */
export interface ManifestWasi {
  args: string[];
  env: Record<string, string>;
}

/** The resolved settings a plugin's WASI layer is built from. */
export interface WasiSettings {
  args: string[];
  /** `KEY=value` strings, in key order. */
  env: string[];
  deterministic: boolean;
  /** Granted mounts (src/wasi/wasi-mounts.ts), shared by the plugin's instances. */
  mounts?: Mount[];
}

/** Resolves one plugin's WASI settings. */
export function resolveWasiSettings(manifest: ManifestWasi | undefined, hostDeterministic: boolean | undefined, host: WasiConfig | undefined): WasiSettings {
  const env = { ...manifest?.env, ...host?.env };
  return {
    args: [...(host?.args ?? manifest?.args ?? [])],
    env: Object.keys(env)
      .sort()
      .map((key) => `${key}=${env[key]}`),
    deterministic: host?.deterministic ?? hostDeterministic ?? false,
  };
}
