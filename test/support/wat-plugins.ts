/**
 * Small Extism plugins written in WAT, built from source during the tests: an echo plugin with
 * any set of exports, and variations for the bad-input tests (unknown imports, traps, bad
 * output). They speak the raw Extism kernel ABI, so they need no SDK.
 *
 * @example
 * ```ts
 * const bytes = await compileWat(echoPluginWat(['hook_transform_data']));
 * ```
 */
import { compileWat } from './wat.ts';

const KERNEL_IMPORTS = `
  (import "extism:host/env" "input_length" (func $input_length (result i64)))
  (import "extism:host/env" "input_load_u8" (func $input_load_u8 (param i64) (result i32)))
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (import "extism:host/env" "error_set" (func $error_set (param i64)))
`;

/** An import of Extism's kernel function `name` as `$name`, e.g. `envImport('alloc', '(param i64)', '(result i64)')`. */
export const envImport = (name: string, params: string, result = ''): string => `(import "extism:host/env" "${name}" (func $${name} ${params} ${result}))`;

/** A `(result i32)` function body: copies the input block to a new block and sets it as output. */
export const ECHO_BODY = `
    (local $len i64) (local $i i64) (local $out i64)
    (local.set $len (call $input_length))
    (local.set $out (call $alloc (local.get $len)))
    (block $done
      (loop $copy
        (br_if $done (i64.ge_u (local.get $i) (local.get $len)))
        (call $store_u8 (i64.add (local.get $out) (local.get $i)) (call $input_load_u8 (local.get $i)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $copy)))
    (call $output_set (local.get $out) (local.get $len))
    (i32.const 0)`;

/**
 * A module whose every named export echoes its input.
 *
 * @example
 * ```ts
 * echoPluginWat(['initialize', 'hook_after_render']);
 * ```
 */
export function echoPluginWat(exports: readonly string[], extra = ''): string {
  const funcs = exports.map((name) => `  (func (export "${name}") (result i32)${ECHO_BODY})`).join('\n');
  return `(module${KERNEL_IMPORTS}\n  (memory (export "memory") 1)\n${extra}\n${funcs}\n)`;
}

/**
 * A module whose named export writes a fixed string as output (for bad-output tests).
 *
 * @example
 * ```ts
 * constantOutputWat('hook_transform_data', '{not json');
 * ```
 */
export function constantOutputWat(exportName: string, output: string, otherExports: readonly string[] = []): string {
  const bytes = new TextEncoder().encode(output);
  const stores = [...bytes].map((b, i) => `(call $store_u8 (i64.add (local.get $out) (i64.const ${i})) (i32.const ${b}))`).join('\n    ');
  const others = otherExports.map((name) => `  (func (export "${name}") (result i32)${ECHO_BODY})`).join('\n');
  return `(module${KERNEL_IMPORTS}
  (func (export "${exportName}") (result i32)
    (local $out i64)
    (local.set $out (call $alloc (i64.const ${bytes.length})))
    ${stores}
    (call $output_set (local.get $out) (i64.const ${bytes.length}))
    (i32.const 0))
${others}
)`;
}

/**
 * A module whose named export reports an error through Extism's `error_set` (others echo).
 *
 * @example
 * ```ts
 * errorSettingWat('initialize', 'config missing');
 * ```
 */
export function errorSettingWat(exportName: string, message: string, otherExports: readonly string[] = []): string {
  const bytes = new TextEncoder().encode(message);
  const stores = [...bytes].map((b, i) => `(call $store_u8 (i64.add (local.get $msg) (i64.const ${i})) (i32.const ${b}))`).join('\n    ');
  return echoPluginWat(
    otherExports,
    `  (func (export "${exportName}") (result i32)
    (local $msg i64)
    (local.set $msg (call $alloc (i64.const ${bytes.length})))
    ${stores}
    (call $error_set (local.get $msg))
    (i32.const 1))`,
  );
}

/**
 * A module whose named export traps with `unreachable` (others echo).
 *
 * @example
 * ```ts
 * trappingWat('initialize');
 * ```
 */
export function trappingWat(trapExport: string, otherExports: readonly string[] = []): string {
  return echoPluginWat(otherExports, `  (func (export "${trapExport}") (result i32) unreachable)`);
}

/**
 * Compiles a WAT plugin source to bytes.
 *
 * @example
 * ```ts
 * const bytes = await buildWatPlugin(echoPluginWat(['hook_x']));
 * ```
 */
export function buildWatPlugin(source: string): Promise<Uint8Array> {
  return compileWat(source);
}

/**
 * A minimal plugin.toml.
 *
 * @example
 * ```ts
 * manifestToml('echo', ['Hook = "transform_data"']);
 * ```
 */
export function manifestToml(id: string, capabilities: readonly string[] = [], extra = '', version = '1.0.0'): string {
  const caps = capabilities.map((c) => `{ ${c} }`).join(', ');
  return `id = "${id}"\nname = "${id} plugin"\nversion = "${version}"\ncapabilities = [${caps}]\n${extra}\n`;
}
