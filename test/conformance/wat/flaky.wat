;; Conformance fixture `flaky`: hook_transform_data traps (unreachable) when the input is the
;; JSON number 0 (one byte, "0"), and echoes its input otherwise. Tests trap recovery: the
;; instance is replaced after the trap and the next call works.
(module
  (import "extism:host/env" "input_length" (func $input_length (result i64)))
  (import "extism:host/env" "input_load_u8" (func $input_load_u8 (param i64) (result i32)))
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (memory (export "memory") 1)
  (func (export "hook_transform_data") (result i32)
    (local $len i64) (local $i i64) (local $out i64)
    (local.set $len (call $input_length))
    (if (i32.and (i64.eq (local.get $len) (i64.const 1))
                 (i32.eq (call $input_load_u8 (i64.const 0)) (i32.const 48)))
      (then unreachable))
    (local.set $out (call $alloc (local.get $len)))
    (block $done
      (loop $copy
        (br_if $done (i64.ge_u (local.get $i) (local.get $len)))
        (call $store_u8 (i64.add (local.get $out) (local.get $i)) (call $input_load_u8 (local.get $i)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $copy)))
    (call $output_set (local.get $out) (local.get $len))
    (i32.const 0)))
