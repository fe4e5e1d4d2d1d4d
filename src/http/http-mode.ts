/**
 * The one rule for how a plugin's `http_request` is served, used by the load-time plan, by the
 * plugin's host functions and by `runtimeCapabilities()`.
 */

/**
 * `worker`: our async host functions in worker isolation; `jspi`: the same functions inline on the
 * main thread, the guest suspended while a request runs; `none`: no way to wait for a response here, so every
 * request is refused at once.
 */
export type HttpMode = 'worker' | 'jspi' | 'none';

/**
 * The mode for a plugin that may (`networked`) or may not reach the network. JSPI keeps an
 * inline plugin inline; without it, a networked plugin moves to a worker where there are
 * workers (Node 20). A plugin without network access stays where it is, refused at once.
 */
export function httpMode(where: { isolation: 'inline' | 'worker'; jspi: boolean; hasWorkers: boolean }, networked: boolean): HttpMode {
  if (where.isolation === 'worker') return networked ? 'worker' : 'none';
  if (where.jspi) return 'jspi';
  return networked && where.hasWorkers ? 'worker' : 'none';
}

/** The names of Extism's HTTP kernel functions (`extism:host/env`), which the host serves itself. */
export const HTTP_ENV_FUNCTIONS = ['http_request', 'http_status_code', 'http_headers'] as const;

/**
 * Whether a module imports any of them: only such a plugin (or one the network policy concerns)
 * needs the HTTP layer, which is loaded on first use.
 */
export function importsHttp(module: WebAssembly.Module): boolean {
  return WebAssembly.Module.imports(module).some((i) => i.module === 'extism:host/env' && (HTTP_ENV_FUNCTIONS as readonly string[]).includes(i.name));
}
