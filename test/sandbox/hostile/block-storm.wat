;; Hostile: asks the host for memory blocks instead of using its own memory.
;; - hook_transform_data: 32,000 one-byte blocks in one call (just under Extism's 32,767). Cheap
;;   in fuel; the host's bookkeeping per block must stay O(1), or this call costs seconds of host
;;   CPU that no fuel budget sees. Expected: completes, output empty.
;; - hook_after_render: one block of 2^40 bytes; traps when the host refuses it (returns 0).
;;   Expected: E_LIMIT (the host buffer cap).
;; - hook_before_render: copies its whole memory (64 KiB) into a new host block 30,000 times
;;   (reed_block_write), ignoring refusals: ~2 GB of host buffers for a little fuel unless the
;;   copies count against the same per-call budget. Expected: completes, refusals answered 0.
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/user" "reed_block_write" (func $copy_out (param i32 i32) (result i64)))
  (memory (export "memory") 1)
  (func (export "hook_transform_data") (result i32)
    (local $i i32)
    (loop $more
      (drop (call $alloc (i64.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $more (i32.lt_u (local.get $i) (i32.const 32000))))
    (i32.const 0))
  (func (export "hook_before_render") (result i32)
    (local $i i32)
    (loop $more
      (drop (call $copy_out (i32.const 0) (i32.const 65536)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $more (i32.lt_u (local.get $i) (i32.const 30000))))
    (i32.const 0))
  (func (export "hook_after_render") (result i32)
    (if (i64.eqz (call $alloc (i64.const 1099511627776))) (then unreachable))
    (i32.const 0)))
