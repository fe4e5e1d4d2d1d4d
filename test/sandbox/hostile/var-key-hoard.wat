;; Hostile: keeps a plugin variable under a new 64 KiB key on every call, with an empty value.
;; Extism's own cap counts values only: without the keys counted, host memory grows by 64 KiB
;; per call for ever.
;; Expected: the call that passes maxVarBytes ends with E_LIMIT (limit maxVarBytes).
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u64" (func $store_u64 (param i64 i64)))
  (import "extism:host/env" "var_set" (func $var_set (param i64 i64)))
  (memory (export "memory") 1)
  (global $n (mut i64) (i64.const 0))
  (func (export "hook_after_render") (result i32)
    (local $key i64)
    (local.set $key (call $alloc (i64.const 65536)))
    (global.set $n (i64.add (global.get $n) (i64.const 1)))
    (call $store_u64 (local.get $key) (global.get $n))
    (call $var_set (local.get $key) (call $alloc (i64.const 0)))
    (i32.const 0)))
