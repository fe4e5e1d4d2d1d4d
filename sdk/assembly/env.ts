/**
 * Extism kernel imports (`extism:host/env`) and ReedCMS host functions (`extism:host/user`).
 *
 * Declared here rather than imported from @extism/as-pdk so the SDK controls exactly which
 * imports a plugin has: every import listed here must be provided by the host, and a module
 * that imports anything else (for example `env.seed` from `Math.random`) fails to load.
 *
 * Addresses (`u64`) are Extism memory-block handles, not pointers into the plugin's memory.
 *
 * @example
 * ```ts
 * import { alloc, store_u8, output_set } from "./env";
 * const block = alloc(1); store_u8(block, 0x41); output_set(block, 1); // output "A"
 * ```
 */

// --- input ---------------------------------------------------------------------------------
@external("extism:host/env", "input_length")
export declare function input_length(): u64;
@external("extism:host/env", "input_load_u8")
export declare function input_load_u8(offs: u64): u8;
@external("extism:host/env", "input_load_u64")
export declare function input_load_u64(offs: u64): u64;
/** The block holding the call's input (for `reed_block_read`). */
@external("extism:host/env", "input_offset")
export declare function input_offset(): u64;

// --- memory blocks -------------------------------------------------------------------------
@external("extism:host/env", "length")
export declare function length(block: u64): u64;
@external("extism:host/env", "alloc")
export declare function alloc(size: u64): u64;
@external("extism:host/env", "free")
export declare function free(block: u64): void;
@external("extism:host/env", "store_u8")
export declare function store_u8(addr: u64, value: u8): void;
@external("extism:host/env", "load_u8")
export declare function load_u8(addr: u64): u8;
@external("extism:host/env", "store_u64")
export declare function store_u64(addr: u64, value: u64): void;
@external("extism:host/env", "load_u64")
export declare function load_u64(addr: u64): u64;

// --- output, errors, config ----------------------------------------------------------------
@external("extism:host/env", "output_set")
export declare function output_set(block: u64, length: u64): void;
@external("extism:host/env", "error_set")
export declare function error_set(block: u64): void;
@external("extism:host/env", "config_get")
export declare function config_get(keyBlock: u64): u64;

// --- logging -------------------------------------------------------------------------------
@external("extism:host/env", "log_debug")
export declare function log_debug(block: u64): void;
@external("extism:host/env", "log_info")
export declare function log_info(block: u64): void;
@external("extism:host/env", "log_warn")
export declare function log_warn(block: u64): void;
@external("extism:host/env", "log_error")
export declare function log_error(block: u64): void;

// --- ReedCMS host functions ----------------------------------------------------------------
/**
 * Publishes an event. `block` holds UTF-8 JSON `{"type":"...","data":<json>}`.
 * Returns 0 when the host published it, nonzero when it refused (unknown type, not allowed,
 * malformed, rate-limited).
 */
@external("extism:host/user", "reed_publish_event")
export declare function reed_publish_event(block: u64): i32;

/**
 * Bulk copy of up to `length` bytes of Extism block `block` into this module's memory at `dest`.
 * Returns the bytes copied, or a negative code: -1 unavailable (the host cannot reach our
 * memory, e.g. worker isolation: use the stock path), -2 no such block, -3 out of bounds, -5 out
 * of fuel.
 */
@external("extism:host/user", "reed_block_read")
export declare function reed_block_read(block: u64, dest: usize, length: u32): i32;

/**
 * Bulk copy of `length` bytes of this module's memory at `src` into a new Extism block.
 * Returns the block, or 0 when unavailable, over the call's host-buffer budget or out of fuel
 * (use the stock path).
 */
@external("extism:host/user", "reed_block_write")
export declare function reed_block_write(src: usize, length: u32): u64;

/**
 * The current call's input length in bytes, or -1 when the host cannot reach this module's
 * memory (worker isolation, or a host without fast I/O: use `input_length` and friends).
 */
@external("extism:host/user", "reed_input_size")
export declare function reed_input_size(): i32;

/**
 * Copies up to `length` bytes of the current call's input to `dest` in one host call.
 * Returns the bytes copied, or a negative code (-1 unavailable, -3 out of bounds, -5 out of
 * fuel: host-side copies cost fuel by size, 1 per 64 bytes).
 */
@external("extism:host/user", "reed_input_read")
export declare function reed_input_read(dest: usize, length: u32): i32;

/**
 * Makes `length` bytes at `src` the call's output in one host call (no block, no `output_set`;
 * it wins over an `output_set` in the same call). Returns the bytes taken, or a negative code
 * (-1 unavailable, -3 out of bounds, -4 over the call's host-buffer budget, -5 out of fuel):
 * then use the stock path.
 */
@external("extism:host/user", "reed_output_write")
export declare function reed_output_write(src: usize, length: u32): i32;

/**
 * The frame version the host reads and writes (0: none). Importing it tells the host that this
 * module reads frames: hook data whose long strings travel as raw UTF-8 beside the JSON
 * (docs/abi.md, "Frames"). The SDK's `Input.json` and `Output.json` import it (the SDK's
 * `Input.bytes`/`Input.string` turn a framed input back into its JSON text).
 */
@external("extism:host/user", "reed_frame_version")
export declare function reed_frame_version(): i32;

// --- HTTP (Extism's kernel ABI; served under the host's network policy) ---------------------
/**
 * Sends a request: `request` holds JSON `{"url","method","headers":{…}}`, `body` a body block
 * or 0. Returns the response body block (0 when empty); status and headers follow.
 */
@external("extism:host/env", "http_request")
export declare function http_request(request: u64, body: u64): u64;
/** The last response's status (refusals: 403/429/504/502/400 with an `x-reed-error` header). */
@external("extism:host/env", "http_status_code")
export declare function http_status_code(): i32;
/** The last response's headers as a JSON object block (lower-case names), or 0. */
@external("extism:host/env", "http_headers")
export declare function http_headers(): u64;
