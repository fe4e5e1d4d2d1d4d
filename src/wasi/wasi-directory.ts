/**
 * A real directory as a read-only mount, over the few synchronous file operations a runtime
 * adapter supplies (Node's `fs`, Deno's `*Sync`): every path is resolved through the platform's
 * realpath and must stay inside the mount's root, so a symlink pointing out of it is refused
 * like `..` (the path does not exist, as far as the plugin can tell).
 */
import { Errno, HOST_COST_BYTES } from './wasi-constants.ts';
import type { FileInfo, FileTree } from './wasi-mounts.ts';

/** The synchronous operations a runtime supplies for {@link directoryTree}. */
export interface SyncDirectoryOps {
  /** The canonical absolute path (symlinks resolved); throws when it does not exist. */
  realpath(path: string): string;
  /** What is at a canonical path; undefined for anything but a file or a directory. */
  stat(path: string): FileInfo | undefined;
  /** Reads up to `length` bytes at `offset` into a new buffer. */
  read(path: string, offset: number, length: number): Uint8Array;
  /** The entry names of a directory. */
  list(path: string): string[];
  /** Joins the root and a relative `/`-separated path. */
  join(root: string, path: string): string;
  /** The platform's path separator. */
  separator: string;
}

const refuse = (): number => Errno.NOTCAPABLE;

/** A read-only tree over the real directory `root`. */
export function directoryTree(root: string, ops: SyncDirectoryOps): FileTree {
  const base = ops.realpath(root);
  /** The canonical path of `path` inside the mount, or undefined (missing, or outside). */
  const inside = (path: string): string | undefined => {
    let real: string;
    try {
      real = ops.realpath(path === '' ? base : ops.join(base, path));
    } catch {
      return undefined;
    }
    return real === base || real.startsWith(base.endsWith(ops.separator) ? base : base + ops.separator) ? real : undefined;
  };
  const statOf = (real: string | undefined): FileInfo | undefined => {
    if (real === undefined) return undefined;
    try {
      return ops.stat(real);
    } catch {
      return undefined;
    }
  };
  return {
    writable: false,
    costBytes: HOST_COST_BYTES.DIRECTORY_OP,
    stat: (path) => statOf(inside(path)),
    read(path, offset, length) {
      const real = inside(path);
      const info = statOf(real);
      if (real === undefined || info?.kind !== 'file') return undefined;
      // Never more than the file holds: a guest asking for 64 MiB of a 10-byte file gets 10.
      const count = Math.max(0, Math.min(length, info.size - offset));
      if (count === 0) return new Uint8Array(0);
      try {
        return ops.read(real, offset, count);
      } catch {
        return undefined;
      }
    },
    list(path) {
      const real = inside(path);
      if (statOf(real)?.kind !== 'dir') return undefined;
      try {
        return ops.list(real as string).sort();
      } catch {
        return undefined;
      }
    },
    write: refuse,
    truncate: refuse,
    remove: refuse,
    mkdir: refuse,
  };
}
