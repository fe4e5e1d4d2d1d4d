;; Speaks the direct call I/O (docs/abi.md, "Fast I/O") without the SDK, to pin its contract.
;; - hook_transform_data: an out-of-bounds read must answer -3 (else it traps); then reads only
;;   the first 3 bytes of the input and hands exactly those over as the output.
;; - hook_after_render: output_set("7") then reed_output_write("8").
;; - hook_before_render: reed_output_write("8") then output_set("7").
;;   Inline, direct output wins in either order ("8"); in a worker reed_output_write answers -1,
;;   which must be the only thing it does, so output_set's "7" is the output.
;; - handle_command: outputs the input size the host reports: "1" when it is the input's length
;;   in bytes (a UTF-8 length, checked against input_length), "0" when unavailable (-1).
(module
  (import "extism:host/user" "reed_input_size" (func $input_size (result i32)))
  (import "extism:host/user" "reed_input_read" (func $input_read (param i32 i32) (result i32)))
  (import "extism:host/user" "reed_output_write" (func $output_write (param i32 i32) (result i32)))
  (import "extism:host/env" "input_length" (func $input_length (result i64)))
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (memory (export "memory") 1)
  (data (i32.const 100) "8")
  (data (i32.const 101) "1")
  (data (i32.const 102) "0")
  (func $set_seven
    (local $block i64)
    (local.set $block (call $alloc (i64.const 1)))
    (call $store_u8 (local.get $block) (i32.const 55))
    (call $output_set (local.get $block) (i64.const 1)))
  (func (export "hook_transform_data") (result i32)
    (if (i32.ne (call $input_read (i32.const 65534) (i32.const 10)) (i32.const -3)) (then unreachable))
    (if (i32.ne (call $input_read (i32.const 0) (i32.const 3)) (i32.const 3)) (then unreachable))
    (if (i32.ne (call $output_write (i32.const 0) (i32.const 3)) (i32.const 3)) (then unreachable))
    (i32.const 0))
  (func (export "hook_after_render") (result i32)
    (call $set_seven)
    (drop (call $output_write (i32.const 100) (i32.const 1)))
    (i32.const 0))
  (func (export "hook_before_render") (result i32)
    (drop (call $output_write (i32.const 100) (i32.const 1)))
    (call $set_seven)
    (i32.const 0))
  (func (export "handle_command") (result i32)
    (local $size i32)
    (local.set $size (call $input_size))
    (if (i32.eq (local.get $size) (i32.const -1))
      (then (drop (call $output_write (i32.const 102) (i32.const 1))) (call $set_zero) (return (i32.const 0))))
    (if (i64.ne (i64.extend_i32_u (local.get $size)) (call $input_length)) (then unreachable))
    (drop (call $output_write (i32.const 101) (i32.const 1)))
    (i32.const 0))
  (func $set_zero
    (local $block i64)
    (local.set $block (call $alloc (i64.const 1)))
    (call $store_u8 (local.get $block) (i32.const 48))
    (call $output_set (local.get $block) (i64.const 1))))
