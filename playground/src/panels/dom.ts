/**
 * The few DOM helpers the panels share.
 */

/**
 * The element with this id (the page's markup is fixed, so a missing one is a bug).
 */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`#${id} is missing from index.html`);
  return found as T;
}

/**
 * Creates an element with text and attributes.
 */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, text = '', attrs: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.textContent = text;
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

/**
 * Pretty JSON for display (strings shown as they are).
 */
export function pretty(value: unknown): string {
  return value === undefined ? '(nothing)' : JSON.stringify(value, null, 2);
}

/**
 * Bytes as KiB/MiB text.
 */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1).replace(/\.0$/, '')} KiB`;
  return `${bytes} B`;
}
