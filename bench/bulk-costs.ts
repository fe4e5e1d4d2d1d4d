/**
 * Are size-dependent operations priced by their cost? For each bulk op (memory.fill/copy/init,
 * memory.grow, table.fill/copy/init/grow on funcref and externref tables) this measures the
 * nanoseconds it holds the thread per fuel unit the instrumenter charges for it, against the
 * nanoseconds per fuel of a plain counting loop, in the same process, interleaved. A ratio near
 * 1 means a fuel budget bounds time the same whatever the plugin does; the target is <= 3
 * (memory.grow: reported only, see docs/instrument.md "Cost model").
 * Run alone: `npm run bench:one -- bench/bulk-costs.ts`.
 */
// The compiled package (npm run build), as users import it.
import { INSTRUMENT_EXPORTS, instrument } from '@reedcms/plugins/instrument';
import { compileWat } from '../test/support/wat.ts';
import { median, printTable, type BenchResult } from './support/measure.ts';

/** Units per op (bytes or elements) and ops per call of the large-size kernels. */
const LARGE = 65_536;
/** The small size shows the per-instruction overhead that a size charge alone would miss. */
const SMALL = 16;
const TARGET = 3;

interface Kernel {
  name: string;
  /** The export's body: `$n` is the size operand, `$reps` how often to run the op. */
  wat: string;
  /** Sizes to run at, with the number of ops per call at each. */
  sizes: Array<[units: number, reps: number]>;
  /** grow kernels need a fresh instance per call (a grown table or memory stays grown). */
  fresh?: boolean;
  /** A module of its own (default: PRELUDE and the segments), so fresh instances stay small. */
  module?: string;
}

const PRELUDE = `
  (memory 80)
  (table $f 70000 70000 funcref)
  (table $e 70000 70000 externref)
  (table $fg 0 2000000 funcref)
  (table $eg 0 2000000 externref)
  (func $target)
`;

function repeatLoop(body: string): string {
  return `(func (export "run") (param $n i32) (param $reps i32) (local $i i32)
    (loop $l
      ${body}
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $reps)))))`;
}

/** A passive data / element segment of LARGE units, for memory.init and table.init. */
function segments(): string {
  return `(data $big "${'\\2a'.repeat(LARGE)}")
  (elem $bigf funcref ${'(ref.func $target) '.repeat(LARGE)})
  (elem $bige externref ${'(ref.null extern) '.repeat(LARGE)})`;
}

const KERNELS: Kernel[] = [
  {
    name: 'memory.fill',
    wat: repeatLoop('(memory.fill (i32.const 0) (i32.const 7) (local.get $n))'),
    sizes: [
      [1 << 20, 64],
      [SMALL, 200_000],
    ],
  },
  {
    name: 'memory.copy',
    wat: repeatLoop('(memory.copy (i32.const 0) (i32.const 2097152) (local.get $n))'),
    sizes: [
      [1 << 20, 64],
      [SMALL, 200_000],
    ],
  },
  {
    name: 'memory.init',
    wat: repeatLoop('(memory.init $big (i32.const 0) (i32.const 0) (local.get $n))'),
    sizes: [
      [LARGE, 512],
      [SMALL, 200_000],
    ],
  },
  {
    name: 'memory.grow',
    wat: repeatLoop('(drop (memory.grow (local.get $n)))'),
    sizes: [
      [1, 900],
      [64, 14],
    ],
    fresh: true,
    module: '(memory 1)',
  },
  {
    name: 'table.fill funcref',
    wat: repeatLoop('(table.fill $f (i32.const 0) (ref.func $target) (local.get $n))'),
    sizes: [
      [LARGE, 32],
      [SMALL, 200_000],
    ],
  },
  {
    name: 'table.fill externref',
    wat: repeatLoop('(table.fill $e (i32.const 0) (ref.null extern) (local.get $n))'),
    sizes: [
      [LARGE, 32],
      [SMALL, 200_000],
    ],
  },
  {
    name: 'table.copy funcref',
    wat: repeatLoop('(table.copy $f $f (i32.const 0) (i32.const 1) (local.get $n))'),
    sizes: [
      [LARGE, 32],
      [SMALL, 200_000],
    ],
  },
  {
    name: 'table.copy externref',
    wat: repeatLoop('(table.copy $e $e (i32.const 0) (i32.const 1) (local.get $n))'),
    sizes: [
      [LARGE, 32],
      [SMALL, 200_000],
    ],
  },
  {
    name: 'table.init funcref',
    wat: repeatLoop('(table.init $f $bigf (i32.const 0) (i32.const 0) (local.get $n))'),
    sizes: [
      [LARGE, 32],
      [SMALL, 200_000],
    ],
  },
  {
    name: 'table.init externref',
    wat: repeatLoop('(table.init $e $bige (i32.const 0) (i32.const 0) (local.get $n))'),
    sizes: [
      [LARGE, 32],
      [SMALL, 200_000],
    ],
  },
  {
    name: 'table.grow funcref',
    wat: repeatLoop('(drop (table.grow $fg (ref.func $target) (local.get $n)))'),
    sizes: [
      [LARGE, 30],
      [SMALL, 100_000],
    ],
    fresh: true,
  },
  {
    name: 'table.grow externref',
    wat: repeatLoop('(drop (table.grow $eg (ref.null extern) (local.get $n)))'),
    sizes: [
      [LARGE, 30],
      [SMALL, 100_000],
    ],
    fresh: true,
  },
];

