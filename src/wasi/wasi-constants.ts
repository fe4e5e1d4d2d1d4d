/**
 * The WASI preview 1 numbers the layer answers with (wasi_snapshot_preview1.witx): error codes,
 * file types, clocks, and the names of every function of the snapshot.
 */
import { MEMORY_BYTES_SHIFT } from '../instrument/constants.ts';

/** WASI errno values (the subset this layer returns). */
export const Errno = {
  SUCCESS: 0,
  BADF: 8,
  EXIST: 20,
  FAULT: 21,
  INVAL: 28,
  ISDIR: 31,
  MFILE: 33,
  NOENT: 44,
  NOSPC: 51,
  NOSYS: 52,
  NOTDIR: 54,
  NOTEMPTY: 55,
  SPIPE: 70,
  NOTCAPABLE: 76,
} as const;

/** `filetype` values. */
export const FileType = { CHARACTER_DEVICE: 2, DIRECTORY: 3, REGULAR_FILE: 4 } as const;

/** `oflags` bits of `path_open`. */
export const OpenFlags = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 } as const;

/** `fdflags` bit: every write goes to the end. */
export const FDFLAG_APPEND = 1;

/** `whence` of `fd_seek`. */
export const Whence = { SET: 0, CUR: 1, END: 2 } as const;

/** `clockid` values. */
export const ClockId = { REALTIME: 0, MONOTONIC: 1, PROCESS_CPUTIME: 2, THREAD_CPUTIME: 3 } as const;

/** The standard streams: stdin reads as empty, stdout and stderr become log lines. */
export const Stdio = { IN: 0, OUT: 1, ERR: 2 } as const;

/**
 * Every function of `wasi_snapshot_preview1`. The layer serves all of them, so any WASI module
 * links; what it does not grant answers an errno (EBADF, ENOTCAPABLE, ENOSYS), never a trap.
 */
export const WASI_FUNCTION_NAMES = [
  'args_get',
  'args_sizes_get',
  'environ_get',
  'environ_sizes_get',
  'clock_res_get',
  'clock_time_get',
  'fd_advise',
  'fd_allocate',
  'fd_close',
  'fd_datasync',
  'fd_fdstat_get',
  'fd_fdstat_set_flags',
  'fd_fdstat_set_rights',
  'fd_filestat_get',
  'fd_filestat_set_size',
  'fd_filestat_set_times',
  'fd_pread',
  'fd_prestat_get',
  'fd_prestat_dir_name',
  'fd_pwrite',
  'fd_read',
  'fd_readdir',
  'fd_renumber',
  'fd_seek',
  'fd_sync',
  'fd_tell',
  'fd_write',
  'path_create_directory',
  'path_filestat_get',
  'path_filestat_set_times',
  'path_link',
  'path_open',
  'path_readlink',
  'path_remove_directory',
  'path_rename',
  'path_symlink',
  'path_unlink_file',
  'poll_oneoff',
  'proc_exit',
  'proc_raise',
  'sched_yield',
  'random_get',
  'sock_accept',
  'sock_recv',
  'sock_send',
  'sock_shutdown',
] as const;

/** Bytes of copying that cost `fuel` (host copies pay size >>> MEMORY_BYTES_SHIFT). */
const copyBytesFor = (fuel: number): number => fuel * 2 ** MEMORY_BYTES_SHIFT;

/**
 * What the host's own work costs the guest, in bytes of copying (charged like every host copy),
 * set from the fuel each should cost. Reading one iovec, event subscription or directory entry
 * costs the host about as much as a dozen guest instructions, far more than its 8 to 48 bytes
 * would pay: a guest passing thousands of empty vectors per call would otherwise buy 100× more
 * host CPU than its fuel says.
 */
export const HOST_COST_BYTES = {
  /** 16 fuel. */
  PER_ITEM: copyBytesFor(16),
  /** Per byte written to stdout/stderr: the host buffers, decodes and logs it (1 fuel per 4 bytes). */
  LOG_BYTE: copyBytesFor(1 / 4),
  /** Per random byte: `crypto.getRandomValues` costs far more than a copy (1 fuel per 4 bytes). */
  RANDOM_BYTE: copyBytesFor(1 / 4),
  /** Per operation on a real directory: each is a few system calls (1,024 fuel). */
  DIRECTORY_OP: copyBytesFor(1024),
} as const;

/** One function name of the snapshot. */
export type WasiFunctionName = (typeof WASI_FUNCTION_NAMES)[number];
