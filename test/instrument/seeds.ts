/**
 * Seed modules for the fuzz and differential tests: small WAT programs that together use most
 * of the instruction set the rewriter claims to accept.
 *
 * @example
 * ```ts
 * const bytes = await Promise.all(SEEDS.map((s) => compileWat(s)));
 * ```
 */

/** A compute kernel exported as `hash(len)`, `collatz(n)`, `sort(len)` over linear memory. */
export const KERNEL = `(module
  (memory (export "memory") 2)
  (func (export "hash") (param $len i32) (result i32) (local $h i32) (local $i i32)
    i32.const 0x811c9dc5 local.set $h
    (block $done (loop $l
      local.get $i local.get $len i32.ge_u br_if $done
      local.get $h local.get $i i32.load8_u i32.xor i32.const 0x01000193 i32.mul local.set $h
      local.get $i i32.const 1 i32.add local.set $i br $l))
    local.get $h)
  (func (export "collatz") (param $n i64) (result i32) (local $steps i32)
    (block $done (loop $l
      local.get $n i64.const 1 i64.le_u br_if $done
      local.get $n i64.const 1 i64.and i64.eqz
      if (result i64) local.get $n i64.const 1 i64.shr_u
      else local.get $n i64.const 3 i64.mul i64.const 1 i64.add end
      local.set $n
      local.get $steps i32.const 1 i32.add local.set $steps br $l))
    local.get $steps)
  (func $swap (param $a i32) (param $b i32) (local $t i32)
    local.get $a i32.load local.set $t
    local.get $a local.get $b i32.load i32.store
    local.get $b local.get $t i32.store)
  (func (export "sort") (param $len i32) (result i32) (local $i i32) (local $j i32) (local $sum i32)
    ;; insertion sort of $len i32 at address 0, then a position-weighted checksum
    i32.const 1 local.set $i
    (block $outer_done (loop $outer
      local.get $i local.get $len i32.ge_u br_if $outer_done
      local.get $i local.set $j
      (block $inner_done (loop $inner
        local.get $j i32.eqz br_if $inner_done
        local.get $j i32.const 4 i32.mul i32.const 4 i32.sub i32.load
        local.get $j i32.const 4 i32.mul i32.load
        i32.le_s br_if $inner_done
        local.get $j i32.const 4 i32.mul i32.const 4 i32.sub local.get $j i32.const 4 i32.mul call $swap
        local.get $j i32.const 1 i32.sub local.set $j br $inner))
      local.get $i i32.const 1 i32.add local.set $i br $outer))
    i32.const 0 local.set $i
    (block $d (loop $l
      local.get $i local.get $len i32.ge_u br_if $d
      local.get $sum i32.const 31 i32.mul local.get $i i32.const 4 i32.mul i32.load i32.add local.set $sum
      local.get $i i32.const 1 i32.add local.set $i br $l))
    local.get $sum)
  (func (export "transform") (param $len i32) (local $i i32)
    ;; SIMD byte transform, 16 bytes at a time, plus a scalar tail
    (block $d (loop $l
      local.get $i i32.const 16 i32.add local.get $len i32.gt_u br_if $d
      local.get $i
      local.get $i v128.load v128.const i8x16 7 7 7 7 7 7 7 7 7 7 7 7 7 7 7 7 i8x16.add
      v128.const i8x16 0x5a 0x5a 0x5a 0x5a 0x5a 0x5a 0x5a 0x5a 0x5a 0x5a 0x5a 0x5a 0x5a 0x5a 0x5a 0x5a v128.xor
      v128.store
      local.get $i i32.const 16 i32.add local.set $i br $l))
    (block $d2 (loop $l2
      local.get $i local.get $len i32.ge_u br_if $d2
      local.get $i local.get $i i32.load8_u i32.const 7 i32.add i32.const 0x5a i32.xor i32.store8
      local.get $i i32.const 1 i32.add local.set $i br $l2)))
)`;

/** More seeds: control flow, tables, references, bulk memory, globals, start, imports. */
export const SEEDS: string[] = [
  KERNEL,
  `(module
    (import "env" "log" (func $log (param i32)))
    (import "env" "g" (global $g i32))
    (type $v (func (result i32)))
    (table 3 funcref) (elem (i32.const 0) $a $b) (elem declare func $c)
    (memory 1 4) (data (i32.const 8) "abc") (data $p "passive")
    (global $m (mut i32) (i32.const 0)) (global $f funcref (ref.func $a))
    (func $a (result i32) i32.const 1)
    (func $b (result i32) global.get $m)
    (func $c (result i32) (local v128) local.get 0 i32x4.extract_lane 1)
    (func $start (global.set $m (global.get $g)))
    (start $start)
    (func (export "run") (param i32) (result i32)
      (block $x (result i32) (block $y (result i32) i32.const 0 local.get 0 br_table $x $y $x) drop i32.const 2)
      local.get 0 call_indirect (type $v) i32.add
      ref.func $c drop
      i32.const 0 i32.const 0 i32.const 3 memory.init $p data.drop $p
      i32.const 16 i32.const 8 i32.const 3 memory.copy
      i32.const 100 i32.const 1 i32.const 10 memory.fill
      i32.const 1 memory.grow drop
      call $log i32.const 0)
  )`,
  `(module
    (func $f (export "f") (param i32 i64) (result i64 i32)
      local.get 1 local.get 0 i32.const 1 i32.add
      local.get 0 i32.eqz br_if 0
      drop drop local.get 0 i32.const 1 i32.sub local.get 1 i64.const 2 i64.mul return_call $f)
    (func (export "g") (param externref) (result i32) local.get 0 ref.is_null
      i32.const 5 i32.extend8_s i32.add f32.const 1.5 i32.trunc_sat_f32_s i32.add))`,
];
