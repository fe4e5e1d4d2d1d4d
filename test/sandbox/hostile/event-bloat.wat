;; Hostile: builds one 256 KiB event {"type":"chat.big","data":"xxx…"} in a block and publishes
;; that same block up to 1,000 times (maxEventsPerCall), stopping at the first refusal. The
;; block costs the guest one copy; every publication costs the host a decode, a JSON.parse and
;; a queued copy of the data, outside the guest's fuel: with a 16 MiB block, 1,000 publications
;; would hold the host thread ~100 s and queue 16 GB. Expected: a call's events total at most
;; maxOutputBytes (the test sets 1 MiB), so 4 are published, the 5th is refused, one
;; plugin.denied names maxOutputBytes, and the call completes.
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u64" (func $store_u64 (param i64 i64)))
  (import "extism:host/user" "reed_publish_event" (func $publish (param i64) (result i32)))
  (memory (export "memory") 5)
  (data (i32.const 300000) "{\22type\22:\22chat.big\22,\22data\22:\22")
  (func (export "hook_transform_data") (result i32)
    (local $block i64) (local $i i32)
    ;; 262,144 bytes at 0: the 27-byte prefix, x's, and the closing "} (2 bytes).
    (memory.fill (i32.const 0) (i32.const 120) (i32.const 262144))
    (memory.copy (i32.const 0) (i32.const 300000) (i32.const 27))
    (i32.store8 (i32.const 262142) (i32.const 34))
    (i32.store8 (i32.const 262143) (i32.const 125))
    (local.set $block (call $alloc (i64.const 262144)))
    (loop $copy
      (call $store_u64 (i64.add (local.get $block) (i64.extend_i32_u (local.get $i))) (i64.load (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br_if $copy (i32.lt_u (local.get $i) (i32.const 262144))))
    (local.set $i (i32.const 0))
    (block $refused
      (loop $flood
        (br_if $refused (call $publish (local.get $block)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $flood (i32.lt_u (local.get $i) (i32.const 1000)))))
    (i32.const 0)))
