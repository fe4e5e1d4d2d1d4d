;; Hostile: writes 64 KiB to stdout without a newline, forever: the host must neither buffer it
;; without bound nor log more than maxLogBytes. Expected: E_FUEL (the loop never ends), with at
;; most maxLogBytes logged.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (func (export "hook_transform_data") (result i32)
    (memory.fill (i32.const 64) (i32.const 120) (i32.const 65536))
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 65536))
    (loop $forever
      (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))
      (br $forever))
    (i32.const 0)))
