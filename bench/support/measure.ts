/**
 * Side-by-side timing: a candidate and its baseline run interleaved in rounds within one
 * process, so machine noise hits both alike; the ratio of their medians is what we report.
 */

/** The line prefix a suite child process prints its JSON results after (see run-suite.ts). */
export const RESULT_PREFIX = 'BENCH-RESULTS ';

/** One benchmark line: what was compared and how they did. */
export interface BenchResult {
  name: string;
  /** Median time per operation of the candidate, in microseconds. */
  candidateUs: number;
  /** Median time per operation of the baseline, in microseconds. */
  baselineUs: number;
  /** candidate / baseline (lower is better) unless `higherIsBetter`. */
  ratio: number;
  /** The target the ratio must meet, e.g. `<= 1.15`. */
  target: string;
  pass: boolean;
  /** Free-form details (sizes, units). */
  details: string;
}

/**
 * Times `ops` runs of each function per round over `rounds` rounds, alternating which goes
 * first, and returns the median microseconds per operation of each.
 *
 * @example
 * ```ts
 * const { candidateUs, baselineUs } = await compare(() => ours(), () => raw(), { ops: 2000, rounds: 9 });
 * ```
 */
export async function compare(
  candidate: () => unknown | Promise<unknown>,
  baseline: () => unknown | Promise<unknown>,
  options: { ops: number; rounds: number; warmup?: number },
): Promise<{ candidateUs: number; baselineUs: number }> {
  const warmup = options.warmup ?? Math.min(options.ops, 500);
  for (let i = 0; i < warmup; i++) {
    await candidate();
    await baseline();
  }
  const c: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? [candidate, baseline] : [baseline, candidate];
    for (const fn of order) {
      const started = performance.now();
      for (let i = 0; i < options.ops; i++) await fn();
      const perOpUs = ((performance.now() - started) * 1000) / options.ops;
      (fn === candidate ? c : b).push(perOpUs);
    }
  }
  return { candidateUs: median(c), baselineUs: median(b) };
}

/**
 * The median of some numbers.
 *
 * @example
 * ```ts
 * median([3, 1, 2]); // 2
 * ```
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Prints results as an aligned table, with a PASS/MISS column against each target.
 *
 * @example
 * ```ts
 * printTable(results);
 * ```
 */
export function printTable(results: readonly BenchResult[]): void {
  const rows = results.map((r) => [
    r.name,
    Number.isFinite(r.candidateUs) ? r.candidateUs.toFixed(2) : '-',
    Number.isFinite(r.baselineUs) ? r.baselineUs.toFixed(2) : '-',
    `${r.ratio.toFixed(3)}×`,
    r.target,
    r.pass ? 'PASS' : 'MISS',
    r.details,
  ]);
  const header = ['benchmark', 'ours µs', 'baseline µs', 'ratio', 'target', '', 'details'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}
