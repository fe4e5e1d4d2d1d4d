/**
 * Host functions the host supplies (`new PluginManager({ hostFunctions })`, by namespace and
 * name, as Extism hosts pass `functions`): each reaches only the plugins whose manifest declares
 * it (`{ HostFunction = "namespace.name" }`), so a plugin gets exactly what it asked for.
 */
import { ErrorCodes, PluginError } from '../errors.ts';
import type { HostFunction } from '../engine/extism-guest.ts';
import { HOST_USER_FUNCTIONS } from '../plugin/wasm-plugin.ts';
import { INSTRUMENT_IMPORT_MODULE } from '../plugin/limits.ts';
import { HOST_WASI_MODULE, WASI_MODULE } from '../wasi/wasi-link.ts';

/** Host functions by namespace, then name. */
export type HostFunctionTable = Readonly<Record<string, Readonly<Record<string, HostFunction>>>>;

/** Namespaces the host serves itself: a supplied function there would shadow ours. */
const OWN_NAMESPACES = new Set(['extism:host/env', INSTRUMENT_IMPORT_MODULE, HOST_WASI_MODULE, WASI_MODULE]);

/**
 * Checks a manager's `hostFunctions`: functions, and never in a namespace or under a name the
 * host serves itself.
 *
 * @throws PluginError `E_CONFIG` naming the offending entry.
 */
export function checkHostFunctions(table: HostFunctionTable | undefined): void {
  for (const [namespace, functions] of Object.entries(table ?? {})) {
    if (OWN_NAMESPACES.has(namespace)) throw new PluginError(ErrorCodes.CONFIG, `hostFunctions: the namespace "${namespace}" is the host's own`, { operation: 'configure' });
    for (const [name, fn] of Object.entries(functions)) {
      if (typeof fn !== 'function') throw new PluginError(ErrorCodes.CONFIG, `hostFunctions: ${namespace}.${name} is not a function`, { operation: 'configure' });
      if (namespace === 'extism:host/user' && HOST_USER_FUNCTIONS.includes(name)) {
        throw new PluginError(ErrorCodes.CONFIG, `hostFunctions: extism:host/user.${name} is one of the host's own functions`, { operation: 'configure' });
      }
    }
  }
}

/**
 * The supplied functions a plugin declared, by namespace.
 *
 * @throws PluginError `E_CAPABILITY` for a declared function the host does not supply.
 */
export function declaredHostFunctions(declared: readonly string[], table: HostFunctionTable | undefined, pluginId: string): Record<string, Record<string, HostFunction>> {
  const out: Record<string, Record<string, HostFunction>> = {};
  for (const full of declared) {
    const dot = full.lastIndexOf('.');
    const namespace = full.slice(0, dot);
    const name = full.slice(dot + 1);
    const fn = table?.[namespace]?.[name];
    if (fn === undefined || !Object.hasOwn(table?.[namespace] ?? {}, name)) {
      throw new PluginError(ErrorCodes.CAPABILITY, `the plugin declares { HostFunction = "${full}" }, which this host does not supply (hostFunctions)`, { pluginId, operation: 'load' });
    }
    (out[namespace] ??= {})[name] = fn;
  }
  return out;
}
