;; Hostile: an endless loop whose body is a call (every iteration leaves and re-enters a function).
;; Expected: E_FUEL.
(module
  (global $n (mut i64) (i64.const 0))
  (func $tick (global.set $n (i64.add (global.get $n) (i64.const 1))))
  (func (export "hook_transform_data") (result i32)
    (loop $forever (call $tick) (br $forever))
    (i32.const 0)))
