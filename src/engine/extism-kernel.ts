/**
 * What the host-call guards (src/instrument/host-call-guards.ts) need to know about Extism's
 * kernel (`extism:host/env`, 2.0.0-rc13): which functions make the host create a block, which
 * hand one over, and which Extism's worker serves in the guest's own thread. Kept beside the
 * engine, apart from extism-guest.ts, so build-time code (precompile, the Vite plugin) can
 * instrument without loading Extism.
 */
import type { HostCallOptions } from '../instrument/index.ts';

/**
 * The kernel facts, without the per-call budget (that comes from the plugin's limits).
 *
 * - `returnsBlock`: `config_get`, `var_get` and the HTTP functions store a new block of the
 *   host's choosing; a guest calling them 30,000 times would otherwise pile up copies.
 * - `local`: what Extism's worker runs itself. `var_get`, `var_set` and the HTTP functions are
 *   forwarded to the main thread (as is everything in `extism:host/user`), and with them a copy
 *   of every new block, which goes stale if the guest writes to the block afterwards.
 */
export const EXTISM_KERNEL_GUARDS: Readonly<Omit<HostCallOptions, 'budgetBytes'>> = {
  module: 'extism:host/env',
  alloc: 'alloc',
  length: 'length',
  returnsBlock: ['config_get', 'var_get', 'http_request', 'http_headers'],
  setsBlock: ['output_set', 'error_set'],
  local: [
    'alloc',
    'free',
    'length',
    'length_unsafe',
    'load_u8',
    'load_u64',
    'store_u8',
    'store_u64',
    'input_offset',
    'input_length',
    'input_load_u8',
    'input_load_u64',
    'output_set',
    'error_set',
    'error_get',
    'config_get',
    'log_warn',
    'log_info',
    'log_debug',
    'log_error',
    'log_trace',
    'get_log_level',
  ],
  // What the host reads from blocks the guest hands a crossing call (Extism's variable and HTTP
  // functions; ours: an event to publish).
  passesBlocks: {
    'extism:host/env': ['var_get', 'var_set', 'http_request'],
    'extism:host/user': ['reed_publish_event'],
  },
  access: ['load_u64', 'store_u64', 'load_u8', 'store_u8'],
};
