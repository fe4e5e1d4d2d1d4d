;; Hostile: imports a table (sized by whoever provides it) that the host never offers (one
;; declaring a minimum over maxTableElements is refused before that, with E_MEMORY).
;; Expected: refused at load with E_LINK naming the import.
(module
  (import "env" "table" (table 1 externref))
  (func (export "hook_transform_data") (result i32) (i32.const 0)))
