;; Hostile: keeps 1 MiB more in plugin variables (Extism's var_set, which the host holds between
;; calls) on every call, under a new key each time: without a cap, host memory grows by 1 MiB
;; per call for ever, outside the plugin's linear-memory cap.
;; Expected: the call that passes maxVarBytes ends with E_LIMIT (limit maxVarBytes).
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u64" (func $store_u64 (param i64 i64)))
  (import "extism:host/env" "var_set" (func $var_set (param i64 i64)))
  (memory (export "memory") 1)
  (global $n (mut i64) (i64.const 0))
  (func (export "hook_after_render") (result i32)
    (local $key i64)
    (local.set $key (call $alloc (i64.const 8)))
    (global.set $n (i64.add (global.get $n) (i64.const 1)))
    (call $store_u64 (local.get $key) (global.get $n))
    (call $var_set (local.get $key) (call $alloc (i64.const 1048576)))
    (i32.const 0)))
