;; Makes each host-side copy ten times, L bytes each, L = the input's size; the guest's own
;; instructions are the same for every L, so any difference in fuel between two inputs is what
;; the host charged for its copies. Every copy must succeed (else `unreachable`): with metering
;; off nothing is charged and nothing is refused.
;; - hook_transform_data: reed_input_read
;; - hook_after_render:   reed_block_read of the input block
;; - hook_before_render:  reed_output_write, then empty output (data unchanged)
;; - hook_before_save:    reed_block_write
(module
  (import "extism:host/user" "reed_input_size" (func $input_size (result i32)))
  (import "extism:host/user" "reed_input_read" (func $input_read (param i32 i32) (result i32)))
  (import "extism:host/user" "reed_output_write" (func $output_write (param i32 i32) (result i32)))
  (import "extism:host/user" "reed_block_read" (func $block_read (param i64 i32 i32) (result i32)))
  (import "extism:host/user" "reed_block_write" (func $block_write (param i32 i32) (result i64)))
  (import "extism:host/env" "input_offset" (func $input_offset (result i64)))
  (memory (export "memory") 1)
  (func (export "hook_transform_data") (result i32)
    (local $i i32) (local $n i32)
    (local.set $n (call $input_size))
    (loop $more
      (if (i32.ne (call $input_read (i32.const 0) (local.get $n)) (local.get $n)) (then unreachable))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $more (i32.lt_u (local.get $i) (i32.const 10))))
    (i32.const 0))
  (func (export "hook_after_render") (result i32)
    (local $i i32) (local $n i32)
    (local.set $n (call $input_size))
    (loop $more
      (if (i32.ne (call $block_read (call $input_offset) (i32.const 0) (local.get $n)) (local.get $n)) (then unreachable))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $more (i32.lt_u (local.get $i) (i32.const 10))))
    (i32.const 0))
  (func (export "hook_before_render") (result i32)
    (local $i i32) (local $n i32)
    (local.set $n (call $input_size))
    (loop $more
      (if (i32.ne (call $output_write (i32.const 0) (local.get $n)) (local.get $n)) (then unreachable))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $more (i32.lt_u (local.get $i) (i32.const 10))))
    (drop (call $output_write (i32.const 0) (i32.const 0)))
    (i32.const 0))
  (func (export "hook_before_save") (result i32)
    (local $i i32) (local $n i32)
    (local.set $n (call $input_size))
    (loop $more
      (if (i64.eqz (call $block_write (i32.const 0) (local.get $n))) (then unreachable))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $more (i32.lt_u (local.get $i) (i32.const 10))))
    (i32.const 0)))
