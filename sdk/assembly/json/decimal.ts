/**
 * Exact decimal-to-double conversion for JSON numbers, and shortest double-to-decimal digits.
 *
 * AssemblyScript's `parseFloat` is not correctly rounded (it loses exponents above 38 and
 * misrounds long mantissas), so numbers are converted here: an exact fast path for the common
 * case (≤ 15 significant digits, |exponent| ≤ 22: one exact multiply or divide), and otherwise
 * the arbitrary-precision "shift a big decimal by powers of two" method (as in Go's
 * strconv/decimal.go), which is slow but always rounds to nearest, ties to even.
 *
 * @example
 * ```ts
 * parseDecimal("1e300", 0, 5);                 // 1e300
 * parseDecimal("0.30000000000000004", 0, 19);  // 0.1 + 0.2
 * ```
 */

// Exact powers of ten as doubles (10^0 … 10^22 are all exactly representable).
const POW10: StaticArray<f64> = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
  1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

// Binary shifts that move the decimal point by at least 1, 2, … digits (Go's powtab).
const POWTAB: StaticArray<i32> = [1, 3, 6, 9, 13, 16, 19, 23, 26];

/** Digits kept; more than the 767 significant digits a double can need. */
const MAX_DIGITS: i32 = 800;
/** Largest binary shift per step, so digit * 2^k + carry fits in a u64. */
const MAX_SHIFT: i32 = 60;

/**
 * Converts the JSON number `text[start:end]` (already validated against the JSON grammar) to the
 * nearest double.
 *
 * @example
 * ```ts
 * parseDecimal("-12.5e-1", 0, 8); // -1.25
 * ```
 */
export function parseDecimal(text: string, start: i32, end: i32): f64 {
  let i = start;
  let negative = false;
  if (<i32>text.charCodeAt(i) == 0x2d) {
    negative = true;
    i++;
  }
  // Mantissa digits (leading zeros dropped) and where the decimal point falls.
  const digits = new Uint8Array(MAX_DIGITS);
  let nd = 0; // digits stored
  let dp = 0; // decimal point position relative to the stored digits
  let truncated = false; // nonzero digits were dropped past MAX_DIGITS
  let sawDot = false;
  for (; i < end; i++) {
    const c = <i32>text.charCodeAt(i);
    if (c == 0x2e) {
      sawDot = true;
      dp = nd;
      continue;
    }
    if (c < 0x30 || c > 0x39) break;
    if (c == 0x30 && nd == 0) {
      dp--; // leading zero: only moves the point (undone by '.' for integer-part zeros)
      continue;
    }
    if (nd < MAX_DIGITS) {
      digits[nd++] = <u8>(c - 0x30);
    } else if (c != 0x30) {
      truncated = true;
    }
  }
  if (!sawDot) dp = nd;
  // Exponent, clamped: anything beyond ±100000 is 0 or Infinity anyway.
  if (i < end) {
    i++; // e or E
    let expNegative = false;
    const s = <i32>text.charCodeAt(i);
    if (s == 0x2b || s == 0x2d) {
      expNegative = s == 0x2d;
      i++;
    }
    let e = 0;
    for (; i < end; i++) {
      if (e < 100000) e = e * 10 + (<i32>text.charCodeAt(i) - 0x30);
    }
    dp += expNegative ? -e : e;
  }
  // Trailing zeros carry no information.
  while (nd > 0 && digits[nd - 1] == 0) nd--;
  if (nd == 0) return negative ? -0.0 : 0.0;

  const value = nd <= 15 && !truncated ? fastPath(digits, nd, dp) : NaN;
  const magnitude = isNaN(value) ? slowPath(digits, nd, dp, truncated) : value;
  return negative ? -magnitude : magnitude;
}

/** Exact when the digits fit in 2^53 and the power of ten is exact; NaN when not applicable. */
function fastPath(digits: Uint8Array, nd: i32, dp: i32): f64 {
  let w: u64 = 0;
  for (let k = 0; k < nd; k++) w = w * 10 + <u64>digits[k];
  const exp10 = dp - nd; // value = w * 10^exp10
  if (exp10 == 0) return <f64>w;
  if (exp10 > 0 && exp10 <= 22) return <f64>w * POW10[exp10];
  if (exp10 < 0 && exp10 >= -22) return <f64>w / POW10[-exp10];
  return NaN;
}

