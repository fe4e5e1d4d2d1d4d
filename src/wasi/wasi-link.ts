/**
 * Moves a module's WASI imports and its reactor entry point out of Extism's reach, before the
 * module is instrumented (at load, and ahead of time in `precompile`, so both paths agree):
 *
 * - `wasi_snapshot_preview1.*` imports become `reed:wasi_snapshot_preview1.*`: Extism serves
 *   the `wasi_snapshot_preview1` namespace itself or refuses the module ("WASI is not
 *   enabled"), and its WASI is `node:wasi` on Node (unbudgeted, warns at import) and missing on
 *   Deno. Ours (src/wasi/wasi-functions.ts) is offered under the new name.
 * - The `_initialize` export becomes `__reed_initialize`: Extism would call `_initialize`
 *   while instantiating, before the host can reach the instance's memory (WASI calls made then
 *   would have nowhere to read or write) and outside any call's fuel accounting. The host calls
 *   it instead, once per instance, as an ordinary metered call (src/plugin/wasm-plugin.ts).
 * - The `_start` export becomes `__reed_wasi_start`, for the same reason: Extism would run a
 *   command's `main` while instantiating. A module with only `_start` is refused at load (a
 *   command runs once; a plugin is called again and again); one with both is a reactor.
 *
 * Every other byte is copied as is; a module with neither is returned unchanged (no copy).
 */
import { ByteReader } from '../instrument/reader.ts';
import { ByteWriter } from '../instrument/writer.ts';

/** The WASI preview 1 import namespace, as modules name it. */
export const WASI_MODULE = 'wasi_snapshot_preview1';
/** Where the host serves WASI after {@link linkWasi} moved the imports. */
export const HOST_WASI_MODULE = 'reed:wasi_snapshot_preview1';

/**
 * Whether a (linked) module imports WASI (a cheap check, beside the names: the WASI layer itself
 * is loaded only for such modules, so a bundle whose plugins use none never downloads it).
 */
export function importsWasi(module: WebAssembly.Module): boolean {
  return WebAssembly.Module.imports(module).some((i) => i.module === HOST_WASI_MODULE);
}
/** A reactor's entry point, as modules name it (WASI reactors: Go c-shared, C `-mexec-model=reactor`). */
export const REACTOR_INIT = '_initialize';
/** The name the host calls it by after {@link linkWasi}. */
export const HOST_REACTOR_INIT = '__reed_initialize';
/** A command's entry point (`main`, run once to exit). */
export const COMMAND_START = '_start';
/** Its name after {@link linkWasi}: the host never calls it, and Extism no longer sees it. */
// Not `__reed_start`: that is the instrumenter's deferred start code (docs/instrument.md).
export const HOST_COMMAND_START = '__reed_wasi_start';

/** Exports renamed by {@link linkWasi}. */
const EXPORT_RENAMES: Readonly<Record<string, string>> = { [REACTOR_INIT]: HOST_REACTOR_INIT, [COMMAND_START]: HOST_COMMAND_START };

const IMPORT_SECTION = 2;
const EXPORT_SECTION = 7;

/**
 * The module's bytes with its WASI imports and `_initialize` export renamed (see above), or
 * the same bytes when it has neither. Malformed input is left for the instrumenter to report.
 *
 * @example
 * ```ts
 * const linked = linkWasi(bytes);            // then instrument(linked, …)
 * ```
 */
export function linkWasi(bytes: Uint8Array): Uint8Array {
  const sections = scanSections(bytes);
  if (sections === undefined) return bytes;
  const imports = sections.find((s) => s.id === IMPORT_SECTION);
  const exports = sections.find((s) => s.id === EXPORT_SECTION);
  const renameImports = imports !== undefined && containsName(bytes, imports, WASI_MODULE);
  const renameExports = exports !== undefined && (containsName(bytes, exports, REACTOR_INIT) || containsName(bytes, exports, COMMAND_START));
  if (!renameImports && !renameExports) return bytes;
  const w = new ByteWriter(bytes.length + 1024);
  w.bytes(bytes, 0, 8);
  for (const s of sections) {
    if ((s.id === IMPORT_SECTION && renameImports) || (s.id === EXPORT_SECTION && renameExports)) {
      w.u8(s.id);
      const at = w.reserveSize();
      if (s.id === IMPORT_SECTION) rewriteImports(bytes, s, w);
      else rewriteExports(bytes, s, w);
      w.patchSize(at);
    } else {
      w.bytes(bytes, s.start, s.end);
    }
  }
  return w.finish();
}

interface Section {
  id: number;
  /** Offset of the section id byte. */
  start: number;
  payloadStart: number;
  end: number;
}

function scanSections(bytes: Uint8Array): Section[] | undefined {
  if (bytes.length < 8) return undefined;
  const sections: Section[] = [];
  try {
    const r = new ByteReader(bytes, 8);
    while (!r.atEnd) {
      const start = r.pos;
      const id = r.u8();
      const size = r.u32();
      const payloadStart = r.pos;
      r.skip(size);
      sections.push({ id, start, payloadStart, end: r.pos });
    }
  } catch {
    return undefined;
  }
  return sections;
}

/** A cheap pre-check: the name's bytes appear somewhere in the section. */
function containsName(bytes: Uint8Array, s: Section, name: string): boolean {
  const needle = new TextEncoder().encode(name);
  outer: for (let i = s.payloadStart; i + needle.length <= s.end; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

function rewriteImports(bytes: Uint8Array, s: Section, w: ByteWriter): void {
  const r = new ByteReader(bytes, s.payloadStart, s.end);
  const count = r.count();
  w.u32(count);
  for (let i = 0; i < count; i++) {
    const module = r.name();
    w.name(module === WASI_MODULE ? HOST_WASI_MODULE : module);
    const descStart = r.pos;
    r.name(); // field
    skipImportDesc(r);
    w.bytes(bytes, descStart, r.pos);
  }
  w.bytes(bytes, r.pos, s.end);
}

function rewriteExports(bytes: Uint8Array, s: Section, w: ByteWriter): void {
  const r = new ByteReader(bytes, s.payloadStart, s.end);
  const count = r.count();
  w.u32(count);
  for (let i = 0; i < count; i++) {
    const name = r.name();
    const kindAt = r.pos;
    const kind = r.u8();
    r.u32(); // index
    w.name(kind === 0 ? (EXPORT_RENAMES[name] ?? name) : name);
    w.bytes(bytes, kindAt, r.pos);
  }
  w.bytes(bytes, r.pos, s.end);
}

/** Skips an import's kind and description (function, table, memory, global, tag). */
function skipImportDesc(r: ByteReader): void {
  const kind = r.u8();
  switch (kind) {
    case 0: // function: type index
      r.u32();
      return;
    case 1: // table: reference type, limits
      r.u8();
      skipLimits(r);
      return;
    case 2: // memory: limits
      skipLimits(r);
      return;
    case 3: // global: value type, mutability
      skipValType(r);
      r.u8();
      return;
    case 4: // tag: attribute, type index
      r.u8();
      r.u32();
      return;
    default:
      r.fail(`unknown import kind ${kind}`);
  }
}

function skipValType(r: ByteReader): void {
  const t = r.u8();
  // (ref null? ht) carries a heap type after it.
  if (t === 0x63 || t === 0x64) r.signed(33);
}

function skipLimits(r: ByteReader): void {
  const flags = r.u8();
  r.skipS64(); // min (u32, or u64 for memory64): skipping a LEB is all that is needed
  if (flags & 1) r.skipS64();
}
