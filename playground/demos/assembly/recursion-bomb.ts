/**
 * Demo `recursion-bomb`: `hook_transform_data` recurses without end (not a tail call, so the
 * optimizer cannot turn it into a loop). Expected: E_STACK at the call-depth limit.
 */
import { Log } from "../../../sdk/assembly/index";

let depth: i32 = 0;

function dive(n: i32): i32 {
  depth = n;
  return dive(n + 1) + 1;
}

export function hook_transform_data(): i32 {
  Log.info("recursion-bomb: diving");
  return dive(0) & 0;
}
