;; Hostile: hands fd_write 8,000 empty iovecs per call, forever: the host reads every vector,
;; and reading them costs fuel like any copy. Expected: E_FUEL.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (func (export "hook_transform_data") (result i32)
    (loop $forever
      (drop (call $fd_write (i32.const 2) (i32.const 0) (i32.const 8000) (i32.const 65536)))
      (br $forever))
    (i32.const 0)))
