;; Hostile: grows memory 16 pages at a time until the engine refuses, then traps.
;; Expected: E_MEMORY (the cap refuses the growth).
(module
  (memory 1)
  (func (export "hook_transform_data") (result i32)
    (loop $more
      (br_if $more (i32.ne (memory.grow (i32.const 16)) (i32.const -1))))
    unreachable))
