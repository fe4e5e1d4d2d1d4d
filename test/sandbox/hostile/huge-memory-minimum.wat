;; Hostile: declares a 65,536-page (4 GiB) memory minimum. Expected: refused at load, E_MEMORY.
(module
  (memory 65536)
  (func (export "hook_transform_data") (result i32) (i32.const 0)))
