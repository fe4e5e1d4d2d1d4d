;; Hostile: logs the words of a host-buffer refusal ("memory limit exceeded: …") at error level,
;; then traps, to pass its own fault off as the host's limit. Inline, the host learns of its
;; refusals directly, not from log lines. Expected inline: E_TRAP, no limit named.
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "log_error" (func $log_error (param i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "memory limit exceeded: not really")
  (func (export "hook_transform_data") (result i32)
    (local $block i64) (local $i i32)
    (local.set $block (call $alloc (i64.const 33)))
    (loop $copy
      (call $store_u8 (i64.add (local.get $block) (i64.extend_i32_u (local.get $i))) (i32.load8_u (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $copy (i32.lt_u (local.get $i) (i32.const 33))))
    (call $log_error (local.get $block))
    unreachable))
