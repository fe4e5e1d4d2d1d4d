/**
 * The `reed.limits` custom section: what the instrumented module allocates when instantiated
 * (memory and table minimums) and the caps written into it. A host reads it from a compiled
 * `WebAssembly.Module` (`WebAssembly.Module.customSections`, also for modules instrumented at
 * build time, whose bytes are gone) to charge a memory budget before the engine allocates
 * anything, and to know sizes it cannot read itself (a worker's memory).
 */
import { MAX_PAGES } from './memory-cap.ts';
import type { Plan } from './plan.ts';
import type { ByteWriter } from './writer.ts';

/** The section's name. */
export const LIMITS_SECTION = 'reed.limits';

/** What `reed.limits` records. */
export interface ModuleLimits {
  /** The memory's declared minimum (0 without a memory). */
  memoryPages: number;
  /** The memory's maximum as written (capped). */
  memoryMaxPages: number;
  /** The tables' declared minimums, by table index. */
  tableElements: number[];
  /** Total elements all tables may hold together (maxTableElements), or null when uncapped. */
  maxTableElements: number | null;
}

const encoder = new TextEncoder();

/** Appends the section (JSON, so later fields can be added without breaking older readers). */
export function writeLimitsSection(w: ByteWriter, plan: Plan): void {
  const memory = plan.memoryLimits;
  const record: ModuleLimits = {
    memoryPages: memory?.min ?? 0,
    memoryMaxPages: memory === undefined ? 0 : (memory.max ?? MAX_PAGES),
    tableElements: plan.tableLimits.map((t) => t.min),
    maxTableElements: plan.opts.maxTableElements ?? null,
  };
  const name = encoder.encode(LIMITS_SECTION);
  const payload = encoder.encode(JSON.stringify(record));
  w.u8(0); // custom section
  const at = w.reserveSize();
  w.u32(name.length);
  w.bytes(name);
  w.bytes(payload);
  w.patchSize(at);
}

/**
 * Reads the section of a compiled module, or undefined when it has none (not instrumented by
 * this version) or it does not parse.
 */
export function readModuleLimits(module: WebAssembly.Module): ModuleLimits | undefined {
  const [section] = WebAssembly.Module.customSections(module, LIMITS_SECTION);
  if (section === undefined) return undefined;
  try {
    const parsed = JSON.parse(new TextDecoder().decode(section)) as Partial<ModuleLimits>;
    if (typeof parsed.memoryPages !== 'number' || typeof parsed.memoryMaxPages !== 'number' || !Array.isArray(parsed.tableElements)) return undefined;
    return {
      memoryPages: parsed.memoryPages,
      memoryMaxPages: parsed.memoryMaxPages,
      tableElements: parsed.tableElements.filter((n): n is number => typeof n === 'number'),
      maxTableElements: typeof parsed.maxTableElements === 'number' ? parsed.maxTableElements : null,
    };
  } catch {
    return undefined;
  }
}
