;; Hostile: a function that always calls itself. Expected: E_STACK.
(module
  (func $down (param $n i64) (result i64) (call $down (i64.add (local.get $n) (i64.const 1))))
  (func (export "hook_transform_data") (result i32) (drop (call $down (i64.const 0))) (i32.const 0)))
