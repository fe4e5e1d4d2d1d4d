;; Hostile: traps inside `initialize`. Expected: the load fails with E_INIT caused by E_TRAP.
(module
  (func (export "initialize") (result i32) unreachable)
  (func (export "hook_transform_data") (result i32) (i32.const 0)))
