;; Hostile: answers every event it receives (on_event), and every hook_transform_data call, by
;; publishing $fanout events {"type":"chat.msg","data":{}} (until the host refuses one). Two or
;; three of these subscribed to chat.* grow exponentially: with 4 per event, one hook call made
;; 43,692 plugin calls before the chain depth limit; with 20, a 41.8 s block and +2.9 GB. The
;; test sets $fanout (4, 20) by rewriting its global. Expected: the chain's budget
;; (maxEventsPerChain, maxCallsPerChain) caps the total work of one trigger, one plugin.denied
;; names the limit, and the next trigger gets a fresh budget.
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/user" "reed_publish_event" (func $publish (param i64) (result i32)))
  (memory (export "memory") 1)
  (global $fanout i32 (i32.const 4))
  (data (i32.const 0) "{\22type\22:\22chat.msg\22,\22data\22:{}}")
  (func $burst
    (local $block i64) (local $i i32)
    (local.set $block (call $alloc (i64.const 29)))
    (loop $copy
      (call $store_u8 (i64.add (local.get $block) (i64.extend_i32_u (local.get $i))) (i32.load8_u (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $copy (i32.lt_u (local.get $i) (i32.const 29))))
    (local.set $i (i32.const 0))
    ;; It stops at a refusal (asking on costs it nothing more: maxEventsPerCall bounds that).
    (block $refused
      (loop $burst
        (br_if $refused (call $publish (local.get $block)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $burst (i32.lt_u (local.get $i) (global.get $fanout))))))
  (func (export "on_event") (result i32)
    (call $burst)
    (i32.const 0))
  (func (export "hook_transform_data") (result i32)
    (call $burst)
    (i32.const 0)))
