;; Grows its memory by 64 pages (4 MiB) on every call whose input is longer than 40 bytes, and
;; traps when the grow is refused; shorter ones return at once. For the host-wide memory
;; budget: the plugin whose grow would pass the budget must be the one refused.
(module
  (import "extism:host/env" "input_length" (func $len (result i64)))
  (memory 1)
  (func (export "hook_transform_data") (export "handle_command") (result i32)
    (if (i64.gt_u (call $len) (i64.const 40))
      (then (if (i32.eq (memory.grow (i32.const 64)) (i32.const -1)) (then unreachable))))
    (i32.const 0)))