/** Big-decimal digits with a decimal point: value = 0.d[0]d[1]… × 10^dp. */
class BigDecimal {
  d: Uint8Array;
  nd: i32;
  dp: i32;
  trunc: bool;

  constructor(d: Uint8Array, nd: i32, dp: i32, trunc: bool) {
    this.d = d;
    this.nd = nd;
    this.dp = dp;
    this.trunc = trunc;
  }

  /** Multiplies (k > 0) or divides (k < 0) by 2^|k|. */
  shift(k: i32): void {
    if (this.nd == 0) return;
    if (k > 0) {
      while (k > MAX_SHIFT) {
        this.leftShift(MAX_SHIFT);
        k -= MAX_SHIFT;
      }
      this.leftShift(k);
    } else if (k < 0) {
      while (k < -MAX_SHIFT) {
        this.rightShift(MAX_SHIFT);
        k += MAX_SHIFT;
      }
      this.rightShift(-k);
    }
  }

  private leftShift(k: i32): void {
    // Multiply from the least significant digit up; at most 19 new leading digits appear.
    const extra = 20;
    const out = new Uint8Array(this.nd + extra);
    let carry: u64 = 0;
    let w = this.nd + extra; // write position (exclusive), right-aligned
    for (let r = this.nd - 1; r >= 0; r--) {
      const n = (<u64>this.d[r] << <u64>k) + carry;
      carry = n / 10;
      out[--w] = <u8>(n - carry * 10);
    }
    while (carry > 0) {
      const next = carry / 10;
      out[--w] = <u8>(carry - next * 10);
      carry = next;
    }
    const added = this.nd + extra - w - this.nd;
    let nd = this.nd + added;
    this.dp += added;
    if (nd > MAX_DIGITS) {
      for (let t = w + MAX_DIGITS; t < w + nd; t++) {
        if (out[t] != 0) this.trunc = true;
      }
      nd = MAX_DIGITS;
    }
    for (let t = 0; t < nd; t++) this.d[t] = out[w + t];
    this.nd = nd;
    this.trim();
  }

  private rightShift(k: i32): void {
    let r = 0; // read position
    let w = 0; // write position
    let n: u64 = 0;
    // Gather enough leading digits for the first output digit.
    for (; n >> <u64>k == 0; r++) {
      if (r >= this.nd) {
        if (n == 0) {
          this.nd = 0;
          return;
        }
        while (n >> <u64>k == 0) {
          n = n * 10;
          r++;
        }
        break;
      }
      n = n * 10 + <u64>this.d[r];
    }
    this.dp -= r - 1;
    const mask: u64 = (<u64>1 << <u64>k) - 1;
    for (; r < this.nd; r++) {
      const c = <u64>this.d[r];
      const dig = n >> <u64>k;
      n &= mask;
      this.d[w++] = <u8>dig;
      n = n * 10 + c;
    }
    while (n > 0) {
      const dig = n >> <u64>k;
      n &= mask;
      if (w < MAX_DIGITS) {
        this.d[w++] = <u8>dig;
      } else if (dig > 0) {
        this.trunc = true;
      }
      n = n * 10;
    }
    this.nd = w;
    this.trim();
  }

  private trim(): void {
    while (this.nd > 0 && this.d[this.nd - 1] == 0) this.nd--;
    if (this.nd == 0) this.dp = 0;
  }

  /** The integer part rounded to nearest, ties to even (dp ≤ 20 assumed by the caller). */
  roundedInteger(): u64 {
    let n: u64 = 0;
    let i = 0;
    for (; i < this.dp && i < this.nd; i++) n = n * 10 + <u64>this.d[i];
    for (; i < this.dp; i++) n *= 10;
    if (this.shouldRoundUp(this.dp)) n++;
    return n;
  }

  /** The first `p` significant digits rounded to nearest (ties to even), trailing zeros cut. */
  roundedDigits(p: i32): ShortestDigits {
    let n = min(p, this.nd);
    const out = new Uint8Array(n + 1);
    for (let i = 0; i < n; i++) out[i] = this.d[i];
    let dp = this.dp;
    if (this.shouldRoundUp(n)) {
      let i = n - 1;
      while (i >= 0 && out[i] == 9) out[i--] = 0;
      if (i < 0) {
        // 99…9 rounded up to 100…0: one more integer digit.
        out[0] = 1;
        n = 1;
        dp++;
      } else {
        out[i]++;
      }
    }
    while (n > 1 && out[n - 1] == 0) n--;
    let digits = "";
    for (let i = 0; i < n; i++) digits += String.fromCharCode(0x30 + out[i]);
    return new ShortestDigits(digits, dp);
  }

