;; Hostile: declares 64 tables of 10,000,000 externref each (5 GB of host memory in V8, which
;; allocates declared table minimums eagerly: uninstrumented, this kills Node at load).
;; Expected: refused at load, before the engine allocates anything, with E_MEMORY
;; (limit maxTableElements).
(module
  (table 10000000 externref) (table 10000000 externref) (table 10000000 externref) (table 10000000 externref)
  (table 10000000 externref) (table 10000000 externref) (table 10000000 externref) (table 10000000 externref)
  (table 10000000 externref) (table 10000000 externref) (table 10000000 externref) (table 10000000 externref)
  (table 10000000 externref) (table 10000000 externref) (table 10000000 externref) (table 10000000 externref)
  (table 10000000 externref) (table 10000000 externref) (table 10000000 externref) (table 10000000 externref)
  (table 10000000 externref) (table 10000000 externref) (table 10000000 externref) (table 10000000 externref)
  (table 10000000 externref) (table 10000000 externref) (table 10000000 externref) (table 10000000 externref)
  (table 10000000 externref) (table 10000000 externref) (table 10000000 externref) (table 10000000 externref)
  (table 10000000 externref) (table 10000000 externref) (table 10000000 externref) (table 10000000 externref)
  (table 10000000 externref) (table 10000000 externref) (table 10000000 externref) (table 10000000 externref)
  (table 10000000 externref) (table 10000000 externref) (table 10000000 externref) (table 10000000 externref)
  (table 10000000 externref) (table 10000000 externref) (table 10000000 externref) (table 10000000 externref)
  (table 10000000 externref) (table 10000000 externref) (table 10000000 externref) (table 10000000 externref)
  (table 10000000 externref) (table 10000000 externref) (table 10000000 externref) (table 10000000 externref)
  (table 10000000 externref) (table 10000000 externref) (table 10000000 externref) (table 10000000 externref)
  (table 10000000 externref) (table 10000000 externref) (table 10000000 externref) (table 10000000 externref)
  (func (export "hook_transform_data") (result i32) (i32.const 0)))
