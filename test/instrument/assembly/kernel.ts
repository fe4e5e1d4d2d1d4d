// AssemblyScript kernel used by the instrument tests and bench (compiled with asc at test time).
// Lives under assembly/ because tsconfig excludes **/assembly/** (AssemblyScript is not TS).

const buf = memory.data(65536);

/** Address of a 64 KiB scratch buffer the host fills with input. */
export function buffer(): usize {
  return buf;
}

/** FNV-1a over `len` bytes of the buffer. */
export function fnv1a(len: i32): u32 {
  let h: u32 = 2166136261;
  for (let i = 0; i < len; i++) {
    h ^= load<u8>(buf + <usize>i);
    h *= 16777619;
  }
  return h;
}

/** In-place byte transform (a keyed rotate-xor), then a checksum of the result. */
export function transform(len: i32, key: u32): u32 {
  let k = key;
  let sum: u32 = 0;
  for (let i = 0; i < len; i++) {
    const p = buf + <usize>i;
    k = k * 1103515245 + 12345;
    const b = <u8>(rotl<u32>(<u32>load<u8>(p), 3) ^ (k >> 24));
    store<u8>(p, b);
    sum = sum * 31 + b;
  }
  return sum;
}

/** Sorts `n` pseudo-random numbers with the runtime's Array and returns a checksum. */
export function sortChecksum(n: i32, seed: u32): i32 {
  const a = new Array<i32>(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    a[i] = <i32>x;
  }
  a.sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum = sum * 31 + a[i];
  return sum;
}

/** Builds a string (allocates, grows memory) and returns its length and a char code sum. */
export function strings(n: i32): i32 {
  let s = '';
  for (let i = 0; i < n; i++) s += i.toString() + ',';
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += s.charCodeAt(i);
  return s.length * 1000 + (sum % 1000);
}

/** Plain recursion, for the depth limit. */
export function depth(n: i32): i32 {
  return n == 0 ? 0 : 1 + depth(n - 1);
}
