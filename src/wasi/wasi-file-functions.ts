/**
 * The file half of our WASI preview 1: granted mounts appear as preopened directories (fd 3,
 * 4, …, as libc and Go expect), and `path_open` opens files and directories inside them, with
 * at most `maxFileHandles` open at once (EMFILE beyond). Paths never leave their mount
 * (src/wasi/wasi-paths.ts: ENOTCAPABLE). Writes reach only writable mounts (ENOTCAPABLE
 * otherwise) and stay within their byte budget (ENOSPC). Every byte copied between a file and
 * guest memory costs fuel, as all host copies do.
 */
import type { CallContext } from '@extism/extism';
import type { HostFunction } from '../engine/extism-guest.ts';
import type { HostCharges } from '../engine/guest-io-functions.ts';
import { Errno, FDFLAG_APPEND, FileType, HOST_COST_BYTES, OpenFlags, Whence } from './wasi-constants.ts';
import type { FileInfo, FileTree, Mount } from './wasi-mounts.ts';
import { resolveInMount } from './wasi-paths.ts';

/** Guest memory views, refreshed when it grows (see wasi-functions.ts). */
export interface GuestMemory {
  view: DataView;
  bytes: Uint8Array;
}

/** What the file functions work with. */
export interface FileHost {
  mem(): GuestMemory | undefined;
  fuel: HostCharges['fuel'];
  mounts: readonly Mount[];
  /** Files and directories the guest may hold open at once (preopens not counted). */
  maxFileHandles: number;
}

interface Handle {
  mount: Mount;
  path: string;
  kind: FileInfo['kind'];
  position: number;
  append: boolean;
  preopen: boolean;
}

/** The first descriptor after stdin, stdout and stderr. */
export const FIRST_FILE_FD = 3;

const IOVEC_BYTES = 8;
const FILESTAT_BYTES = 64;
const FDSTAT_BYTES = 24;
const DIRENT_BYTES = 24;
/** Every right: this layer checks what a descriptor can do by its mount, not by rights. */
const ALL_RIGHTS = (1n << 29n) - 1n;

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** The file functions and the descriptor check the other fd/path functions answer by. */
export interface FileFunctions {
  functions: Record<string, HostFunction>;
  /** Whether `fd` is a preopened or opened descriptor. */
  isOpen(fd: number): boolean;
}

