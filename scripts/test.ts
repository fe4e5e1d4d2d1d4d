/**
 * `npm test`: typecheck, then the whole vitest suite, then one closing summary line
 * (`tests: N passed, N failed, N skipped`) so a reader, or CI, sees the outcome at a glance.
 * Exits non-zero when anything failed, including the typecheck.
 *
 * @example
 * ```sh
 * npm test
 * npm test -- test/manager        # extra arguments go to vitest
 * ```
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './lib/build-assemblyscript.ts';

const resultsFile = join(REPO_ROOT, 'build', 'test-results.json');
const bin = (name: string) => join(REPO_ROOT, 'node_modules', '.bin', name);
const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { cwd: REPO_ROOT, stdio: 'inherit' }).status ?? 1;

rmSync(resultsFile, { force: true });
console.log('── typecheck (tsc, strict) ──');
// The playground (its own tsconfig: DOM app, CodeMirror types from its devDependencies) too.
const typecheck = run(bin('tsc'), ['-p', 'tsconfig.json']) || run(bin('tsc'), ['-p', join('playground', 'tsconfig.json')]);
console.log(typecheck === 0 ? 'typecheck: clean' : 'typecheck: FAILED');

console.log('── vitest ──');
const vitest = run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${resultsFile}`, ...process.argv.slice(2)]);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(resultsFile)) {
  const report = JSON.parse(readFileSync(resultsFile, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
  passed = report.numPassedTests;
  failed = report.numFailedTests;
  skipped = report.numPendingTests + report.numTodoTests;
}
// A crashed runner or a failed typecheck counts as a failure even when no test failed.
if (vitest !== 0 && failed === 0) failed = 1;
if (typecheck !== 0) failed += 1;
console.log('');
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || vitest !== 0 || typecheck !== 0 ? 1 : 0);
