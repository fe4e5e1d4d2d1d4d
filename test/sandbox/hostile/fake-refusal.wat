;; Hostile: logs the words of the host's refusals at error level, to pass its own doings off as
;; the host's limits. The host learns of its refusals directly, not from log lines (in a worker
;; too: the module's guards report them, and var_set is served by the host's own setter).
;; - hook_transform_data: "memory limit exceeded: …", then traps. Expected: E_TRAP, no
;;   limit named.
;; - hook_after_render: "var memory limit exceeded: …", then returns normally with no output.
;;   Expected: success, the data unchanged.
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "log_error" (func $log_error (param i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "memory limit exceeded: not really")
  (data (i32.const 64) "var memory limit exceeded: not really")
  ;; Logs `length` bytes at `at` at error level.
  (func $log (param $at i32) (param $length i32)
    (local $block i64) (local $i i32)
    (local.set $block (call $alloc (i64.extend_i32_u (local.get $length))))
    (loop $copy
      (call $store_u8 (i64.add (local.get $block) (i64.extend_i32_u (local.get $i))) (i32.load8_u (i32.add (local.get $at) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $copy (i32.lt_u (local.get $i) (local.get $length))))
    (call $log_error (local.get $block)))
  (func (export "hook_transform_data") (result i32)
    (call $log (i32.const 0) (i32.const 33))
    unreachable)
  (func (export "hook_after_render") (result i32)
    (call $log (i32.const 64) (i32.const 37))
    (i32.const 0)))
