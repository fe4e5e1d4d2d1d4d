/**
 * Parses a JSON Schema regular expression (ECMA-262 syntax, `u` flag, as JSON Schema validators
 * compile them) into a small tree that a linear-time matcher can run (./linear-regex.ts).
 *
 * Single-character atoms (literals, `.`, `[…]`, `\d`, `\p{…}`, escapes) keep their source text and
 * are tested by the engine one code point at a time, so their meaning is exactly ECMA-262's; only
 * the structure (sequence, alternation, repetition, anchors) is ours. Backreferences and
 * lookarounds have no linear-time algorithm and are refused.
 */
import { describeError } from '../errors.ts';

/** One node of a parsed regular expression. */
export type RegexNode =
  | { type: 'atom'; source: string }
  | { type: 'seq'; items: RegexNode[] }
  | { type: 'alt'; options: RegexNode[] }
  | { type: 'repeat'; node: RegexNode; min: number; max: number }
  | { type: 'assert'; kind: '^' | '$' | 'b' | 'B' };

/** A pattern outside the accepted subset (or not a valid `u`-mode pattern at all). */
export class RegexRefusal extends Error {
  override name = 'RegexRefusal';
}

/**
 * Parses `source`.
 *
 * @throws RegexRefusal for invalid syntax, backreferences, lookarounds and unknown group syntax.
 */
export function parseRegex(source: string): RegexNode {
  try {
    // Only compiled, never run: compiling is linear in the pattern's length.
    new RegExp(source, 'u');
  } catch (err) {
    throw new RegexRefusal(`is not a valid regular expression: ${describeError(err)}`);
  }
  const parser = new Parser(source);
  const node = parser.disjunction();
  if (!parser.done()) throw new RegexRefusal(`unexpected "${source[parser.pos]}" at ${parser.pos}`);
  return node;
}

/** `{n}`, `{n,}`, `{n,m}` (sticky: read where the parser stands). */
const BRACES = /\{(\d+)(,(\d*))?\}/y;

class Parser {
  pos = 0;
  constructor(private readonly src: string) {}

  done(): boolean {
    return this.pos >= this.src.length;
  }

  private peek(offset = 0): string {
    return this.src[this.pos + offset] ?? '';
  }

  private startsWith(text: string): boolean {
    return this.src.startsWith(text, this.pos);
  }

  disjunction(): RegexNode {
    const options = [this.alternative()];
    while (this.peek() === '|') {
      this.pos++;
      options.push(this.alternative());
    }
    return options.length === 1 ? (options[0] as RegexNode) : { type: 'alt', options };
  }

  private alternative(): RegexNode {
    const items: RegexNode[] = [];
    while (!this.done() && this.peek() !== '|' && this.peek() !== ')') {
      const term = this.term();
      items.push(this.quantified(term));
    }
    return items.length === 1 ? (items[0] as RegexNode) : { type: 'seq', items };
  }

  private term(): RegexNode {
    const c = this.peek();
    if (c === '^' || c === '$') {
      this.pos++;
      return { type: 'assert', kind: c };
    }
    if (c === '\\' && (this.peek(1) === 'b' || this.peek(1) === 'B')) {
      this.pos += 2;
      return { type: 'assert', kind: this.src[this.pos - 1] as 'b' | 'B' };
    }
    if (c === '(') return this.group();
    return { type: 'atom', source: this.atom() };
  }

  private group(): RegexNode {
    if (this.startsWith('(?=') || this.startsWith('(?!') || this.startsWith('(?<=') || this.startsWith('(?<!')) {
      throw new RegexRefusal('uses a lookaround ((?=, (?!, (?<=, (?<!), which cannot be matched in linear time');
    }
    if (this.startsWith('(?:')) this.pos += 3;
    else if (this.startsWith('(?<')) {
      const end = this.src.indexOf('>', this.pos);
      this.pos = end + 1;
    } else if (this.startsWith('(?')) throw new RegexRefusal(`uses unsupported group syntax at ${this.pos}`);
    else this.pos++;
    const inner = this.disjunction();
    if (this.peek() !== ')') throw new RegexRefusal(`missing ")" at ${this.pos}`);
    this.pos++;
    return inner;
  }

  /** The source of one single-character atom. */
  private atom(): string {
    const start = this.pos;
    const c = this.peek();
    if (c === '[') {
      this.pos++;
      while (!this.done() && this.peek() !== ']') this.pos += this.peek() === '\\' ? 2 : 1;
      this.pos++;
    } else if (c === '\\') this.escape();
    else this.pos += (this.src.codePointAt(this.pos) ?? 0) > 0xffff ? 2 : 1;
    return this.src.slice(start, this.pos);
  }

  private escape(): void {
    const e = this.peek(1);
    if (e === 'k' || (e >= '1' && e <= '9')) throw new RegexRefusal('uses a backreference, which cannot be matched in linear time');
    if (e === 'p' || e === 'P' || (e === 'u' && this.peek(2) === '{')) {
      this.pos = this.src.indexOf('}', this.pos) + 1;
    } else if (e === 'u') {
      const lead = parseInt(this.src.slice(this.pos + 2, this.pos + 6), 16);
      this.pos += 6;
      // `\uD83D\uDE00` is one astral code point in `u` mode.
      if (lead >= 0xd800 && lead <= 0xdbff && this.startsWith('\\u')) {
        const trail = parseInt(this.src.slice(this.pos + 2, this.pos + 6), 16);
        if (trail >= 0xdc00 && trail <= 0xdfff) this.pos += 6;
      }
    } else if (e === 'x') this.pos += 4;
    else if (e === 'c') this.pos += 3;
    else this.pos += 2;
  }

  private quantified(node: RegexNode): RegexNode {
    let min: number;
    let max: number;
    const c = this.peek();
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      BRACES.lastIndex = this.pos;
      const m = BRACES.exec(this.src);
      if (m === null) throw new RegexRefusal(`malformed quantifier at ${this.pos}`);
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      this.pos += m[0].length - 1;
    } else return node;
    this.pos++;
    if (this.peek() === '?') this.pos++; // lazy or greedy: the same answer to "does it match"
    return { type: 'repeat', node, min, max };
  }
}
