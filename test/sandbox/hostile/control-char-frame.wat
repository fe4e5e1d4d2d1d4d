;; Hostile: a filter returning a frame (docs/abi.md "Frames") whose framed `html` is 2 MiB of
;; U+0001. As a frame it is 2 MiB, under maxOutputBytes; as JSON, as the next (non-framed)
;; plugin receives it, each byte becomes "\u0001": about 12 MiB, over every plugin's input limit.
;; Expected: E_LIMIT (maxOutputBytes) for this plugin; the next filter gets the data unchanged.
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "store_u64" (func $store_u64 (param i64 i64)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (memory (export "memory") 1)
  ;; magic, count 1, jsonLength 13, keyLength 4, "html", valueLength 2 MiB, {"html":null}
  (data (i32.const 0) "\00RF\01\01\00\00\00\0d\00\00\00\04\00\00\00html\00\00\20\00{\"html\":null}")
  (func (export "hook_transform_data") (result i32)
    (local $out i64) (local $i i64) (local $head i64) (local $total i64)
    (local.set $head (i64.const 37))
    (local.set $total (i64.add (local.get $head) (i64.const 2097152)))
    (local.set $out (call $alloc (local.get $total)))
    (loop $h
      (call $store_u8 (i64.add (local.get $out) (local.get $i)) (i32.load8_u (i32.wrap_i64 (local.get $i))))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $h (i64.lt_u (local.get $i) (local.get $head))))
    (loop $body
      (call $store_u64 (i64.add (local.get $out) (local.get $i)) (i64.const 0x0101010101010101))
      (local.set $i (i64.add (local.get $i) (i64.const 8)))
      (br_if $body (i64.lt_u (local.get $i) (i64.sub (local.get $total) (i64.const 7)))))
    (block $done
      (loop $tail
        (br_if $done (i64.ge_u (local.get $i) (local.get $total)))
        (call $store_u8 (i64.add (local.get $out) (local.get $i)) (i32.const 1))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $tail)))
    (call $output_set (local.get $out) (local.get $total))
    (i32.const 0)))
