/**
 * Our WASI preview 1: the `wasi_snapshot_preview1` functions as host functions, identical on
 * every runtime (web-standard APIs only). Granted: stdout/stderr as log lines, stdin as empty,
 * clocks, random bytes, args and environment, `proc_exit`, `sched_yield`, and `poll_oneoff`
 * for clocks (answered at once: the host never sleeps inline). Everything else answers an
 * errno (EBADF for descriptors that are not open, ENOTCAPABLE for what stdio cannot do, ENOSYS
 * for sockets and signals), never a host exception.
 *
 * Every byte the host copies in or out of guest memory is charged to the guest's fuel, as the
 * other host functions are (src/engine/guest-io-functions.ts); out of fuel, the function does
 * nothing and the guest stops at its next meter.
 */
import type { CallContext } from '@extism/extism';
import type { HostFunction } from '../engine/extism-guest.ts';
import type { HostCharges } from '../engine/guest-io-functions.ts';
import { CLOCK_RESOLUTION_NS, type WasiEntropy } from './wasi-clock.ts';
import { ClockId, Errno, FileType, HOST_COST_BYTES, Stdio, WASI_FUNCTION_NAMES } from './wasi-constants.ts';
import { WasiExit } from './wasi-exit.ts';
import type { LineStream } from './wasi-streams.ts';
import { FIRST_FILE_FD, fileFunctions } from './wasi-file-functions.ts';
import type { Mount } from './wasi-mounts.ts';

/** What the WASI functions of one instance work with. */
export interface WasiHost {
  /** The guest's exported memory (inline only). */
  memory(): WebAssembly.Memory | undefined;
  /** Charges host-side copies (only `fuel` is used: no host buffers are created). */
  fuel: HostCharges['fuel'];
  stdout: LineStream;
  stderr: LineStream;
  entropy: WasiEntropy;
  /** argv, already encoded. */
  args: readonly string[];
  /** The environment as `KEY=value` strings. */
  env: readonly string[];
  /** Granted mounts (preopened from fd 3 on), and how many files may be open at once. */
  files?: { mounts: readonly Mount[]; maxFileHandles: number } | undefined;
}

const encoder = new TextEncoder();

/** Sizes of WASI structs in guest memory. */
const IOVEC_BYTES = 8;
const SUBSCRIPTION_BYTES = 48;
const EVENT_BYTES = 32;
const FDSTAT_BYTES = 24;
const FILESTAT_BYTES = 64;
/** `eventtype` clock; `subscription` tags 1 and 2 are fd_read / fd_write. */
const EVENT_CLOCK = 0;

