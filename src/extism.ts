/**
 * `@reedcms/plugins/extism`: what a plain Extism host needs to run plugins built with this SDK
 * without the manager (docs/abi.md). The SDK's direct I/O functions are optional imports; these
 * stand-ins answer "unavailable", so the SDK falls back to Extism's stock kernel calls.
 *
 * @example
 * ```ts
 * import createPlugin from '@extism/extism';
 * import { STOCK_IO_FUNCTIONS } from '@reedcms/plugins/extism';
 * const plugin = await createPlugin({ wasm: [{ data: bytes }] }, { functions: { 'extism:host/user': { ...STOCK_IO_FUNCTIONS } } });
 * ```
 */
export { STOCK_IO_FUNCTIONS, GuestIoStatus } from './engine/guest-io-functions.ts';
