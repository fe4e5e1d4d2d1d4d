;; Hostile: integer division by zero (the divisor comes from a global so no compiler folds it).
;; Expected: E_TRAP.
(module
  (global $zero (mut i32) (i32.const 0))
  (func (export "hook_transform_data") (result i32)
    (drop (i32.div_s (i32.const 1) (global.get $zero)))
    (i32.const 0)))
