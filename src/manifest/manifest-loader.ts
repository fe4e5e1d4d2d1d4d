/**
 * The manifest reader (smol-toml, valibot and semver's range grammar, src/manifest/) and
 * semver's `satisfies`, each loaded on first use: a frontend bundle whose plugins come from the
 * Vite plugin (manifests checked at build time, handed over as metadata) and declare no
 * dependencies downloads neither.
 */
import { cachedImport } from '../util/cached-import.ts';

type ManifestModule = typeof import('./parse-manifest.ts');
type Satisfies = (version: string, range: string, options: { includePrerelease: boolean }) => boolean;

const manifestModule = cachedImport<ManifestModule>(() => import('./parse-manifest.ts'));
const semverSatisfies = cachedImport<Satisfies>(async () => (await import('semver/functions/satisfies.js')).default as Satisfies);

/** `parseManifest`, loading the reader on the first call. */
export async function loadManifestParser(): Promise<ManifestModule['parseManifest']> {
  return (await manifestModule.get()).parseManifest;
}

/**
 * Loads semver's `satisfies` for plugins that declare dependencies (the manager awaits it when
 * it reads such a manifest, before any dependency check runs).
 */
export async function loadSemver(): Promise<void> {
  await semverSatisfies.get();
}

/**
 * Whether `version` satisfies `range` (prereleases included), with semver loaded by
 * {@link loadSemver} first.
 *
 * @throws Error when semver was not loaded first (a bug in the caller, never the plugin's doing).
 */
export function satisfiesRange(version: string, range: string): boolean {
  const satisfies = semverSatisfies.loaded();
  if (satisfies === undefined) throw new Error('semver is used before it was loaded');
  return satisfies(version, range, { includePrerelease: true });
}
