;; Hostile: opens the same file of its mount (preopened as fd 3) until the host refuses, never
;; closing one, and outputs how many it got. Expected: exactly maxFileHandles, then EMFILE; the
;; call itself succeeds.
(module
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "extism:host/user" "reed_output_write" (func $out (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "a.txt")
  (func (export "hook_transform_data") (result i32)
    (local $n i32) (local $errno i32)
    (block $refused
      (loop $next
        (local.set $errno (call $path_open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 5) (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 200)))
        (br_if $refused (local.get $errno))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $next)))
    ;; output "nnn,ee" (count, errno) as a JSON string
    (i32.store8 (i32.const 300) (i32.const 34))
    (i32.store8 (i32.const 301) (i32.add (i32.const 48) (i32.div_u (local.get $n) (i32.const 100))))
    (i32.store8 (i32.const 302) (i32.add (i32.const 48) (i32.rem_u (i32.div_u (local.get $n) (i32.const 10)) (i32.const 10))))
    (i32.store8 (i32.const 303) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
    (i32.store8 (i32.const 304) (i32.const 44))
    (i32.store8 (i32.const 305) (i32.add (i32.const 48) (i32.div_u (local.get $errno) (i32.const 10))))
    (i32.store8 (i32.const 306) (i32.add (i32.const 48) (i32.rem_u (local.get $errno) (i32.const 10))))
    (i32.store8 (i32.const 307) (i32.const 34))
    (drop (call $out (i32.const 300) (i32.const 8)))
    (i32.const 0)))
