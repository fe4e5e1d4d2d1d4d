;; Hostile: spins forever in one loop. Expected: E_FUEL (inline and worker).
(module
  (func (export "hook_transform_data") (result i32)
    (loop $forever (br $forever))
    (i32.const 0)))
