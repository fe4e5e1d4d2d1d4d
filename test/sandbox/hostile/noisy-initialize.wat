;; A plugin whose initialize leaves 6 MB of zeros as its output (the ABI ignores initialize's
;; output; a NUL first byte once made the host read it as a malformed frame and fail the load).
;; Expected: the load succeeds and the hook works.
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (memory (export "memory") 1)
  (func (export "initialize") (result i32)
    (call $output_set (call $alloc (i64.const 6000000)) (i64.const 6000000))
    (i32.const 0))
  (func (export "on_event") (result i32)
    (call $output_set (call $alloc (i64.const 100)) (i64.const 100))
    (i32.const 0))
  (func (export "hook_transform_data") (result i32) (i32.const 0)))
