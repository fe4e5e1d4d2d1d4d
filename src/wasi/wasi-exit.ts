/**
 * `proc_exit`: the only WASI function that does not return. It unwinds the guest with this
 * value; the engine turns it into the call's result (code 0: success with the output set so
 * far; otherwise `E_GUEST` naming the code), and the instance is replaced afterwards.
 */

/**
 * Thrown through the guest by `proc_exit`. Not an Error: nothing about it is exceptional for
 * the host, and it must never be mistaken for one of the guest's traps.
 */
export class WasiExit {
  readonly code: number;
  constructor(code: number) {
    this.code = code;
  }
}
