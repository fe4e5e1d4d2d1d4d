/**
 * Extism's kernel (`extism:host/env`, the ABI of @extism/extism 2.0.0-rc13) served by the host
 * itself for inline guests: the call's memory blocks, its input, output and error, the plugin's
 * variables and its log lines, and the call context host functions are handed. Extism's own
 * `createPlugin` is then needed only for worker isolation.
 *
 * Blocks are addressed as Extism addresses them (the stock PDKs do arithmetic on addresses): the
 * block's index in bits 48–62, the offset in the low 48 bits, block 0 a one-byte null page. The
 * table is emptied at the start of every call; a call may hold at most {@link MAX_BLOCKS}.
 */
import type { CallContext } from '@extism/extism';
import type { GuestLogSink, LogLevel } from './extism-guest.ts';
import { utf8Length } from '../util/json-codec.ts';
import { configGet, variableSetter } from './budgeted-kernel.ts';
import { LOG_PRIORITY } from './log-levels.ts';

/** Where a block's index starts in its address. */
const INDEX_SHIFT = 48n;
const OFFSET_MASK = (1n << INDEX_SHIFT) - 1n;
/** The most blocks one call may hold: an index of 32,768 would set the address's sign bit. */
export const MAX_BLOCKS = 32_767;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const EMPTY = new Uint8Array(0);

/**
 * A block as host functions read it (Extism's `PluginOutput`): a view of its bytes with text,
 * JSON and byte accessors.
 */
export class BlockOutput extends DataView<ArrayBuffer> {
  bytes(): Uint8Array {
    return new Uint8Array(this.buffer, this.byteOffset, this.byteLength);
  }
  text(): string {
    return decoder.decode(this.bytes());
  }
  string(): string {
    return this.text();
  }
  json(): unknown {
    return JSON.parse(this.text());
  }
  arrayBuffer(): ArrayBuffer {
    return this.byteOffset === 0 && this.byteLength === this.buffer.byteLength ? this.buffer : this.buffer.slice(this.byteOffset, this.byteOffset + this.byteLength);
  }
}

/** How one instance's kernel behaves. */
export interface KernelOptions {
  config: Record<string, string>;
  logLevel: LogLevel;
  onLog: GuestLogSink;
  /** Cap on the plugin's variables, which live between calls. */
  maxVarBytes?: number | undefined;
  /**
   * Charges `bytes` of new blocks to the call's host-buffer budget; false refuses them (the
   * budget logs and reports its own refusals).
   */
  charge(bytes: number): boolean;
  /** Told when `var_set` is refused for `maxVarBytes`. */
  onVarsRefused?: (() => void) | undefined;
  /** Told when a call asks for more than {@link MAX_BLOCKS} blocks (a refused host buffer). */
  onBlocksRefused?: (() => void) | undefined;
}

/** One instance's kernel: the `extism:host/env` functions and the contexts host functions get. */
export interface InlineKernel {
  /** The kernel functions, by name (user replacements are layered on top by the caller). */
  readonly env: Record<string, (...args: any[]) => unknown>;
  /** The context host functions are handed: `alloc` and `store` draw on the call's budget. */
  readonly context: CallContext;
  /**
   * The same context with `alloc` and `store` free of the budget, for functions that charge
   * the budget themselves before copying (the fast guest I/O).
   */
  readonly uncharged: CallContext;
  /** Starts a call: an empty block table holding `input` as the input block. */
  begin(input: Uint8Array): void;
  /**
   * Ends a call, once its output and error are read: drops its blocks (the output stays valid,
   * a view of its own buffer).
   */
  end(): void;
  /** The output the guest set (a view of its block), or undefined when none. */
  output(): Uint8Array | undefined;
  /** The text of the error the guest set with `error_set` or the context's `setError`, if any. */
  error(): string | undefined;
}

