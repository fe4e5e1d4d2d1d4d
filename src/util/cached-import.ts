/**
 * A part of the package loaded on first use (a dynamic import, or a runtime's loader), once: the
 * pieces a frontend bundle downloads only when a plugin needs them (the manifest reader, semver,
 * the JSON Schema validator, Extism). A failed load is retried on the next call; `loaded()`
 * serves the synchronous paths that run only after an awaited `get()`.
 */
export interface CachedImport<T> {
  /** The value, loading it on the first call. */
  get(): Promise<T>;
  /** The value if a `get()` has resolved, else undefined. */
  loaded(): T | undefined;
}

/** Wraps `load` so it runs once while it succeeds (see {@link CachedImport}). */
export function cachedImport<T>(load: () => Promise<T>): CachedImport<T> {
  let value: T | undefined;
  let pending: Promise<T> | undefined;
  return {
    get() {
      if (value !== undefined) return Promise.resolve(value);
      if (pending === undefined) {
        const loading = load().then((loadedValue) => (value = loadedValue));
        pending = loading;
        loading.catch(() => {
          if (pending === loading) pending = undefined;
        });
      }
      return pending;
    },
    loaded: () => value,
  };
}
