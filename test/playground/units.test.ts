/**
 * The playground's pure parts in Node: asc's diagnostics read into line/column (from a real
 * compile), the share codec, the input/output diff, mock URL matching, the SDK import rewrite,
 * and the error-code meanings read from src/errors.ts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '@reedcms/plugins';
import { REPO_ROOT, buildAssemblyScript } from '../../scripts/lib/build-assemblyscript.ts';
import { parseDiagnostics } from '../../playground/src/diagnostics.ts';
import { diffLines } from '../../playground/src/diff.ts';
import { mockMatches } from '../../playground/src/mock-fetch.ts';
import { decodeState, encodeState } from '../../playground/src/share.ts';
import { errorCodeMeanings, toPackageImports } from '../../playground/vite/playground-plugin.ts';

describe('playground units', () => {
  it("reads asc's diagnostics with file, line and column", async () => {
    const dir = join(REPO_ROOT, 'build', 'playground-units', 'assembly');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'index.ts'), 'import { Log } from "../../../sdk/assembly/index";\n\nexport function f(): i32 {\n  const n: i32 = "text";\n  Log.info("x");\n  return n;\n}\n');
    const error = await buildAssemblyScript({ entry: join(dir, 'index.ts'), outFile: join(dir, '..', 'out.wasm'), force: true }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    const found = parseDiagnostics((error as Error).message);
    expect(found).toContainEqual(expect.objectContaining({ severity: 'error', code: 'TS2322', file: 'build/playground-units/assembly/index.ts', line: 4, column: 18 }));
  });

  it('round-trips a state through the URL hash, and ignores other hashes', async () => {
    const state = { source: 'export function hook(): i32 { return 0; } // ünïcode ✓'.repeat(200), limits: { fuel: 5, memoryBytes: false } };
    const hash = await encodeState(state);
    expect(hash).toMatch(/^#s=[A-Za-z0-9_-]+$/);
    expect(hash.length).toBeLessThan(JSON.stringify(state).length / 10);
    expect(await decodeState(hash)).toEqual(state);
    expect(await decodeState('#section-2')).toBeUndefined();
    await expect(decodeState('#s=not-deflate')).rejects.toThrow(/./);
  });

  it('diffs lines', () => {
    expect(diffLines('a\nb\nc', 'a\nx\nc\nd')).toEqual([
      { op: ' ', text: 'a' },
      { op: '-', text: 'b' },
      { op: '+', text: 'x' },
      { op: ' ', text: 'c' },
      { op: '+', text: 'd' },
    ]);
  });

  it('matches mock URLs exactly or by a * prefix', () => {
    expect(mockMatches('https://api.example.com/a', 'https://api.example.com/a')).toBe(true);
    expect(mockMatches('https://api.example.com/a', 'https://api.example.com/ab')).toBe(false);
    expect(mockMatches('https://api.example.com/*', 'https://api.example.com/v1?q=1')).toBe(true);
    expect(mockMatches('https://api.example.com/*', 'https://api.example.net/')).toBe(false);
  });

  it('rewrites repository-relative SDK imports to the package name', () => {
    expect(toPackageImports('import { Input } from "../../../../sdk/assembly/index";')).toBe('import { Input } from "@reedcms/plugins/sdk";');
    expect(toPackageImports("import { Log } from '../../sdk/assembly';")).toBe('import { Log } from "@reedcms/plugins/sdk";');
    expect(toPackageImports('import { x } from "./sdk/assembly";')).toBe('import { x } from "./sdk/assembly";');
  });

  it('explains every error code, from its comment in src/errors.ts', async () => {
    const meanings = await errorCodeMeanings();
    expect(Object.keys(meanings).sort()).toEqual(Object.values(ErrorCodes).sort());
    expect(meanings.E_FUEL).toMatch(/^The call ran out of fuel/);
    expect(Object.values(meanings).every((m) => m.length > 10 && !m.includes('*'))).toBe(true);
  });
});
