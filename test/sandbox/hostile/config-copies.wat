;; Hostile: asks for its whole config (`reed.config`) 30,000 times in one call, ignoring the
;; answers. Every config_get stores a fresh copy of the value in a host block, so with a 64 KiB
;; config that is ~2 GB of host buffers for a little fuel unless the copies count against the
;; call's host-buffer budget. Expected: completes; past the budget config_get answers 0.
;; hook_before_render answers the length of `reed.config` as its output (a JSON number), to show
;; config_get still works within the budget.
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "config_get" (func $config_get (param i64) (result i64)))
  (import "extism:host/env" "length" (func $length (param i64) (result i64)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "reed.config")
  (func $key (result i64)
    (local $block i64) (local $i i32)
    (local.set $block (call $alloc (i64.const 11)))
    (loop $copy
      (call $store_u8 (i64.add (local.get $block) (i64.extend_i32_u (local.get $i))) (i32.load8_u (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $copy (i32.lt_u (local.get $i) (i32.const 11))))
    (local.get $block))
  (func (export "hook_transform_data") (result i32)
    (local $k i64) (local $i i32)
    (local.set $k (call $key))
    (loop $more
      (drop (call $config_get (local.get $k)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $more (i32.lt_u (local.get $i) (i32.const 30000))))
    (i32.const 0))
  (func (export "hook_before_render") (result i32)
    (local $value i64) (local $n i64) (local $out i64) (local $digits i32) (local $i i32)
    (local.set $value (call $config_get (call $key)))
    (local.set $n (call $length (local.get $value)))
    ;; the length in decimal, written backwards into memory at 100..120
    (local.set $i (i32.const 120))
    (loop $digit
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (i32.store8 (local.get $i) (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $n) (i64.const 10)))))
      (local.set $n (i64.div_u (local.get $n) (i64.const 10)))
      (br_if $digit (i64.ne (local.get $n) (i64.const 0))))
    (local.set $digits (i32.sub (i32.const 120) (local.get $i)))
    (local.set $out (call $alloc (i64.extend_i32_u (local.get $digits))))
    (local.set $n (i64.const 0))
    (loop $copy
      (call $store_u8 (i64.add (local.get $out) (local.get $n)) (i32.load8_u (i32.add (local.get $i) (i32.wrap_i64 (local.get $n)))))
      (local.set $n (i64.add (local.get $n) (i64.const 1)))
      (br_if $copy (i64.lt_u (local.get $n) (i64.extend_i32_u (local.get $digits)))))
    (call $output_set (local.get $out) (i64.extend_i32_u (local.get $digits)))
    (i32.const 0)))
