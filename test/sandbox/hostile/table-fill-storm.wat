;; Hostile: table.fill over 5,000,000 funcref entries (1,000 at a time): each entry updates V8's
;; dispatch table (~25 ns), so at the old price (1 fuel per 8 entries) this held the main
;; thread ~430x longer than a plain loop of the same fuel. Expected: E_FUEL.
(module
  (table $t 1000 funcref)
  (func $f)
  (elem declare func $f)
  (func (export "hook_transform_data") (result i32) (local $i i32)
    (loop $l
      (table.fill $t (i32.const 0) (ref.func $f) (i32.const 1000))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1000))) (i32.const 5000000))))
    (i32.const 0)))
