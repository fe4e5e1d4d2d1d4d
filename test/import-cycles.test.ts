/**
 * The folders of src/ form layers: no folder imports (even types) from a folder that imports
 * from it. One older pair is known and listed; a new pair fails here, naming the imports.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');

/** The one pair that imports each other today: the engine serves WASI, whose functions use the engine's I/O. */
const KNOWN = new Set(['engine <-> wasi']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** `a -> b` for every import from folder a into folder b (root files are the folder `.`). */
function folderEdges(): Map<string, string[]> {
  const folderOf = (file: string) => (relative(SRC, file).includes('/') ? relative(SRC, file).split('/')[0]! : '.');
  const edges = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'/g)) {
      const from = folderOf(file);
      const to = folderOf(resolve(dirname(file), spec!));
      if (from === to) continue;
      const key = `${from} -> ${to}`;
      edges.set(key, [...(edges.get(key) ?? []), `${relative(SRC, file)} imports ${spec}`]);
    }
  }
  return edges;
}

describe('src/ folders', () => {
  it('import each other in one direction only (the root entry files and errors.ts aside)', () => {
    const edges = folderEdges();
    const cycles: string[] = [];
    for (const [key, imports] of edges) {
      const [a, b] = key.split(' -> ') as [string, string];
      if (a === '.' || b === '.' || a > b) continue;
      const back = edges.get(`${b} -> ${a}`);
      if (back === undefined || KNOWN.has(`${a} <-> ${b}`)) continue;
      cycles.push(`${a} <-> ${b}:\n  ${imports.join('\n  ')}\n  ${back.join('\n  ')}`);
    }
    expect(cycles).toStrictEqual([]);
  });
});
