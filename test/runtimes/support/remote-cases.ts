/**
 * Registers the conformance cases as vitest tests whose outcomes come from another runtime
 * (Deno, workerd, Chromium): the suite runs there once, in `beforeAll`, and each `it` reports
 * its own case, so a failure names both the case and the runtime.
 *
 * @example
 * ```ts
 * describeRemoteSuite('deno', async () => parseResults(await runDeno()));
 * ```
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CASES, knownFailure, type CaseResult } from '../../conformance/suite.ts';

/**
 * Declares `conformance on <runtime>` with one test per case.
 *
 * @example
 * ```ts
 * describeRemoteSuite('workerd', () => fetchResults(url));
 * ```
 */
export function describeRemoteSuite(runtime: string, run: () => Promise<CaseResult[]>, options: { skip?: string; suiteRuntime?: string } = {}): void {
  const title = `conformance on ${runtime}`;
  if (options.skip !== undefined) {
    // Loud on purpose: a skipped runtime must not pass for a tested one.
    console.warn(`\n!!! ${title} SKIPPED: ${options.skip}\n`);
    // oxlint-disable-next-line vitest/no-disabled-tests -- reported as skipped, case by case
    describe.skip(title, () => {
      // oxlint-disable-next-line vitest/expect-expect -- never runs: lists the skipped cases
      for (const c of CASES) it(c.name, () => {});
    });
    return;
  }
  describe(title, () => {
    let results: CaseResult[] = [];
    let failure: unknown;
    beforeAll(async () => {
      try {
        results = await run();
      } catch (err) {
        failure = err;
      }
    });
    for (const c of CASES) {
      const check = () => {
        if (failure !== undefined) throw failure;
        const result = results.find((r) => r.name === c.name);
        expect(result, `${runtime} reported no result for this case`).toBeDefined();
        if (result?.ok !== true) throw new Error(`[${runtime}] ${c.name}: ${result?.error}`);
      };
      const bug = knownFailure(options.suiteRuntime ?? runtime, c.name);
      // oxlint-disable-next-line vitest/expect-expect -- check() asserts
      if (bug === undefined) it(c.name, check);
      // oxlint-disable-next-line vitest/expect-expect -- check() asserts
      else it.fails(`${c.name} [known bug: ${bug}]`, check);
    }
  });
}

/**
 * Finds the `{"results":[…]}` line in a runner's output.
 *
 * @example
 * ```ts
 * parseResults('noise\n{"results":[]}\n'); // []
 * ```
 */
export function parseResults(output: string): CaseResult[] {
  const line = output.split('\n').find((l) => l.startsWith('{"results":'));
  if (line === undefined) throw new Error(`the runner printed no results; its output:\n${output.slice(-4000)}`);
  return (JSON.parse(line) as { results: CaseResult[] }).results;
}
