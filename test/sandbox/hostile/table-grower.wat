;; Grows an externref table by 16,384 entries (128 KiB of host memory at 8 bytes each) on every
;; call whose input is longer than 40 bytes, and traps when the grow is refused. For the memory
;; figure and the host-wide memory budget: tables count into both like memory.
(module
  (import "extism:host/env" "input_length" (func $len (result i64)))
  (table $t 0 externref)
  (func (export "hook_transform_data") (export "handle_command") (result i32)
    (if (i64.gt_u (call $len) (i64.const 40))
      (then (if (i32.eq (table.grow $t (ref.null extern) (i32.const 16384)) (i32.const -1)) (then unreachable))))
    (i32.const 0)))
