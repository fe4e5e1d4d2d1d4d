/**
 * For `watch: true`: one folder watcher per plugin loaded from a folder, debounced, so the
 * manager can reload the plugin when its files change.
 */
import type { PluginSource } from '../plugin/types.ts';
import type { RuntimeAdapter } from '../runtime/adapter.ts';

/** How long a folder must stay quiet before it counts as changed. */
const SETTLE_MS = 150;

/** Folder watchers by plugin id. */
export class FolderWatchers {
  readonly #runtime: RuntimeAdapter;
  readonly #stops = new Map<string, () => void>();

  constructor(runtime: RuntimeAdapter) {
    this.#runtime = runtime;
  }

  /**
   * Calls `onSettled` once a plugin's folder changed and settled. A no-op when the source is
   * not a folder, the runtime cannot watch, or the plugin is already watched.
   */
  watch(id: string, source: PluginSource | undefined, onSettled: () => void): void {
    if (source === undefined || !('dir' in source) || this.#runtime.watchDir === undefined) return;
    if (this.#stops.has(id)) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = this.#runtime.watchDir(source.dir, () => {
      clearTimeout(timer);
      // Editors and build tools write in bursts: wait for the folder to settle.
      timer = setTimeout(onSettled, SETTLE_MS);
    });
    this.#stops.set(id, () => {
      clearTimeout(timer);
      stop();
    });
  }

  /** Stops watching a plugin's folder (a no-op when it is not watched). */
  stop(id: string): void {
    this.#stops.get(id)?.();
    this.#stops.delete(id);
  }
}