const PLAIN_LOOP = `(func (export "run") (param $n i32) (param $reps i32) (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $reps)))))`;

const BUDGET = 1n << 60n;

interface Runner {
  /** Runs one call; returns [nanoseconds, fuel used]. */
  run(units: number, reps: number): [number, number];
}

async function runner(body: string, fresh: boolean, source?: string): Promise<Runner> {
  const plain = await compileWat(`(module ${source ?? `${PRELUDE} ${segments()}`} ${body})`, 'bulk.wat');
  const { bytes } = instrument(plain, { defaultFuel: BUDGET, memoryMaxPages: 1024 });
  const module = await WebAssembly.compile(bytes);
  const make = () => new WebAssembly.Instance(module, {}).exports as Record<string, unknown>;
  let exports = make();
  return {
    run(units, reps) {
      if (fresh) exports = make();
      const fuel = exports[INSTRUMENT_EXPORTS.fuel] as WebAssembly.Global;
      const run = exports.run as (n: number, reps: number) => void;
      const started = performance.now();
      run(units, reps);
      const ns = (performance.now() - started) * 1e6;
      return [ns, Number(BUDGET - (fuel.value as bigint))];
    },
  };
}

/**
 * Runs the bulk-cost benchmark.
 *
 * @example
 * ```ts
 * printTable(await runBulkCostsBench());
 * ```
 */
export async function runBulkCostsBench(): Promise<BenchResult[]> {
  const loop = await runner(PLAIN_LOOP, false);
  const LOOP_REPS = 2_000_000;
  const results: BenchResult[] = [];
  for (const kernel of KERNELS) {
    const op = await runner(kernel.wat, kernel.fresh ?? false, kernel.module);
    for (const [units, reps] of kernel.sizes) {
      for (let i = 0; i < 3; i++) {
        op.run(units, reps);
        loop.run(0, LOOP_REPS);
      }
      const opNsPerFuel: number[] = [];
      const loopNsPerFuel: number[] = [];
      const opTimes: number[] = [];
      let opFuel = 0;
      for (let round = 0; round < 9; round++) {
        const [ns, fuel] = op.run(units, reps);
        const [lns, lfuel] = loop.run(0, LOOP_REPS);
        opNsPerFuel.push(ns / fuel);
        loopNsPerFuel.push(lns / lfuel);
        opTimes.push(ns);
        opFuel = fuel; // the same every round: fuel is deterministic
      }
      const opNs = median(opTimes);
      const opMedian = median(opNsPerFuel);
      const loopMedian = median(loopNsPerFuel);
      const ratio = opMedian / loopMedian;
      const unit = kernel.name.startsWith('memory.grow') ? 'page' : kernel.name.startsWith('memory') ? 'byte' : 'element';
      // memory.grow is priced below its time on purpose: total growth is bounded by memoryBytes
      // per instance, and a time-equivalent price would put a few pages over the default budget.
      const reportOnly = kernel.name === 'memory.grow';
      results.push({
        name: `${kernel.name} × ${units} ${unit}s vs a plain loop of the same fuel`,
        candidateUs: opNs / 1000,
        baselineUs: (loopMedian * opFuel) / 1000,
        ratio,
        target: reportOnly ? 'report' : `<= ${TARGET}`,
        pass: reportOnly || ratio <= TARGET,
        details: `${(opNs / (units * reps)).toFixed(3)} ns and ${(opFuel / (units * reps)).toFixed(2)} fuel per ${unit}; ${opMedian.toFixed(3)} vs ${loopMedian.toFixed(3)} ns/fuel`,
      });
    }
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printTable(await runBulkCostsBench());
}
