/**
 * A pattern that matches exactly a given set of strings, written as a trie (`^(?:ab(?:c|d)|x)$`),
 * so the engine's backtracking matcher decides it without backtracking: at each branch the
 * alternatives start with different code points. Used to hand a validator the answers our
 * linear-time matcher computed, for the strings being validated (./bounded-schema.ts).
 */

/** Never matches (an empty class). */
const NOTHING = '[]';

interface TrieNode {
  end: boolean;
  next: Map<string, TrieNode>;
}

export function literalSetPattern(strings: Iterable<string>): string {
  const root: TrieNode = { end: false, next: new Map() };
  let any = false;
  for (const text of strings) {
    any = true;
    let node = root;
    for (const char of text) {
      let child = node.next.get(char);
      if (child === undefined) node.next.set(char, (child = { end: false, next: new Map() }));
      node = child;
    }
    node.end = true;
  }
  return any ? `^${emit(root)}$` : NOTHING;
}

function emit(start: TrieNode): string {
  let out = '';
  let node = start;
  // A chain of single children is a plain literal run (no recursion along long strings).
  while (!node.end && node.next.size === 1) {
    const [char, child] = node.next.entries().next().value as [string, TrieNode];
    out += escape(char);
    node = child;
  }
  if (node.next.size === 0) return out;
  const branches = [...node.next].map(([char, child]) => escape(char) + emit(child));
  const body = branches.length === 1 ? (branches[0] as string) : `(?:${branches.join('|')})`;
  return out + (node.end ? `(?:${body})?` : body);
}

/** One code point as a `u`-mode literal. */
function escape(char: string): string {
  return /^[\\^$.*+?()[\]{}|/]$/.test(char) ? `\\${char}` : char;
}
