;; Hostile: a filter whose output is a 100,000-deep JSON array (200 KB). JSON.parse accepts it,
;; but serializing it again overflows the stack, so without a depth check at the producer the
;; NEXT plugin in the chain fails (E_INPUT under its own id).
;; Expected: E_OUTPUT for this plugin; the next filter gets the data unchanged.
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u64" (func $store_u64 (param i64 i64)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (memory (export "memory") 1)
  (func (export "hook_transform_data") (result i32)
    (local $out i64) (local $i i64)
    (local.set $out (call $alloc (i64.const 200000)))
    (loop $open
      (call $store_u64 (i64.add (local.get $out) (local.get $i)) (i64.const 0x5b5b5b5b5b5b5b5b))
      (local.set $i (i64.add (local.get $i) (i64.const 8)))
      (br_if $open (i64.lt_u (local.get $i) (i64.const 100000))))
    (loop $close
      (call $store_u64 (i64.add (local.get $out) (local.get $i)) (i64.const 0x5d5d5d5d5d5d5d5d))
      (local.set $i (i64.add (local.get $i) (i64.const 8)))
      (br_if $close (i64.lt_u (local.get $i) (i64.const 200000))))
    (call $output_set (local.get $out) (i64.const 200000))
    (i32.const 0)))
