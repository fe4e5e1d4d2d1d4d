;; Hostile: logs a line and sets an error full of ANSI escapes and a newline that forges a log
;; line under another plugin's name ("\1b[2J" clears a terminal).
;; Expected: the host's logger and the error message get the control characters escaped.
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "log_warn" (func $log_warn (param i64)))
  (import "extism:host/env" "error_set" (func $error_set (param i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\1b[2J\1b[31mpwned\0a[core] admin password reset\e2\80\ae")
  (func $block (result i64)
    (local $out i64) (local $i i64)
    (local.set $out (call $alloc (i64.const 45)))
    (loop $copy
      (call $store_u8 (i64.add (local.get $out) (local.get $i)) (i32.load8_u (i32.wrap_i64 (local.get $i))))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $copy (i64.lt_u (local.get $i) (i64.const 45))))
    (local.get $out))
  (func (export "hook_transform_data") (result i32)
    (call $log_warn (call $block))
    (call $error_set (call $block))
    (i32.const 1)))
