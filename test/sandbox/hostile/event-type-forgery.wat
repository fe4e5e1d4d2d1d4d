;; Hostile: declares Event = "chat.*" and publishes types that pattern's `*` would match
;; (`[^.]+`) but no event type may be: "chat.\u0000evil" (a NUL byte, JSON-escaped so it parses),
;; "chat.\u001b[2J" (an ANSI escape that clears a terminal) and a 300-character segment; then the
;; well-formed "chat.ok". Its output is the four statuses reed_publish_event returned, as a JSON
;; array. Expected: [2,2,2,0] (malformed, malformed, malformed, published), a plugin.denied for
;; each refusal with the type escaped in its reason, and only chat.ok on the bus.
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (import "extism:host/user" "reed_publish_event" (func $publish (param i64) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{\22type\22:\22chat.\5cu0000evil\22}")
  (data (i32.const 64) "{\22type\22:\22chat.\5cu001b[2J\22}")
  (data (i32.const 128) "{\22type\22:\22chat.ok\22}")
  ;; 1024: {"type":"chat.<300 × a>"} is built at run time.
  ;; Copies `len` bytes at `at` into a new block and publishes it; returns the status.
  (func $send (param $at i32) (param $len i32) (result i32)
    (local $block i64) (local $i i32)
    (local.set $block (call $alloc (i64.extend_i32_u (local.get $len))))
    (loop $copy
      (call $store_u8 (i64.add (local.get $block) (i64.extend_i32_u (local.get $i))) (i32.load8_u (i32.add (local.get $at) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $copy (i32.lt_u (local.get $i) (local.get $len))))
    (call $publish (local.get $block)))
  (func (export "hook_transform_data") (result i32)
    (local $i i32) (local $out i64)
    ;; {"type":"chat. (14 bytes), 300 × a, "} (2 bytes)
    (memory.copy (i32.const 1024) (i32.const 0) (i32.const 14))
    (memory.fill (i32.const 1038) (i32.const 97) (i32.const 300))
    (i32.store8 (i32.const 1338) (i32.const 34))
    (i32.store8 (i32.const 1339) (i32.const 125))
    ;; The output "[s,s,s,s]": digits at 513, 515, 517, 519.
    (i32.store8 (i32.const 512) (i32.const 91))
    (i32.store8 (i32.const 513) (i32.add (i32.const 48) (call $send (i32.const 0) (i32.const 26))))
    (i32.store8 (i32.const 514) (i32.const 44))
    (i32.store8 (i32.const 515) (i32.add (i32.const 48) (call $send (i32.const 64) (i32.const 25))))
    (i32.store8 (i32.const 516) (i32.const 44))
    (i32.store8 (i32.const 517) (i32.add (i32.const 48) (call $send (i32.const 1024) (i32.const 316))))
    (i32.store8 (i32.const 518) (i32.const 44))
    (i32.store8 (i32.const 519) (i32.add (i32.const 48) (call $send (i32.const 128) (i32.const 18))))
    (i32.store8 (i32.const 520) (i32.const 93))
    (local.set $out (call $alloc (i64.const 9)))
    (loop $copy
      (call $store_u8 (i64.add (local.get $out) (i64.extend_i32_u (local.get $i))) (i32.load8_u (i32.add (i32.const 512) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $copy (i32.lt_u (local.get $i) (i32.const 9))))
    (call $output_set (local.get $out) (i64.const 9))
    (i32.const 0)))
