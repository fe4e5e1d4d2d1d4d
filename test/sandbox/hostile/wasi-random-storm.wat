;; Hostile: asks the host for 64 KiB of random bytes, forever. Every byte the host writes costs
;; fuel (1 per 64 bytes), so the host's work is bounded by the budget. Expected: E_FUEL.
(module
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (memory (export "memory") 2)
  (func (export "hook_transform_data") (result i32)
    (loop $forever
      (drop (call $random_get (i32.const 0) (i32.const 65536)))
      (br $forever))
    (i32.const 0)))
