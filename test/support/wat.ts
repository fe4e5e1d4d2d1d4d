/**
 * Compiles WebAssembly text to a binary module with wabt, so WAT fixtures are built from source
 * during the test run rather than committed as blobs.
 *
 * @example
 * ```ts
 * const bytes = await compileWat('(module (func (export "f") (result i32) i32.const 1))');
 * const module = new WebAssembly.Module(bytes);
 * ```
 */
import initWabt from 'wabt';

type Wabt = Awaited<ReturnType<typeof initWabt>>;
let wabtPromise: Promise<Wabt> | undefined;

/** Every post-MVP feature the instrumenter claims to accept, so fixtures may use any of them. */
const FEATURES = {
  mutable_globals: true,
  sat_float_to_int: true,
  sign_extension: true,
  simd: true,
  multi_value: true,
  tail_call: true,
  bulk_memory: true,
  reference_types: true,
} as const;

/**
 * Compiles WAT source to wasm bytes; throws wabt's message (with line numbers) on a syntax error.
 *
 * @example
 * ```ts
 * const bytes = await compileWat(source, 'loop.wat');
 * ```
 */
export async function compileWat(source: string, filename = 'fixture.wat'): Promise<Uint8Array> {
  wabtPromise ??= initWabt();
  const wabt = await wabtPromise;
  const parsed = wabt.parseWat(filename, source, FEATURES);
  try {
    parsed.resolveNames();
    parsed.validate();
    const { buffer } = parsed.toBinary({ write_debug_names: false });
    return new Uint8Array(buffer);
  } finally {
    parsed.destroy();
  }
}
