;; Hostile: makes the host copy for it. Each loop runs 2,000 times and each pass costs the guest
;; a few instructions of fuel, but makes the host copy a whole 1 MiB payload: 2 GB of host copies
;; per call for about 16,000 fuel, unless every host-side copy costs fuel by its size, as the
;; guest's own memory.copy does (1 per 4 bytes: 524,288,000 fuel for the loop).
;; Expected inline, with a budget of a few million fuel: E_FUEL. (In a worker the host cannot
;; reach the module's memory: every function answers -1 without copying.)
;; - hook_transform_data: reads the whole input again and again (reed_input_read).
;; - hook_after_render: reads the input block again and again (reed_block_read).
;; - hook_before_render: hands over 1 MiB of memory as the output again and again
;;   (reed_output_write), then empty output. Each copy also holds host memory, so the call's
;;   host-buffer budget refuses them after a few; refused ones cost nothing. Expected: the call
;;   completes with the data unchanged (the last output wins), one refusal logged.
(module
  (import "extism:host/user" "reed_input_size" (func $input_size (result i32)))
  (import "extism:host/user" "reed_input_read" (func $input_read (param i32 i32) (result i32)))
  (import "extism:host/user" "reed_output_write" (func $output_write (param i32 i32) (result i32)))
  (import "extism:host/user" "reed_block_read" (func $block_read (param i64 i32 i32) (result i32)))
  (import "extism:host/env" "input_offset" (func $input_offset (result i64)))
  (import "extism:host/env" "input_length" (func $input_length (result i64)))
  (memory (export "memory") 17)
  (func (export "hook_transform_data") (result i32)
    (local $i i32) (local $n i32)
    (local.set $n (call $input_size))
    (loop $more
      (drop (call $input_read (i32.const 0) (local.get $n)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $more (i32.lt_u (local.get $i) (i32.const 2000))))
    (i32.const 0))
  (func (export "hook_after_render") (result i32)
    (local $i i32) (local $n i32) (local $block i64)
    (local.set $block (call $input_offset))
    (local.set $n (i32.wrap_i64 (call $input_length)))
    (loop $more
      (drop (call $block_read (local.get $block) (i32.const 0) (local.get $n)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $more (i32.lt_u (local.get $i) (i32.const 2000))))
    (i32.const 0))
  (func (export "hook_before_render") (result i32)
    (local $i i32)
    (loop $more
      (drop (call $output_write (i32.const 0) (i32.const 1048576)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $more (i32.lt_u (local.get $i) (i32.const 2000))))
    (drop (call $output_write (i32.const 0) (i32.const 0)))
    (i32.const 0)))
