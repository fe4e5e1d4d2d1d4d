/**
 * The public API's documentation: every export of every package entry (package.json `exports`)
 * carries a JSDoc `@example`, and nothing internal does (examples are for users), read by the
 * TypeScript checker from the source.
 */
import { describe, expect, it } from 'vitest';
import { readPublicApi } from '../../scripts/lib/public-api.ts';

describe('public API', () => {
  const api = readPublicApi();

  it('reads every entry that package.json exports names', () => {
    expect(api.entries).toEqual(expect.arrayContaining(['src/web.ts', 'src/node.ts', 'src/browser.ts', 'src/vite/index.ts', 'src/testing/index.ts']));
    expect(api.exportCount).toBeGreaterThan(0);
  });

  it('has an @example on every export', () => {
    expect(api.missingExample).toEqual([]);
  });

  it('has no @example on what no entry exports', () => {
    expect(api.internalExamples.map((e) => `${e.file}:${e.line} ${e.name}`)).toEqual([]);
  });
});
