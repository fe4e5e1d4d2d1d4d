/**
 * A linear-time matcher for plugin-supplied patterns: a Thompson NFA run as a Pike VM, so a match
 * costs at most (text length × program size) steps whatever the pattern (no backtracking: no
 * ReDoS). It answers "does the pattern match anywhere in the text" (`RegExp#test`, as JSON Schema's
 * `pattern` asks) with ECMA-262 `u`-mode semantics for the syntax ./regex-syntax.ts accepts.
 */
import { MAX_REGEX_PROGRAM } from './schema-limits.ts';
import { parseRegex, RegexRefusal, type RegexNode } from './regex-syntax.ts';
import type { WorkBudget } from './work-budget.ts';

const CHAR = 0;
const SPLIT = 1;
const JUMP = 2;
const ASSERT = 3;
const MATCH = 4;

type Instruction =
  | { op: typeof CHAR; test: (codePoint: number) => boolean }
  | { op: typeof SPLIT; x: number; y: number }
  | { op: typeof JUMP; x: number }
  | { op: typeof ASSERT; kind: '^' | '$' | 'b' | 'B' }
  | { op: typeof MATCH };

/** A compiled pattern. */
export class LinearRegex {
  private constructor(
    readonly source: string,
    private readonly program: readonly Instruction[],
  ) {}

  /** Program size: a match costs at most (text length + 1) × (states + 1) steps. */
  get states(): number {
    return this.program.length;
  }

  /** @throws RegexRefusal when the pattern is outside the accepted subset or too large. */
  static compile(source: string): LinearRegex {
    const tree = parseRegex(source);
    if (size(tree) > MAX_REGEX_PROGRAM) {
      throw new RegexRefusal(`is too large once its repetitions are expanded (more than ${MAX_REGEX_PROGRAM.toLocaleString('en-US')} states)`);
    }
    const program: Instruction[] = [];
    emit(tree, program);
    program.push({ op: MATCH });
    return new LinearRegex(source, program);
  }

  /**
   * Whether the pattern matches somewhere in `text`.
   *
   * @throws BudgetExceeded when the steps would pass `budget`.
   */
  test(text: string, budget: WorkBudget): boolean {
    const program = this.program;
    const anchored = (program[0] as Instruction).op === ASSERT && (program[0] as { kind: string }).kind === '^';
    let current: number[] = [];
    let next: number[] = [];
    const seen = new Int32Array(program.length).fill(-1);
    const stack: number[] = [];
    let generation = 0;
    let steps = 0;
    // The code points either side of the position being closed over (for \b, ^ and $).
    let before = -1;
    let after = -1;
    // Follows jumps, splits and assertions from `start`; true on reaching MATCH.
    const add = (list: number[], start: number): boolean => {
      stack.push(start);
      while (stack.length > 0) {
        const pc = stack.pop() as number;
        if (seen[pc] === generation) continue;
        seen[pc] = generation;
        steps++;
        const ins = program[pc] as Instruction;
        switch (ins.op) {
          case CHAR:
            list.push(pc);
            break;
          case JUMP:
            stack.push(ins.x);
            break;
          case SPLIT:
            stack.push(ins.y, ins.x);
            break;
          case ASSERT:
            if (holds(ins.kind, before, after)) stack.push(pc + 1);
            break;
          case MATCH:
            stack.length = 0;
            return true;
        }
      }
      return false;
    };
    after = text.length > 0 ? (text.codePointAt(0) as number) : -1;
    if (add(current, 0)) return true;
    for (let i = 0; i < text.length;) {
      const cp = text.codePointAt(i) as number;
      i += cp > 0xffff ? 2 : 1;
      generation++;
      next.length = 0;
      before = cp;
      after = i < text.length ? (text.codePointAt(i) as number) : -1;
      for (const pc of current) {
        const ins = program[pc] as Instruction & { op: typeof CHAR };
        if (ins.test(cp) && add(next, pc + 1)) return true;
      }
      // Unanchored: a match may also start here (never, after the start, for a leading `^`).
      if (!anchored && add(next, 0)) return true;
      budget.spend(steps + 1);
      steps = 0;
      if (next.length === 0 && anchored) return false;
      [current, next] = [next, current];
    }
    return false;
  }
}

