/**
 * This package's own version and the tool versions it is built and tested with, read from its
 * package.json (one place: a scaffold depends on exactly what this release is tested with).
 */
import { readFileSync } from 'node:fs';

interface PackageJson {
  version: string;
  devDependencies: Record<string, string>;
}

// src/cli/ and dist/cli/ both sit two levels below the package root.
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as PackageJson;

/** The facts a scaffold needs. */
export const PACKAGE_INFO = {
  version: pkg.version,
  template: {
    packageRange: `^${pkg.version}`,
    assemblyscriptVersion: pkg.devDependencies['assemblyscript'] ?? '0.28.20',
    vitestRange: pkg.devDependencies['vitest'] ?? '^4.1.0',
  },
} as const;