/** The `wasi_snapshot_preview1` functions for one instance. */
export function wasiFunctions(host: WasiHost): Record<string, HostFunction> {
  let buffer: ArrayBufferLike | undefined;
  let view: DataView | undefined;
  let bytes: Uint8Array | undefined;
  /** Fresh views only when the memory grew (its buffer is replaced then). */
  const mem = (): { view: DataView; bytes: Uint8Array } | undefined => {
    const memory = host.memory();
    if (memory === undefined) return undefined;
    if (memory.buffer !== buffer) {
      buffer = memory.buffer;
      view = new DataView(buffer);
      bytes = new Uint8Array(buffer);
    }
    return { view: view as DataView, bytes: bytes as Uint8Array };
  };
  const inBounds = (m: { bytes: Uint8Array }, at: number, length: number): boolean => at + length <= m.bytes.byteLength;

  const argBytes = host.args.map((a) => encoder.encode(`${a}\0`));
  const envBytes = host.env.map((e) => encoder.encode(`${e}\0`));

  /** `*_sizes_get`: the count and total byte size of a string list. */
  const sizes =
    (list: Uint8Array[]) =>
    (_c: CallContext, countPtr: number, sizePtr: number): number => {
      const m = mem();
      if (m === undefined || !inBounds(m, countPtr >>> 0, 4) || !inBounds(m, sizePtr >>> 0, 4)) return Errno.FAULT;
      m.view.setUint32(countPtr >>> 0, list.length, true);
      m.view.setUint32(
        sizePtr >>> 0,
        list.reduce((n, b) => n + b.byteLength, 0),
        true,
      );
      return Errno.SUCCESS;
    };
  /** `*_get`: pointers into a buffer holding NUL-terminated strings. */
  const strings =
    (list: Uint8Array[]) =>
    (_c: CallContext, ptrsPtr: number, bufPtr: number): number => {
      const m = mem();
      const total = list.reduce((n, b) => n + b.byteLength, 0);
      let at = bufPtr >>> 0;
      if (m === undefined || !inBounds(m, ptrsPtr >>> 0, list.length * 4) || !inBounds(m, at, total)) return Errno.FAULT;
      if (!host.fuel(total + list.length * HOST_COST_BYTES.PER_ITEM)) return Errno.FAULT;
      list.forEach((b, i) => {
        m.view.setUint32((ptrsPtr >>> 0) + i * 4, at, true);
        m.bytes.set(b, at);
        at += b.byteLength;
      });
      return Errno.SUCCESS;
    };

  const isStdio = (fd: number): boolean => fd === Stdio.IN || fd === Stdio.OUT || fd === Stdio.ERR;
  /** The answer for what a descriptor cannot do: not open, or stdio without that right. */
  const refuse = (fd: number): number => (isStdio(fd) ? Errno.NOTCAPABLE : Errno.BADF);

  const functions: Record<string, HostFunction> = {
    args_sizes_get: sizes(argBytes),
    args_get: strings(argBytes),
    environ_sizes_get: sizes(envBytes),
    environ_get: strings(envBytes),

    clock_res_get(_c: CallContext, clock: number, resultPtr: number): number {
      const m = mem();
      if (m === undefined || !inBounds(m, resultPtr >>> 0, 8)) return Errno.FAULT;
      // Asked without reading the clock: a deterministic clock must not advance here.
      if (!(clock >= ClockId.REALTIME && clock <= ClockId.THREAD_CPUTIME)) return Errno.INVAL;
      m.view.setBigUint64(resultPtr >>> 0, CLOCK_RESOLUTION_NS, true);
      return Errno.SUCCESS;
    },
    clock_time_get(_c: CallContext, clock: number, _precision: bigint, resultPtr: number): number {
      const m = mem();
      if (m === undefined || !inBounds(m, resultPtr >>> 0, 8)) return Errno.FAULT;
      const now = host.entropy.now(clock);
      if (now === undefined) return Errno.INVAL;
      m.view.setBigUint64(resultPtr >>> 0, now, true);
      return Errno.SUCCESS;
    },
    random_get(_c: CallContext, ptr: number, length: number): number {
      const m = mem();
      const at = ptr >>> 0;
      const count = length >>> 0;
      if (m === undefined || !inBounds(m, at, count)) return Errno.FAULT;
      if (!host.fuel(count * HOST_COST_BYTES.RANDOM_BYTE + HOST_COST_BYTES.PER_ITEM)) return Errno.FAULT;
      host.entropy.fill(m.bytes.subarray(at, at + count));
      return Errno.SUCCESS;
    },

    fd_write(_c: CallContext, fd: number, iovsPtr: number, iovsLen: number, writtenPtr: number): number {
      const stream = fd === Stdio.OUT ? host.stdout : fd === Stdio.ERR ? host.stderr : undefined;
      if (stream === undefined) return refuse(fd);
      const m = mem();
      const iovs = iovsPtr >>> 0;
      const n = iovsLen >>> 0;
      if (m === undefined || !inBounds(m, iovs, n * IOVEC_BYTES) || !inBounds(m, writtenPtr >>> 0, 4)) return Errno.FAULT;
      // The vector itself is read by the host: a guest passing thousands of empty vectors pays
      // for each (and for the call), before the host does any more work.
      let total = 0;
      for (let i = 0; i < n; i++) {
        const at = m.view.getUint32(iovs + i * IOVEC_BYTES, true);
        const len = m.view.getUint32(iovs + i * IOVEC_BYTES + 4, true);
        if (!inBounds(m, at, len)) return Errno.FAULT;
        total += len;
      }
      if (!host.fuel(total * HOST_COST_BYTES.LOG_BYTE + (n + 1) * HOST_COST_BYTES.PER_ITEM)) return Errno.FAULT;
      for (let i = 0; i < n; i++) {
        const at = m.view.getUint32(iovs + i * IOVEC_BYTES, true);
        const len = m.view.getUint32(iovs + i * IOVEC_BYTES + 4, true);
        if (len > 0) stream.write(m.bytes.subarray(at, at + len));
      }
      m.view.setUint32(writtenPtr >>> 0, total, true);
      return Errno.SUCCESS;
    },
    fd_read(_c: CallContext, fd: number, _iovsPtr: number, _iovsLen: number, readPtr: number): number {
      if (fd !== Stdio.IN) return refuse(fd);
      const m = mem();
      if (m === undefined || !inBounds(m, readPtr >>> 0, 4)) return Errno.FAULT;
      m.view.setUint32(readPtr >>> 0, 0, true); // end of input, at once
      return Errno.SUCCESS;
    },
    fd_fdstat_get(_c: CallContext, fd: number, statPtr: number): number {
      if (!isStdio(fd)) return Errno.BADF;
      const m = mem();
      const at = statPtr >>> 0;
      if (m === undefined || !inBounds(m, at, FDSTAT_BYTES)) return Errno.FAULT;
      m.bytes.fill(0, at, at + FDSTAT_BYTES);
      m.view.setUint8(at, FileType.CHARACTER_DEVICE);
      // rights: fd_read (bit 1) for stdin, fd_write (bit 6) for stdout/stderr.
      m.view.setBigUint64(at + 8, fd === Stdio.IN ? 1n << 1n : 1n << 6n, true);
      return Errno.SUCCESS;
    },
    fd_filestat_get(_c: CallContext, fd: number, statPtr: number): number {
      if (!isStdio(fd)) return Errno.BADF;
      const m = mem();
      const at = statPtr >>> 0;
      if (m === undefined || !inBounds(m, at, FILESTAT_BYTES)) return Errno.FAULT;
      m.bytes.fill(0, at, at + FILESTAT_BYTES);
      m.view.setUint8(at + 16, FileType.CHARACTER_DEVICE);
      return Errno.SUCCESS;
    },
    // Go sets O_NONBLOCK on its standard streams: harmless, and they never block anyway.
    fd_fdstat_set_flags: (_c: CallContext, fd: number): number => (isStdio(fd) ? Errno.SUCCESS : Errno.BADF),
    fd_close: (_c: CallContext, fd: number): number => (isStdio(fd) ? Errno.SUCCESS : Errno.BADF),
    fd_seek: (_c: CallContext, fd: number): number => (isStdio(fd) ? Errno.SPIPE : Errno.BADF),
    fd_tell: (_c: CallContext, fd: number): number => (isStdio(fd) ? Errno.SPIPE : Errno.BADF),
    fd_sync: (_c: CallContext, fd: number): number => (isStdio(fd) ? Errno.SUCCESS : Errno.BADF),
    fd_datasync: (_c: CallContext, fd: number): number => (isStdio(fd) ? Errno.SUCCESS : Errno.BADF),
    // No preopened directories: EBADF ends libc's and Go's scan for them at descriptor 3.
    fd_prestat_get: (): number => Errno.BADF,
    fd_prestat_dir_name: (): number => Errno.BADF,

    poll_oneoff(_c: CallContext, inPtr: number, outPtr: number, count: number, eventsPtr: number): number {
      const m = mem();
      const n = count >>> 0;
      const subs = inPtr >>> 0;
      const events = outPtr >>> 0;
      if (m === undefined || n === 0) return Errno.INVAL;
      if (!inBounds(m, subs, n * SUBSCRIPTION_BYTES) || !inBounds(m, events, n * EVENT_BYTES) || !inBounds(m, eventsPtr >>> 0, 4)) return Errno.FAULT;
      if (!host.fuel(n * HOST_COST_BYTES.PER_ITEM)) return Errno.FAULT;
      // Every clock is due at once (a sleep returns immediately: fuel, not time, bounds the
      // guest), stdout/stderr are always writable, anything else is a bad descriptor.
      for (let i = 0; i < n; i++) {
        const sub = subs + i * SUBSCRIPTION_BYTES;
        const event = events + i * EVENT_BYTES;
        const tag = m.view.getUint8(sub + 8);
        const fd = m.view.getUint32(sub + 16, true);
        m.bytes.fill(0, event, event + EVENT_BYTES);
        m.view.setBigUint64(event, m.view.getBigUint64(sub, true), true);
        m.view.setUint8(event + 10, tag);
        const writable = tag === 2 && (fd === Stdio.OUT || fd === Stdio.ERR);
        const readable = tag === 1 && fd === Stdio.IN;
        if (tag !== EVENT_CLOCK && !writable && !readable) m.view.setUint16(event + 8, Errno.BADF, true);
      }
      m.view.setUint32(eventsPtr >>> 0, n, true);
      return Errno.SUCCESS;
    },
    sched_yield: (): number => Errno.SUCCESS,
    proc_exit(_c: CallContext, code: number): never {
      throw new WasiExit(code >>> 0);
    },
    proc_raise: (): number => Errno.NOSYS,
    sock_accept: (): number => Errno.NOSYS,
    sock_recv: (): number => Errno.NOSYS,
    sock_send: (): number => Errno.NOSYS,
    sock_shutdown: (): number => Errno.NOSYS,
  };
  // Everything else about descriptors and paths is not granted: answered for the descriptor.
  for (const name of WASI_FUNCTION_NAMES) {
    functions[name] ??= (_c: CallContext, fd: number): number => refuse(fd);
  }
  if (host.files === undefined || host.files.mounts.length === 0) return functions;
  // Mounts: descriptors from 3 up go to the file functions; what those do not serve (rename,
  // links, times, …) is ENOTCAPABLE for an open descriptor, EBADF for any other.
  const files = fileFunctions({ mem, fuel: host.fuel, mounts: host.files.mounts, maxFileHandles: host.files.maxFileHandles });
  for (const name of WASI_FUNCTION_NAMES) {
    if (!name.startsWith('fd_') && !name.startsWith('path_')) continue;
    const stdio = functions[name] as HostFunction;
    const file: HostFunction = files.functions[name] ?? ((_c: CallContext, fd: number): number => (files.isOpen(fd) ? Errno.NOTCAPABLE : Errno.BADF));
    functions[name] = (c: CallContext, fd: number, ...rest: unknown[]): unknown => (fd >= FIRST_FILE_FD ? file(c, fd, ...rest) : stdio(c, fd, ...rest));
  }
  return functions;
}
