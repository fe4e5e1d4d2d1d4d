/**
 * `npm run docs:errors`: rewrites the README's error-code table from src/errors.ts.
 *
 * @example
 * ```sh
 * npm run docs:errors
 * ```
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readmeWithTable } from './lib/error-table.ts';

const { current, next } = readmeWithTable();
if (current === next) console.log('README.md: the error table is up to date');
else {
  writeFileSync(join(import.meta.dirname, '../README.md'), next);
  console.log('README.md: error table rewritten from src/errors.ts');
}
