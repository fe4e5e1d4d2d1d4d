;; A stock-ABI filter that returns 7 without calling error_set when its input is longer than
;; 10 bytes (Extism's other hosts fail such a call; the JS SDK drops the code), and echoes
;; shorter input with 0.
;; Expected: E_GUEST "returned 7" for long input, the instance kept; short input still works.
(module
  (import "extism:host/env" "input_length" (func $input_length (result i64)))
  (import "extism:host/env" "input_load_u8" (func $input_load_u8 (param i64) (result i32)))
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (memory (export "memory") 1)
  (global $calls (mut i32) (i32.const 0))
  (func (export "hook_transform_data") (result i32)
    (local $len i64) (local $i i64) (local $out i64)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (local.set $len (call $input_length))
    (if (i64.gt_u (local.get $len) (i64.const 10)) (then (return (i32.const 7))))
    (local.set $out (call $alloc (local.get $len)))
    (block $done
      (loop $copy
        (br_if $done (i64.ge_u (local.get $i) (local.get $len)))
        (call $store_u8 (i64.add (local.get $out) (local.get $i)) (call $input_load_u8 (local.get $i)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $copy)))
    (call $output_set (local.get $out) (local.get $len))
    (i32.const 0))
  (func (export "handle_command") (result i32) (global.get $calls)))
