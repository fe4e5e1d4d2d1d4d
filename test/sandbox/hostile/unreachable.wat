;; Hostile: executes `unreachable`. Expected: E_TRAP.
(module
  (func (export "hook_transform_data") (result i32) unreachable))