/** The file functions, answering for descriptors from {@link FIRST_FILE_FD} up. */
export function fileFunctions(host: FileHost): FileFunctions {
  const handles = new Map<number, Handle>();
  const mounts = host.mounts.map((mount) => ({ path: mount.path, tree: metered(mount.tree, host.fuel) }));
  mounts.forEach((mount, i) => handles.set(FIRST_FILE_FD + i, { mount, path: '', kind: 'dir', position: 0, append: false, preopen: true }));
  let open = 0;

  const inBounds = (m: GuestMemory, at: number, length: number): boolean => at + length <= m.bytes.byteLength;
  const pathAt = (m: GuestMemory, ptr: number, len: number): string | undefined => {
    const at = ptr >>> 0;
    const n = len >>> 0;
    // Resolving a path (and, for a real directory, the platform's realpath) is a host call's work.
    if (!inBounds(m, at, n) || !host.fuel(n + HOST_COST_BYTES.PER_ITEM)) return undefined;
    return decoder.decode(m.bytes.subarray(at, at + n));
  };
  /** The handle and the resolved path under it, or an errno. */
  const lookup = (m: GuestMemory, fd: number, ptr: number, len: number): { handle: Handle; path: string } | number => {
    const handle = handles.get(fd);
    if (handle === undefined) return Errno.BADF;
    if (handle.kind !== 'dir') return Errno.NOTDIR;
    const raw = pathAt(m, ptr, len);
    if (raw === undefined) return Errno.FAULT;
    const path = resolveInMount(handle.path, raw);
    return path === undefined ? Errno.NOTCAPABLE : { handle, path };
  };
  const writeFilestat = (m: GuestMemory, at: number, info: FileInfo): void => {
    m.bytes.fill(0, at, at + FILESTAT_BYTES);
    m.view.setUint8(at + 16, info.kind === 'dir' ? FileType.DIRECTORY : FileType.REGULAR_FILE);
    m.view.setBigUint64(at + 24, 1n, true);
    m.view.setBigUint64(at + 32, BigInt(info.size), true);
  };
  /** The iovecs' (address, length) pairs, or undefined when one leaves guest memory. */
  const iovecs = (m: GuestMemory, ptr: number, count: number): Array<[number, number]> | undefined => {
    const at = ptr >>> 0;
    const n = count >>> 0;
    if (!inBounds(m, at, n * IOVEC_BYTES) || !host.fuel((n + 1) * HOST_COST_BYTES.PER_ITEM)) return undefined;
    const out: Array<[number, number]> = [];
    for (let i = 0; i < n; i++) {
      const buf = m.view.getUint32(at + i * IOVEC_BYTES, true);
      const len = m.view.getUint32(at + i * IOVEC_BYTES + 4, true);
      if (!inBounds(m, buf, len)) return undefined;
      out.push([buf, len]);
    }
    return out;
  };
  /** Reads from a file at `offset` into the iovecs; the count, or an errno as a negative. */
  const readInto = (m: GuestMemory, handle: Handle, vecs: Array<[number, number]>, offset: number): number => {
    let total = 0;
    for (const [buf, len] of vecs) {
      const data = handle.mount.tree.read(handle.path, offset + total, len);
      if (data === undefined) return -Errno.BADF;
      if (!host.fuel(data.byteLength)) return -Errno.FAULT;
      m.bytes.set(data, buf);
      total += data.byteLength;
      if (data.byteLength < len) break;
    }
    return total;
  };
  const writeFrom = (m: GuestMemory, handle: Handle, vecs: Array<[number, number]>, offset: number): number => {
    let total = 0;
    for (const [buf, len] of vecs) {
      if (!host.fuel(len)) return -Errno.FAULT;
      const errno = handle.mount.tree.write(handle.path, offset + total, m.bytes.slice(buf, buf + len));
      if (errno !== Errno.SUCCESS) return -errno;
      total += len;
    }
    return total;
  };
  const fileHandle = (fd: number): Handle | number => {
    const handle = handles.get(fd);
    if (handle === undefined) return Errno.BADF;
    return handle.kind === 'dir' ? Errno.ISDIR : handle;
  };
  /**
   * fd_read, fd_pread, fd_write, fd_pwrite: the bytes moved between the guest's iovecs and an
   * open file, at `offset` (p-variants, the position untouched) or at the handle's position
   * (the end for an append handle), which then moves past them; the count goes to `resultPtr`.
   */
  const transfer = (fd: number, iovsPtr: number, iovsLen: number, resultPtr: number, write: boolean, offset: bigint | undefined): number => {
    const handle = fileHandle(fd);
    if (typeof handle === 'number') return handle;
    if (write && !handle.mount.tree.writable) return Errno.NOTCAPABLE;
    const m = host.mem();
    const vecs = m === undefined ? undefined : iovecs(m, iovsPtr, iovsLen);
    if (m === undefined || vecs === undefined || !inBounds(m, resultPtr >>> 0, 4)) return Errno.FAULT;
    const at = offset !== undefined ? Number(offset) : write && handle.append ? (handle.mount.tree.stat(handle.path)?.size ?? 0) : handle.position;
    const count = write ? writeFrom(m, handle, vecs, at) : readInto(m, handle, vecs, at);
    if (count < 0) return -count;
    if (offset === undefined) handle.position = at + count;
    m.view.setUint32(resultPtr >>> 0, count, true);
    return Errno.SUCCESS;
  };

  const functions: Record<string, HostFunction> = {
    fd_prestat_get(_c: CallContext, fd: number, ptr: number): number {
      const handle = handles.get(fd);
      const m = host.mem();
      if (handle === undefined || !handle.preopen) return Errno.BADF;
      if (m === undefined || !inBounds(m, ptr >>> 0, 8)) return Errno.FAULT;
      m.view.setUint32(ptr >>> 0, 0, true); // tag: directory
      m.view.setUint32((ptr >>> 0) + 4, encoder.encode(handle.mount.path).byteLength, true);
      return Errno.SUCCESS;
    },
    fd_prestat_dir_name(_c: CallContext, fd: number, ptr: number, len: number): number {
      const handle = handles.get(fd);
      const m = host.mem();
      if (handle === undefined || !handle.preopen) return Errno.BADF;
      const name = encoder.encode(handle.mount.path).subarray(0, len >>> 0);
      if (m === undefined || !inBounds(m, ptr >>> 0, name.byteLength)) return Errno.FAULT;
      m.bytes.set(name, ptr >>> 0);
      return Errno.SUCCESS;
    },
    path_open(_c: CallContext, fd: number, _dirflags: number, ptr: number, len: number, oflags: number, _rights: bigint, _inheriting: bigint, fdflags: number, fdOut: number): number {
      const m = host.mem();
      if (m === undefined || !inBounds(m, fdOut >>> 0, 4)) return Errno.FAULT;
      const found = lookup(m, fd, ptr, len);
      if (typeof found === 'number') return found;
      // Refused before anything changes: a file must not be created (or emptied) for a handle
      // that cannot be given.
      if (open >= host.maxFileHandles) return Errno.MFILE;
      const { tree } = found.handle.mount;
      let info = tree.stat(found.path);
      if (info !== undefined && oflags & OpenFlags.CREAT && oflags & OpenFlags.EXCL) return Errno.EXIST;
      if (info === undefined && !(oflags & OpenFlags.CREAT)) return Errno.NOENT;
      if (info === undefined || oflags & OpenFlags.TRUNC) {
        if (info?.kind === 'dir') return Errno.ISDIR;
        const errno = tree.truncate(found.path);
        if (errno !== Errno.SUCCESS) return errno;
        info = tree.stat(found.path);
        if (info === undefined) return Errno.NOENT;
      }
      if (oflags & OpenFlags.DIRECTORY && info.kind !== 'dir') return Errno.NOTDIR;
      let next = FIRST_FILE_FD + mounts.length;
      while (handles.has(next)) next++;
      handles.set(next, { mount: found.handle.mount, path: found.path, kind: info.kind, position: 0, append: (fdflags & FDFLAG_APPEND) !== 0, preopen: false });
      open++;
      m.view.setUint32(fdOut >>> 0, next, true);
      return Errno.SUCCESS;
    },
    fd_close(_c: CallContext, fd: number): number {
      const handle = handles.get(fd);
      if (handle === undefined) return Errno.BADF;
      if (handle.preopen) return Errno.SUCCESS; // the mount stays
      handles.delete(fd);
      open--;
      return Errno.SUCCESS;
    },
    fd_read(_c: CallContext, fd: number, iovsPtr: number, iovsLen: number, nreadPtr: number): number {
      return transfer(fd, iovsPtr, iovsLen, nreadPtr, false, undefined);
    },
    fd_pread(_c: CallContext, fd: number, iovsPtr: number, iovsLen: number, offset: bigint, nreadPtr: number): number {
      return transfer(fd, iovsPtr, iovsLen, nreadPtr, false, offset);
    },
    fd_write(_c: CallContext, fd: number, iovsPtr: number, iovsLen: number, nwrittenPtr: number): number {
      return transfer(fd, iovsPtr, iovsLen, nwrittenPtr, true, undefined);
    },
    fd_pwrite(_c: CallContext, fd: number, iovsPtr: number, iovsLen: number, offset: bigint, nwrittenPtr: number): number {
      return transfer(fd, iovsPtr, iovsLen, nwrittenPtr, true, offset);
    },
    fd_seek(_c: CallContext, fd: number, offset: bigint, whence: number, newPtr: number): number {
      const handle = fileHandle(fd);
      if (typeof handle === 'number') return handle;
      const m = host.mem();
      if (m === undefined || !inBounds(m, newPtr >>> 0, 8)) return Errno.FAULT;
      const size = handle.mount.tree.stat(handle.path)?.size ?? 0;
      const base = whence === Whence.SET ? 0 : whence === Whence.CUR ? handle.position : whence === Whence.END ? size : undefined;
      if (base === undefined) return Errno.INVAL;
      const position = base + Number(offset);
      if (!(position >= 0 && position <= Number.MAX_SAFE_INTEGER)) return Errno.INVAL;
      handle.position = position;
      m.view.setBigUint64(newPtr >>> 0, BigInt(position), true);
      return Errno.SUCCESS;
    },
    fd_tell(_c: CallContext, fd: number, ptr: number): number {
      const handle = fileHandle(fd);
      if (typeof handle === 'number') return handle;
      const m = host.mem();
      if (m === undefined || !inBounds(m, ptr >>> 0, 8)) return Errno.FAULT;
      m.view.setBigUint64(ptr >>> 0, BigInt(handle.position), true);
      return Errno.SUCCESS;
    },
    fd_fdstat_get(_c: CallContext, fd: number, ptr: number): number {
      const handle = handles.get(fd);
      if (handle === undefined) return Errno.BADF;
      const m = host.mem();
      const at = ptr >>> 0;
      if (m === undefined || !inBounds(m, at, FDSTAT_BYTES)) return Errno.FAULT;
      m.bytes.fill(0, at, at + FDSTAT_BYTES);
      m.view.setUint8(at, handle.kind === 'dir' ? FileType.DIRECTORY : FileType.REGULAR_FILE);
      m.view.setUint16(at + 2, handle.append ? FDFLAG_APPEND : 0, true);
      m.view.setBigUint64(at + 8, ALL_RIGHTS, true);
      m.view.setBigUint64(at + 16, ALL_RIGHTS, true);
      return Errno.SUCCESS;
    },
    fd_fdstat_set_flags: (_c: CallContext, fd: number): number => (handles.has(fd) ? Errno.SUCCESS : Errno.BADF),
    fd_sync: (_c: CallContext, fd: number): number => (handles.has(fd) ? Errno.SUCCESS : Errno.BADF),
    fd_datasync: (_c: CallContext, fd: number): number => (handles.has(fd) ? Errno.SUCCESS : Errno.BADF),
    fd_filestat_get(_c: CallContext, fd: number, ptr: number): number {
      const handle = handles.get(fd);
      if (handle === undefined) return Errno.BADF;
      const m = host.mem();
      const info = handle.mount.tree.stat(handle.path);
      if (info === undefined) return Errno.NOENT;
      if (m === undefined || !inBounds(m, ptr >>> 0, FILESTAT_BYTES)) return Errno.FAULT;
      writeFilestat(m, ptr >>> 0, info);
      return Errno.SUCCESS;
    },
    path_filestat_get(_c: CallContext, fd: number, _flags: number, pathPtr: number, pathLen: number, ptr: number): number {
      const m = host.mem();
      if (m === undefined || !inBounds(m, ptr >>> 0, FILESTAT_BYTES)) return Errno.FAULT;
      const found = lookup(m, fd, pathPtr, pathLen);
      if (typeof found === 'number') return found;
      const info = found.handle.mount.tree.stat(found.path);
      if (info === undefined) return Errno.NOENT;
      writeFilestat(m, ptr >>> 0, info);
      return Errno.SUCCESS;
    },
    fd_readdir(_c: CallContext, fd: number, buf: number, bufLen: number, cookie: bigint, usedPtr: number): number {
      const handle = handles.get(fd);
      if (handle === undefined) return Errno.BADF;
      if (handle.kind !== 'dir') return Errno.NOTDIR;
      const m = host.mem();
      const at = buf >>> 0;
      const room = bufLen >>> 0;
      if (m === undefined || !inBounds(m, at, room) || !inBounds(m, usedPtr >>> 0, 4)) return Errno.FAULT;
      const names = handle.mount.tree.list(handle.path) ?? [];
      // Entries from `cookie` on, each a 24-byte dirent and its name, cut off where the buffer
      // ends (libc asks again with a bigger buffer or the next cookie).
      let used = 0;
      for (let i = Number(cookie); i < names.length && used < room; i++) {
        const name = encoder.encode(names[i]!);
        const childPath = handle.path === '' ? names[i]! : `${handle.path}/${names[i]!}`;
        const entry = new Uint8Array(DIRENT_BYTES + name.byteLength);
        const view = new DataView(entry.buffer);
        view.setBigUint64(0, BigInt(i + 1), true);
        view.setBigUint64(8, BigInt(i + 1), true);
        view.setUint32(16, name.byteLength, true);
        view.setUint8(20, handle.mount.tree.stat(childPath)?.kind === 'dir' ? FileType.DIRECTORY : FileType.REGULAR_FILE);
        entry.set(name, DIRENT_BYTES);
        const n = Math.min(entry.byteLength, room - used);
        if (!host.fuel(n + HOST_COST_BYTES.PER_ITEM)) return Errno.FAULT;
        m.bytes.set(entry.subarray(0, n), at + used);
        used += n;
      }
      m.view.setUint32(usedPtr >>> 0, used, true);
      return Errno.SUCCESS;
    },
    path_create_directory(_c: CallContext, fd: number, ptr: number, len: number): number {
      const m = host.mem();
      if (m === undefined) return Errno.FAULT;
      const found = lookup(m, fd, ptr, len);
      return typeof found === 'number' ? found : found.handle.mount.tree.mkdir(found.path);
    },
    path_unlink_file(_c: CallContext, fd: number, ptr: number, len: number): number {
      const m = host.mem();
      if (m === undefined) return Errno.FAULT;
      const found = lookup(m, fd, ptr, len);
      return typeof found === 'number' ? found : found.handle.mount.tree.remove(found.path);
    },
  };
  return { functions, isOpen: (fd) => handles.has(fd) };
}

/**
 * The tree with every operation charged its cost first (a real directory's are system calls);
 * out of fuel, the operation is not done (the guest stops at its next meter).
 */
function metered(tree: FileTree, fuel: HostCharges['fuel']): FileTree {
  if (tree.costBytes === 0) return tree;
  const pay = () => fuel(tree.costBytes);
  return {
    writable: tree.writable,
    costBytes: tree.costBytes,
    stat: (path) => (pay() ? tree.stat(path) : undefined),
    read: (path, offset, length) => (pay() ? tree.read(path, offset, length) : undefined),
    list: (path) => (pay() ? tree.list(path) : undefined),
    write: (path, offset, data) => (pay() ? tree.write(path, offset, data) : Errno.FAULT),
    truncate: (path) => (pay() ? tree.truncate(path) : Errno.FAULT),
    remove: (path) => (pay() ? tree.remove(path) : Errno.FAULT),
    mkdir: (path) => (pay() ? tree.mkdir(path) : Errno.FAULT),
  };
}