/** `\w` without the `i` flag; -1 (outside the text) is not a word character. */
function isWord(cp: number): boolean {
  return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x5f;
}

/** Whether an assertion holds between the code points `before` and `after` (-1: the text's edge). */
function holds(kind: '^' | '$' | 'b' | 'B', before: number, after: number): boolean {
  switch (kind) {
    case '^':
      return before === -1;
    case '$':
      return after === -1;
    case 'b':
      return isWord(before) !== isWord(after);
    case 'B':
      return isWord(before) === isWord(after);
  }
}

/** Instructions `emit` would produce (saturating, so a huge `{n}` is measured, not built). */
function size(node: RegexNode): number {
  switch (node.type) {
    case 'atom':
    case 'assert':
      return 1;
    case 'seq':
      return node.items.reduce((sum, item) => Math.min(sum + size(item), Number.MAX_SAFE_INTEGER), 0);
    case 'alt':
      return node.options.reduce((sum, option) => Math.min(sum + size(option) + 2, Number.MAX_SAFE_INTEGER), 0);
    case 'repeat': {
      const copies = node.max === Infinity ? node.min + 1 : node.max;
      return Math.min((size(node.node) + 2) * Math.max(copies, 1), Number.MAX_SAFE_INTEGER);
    }
  }
}

function emit(node: RegexNode, out: Instruction[]): void {
  switch (node.type) {
    case 'atom':
      out.push({ op: CHAR, test: atomTest(node.source) });
      return;
    case 'assert':
      out.push({ op: ASSERT, kind: node.kind });
      return;
    case 'seq':
      for (const item of node.items) emit(item, out);
      return;
    case 'alt': {
      const jumps: Array<{ op: typeof JUMP; x: number }> = [];
      node.options.forEach((option, index) => {
        const last = index === node.options.length - 1;
        const split = { op: SPLIT, x: out.length + 1, y: 0 } as Instruction & { op: typeof SPLIT };
        if (!last) out.push(split);
        emit(option, out);
        if (!last) {
          const jump = { op: JUMP, x: 0 } as { op: typeof JUMP; x: number };
          out.push(jump);
          jumps.push(jump);
          split.y = out.length;
        }
      });
      for (const jump of jumps) jump.x = out.length;
      return;
    }
    case 'repeat': {
      for (let i = 0; i < node.min; i++) emit(node.node, out);
      if (node.max === Infinity) {
        const split = { op: SPLIT, x: out.length + 1, y: 0 } as Instruction & { op: typeof SPLIT };
        const loop = out.length;
        out.push(split);
        emit(node.node, out);
        out.push({ op: JUMP, x: loop });
        split.y = out.length;
        return;
      }
      // x{2,5} = xx(x(x(x)?)?)?: skipping one optional copy skips the rest.
      const splits: Array<Instruction & { op: typeof SPLIT }> = [];
      for (let i = node.min; i < node.max; i++) {
        const split = { op: SPLIT, x: out.length + 1, y: 0 } as Instruction & { op: typeof SPLIT };
        out.push(split);
        splits.push(split);
        emit(node.node, out);
      }
      for (const split of splits) split.y = out.length;
      return;
    }
  }
}

/**
 * The engine's own answer for one code point against one atom (`[^a-z]`, `\p{L}`, `.`, `\u{1F600}`),
 * so classes, escapes and Unicode properties mean exactly what ECMA-262 says. An atom has no
 * quantifier, so this cannot backtrack. ASCII answers are cached.
 */
function atomTest(source: string): (codePoint: number) => boolean {
  const regex = new RegExp(`^(?:${source})$`, 'u');
  const ascii = new Int8Array(128);
  return (cp) => {
    if (cp < 128) {
      const known = ascii[cp] as number;
      if (known !== 0) return known > 0;
      const result = regex.test(String.fromCodePoint(cp));
      ascii[cp] = result ? 1 : -1;
      return result;
    }
    return regex.test(String.fromCodePoint(cp));
  };
}
