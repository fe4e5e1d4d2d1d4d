;; Hostile: publishes {"type":"content.updated","data":{}} in a loop of up to 1,000,000 calls,
;; stopping at the first refusal. Each publication costs the host far more than the guest's fuel
;; for one host call. Expected: after maxEventsPerCall publications the host refuses (nonzero),
;; the loop stops, the call completes, and one plugin.denied names maxEventsPerCall. Without
;; the cap the loop runs out of fuel after queueing tens of thousands of events.
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/user" "reed_publish_event" (func $publish (param i64) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{\22type\22:\22content.updated\22,\22data\22:{}}")
  (func (export "hook_transform_data") (result i32)
    (local $block i64) (local $i i32)
    (local.set $block (call $alloc (i64.const 36)))
    (loop $copy
      (call $store_u8 (i64.add (local.get $block) (i64.extend_i32_u (local.get $i))) (i32.load8_u (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $copy (i32.lt_u (local.get $i) (i32.const 36))))
    (local.set $i (i32.const 0))
    (block $refused
      (loop $flood
        (br_if $refused (call $publish (local.get $block)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $flood (i32.lt_u (local.get $i) (i32.const 1000000)))))
    (i32.const 0)))
