/**
 * Instrumenting a plugin module ahead of time, exactly as the manager does at load: for runtimes
 * that cannot compile WebAssembly at run time (workerd), and for build tools (the Vite plugin)
 * that ship modules ready to instantiate. The manager accepts a `WebAssembly.Module` only when
 * it carries the instrumentation globals, so both paths go through src/plugin/apply-limits.ts,
 * loaded here on first use (the package's root does not pull the rewriter into a bundle).
 */
import type { HostLimits } from '../plugin/limits.ts';
import type { RequestedLimits } from '../manifest/types.ts';

/**
 * Instruments and compiles in one step (where the runtime allows compiling), giving a module
 * `manager.load({ manifest, wasm: module })` accepts.
 *
 * @example
 * ```ts
 * const module = await precompile(bytes, { memoryBytes: 16 << 20 });
 * await manager.load({ manifest: tomlText, wasm: module });
 * ```
 */
export async function precompile(bytes: Uint8Array, hostLimits: HostLimits = {}, requested: RequestedLimits = {}): Promise<WebAssembly.Module> {
  const { instrumentForLimits } = await import('../plugin/apply-limits.ts');
  return WebAssembly.compile(instrumentForLimits(bytes, hostLimits, requested));
}
