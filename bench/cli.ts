/**
 * The author's loop: `reed-plugin run` for one hook, process start to exit, next to `node -e ''`
 * (the floor any Node CLI pays), and `reed-plugin build` next to a bare `asc` call with the same
 * flags, in the same run. Run alone: `npm run bench:one -- bench/cli.ts`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../scripts/lib/build-assemblyscript.ts';
import { PACKAGE_ABORT_ELEMENT, ascFlags } from '../src/cli/asc-flags.ts';
import { median, printTable, type BenchResult } from './support/measure.ts';

const CLI = join(REPO_ROOT, 'dist', 'cli', 'main.js');
const WORK = join(REPO_ROOT, 'build', 'bench-cli');

/** Median wall milliseconds of `rounds` runs of each command, alternating which goes first. */
function timeProcesses(a: () => void, b: () => void, rounds: number): { aMs: number; bMs: number } {
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    for (const [fn, into] of i % 2 === 0
      ? ([
          [a, as],
          [b, bs],
        ] as const)
      : ([
          [b, bs],
          [a, as],
        ] as const)) {
      const started = performance.now();
      fn();
      into.push(performance.now() - started);
    }
  }
  return { aMs: median(as), bMs: median(bs) };
}

function run(command: string, args: string[], cwd = REPO_ROOT): void {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
}

/**
 * Runs the CLI benchmark.
 *
 * @example
 * ```ts
 * printTable(await runCliBench());
 * ```
 */
export async function runCliBench(): Promise<BenchResult[]> {
  rmSync(WORK, { recursive: true, force: true });
  // The package as a project that installed it sees it: @reedcms/plugins in node_modules.
  mkdirSync(join(WORK, 'node_modules', '@reedcms'), { recursive: true });
  symlinkSync(REPO_ROOT, join(WORK, 'node_modules', '@reedcms', 'plugins'));
  run('node', [CLI, 'init', 'p'], WORK);
  const plugin = join(WORK, 'p');
  writeFileSync(join(WORK, 'input.json'), JSON.stringify({ title: 'Hello', path: '/' }));
  run('node', [CLI, 'build', plugin]);

  const runTimes = timeProcesses(
    () => run('node', [CLI, 'run', plugin, 'after_render', '--input', join(WORK, 'input.json')]),
    () => run('node', ['-e', '']),
    7,
  );
  const asc = join(REPO_ROOT, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
  const buildTimes = timeProcesses(
    () => run('node', [CLI, 'build', plugin]),
    () => run('node', [asc, 'assembly/index.ts', '--outFile', 'bare.wasm', '--baseDir', plugin, ...ascFlags(PACKAGE_ABORT_ELEMENT)], plugin),
    5,
  );
  return [
    {
      name: 'reed-plugin run (one hook, process start to exit) vs node -e ""',
      candidateUs: runTimes.aMs * 1000,
      baselineUs: runTimes.bMs * 1000,
      ratio: runTimes.aMs / runTimes.bMs,
      target: 'report',
      pass: true,
      details: `${runTimes.aMs.toFixed(0)} ms vs ${runTimes.bMs.toFixed(0)} ms`,
    },
    {
      name: 'reed-plugin build (compile + check) vs bare asc, same flags',
      candidateUs: buildTimes.aMs * 1000,
      baselineUs: buildTimes.bMs * 1000,
      ratio: buildTimes.aMs / buildTimes.bMs,
      target: '<= 1.25',
      pass: buildTimes.aMs / buildTimes.bMs <= 1.25,
      details: `${buildTimes.aMs.toFixed(0)} ms vs ${buildTimes.bMs.toFixed(0)} ms; the scaffolded plugin`,
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printTable(await runCliBench());
}
