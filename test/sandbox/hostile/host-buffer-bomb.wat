;; Hostile: makes the host create buffers of the guest's choosing, which in worker isolation
;; Extism's worker allocates before its own cap looks (alloc(4e9) took 9.5 s and ~4 GB, and the
;; main thread then copied the block). Every refusal answers 0; each export traps on its first 0.
;; - hook_transform_data: one alloc of 4,000,000,000 bytes.
;; - hook_before_render: 4 MiB blocks, up to 1,000 of them (4 GB), kept.
;; - hook_after_render: alloc with a length of 2^64 - 1 (i64 -1: a "negative" size).
;; - hook_route_match: one 1 MiB variable (less its one-byte key, which counts towards
;;   maxVarBytes too), then var_get of it up to 10,000 times: every var_get makes the host store
;;   a fresh 1 MiB copy (10 GB).
;; Expected in both isolation modes: E_LIMIT (the host-buffer limit), the host's memory untouched.
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "var_set" (func $var_set (param i64 i64)))
  (import "extism:host/env" "var_get" (func $var_get (param i64) (result i64)))
  (memory (export "memory") 1)
  (func $must (param $block i64) (result i64)
    (if (i64.eqz (local.get $block)) (then unreachable))
    (local.get $block))
  (func (export "hook_transform_data") (result i32)
    (drop (call $must (call $alloc (i64.const 4000000000))))
    (i32.const 0))
  (func (export "hook_before_render") (result i32)
    (local $i i32)
    (loop $more
      (drop (call $must (call $alloc (i64.const 4194304))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $more (i32.lt_u (local.get $i) (i32.const 1000))))
    (i32.const 0))
  (func (export "hook_after_render") (result i32)
    (drop (call $must (call $alloc (i64.const -1))))
    (i32.const 0))
  ;; A one-byte key block holding "k" (var_get frees the key it is given: a new one per call).
  (func $key (result i64)
    (local $k i64)
    (local.set $k (call $must (call $alloc (i64.const 1))))
    (call $store_u8 (local.get $k) (i32.const 107))
    (local.get $k))
  (func (export "hook_route_match") (result i32)
    (local $i i32)
    (call $var_set (call $key) (call $must (call $alloc (i64.const 1048575))))
    (loop $more
      (drop (call $must (call $var_get (call $key))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $more (i32.lt_u (local.get $i) (i32.const 10000))))
    (i32.const 0)))
