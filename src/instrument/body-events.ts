/**
 * The event list that links the two passes over a function body. Pass 1 (`scanBody`) decodes
 * the instructions once and records where code is inserted or replaced; pass 2 (`emitBody`)
 * copies the input between events verbatim and writes the inserted code. Each event is four
 * int32 slots in a flat, reused `Int32Array`: kind, start, end, value.
 */

/** Insert a meter at `start`; `end` carries the nesting level (the br_if depth), value = cost. */
export const EV_METER = 0;
/** Replace `[start, end)` with (the opcode at `start`) + u32 `value` (a renumbered function). */
export const EV_REMAP = 1;
/** Insert the exit code (depth -= 1, fuel local -> global) at `start`. */
export const EV_LEAVE = 2;
/** Replace the `memory.grow` at `[start, end)` with a call to the grow helper. */
export const EV_GROW = 3;
/** Insert a size charge at `start`; `end` carries the nesting level, value = shift. */
export const EV_SIZE = 4;
/** Insert `end` (of the body wrapper block) and the exit code before the final `end`. */
export const EV_EPILOGUE = 5;
/** Insert fuel local -> global at `start` (before a call). */
export const EV_SYNC_OUT = 6;
/** Insert fuel global -> local at `start` (after a call). */
export const EV_SYNC_IN = 7;

/** Slots one instruction may append at most (call: sync out, remap, sync in, then a meter). */
export const MAX_SLOTS_PER_INSTRUCTION = 16;

/** Returns a copy of `list` with room for at least `need` slots (doubling), keeping `[0, used)`. */
export function growSlots(list: Int32Array, used: number, need: number): Int32Array {
  let size = Math.max(16, list.length * 2);
  while (size < need) size *= 2;
  const next = new Int32Array(size);
  next.set(list.subarray(0, used));
  return next;
}
