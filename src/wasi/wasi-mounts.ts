/**
 * Files a WASI plugin may reach: mounts, each existing only where the manifest asks for it
 * (`[filesystem] mounts = [{ path = "/data", mode = "ro" }]`) and the host grants it
 * (`filesystem: { seo: { '/data': source } }`), as with the network. Read-only unless both say
 * `rw`. A source is an in-memory file map (every runtime; writes bounded by a byte budget) or,
 * where the runtime adapter can read directories synchronously (Node, Deno), a real directory,
 * read-only.
 */
import { Errno } from './wasi-constants.ts';
import { mountPoint, resolveInMount } from './wasi-paths.ts';

/** `ro` (default) or `rw`. */
export type MountMode = 'ro' | 'rw';

/** An in-memory file map: paths relative to the mount (`"posts/a.md"`), text or bytes. */
export interface MemoryMountSource {
  files: Record<string, string | Uint8Array>;
  mode?: MountMode;
  /** Bytes the mount may hold in all (its files included) when writable. Default 1 MiB. */
  maxBytes?: number;
}

/** A real directory (Node, Deno), read-only. */
export interface DirectoryMountSource {
  dir: string;
  mode?: 'ro';
}

/** What the host grants at a mount point. */
export type MountSource = MemoryMountSource | DirectoryMountSource;

/** A mount as the manifest asks for it. */
export interface ManifestMount {
  path: string;
  mode: MountMode;
}

/** What a file or directory is. */
export interface FileInfo {
  kind: 'file' | 'dir';
  size: number;
}

/**
 * A mount's files, addressed by normalized paths inside it ('' is its root). Synchronous: WASI
 * calls are. Mutators answer a WASI errno.
 */
export interface FileTree {
  readonly writable: boolean;
  /** What each operation costs the guest, in bytes of copying (0 in memory; system calls for a real directory). */
  readonly costBytes: number;
  stat(path: string): FileInfo | undefined;
  /** Up to `length` bytes from `offset` (empty at or past the end), or undefined for no file. */
  read(path: string, offset: number, length: number): Uint8Array | undefined;
  /** The names in a directory, sorted, or undefined when it is not one. */
  list(path: string): string[] | undefined;
  write(path: string, offset: number, data: Uint8Array): number;
  /** Creates an empty file, or empties an existing one. */
  truncate(path: string): number;
  remove(path: string): number;
  mkdir(path: string): number;
}

/** A granted mount: where the guest sees it and its files. */
export interface Mount {
  path: string;
  tree: FileTree;
}

/** Bytes a writable in-memory mount may hold when the host does not say. */
export const DEFAULT_MOUNT_BYTES = 1024 * 1024;

const encoder = new TextEncoder();

/** An in-memory tree over a copy of `files`, writable within `maxBytes` when `writable`. */
export function memoryTree(files: Record<string, string | Uint8Array>, writable: boolean, maxBytes = DEFAULT_MOUNT_BYTES): FileTree {
  const contents = new Map<string, Uint8Array>();
  const dirs = new Set<string>(['']);
  let used = 0;
  const addParents = (path: string) => {
    for (let at = path.lastIndexOf('/'); at > 0; at = path.lastIndexOf('/', at - 1)) dirs.add(path.slice(0, at));
  };
  for (const [name, value] of Object.entries(files)) {
    const path = resolveInMount('', name.replace(/^\/+/, ''));
    if (path === undefined || path === '') continue;
    const bytes = typeof value === 'string' ? encoder.encode(value) : value.slice();
    contents.set(path, bytes);
    used += bytes.byteLength;
    addParents(path);
  }
  const parentExists = (path: string) => dirs.has(path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
  return {
    writable,
    costBytes: 0,
    stat(path) {
      const file = contents.get(path);
      if (file !== undefined) return { kind: 'file', size: file.byteLength };
      return dirs.has(path) ? { kind: 'dir', size: 0 } : undefined;
    },
    read(path, offset, length) {
      const file = contents.get(path);
      return file?.subarray(Math.min(offset, file.byteLength), Math.min(offset + length, file.byteLength));
    },
    list(path) {
      if (!dirs.has(path)) return undefined;
      const prefix = path === '' ? '' : `${path}/`;
      const names = new Set<string>();
      for (const name of [...contents.keys(), ...dirs]) {
        if (name === path || !name.startsWith(prefix)) continue;
        const rest = name.slice(prefix.length);
        if (rest !== '' && !rest.includes('/')) names.add(rest);
      }
      return [...names].sort();
    },
    write(path, offset, data) {
      if (!writable) return Errno.NOTCAPABLE;
      const file = contents.get(path);
      if (file === undefined) return Errno.BADF;
      const size = Math.max(file.byteLength, offset + data.byteLength);
      if (used - file.byteLength + size > maxBytes) return Errno.NOSPC;
      let target = file;
      if (size > file.byteLength) {
        target = new Uint8Array(size);
        target.set(file);
      }
      target.set(data, offset);
      used += target.byteLength - file.byteLength;
      contents.set(path, target);
      return Errno.SUCCESS;
    },
    truncate(path) {
      if (!writable) return Errno.NOTCAPABLE;
      if (dirs.has(path)) return Errno.ISDIR;
      if (!parentExists(path)) return Errno.NOENT;
      used -= contents.get(path)?.byteLength ?? 0;
      contents.set(path, new Uint8Array(0));
      return Errno.SUCCESS;
    },
    remove(path) {
      if (!writable) return Errno.NOTCAPABLE;
      const file = contents.get(path);
      if (file === undefined) return dirs.has(path) ? Errno.ISDIR : Errno.NOENT;
      used -= file.byteLength;
      contents.delete(path);
      return Errno.SUCCESS;
    },
    mkdir(path) {
      if (!writable) return Errno.NOTCAPABLE;
      if (contents.has(path) || dirs.has(path)) return Errno.EXIST;
      if (!parentExists(path)) return Errno.NOENT;
      dirs.add(path);
      return Errno.SUCCESS;
    },
  };
}

/**
 * The mounts both sides agree on, in the manifest's order. `openDirectory` reads a real
 * directory (the runtime adapter's; undefined where the runtime cannot).
 *
 * @throws Error naming the mount when the host grants a directory the runtime cannot read, or
 *   `rw` on a directory (real directories are read-only).
 */
export function resolveMounts(asked: readonly ManifestMount[], granted: Record<string, MountSource> | undefined, openDirectory: ((dir: string) => FileTree) | undefined): Mount[] {
  const sources = new Map<string, MountSource>();
  for (const [path, source] of Object.entries(granted ?? {})) {
    const point = mountPoint(path);
    if (point === undefined) throw new Error(`filesystem mount "${path}" must be an absolute path such as "/data"`);
    sources.set(point, source);
  }
  const mounts: Mount[] = [];
  for (const want of asked) {
    const point = mountPoint(want.path);
    const source = point === undefined ? undefined : sources.get(point);
    if (point === undefined || source === undefined) continue;
    if ('dir' in source) {
      if ((source as { mode?: string }).mode === 'rw') throw new Error(`filesystem mount "${point}": a real directory is mounted read-only; use an in-memory file map for writes`);
      if (openDirectory === undefined) throw new Error(`filesystem mount "${point}": this runtime cannot mount a real directory; use an in-memory file map`);
      mounts.push({ path: point, tree: openDirectory(source.dir) });
    } else {
      const writable = want.mode === 'rw' && source.mode === 'rw';
      mounts.push({ path: point, tree: memoryTree(source.files, writable, source.maxBytes) });
    }
  }
  return mounts;
}
