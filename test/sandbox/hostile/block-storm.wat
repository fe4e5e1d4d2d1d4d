;; Hostile: asks the host for memory blocks instead of using its own memory.
;; - hook_transform_data: 32,000 one-byte blocks in one call (just under Extism's 32,767). Cheap
;;   in fuel; the host's bookkeeping per block must stay O(1), or this call costs seconds of host
;;   CPU that no fuel budget sees. Expected: completes, output empty.
;; - hook_after_render: one block of 2^40 bytes; traps when the host refuses it (returns 0).
;;   Expected: E_LIMIT (the host buffer cap).
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (memory (export "memory") 1)
  (func (export "hook_transform_data") (result i32)
    (local $i i32)
    (loop $more
      (drop (call $alloc (i64.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $more (i32.lt_u (local.get $i) (i32.const 32000))))
    (i32.const 0))
  (func (export "hook_after_render") (result i32)
    (if (i64.eqz (call $alloc (i64.const 1099511627776))) (then unreachable))
    (i32.const 0)))
