;; Hostile: a WASI-style reactor whose `_initialize` (which Extism calls while instantiating)
;; traps. Before, in a worker the trap escaped as an uncaught exception on the host's main
;; thread (Extism's worker rejects, and nothing listens for the worker's error).
;; Expected: the load fails with E_TRAP naming the start code; the host goes on.
(module
  (func (export "_initialize") unreachable)
  (func (export "hook_transform_data") (result i32) (i32.const 0)))
