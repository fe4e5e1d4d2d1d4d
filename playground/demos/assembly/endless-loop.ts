/**
 * Demo `endless-loop`: `hook_transform_data` never returns. Inline, nothing can interrupt a
 * WebAssembly call, so only fuel stops it: expected E_FUEL, and the page keeps running.
 */
import { Log } from "../../../sdk/assembly/index";

let spins: i64 = 0;

export function hook_transform_data(): i32 {
  Log.info("endless-loop: spinning");
  while (true) spins++;
  return 0;
}
