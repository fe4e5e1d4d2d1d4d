/**
 * Synthesizes a large, varied WebAssembly module (≥ 1 MB) for the rewriter throughput bench:
 * many functions mixing loops, ifs, br_table, calls, call_indirect, memory ops, i64/f64 maths,
 * SIMD and bulk memory, so the rewriter sees a realistic instruction mix.
 *
 * @example
 * ```ts
 * const bytes = await largeModule(1_100_000);
 * ```
 */
import { compileWat } from '../test/support/wat.ts';

function fn(i: number): string {
  const callee = i > 0 ? `(call $f${(i * 7) % i} (local.get 0) (local.get 1))` : '(local.get 0)';
  return `(func $f${i} (param i32 i32) (result i32) (local i32 i64 f64 v128)
    (local.set 2 (i32.const ${i}))
    (block $out
      (loop $l
        (local.set 2 (i32.add (local.get 2) (i32.load offset=${(i * 4) % 1024} (i32.and (local.get 0) (i32.const 0xfff)))))
        (local.set 3 (i64.mul (i64.extend_i32_u (local.get 2)) (i64.const ${i * 31 + 7})))
        (local.set 4 (f64.add (f64.convert_i64_s (local.get 3)) (f64.const ${i}.5)))
        (if (i32.and (local.get 2) (i32.const 1))
          (then (local.set 2 (i32.xor (local.get 2) (i32.wrap_i64 (i64.shr_u (local.get 3) (i64.const 7))))))
          (else (local.set 2 (i32.sub (local.get 2) (i32.trunc_sat_f64_s (local.get 4))))))
        (block $a (block $b (block $c
          (br_table $a $b $c (i32.and (local.get 2) (i32.const 3))))
          (local.set 2 (i32.rotl (local.get 2) (i32.const 5))))
          (local.set 5 (i32x4.add (local.get 5) (i32x4.splat (local.get 2)))))
        (i32.store offset=${(i * 8) % 2048} (i32.const 0) (local.get 2))
        (br_if $out (i32.gt_u (local.get 2) (i32.const ${1000 + i})))
        (local.set 1 (i32.sub (local.get 1) (i32.const 1)))
        (br_if $l (local.get 1))))
    (memory.fill (i32.const 4096) (local.get 2) (i32.const 16))
    (i32.add (local.get 2) (i32.add ${callee} (i32x4.extract_lane 0 (local.get 5)))))`;
}

/**
 * Builds a module of at least `minBytes` bytes.
 *
 * @example
 * ```ts
 * const bytes = await largeModule(1 << 20);
 * ```
 */
export async function largeModule(minBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  // One function compiles to roughly 330 bytes; overshoot a little then check.
  let count = Math.ceil(minBytes / 300);
  for (;;) {
    const parts = ['(module (memory 1) (type $t (func (param i32 i32) (result i32))) (table 16 funcref)'];
    for (let i = 0; i < count; i++) parts.push(fn(i));
    parts.push(`(elem (i32.const 0) ${Array.from({ length: 16 }, (_, i) => `$f${i}`).join(' ')})`);
    parts.push(`(func (export "run") (param i32) (result i32) (call_indirect (type $t) (local.get 0) (i32.const 3) (i32.and (local.get 0) (i32.const 15))))`);
    parts.push(')');
    const bytes = (await compileWat(parts.join('\n'), 'large.wat')) as Uint8Array<ArrayBuffer>;
    if (bytes.length >= minBytes) return bytes;
    count = Math.ceil(count * (minBytes / bytes.length) * 1.05);
  }
}
