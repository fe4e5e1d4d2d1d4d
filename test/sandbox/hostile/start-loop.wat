;; Hostile: code that runs while the module is set up, before any export is called.
;; - The start function loops for ever.
;; Expected: the load fails with E_FUEL (its fuel is a call's, run from __reed_start), or with
;; E_TIMEOUT in a worker when fuel is off; before, a worker reported E_WASM "received unexpected
;; message (type=invoke)" (the limit report could not be delivered during instantiation).
(module
  (func $forever (loop $l (br $l)))
  (start $forever)
  (func (export "hook_transform_data") (result i32) (i32.const 0)))
