;; Hostile: a module that compiles but cannot be instantiated (an active data segment past the
;; end of its memory). Before, in a worker the failure rejected inside Extism's worker and became
;; an uncaught exception on the host's main thread, and the load waited out its timeout.
;; Expected: the load fails with E_WASM naming the engine's reason; the host goes on.
(module
  (memory 1)
  (data (i32.const 65535) "past the end")
  (func (export "hook_transform_data") (result i32) (i32.const 0)))
