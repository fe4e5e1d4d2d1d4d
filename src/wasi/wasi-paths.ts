/**
 * Paths a WASI guest names, resolved inside a mount: always relative to an open directory,
 * never above the mount's root. Absolute paths and `..` that would leave the mount are refused
 * (the guest's libc resolves `/data/x` against the preopened `/data` itself, so a well-behaved
 * guest only ever sends relative paths).
 */

/**
 * Joins `path` (relative, `/`-separated) onto `base` (a normalized path inside the mount, ''
 * for its root). Returns the normalized result, or undefined when the path is absolute, holds
 * a NUL, or climbs above the mount's root.
 */
export function resolveInMount(base: string, path: string): string | undefined {
  if (path.startsWith('/') || path.includes('\0')) return undefined;
  const parts = base === '' ? [] : base.split('/');
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return parts.join('/');
}

/**
 * A mount point as the manifest and the host name it (`/data`, `/data/`): absolute, without a
 * trailing slash, no `.` or `..` segments. Undefined when it is not one.
 */
export function mountPoint(path: string): string | undefined {
  if (!path.startsWith('/')) return undefined;
  const parts = path.split('/').filter((p) => p !== '');
  if (parts.some((p) => p === '.' || p === '..' || p.includes('\0'))) return undefined;
  return `/${parts.join('/')}`;
}