/** The kernel of one instance. */
export function inlineKernel(options: KernelOptions): InlineKernel {
  const { config, onLog, charge } = options;
  const threshold = LOG_PRIORITY[options.logLevel];
  const maxVarBytes = options.maxVarBytes ?? Number.POSITIVE_INFINITY;
  const nullPage = new DataView(new ArrayBuffer(1));
  let blocks: Array<DataView<ArrayBuffer> | null> = [nullPage];
  let input = new DataView(EMPTY.buffer as ArrayBuffer);
  let inputIndex = 0;
  /** The input block is still the caller's own bytes (adopted, not copied). */
  let inputBorrowed = false;
  let outputIndex = 0;
  let outputLength = 0;
  let errorIndex = 0;
  let blocksRefused = false;
  const vars = new Map<string, Uint8Array>();
  /**
   * The variables' keys and values in bytes. Extism counts the values only, so a guest could
   * keep megabytes per call, for ever, under long keys with empty values.
   */
  let varBytes = 0;

  const blockAt = (address: bigint): DataView<ArrayBuffer> | null | undefined => blocks[Number(address >> INDEX_SHIFT)];
  const offsetOf = (address: bigint): number => Number(address & OFFSET_MASK);
  const addressOf = (index: number): bigint => BigInt(index) << INDEX_SHIFT;
  const badAddress = (operation: string, address: bigint): Error => new Error(`${operation}: no block at address 0x${BigInt.asUintN(64, address).toString(16).padStart(16, '0')}`);
  /**
   * The block a store writes to. The input block is adopted from the caller without a copy, so
   * the first store into it copies it first (the copy is the input's size, once per call):
   * otherwise a guest could rewrite the host's own bytes, e.g. a buffer it calls other plugins
   * with next.
   */
  const writableAt = (operation: string, address: bigint): DataView<ArrayBuffer> => {
    const index = Number(address >> INDEX_SHIFT);
    const block = blocks[index];
    if (block === undefined || block === null) throw badAddress(operation, address);
    if (index !== inputIndex || !inputBorrowed) return block;
    inputBorrowed = false;
    const copy = new Uint8Array(block.buffer, block.byteOffset, block.byteLength).slice();
    input = new DataView(copy.buffer);
    blocks[index] = input;
    return input;
  };

  /** Adds a block; 0 (refused, once logged per call) past MAX_BLOCKS. */
  const push = (view: DataView<ArrayBuffer>): bigint => {
    if (blocks.length > MAX_BLOCKS) {
      if (!blocksRefused) {
        blocksRefused = true;
        options.onBlocksRefused?.();
        onLog('error', `memory limit exceeded: more than ${MAX_BLOCKS} blocks requested in this call`);
      }
      return 0n;
    }
    blocks.push(view);
    return addressOf(blocks.length - 1);
  };
  /** A new block holding a copy of `bytes` (or `bytes` itself when it is a fresh encoding). */
  const storeBytes = (bytes: Uint8Array, fresh: boolean): bigint => {
    const own = fresh ? bytes : bytes.slice();
    return push(new DataView(own.buffer as ArrayBuffer, own.byteOffset, own.byteLength));
  };

  const makeContext = (charged: boolean): CallContext => {
    const context = {
      alloc(size: bigint | number): bigint {
        const bytes = Number(size);
        if (charged && !charge(bytes)) return 0n;
        return push(new DataView(new ArrayBuffer(bytes)));
      },
      store(value: string | Uint8Array): bigint {
        const fresh = typeof value === 'string';
        const bytes = fresh ? encoder.encode(value) : value;
        // Throws as Extism's own store does when its cap refuses a block.
        if (charged && !charge(bytes.byteLength)) throw new Error("memory limit exceeded: the call's host-buffer budget is spent");
        const address = storeBytes(bytes, fresh);
        if (address === 0n) throw new Error(`memory limit exceeded: more than ${MAX_BLOCKS} blocks requested in this call`);
        return address;
      },
      read(address: bigint | number): BlockOutput | null {
        const block = blockAt(BigInt(address));
        return block === undefined || block === null ? null : new BlockOutput(block.buffer, block.byteOffset, block.byteLength);
      },
      length(address: bigint): bigint {
        return BigInt(blockAt(address)?.byteLength ?? 0);
      },
      getVariable(name: string): BlockOutput | null {
        const value = vars.get(name);
        return value === undefined ? null : new BlockOutput(value.buffer as ArrayBuffer, value.byteOffset, value.byteLength);
      },
      setVariable(name: string, value: string | Uint8Array): void {
        const bytes = typeof value === 'string' ? encoder.encode(value) : value;
        const old = vars.get(name);
        const total = varBytes + bytes.byteLength - (old === undefined ? -utf8Length(name) : old.byteLength);
        if (total > maxVarBytes) throw new Error(`var memory limit exceeded: ${total} bytes requested, ${maxVarBytes} allowed`);
        varBytes = total;
        vars.set(name, bytes);
      },
      deleteVariable(name: string): void {
        const value = vars.get(name);
        if (value === undefined) return;
        vars.delete(name);
        varBytes -= utf8Length(name) + value.byteLength;
      },
      setError(err: string | Error | null = null): void {
        if (err === null) {
          errorIndex = 0;
          return;
        }
        // Not charged: the error must get through, whatever the budget says.
        const address = storeBytes(encoder.encode(err instanceof Error ? err.message : err), true);
        if (address === 0n) throw new Error('could not store error value');
        errorIndex = Number(address >> INDEX_SHIFT);
      },
      hostContext: () => undefined,
      get logLevel(): LogLevel {
        return options.logLevel;
      },
    };
    return context as unknown as CallContext;
  };
  const context = makeContext(true);
  const uncharged = makeContext(false);

  const log = (level: Exclude<LogLevel, 'silent'>) => {
    const priority = LOG_PRIORITY[level];
    return (address: bigint): void => {
      const index = Number(address >> INDEX_SHIFT);
      const block = blocks[index];
      if (block === undefined || block === null) {
        onLog('error', `failed to log(${level}): bad block reference in addr 0x${BigInt.asUintN(64, address).toString(16).padStart(16, '0')}`);
        return;
      }
      // Logged blocks are freed, as Extism frees them.
      blocks[index] = null;
      if (threshold <= priority) onLog(level, decoder.decode(block));
    };
  };

  const env: Record<string, (...args: any[]) => unknown> = {
    alloc: (size: bigint): bigint => context.alloc(size),
    free(address: bigint): void {
      const index = Number(address >> INDEX_SHIFT);
      // The null page stays.
      if (index > 0 && index < blocks.length) blocks[index] = null;
    },
    length: (address: bigint): bigint => context.length(address),
    length_unsafe: (address: bigint): bigint => context.length(address),
    load_u8(address: bigint): number {
      const block = blockAt(address);
      if (block === undefined || block === null) throw badAddress('load_u8', address);
      return block.getUint8(offsetOf(address));
    },
    load_u64(address: bigint): bigint {
      const block = blockAt(address);
      if (block === undefined || block === null) throw badAddress('load_u64', address);
      return block.getBigUint64(offsetOf(address), true);
    },
    store_u8(address: bigint, value: number): void {
      writableAt('store_u8', address).setUint8(offsetOf(address), value);
    },
    store_u64(address: bigint, value: bigint): void {
      writableAt('store_u64', address).setBigUint64(offsetOf(address), value, true);
    },
    input_offset: (): bigint => addressOf(inputIndex),
    input_length: (): bigint => BigInt(input.byteLength),
    input_load_u8: (address: bigint): number => input.getUint8(offsetOf(address)),
    input_load_u64: (address: bigint): bigint => input.getBigUint64(offsetOf(address), true),
    output_set(address: bigint, length: bigint): void {
      const block = blockAt(address);
      if (block === undefined || block === null) throw new Error(`cannot assign to this block (addr=${BigInt.asUintN(64, address).toString(16).padStart(16, '0')}; length=${length})`);
      if (length > BigInt(block.byteLength)) throw new Error('length longer than target block');
      // Extism ignores the length; we honour it, so a negative one (a view of -1 bytes) must
      // fail here, in the guest's call, not when the host reads the output.
      if (length < 0n) throw new Error(`negative output length (${length})`);
      outputIndex = Number(address >> INDEX_SHIFT);
      outputLength = Number(length);
    },
    error_set(address: bigint): void {
      if (address === 0n) {
        errorIndex = 0;
        return;
      }
      const block = blockAt(address);
      if (block === undefined || block === null) throw new Error('cannot assign error to this block');
      errorIndex = Number(address >> INDEX_SHIFT);
    },
    error_get: (): bigint => (errorIndex === 0 ? 0n : addressOf(errorIndex)),
    config_get: configGet(config).bind(null, context),
    var_get(address: bigint): bigint {
      const name = context.read(address)?.text();
      const value = name === undefined ? undefined : vars.get(name);
      if (value === undefined) return 0n;
      // A copy, charged like any block the host creates: the variable outlives the call.
      return charge(value.byteLength) ? storeBytes(value, false) : 0n;
    },
    var_set: variableSetter(onLog, options.onVarsRefused).bind(null, context),
    http_request(): bigint {
      onLog('error', 'http_request is not enabled');
      return 0n;
    },
    http_status_code(): number {
      onLog('error', 'http_status_code is not enabled');
      return 0;
    },
    http_headers(): bigint {
      onLog('error', 'http_headers is not enabled');
      return 0n;
    },
    log_trace: log('trace'),
    log_debug: log('debug'),
    log_info: log('info'),
    log_warn: log('warn'),
    log_error: log('error'),
    get_log_level: (): number => threshold,
  };

  return {
    env,
    context,
    uncharged,
    begin(bytes) {
      input = new DataView(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
      // The input is adopted as block 1, not copied (as Extism adopts an exact-size buffer).
      blocks = [nullPage, input];
      inputIndex = 1;
      inputBorrowed = true;
      outputIndex = 0;
      outputLength = 0;
      errorIndex = 0;
      blocksRefused = false;
    },
    end() {
      // The plugin layer gives the call's host buffers back to the manager-wide budget when the
      // call ends: held until the next call, an idle instance would keep up to its whole
      // host-buffer budget alive uncounted (and the caller's input with it).
      blocks = [nullPage];
      input = new DataView(EMPTY.buffer as ArrayBuffer);
      inputIndex = 0;
      inputBorrowed = false;
      outputIndex = 0;
      errorIndex = 0;
    },
    output() {
      const block = outputIndex === 0 ? null : blocks[outputIndex];
      return block === null || block === undefined ? undefined : new Uint8Array(block.buffer, block.byteOffset, Math.min(outputLength, block.byteLength));
    },
    error() {
      const block = errorIndex === 0 ? null : blocks[errorIndex];
      return block === null || block === undefined ? undefined : decoder.decode(block);
    },
  };
}
