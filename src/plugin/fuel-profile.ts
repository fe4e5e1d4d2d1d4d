/**
 * A fuel profile of one call: the fuel each function used itself (its "self" fuel, callees
 * excluded), from the entry and exit reports of a module instrumented with `profileImport` and
 * the fuel counter read at each. Function names come from the module's name section.
 */
import { ByteReader } from '../instrument/reader.ts';

/** One function's share of a call. */
export interface FuelProfileEntry {
  /** Its name from the name section, or `function[N]` (output index). */
  function: string;
  /** Fuel it used itself, callees excluded. */
  fuel: number;
  /** How many times it was entered. */
  calls: number;
}

interface Frame {
  fn: number;
  fuelAtEntry: number;
  children: number;
}

/** Collects one call's profile. */
export class FuelProfiler {
  readonly #names: Map<number, string>;
  #stack: Frame[] = [];
  #self = new Map<number, { fuel: number; calls: number }>();

  constructor(module: WebAssembly.Module) {
    this.#names = functionNames(module);
  }

  /** A new call: the last one's figures go. */
  begin(): void {
    this.#stack = [];
    this.#self = new Map();
  }

  /** A function's entry or exit, with the fuel left at that moment. */
  report(fn: number, enter: boolean, fuelLeft: number): void {
    if (enter) {
      this.#stack.push({ fn, fuelAtEntry: fuelLeft, children: 0 });
      return;
    }
    const frame = this.#stack.pop();
    // A trap unwinds without exits; an exit of another function means the stack is stale.
    if (frame === undefined || frame.fn !== fn) {
      this.#stack = [];
      return;
    }
    const inclusive = frame.fuelAtEntry - fuelLeft;
    const entry = this.#self.get(fn) ?? { fuel: 0, calls: 0 };
    entry.fuel += inclusive - frame.children;
    entry.calls++;
    this.#self.set(fn, entry);
    const parent = this.#stack[this.#stack.length - 1];
    if (parent !== undefined) parent.children += inclusive;
  }

  /** The call's functions, most fuel first. */
  entries(): FuelProfileEntry[] {
    return [...this.#self]
      .map(([fn, { fuel, calls }]) => ({ function: this.#names.get(fn) ?? `function[${fn}]`, fuel, calls }))
      .sort((a, b) => b.fuel - a.fuel || a.function.localeCompare(b.function));
  }
}

/** Function names (name section, subsection 1) by function index; empty when there are none. */
function functionNames(module: WebAssembly.Module): Map<number, string> {
  const names = new Map<number, string>();
  const section = WebAssembly.Module.customSections(module, 'name')[0];
  if (section === undefined) return names;
  try {
    const r = new ByteReader(new Uint8Array(section));
    while (!r.atEnd) {
      const id = r.u8();
      const size = r.u32();
      const end = r.pos + size;
      if (id === 1) {
        const count = r.u32();
        for (let i = 0; i < count; i++) {
          const index = r.u32();
          names.set(index, r.name());
        }
      }
      r.pos = end;
    }
  } catch {
    // A name section that does not parse names nothing.
  }
  return names;
}
