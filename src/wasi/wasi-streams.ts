/**
 * stdout and stderr of a WASI guest as plugin log lines: bytes are gathered until a newline
 * and each line goes to the log (stdout at `info`, stderr at `warn`), where the per-call
 * `maxLogBytes` applies as to `log_info`. A partial line is flushed at the end of the call, and
 * a line longer than the log limit is cut there, so the buffer never holds more than that.
 */

/** Receives one complete line (without its newline). */
export type LineSink = (line: string) => void;

/** A line-buffered output stream. */
export interface LineStream {
  /** Appends bytes (copied); complete lines go to the sink at once. */
  write(bytes: Uint8Array): void;
  /** Sends a pending partial line, if any (end of call). */
  flush(): void;
}

const NEWLINE = 0x0a;

/** A line-buffered stream that sends lines to `sink` and never buffers more than `maxLineBytes`. */
export function lineStream(sink: LineSink, maxLineBytes: number): LineStream {
  const decoder = new TextDecoder();
  let pending = new Uint8Array(256);
  let used = 0;
  const emit = (bytes: Uint8Array): void => {
    // A carriage return before the newline is part of the line ending, not of the text.
    const end = bytes.byteLength > 0 && bytes[bytes.byteLength - 1] === 0x0d ? bytes.byteLength - 1 : bytes.byteLength;
    sink(decoder.decode(bytes.subarray(0, end)));
  };
  const append = (bytes: Uint8Array): void => {
    let at = 0;
    while (at < bytes.byteLength) {
      const room = maxLineBytes - used;
      const take = Math.min(room, bytes.byteLength - at);
      if (used + take > pending.byteLength) {
        const grown = new Uint8Array(Math.min(maxLineBytes, Math.max(pending.byteLength * 2, used + take)));
        grown.set(pending.subarray(0, used));
        pending = grown;
      }
      pending.set(bytes.subarray(at, at + take), used);
      used += take;
      at += take;
      if (used >= maxLineBytes) flush();
    }
  };
  const flush = (): void => {
    if (used === 0) return;
    const line = pending.subarray(0, used);
    used = 0;
    emit(line);
  };
  return {
    write(bytes) {
      let start = 0;
      for (let nl = bytes.indexOf(NEWLINE); nl !== -1; nl = bytes.indexOf(NEWLINE, start)) {
        if (used === 0 && nl - start <= maxLineBytes) {
          emit(bytes.subarray(start, nl));
        } else {
          append(bytes.subarray(start, nl));
          flush();
        }
        start = nl + 1;
      }
      if (start < bytes.byteLength) append(bytes.subarray(start));
    },
    flush,
  };
}