  private shouldRoundUp(at: i32): bool {
    if (at < 0 || at >= this.nd) return false;
    if (this.d[at] == 5 && at + 1 == this.nd) {
      // Exactly half, unless digits were dropped (then it is a bit more than half).
      if (this.trunc) return true;
      return at > 0 && (this.d[at - 1] & 1) == 1;
    }
    return this.d[at] >= 5;
  }
}

function slowPath(digits: Uint8Array, nd: i32, dp: i32, truncated: bool): f64 {
  if (dp > 310) return Infinity;
  if (dp < -330) return 0.0;
  const d = new BigDecimal(digits, nd, dp, truncated);
  // Scale into [0.5, 1) by powers of two, counting the binary exponent.
  let exp = 0;
  while (d.dp > 0) {
    const n = d.dp >= POWTAB.length ? 27 : POWTAB[d.dp];
    d.shift(-n);
    exp += n;
  }
  while (d.dp < 0 || (d.dp == 0 && d.d[0] < 5)) {
    const n = -d.dp >= POWTAB.length ? 27 : POWTAB[-d.dp];
    d.shift(n);
    exp -= n;
  }
  exp--; // [0.5, 1) -> [1, 2)
  const BIAS = -1023;
  // Below the smallest normal exponent: denormalize.
  if (exp < BIAS + 1) {
    const n = BIAS + 1 - exp;
    d.shift(-n);
    exp += n;
  }
  if (exp - BIAS >= 0x7ff) return Infinity;
  d.shift(53);
  let mant = d.roundedInteger();
  if (mant == (<u64>2 << 52)) {
    // Rounding carried into a new bit.
    mant >>= 1;
    exp++;
    if (exp - BIAS >= 0x7ff) return Infinity;
  }
  if ((mant & (<u64>1 << 52)) == 0) exp = BIAS; // subnormal
  const bits = (mant & ((<u64>1 << 52) - 1)) | (<u64>((exp - BIAS) & 0x7ff) << 52);
  return reinterpret<f64>(bits);
}

/**
 * The shortest decimal digits that read back as `x` (finite, > 0), as JavaScript prints them:
 * tries 15, 16, then 17 significant digits of the exact binary value, rounded to nearest
 * (17 always round-trips). Returns digits and the decimal point position: x ≈ 0.DIGITS × 10^dp.
 * Used only when AssemblyScript's own (Grisu2) output is long, since Grisu2 is not always shortest.
 *
 * @example
 * ```ts
 * const s = shortestDigits(0.1 + 0.2); // s.digits == "30000000000000004", s.dp == 0
 * ```
 */
export function shortestDigits(x: f64): ShortestDigits {
  const bits = reinterpret<u64>(x);
  const biased = <i32>((bits >> 52) & 0x7ff);
  let mant = bits & ((<u64>1 << 52) - 1);
  let exp2: i32;
  if (biased == 0) {
    exp2 = -1074; // subnormal
  } else {
    mant |= <u64>1 << 52;
    exp2 = biased - 1075;
  }
  // Exact decimal expansion of mant * 2^exp2.
  const mantText = mant.toString();
  const exact = new Uint8Array(MAX_DIGITS);
  for (let i = 0; i < mantText.length; i++) exact[i] = <u8>(mantText.charCodeAt(i) - 0x30);
  const d = new BigDecimal(exact, mantText.length, mantText.length, false);
  d.shift(exp2);
  for (let p = 15; p <= 17; p++) {
    const candidate = d.roundedDigits(p);
    if (p == 17 || parseDigits(candidate.digits, candidate.dp) == x) return candidate;
  }
  return d.roundedDigits(17); // not reached
}

/** Digits of a decimal: value = 0.digits × 10^dp. */
export class ShortestDigits {
  constructor(public digits: string, public dp: i32) {}
}

function parseDigits(digits: string, dp: i32): f64 {
  // "0.<digits>e<dp>" in JSON number syntax, through the correct parser.
  const text = "0." + digits + "e" + dp.toString();
  return parseDecimal(text, 0, text.length);
}
