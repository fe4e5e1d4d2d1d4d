;; Hostile: grows a table by 7,000,000 externref entries on every call (~56 MB of host memory
;; each, uninstrumented, within the default fuel), and traps when a grow fails.
;; Expected: the grow is refused at the table cap, so E_MEMORY (limit maxTableElements), and the
;; plugin's memory figure stays where it was however often it is called.
(module
  (table $t 0 externref)
  (func (export "hook_transform_data") (result i32)
    (if (i32.eq (table.grow $t (ref.null extern) (i32.const 7000000)) (i32.const -1)) (then unreachable))
    (i32.const 0)))
