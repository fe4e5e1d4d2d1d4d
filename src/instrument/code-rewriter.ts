/**
 * Rewrites the function bodies of one module, in two passes per body: `scanBody` decodes the
 * instructions once and records events (where a fuel meter goes and its cost, which
 * instructions are replaced), then `BodyEmitter` copies the input between events verbatim and
 * writes the inserted code. Nothing is decoded twice and unchanged code is copied in runs.
 *
 * Fuel lives in an i64 local inside each function (loaded at entry and after calls, stored
 * before calls and exits) and a meter that runs out branches to an out-of-fuel block wrapped
 * around the body; both keep the metering out of memory and free of calls in hot loops. See
 * body-scan.ts for the cost model and docs/instrument.md for the whole design.
 */
import { BodyEmitter } from './body-emit.ts';
import { type ScanContext, ScanState, scanBody } from './body-scan.ts';
import type { Plan } from './plan.ts';
import { ByteReader } from './reader.ts';
import { readValType } from './types.ts';
import type { ByteWriter } from './writer.ts';

/** Most locals an engine accepts per function (V8, SpiderMonkey, JSC agree). */
const MAX_LOCALS = 50_000;

/** Offsets are kept in an Int32Array; engines reject modules far below this size anyway. */
const MAX_OFFSET = 0x7fff_ffff;

/**
 * Rewrites function bodies of one module. One instance per module: it keeps its event list,
 * frame list and templates across bodies and allocates nothing per instruction.
 */
export class BodyRewriter {
  private readonly r: ByteReader;
  private readonly state = new ScanState();
  private readonly ctx: ScanContext;
  private readonly emitter: BodyEmitter;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly plan: Plan,
    w: ByteWriter,
  ) {
    this.r = new ByteReader(bytes);
    const { info, opts } = plan;
    this.ctx = {
      fuel: opts.fuel,
      wrap: opts.fuel || opts.maxCallDepth > 0,
      shift: plan.shift,
      redirect: plan.redirect,
      profileOf: plan.profileOf,
      importedFuncs: info.importedFuncs,
      typeCount: info.types.length,
      totalFuncs: info.funcTypes.length,
      tableRefTypes: info.tables.map((t) => t.refType),
      tableGrowFuncs: plan.fTableGrow,
      memoryGrowFunc: plan.fGrow ?? -1,
    };
    this.emitter = new BodyEmitter(bytes, plan, w);
  }

  /**
   * Rewrites the body in `bytes[start, end)` (after its size prefix) of input function
   * `funcIndex` and writes it, size-prefixed. Returns the number of meters inserted.
   */
  rewrite(start: number, end: number, funcIndex: number): number {
    const { bytes, plan, r } = this;
    const { info } = plan;
    if (end > MAX_OFFSET) r.fail('module too large', start);
    r.pos = start;
    r.end = end;
    const typeIndex = info.funcTypes[funcIndex]!;
    const params = info.types[typeIndex]!.params.length;

    // Locals: counted so the two scratch locals can be appended after them.
    const groups = r.u32();
    const declStart = r.pos;
    let locals = params;
    for (let g = 0; g < groups; g++) {
      const at = r.pos;
      locals += r.u32();
      if (locals > MAX_LOCALS) r.fail('too many locals', at);
      readValType(r);
    }
    const declEnd = r.pos;

    scanBody(this.state, this.ctx, bytes, r, declEnd, end);
    return this.emitter.emit(this.state, start, groups, declStart, declEnd, end, typeIndex, locals);
  }
}
