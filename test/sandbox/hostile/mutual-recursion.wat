;; Hostile: ping calls pong calls ping, forever. Expected: E_STACK.
(module
  (func $ping (param $n i32) (result i32) (call $pong (i32.add (local.get $n) (i32.const 1))))
  (func $pong (param $n i32) (result i32) (call $ping (i32.add (local.get $n) (i32.const 1))))
  (func (export "hook_transform_data") (result i32) (call $ping (i32.const 0))))
