/**
 * First, cheap pass over a module: finds every section and reads the small ones the rewrite
 * plan depends on (types, imports, function signatures, memory, globals, exports, start). The
 * code section is only located here; it is read once, later, by the body rewriter.
 */
import { copyConstExpr } from './const-expr.ts';
import { InstrumentError } from './errors.ts';
import { ByteReader } from './reader.ts';
import { ByteWriter } from './writer.ts';
import { type FuncType, type Limits, readFuncType, readLimits, readRefType, readValType } from './types.ts';

/** Section ids of WebAssembly 2.0. */
export const SectionId = {
  custom: 0,
  type: 1,
  import: 2,
  function: 3,
  table: 4,
  memory: 5,
  global: 6,
  export: 7,
  start: 8,
  element: 9,
  code: 10,
  data: 11,
  dataCount: 12,
} as const;

/** Order rank of each known section id (the data count section sits between element and code). */
export const SECTION_RANK: Readonly<Record<number, number>> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8, 9: 9, 12: 10, 10: 11, 11: 12 };

/** Where a section's payload lies in the input. */
export interface SectionRef {
  id: number;
  /** Offset of the id byte. */
  start: number;
  /** Payload start and end. */
  payloadStart: number;
  end: number;
}

/** One export entry. */
export interface ExportEntry {
  name: string;
  kind: number;
  index: number;
}

/** One table of the input. */
export interface TableInfo {
  imported: boolean;
  /** 0x70 funcref or 0x6f externref. */
  refType: number;
  limits: Limits;
  limitsOffset: number;
}

/** What the rewrite plan needs to know about the input module. */
export interface ModuleInfo {
  sections: SectionRef[];
  types: FuncType[];
  /** Type index of every function, imported ones first. */
  funcTypes: number[];
  importedFuncs: number;
  importedGlobals: number;
  definedGlobals: number;
  /** Imports as (module, name, kind, typeIndex for functions). */
  funcImports: { module: string; name: string; typeIndex: number }[];
  memory: { imported: boolean; limits: Limits; limitsOffset: number } | undefined;
  /** Every table, imported ones first (table index order), with where its limits lie. */
  tables: TableInfo[];
  /** Elements of all element segments together (the engine keeps passive ones alive). */
  elementCount: number;
  exports: ExportEntry[];
  start: number | undefined;
  bySection: Map<number, SectionRef>;
}

/** Splits a module into sections and reads the small ones. */
export function scanModule(bytes: Uint8Array): ModuleInfo {
  const r = new ByteReader(bytes);
  if (bytes.length < 8) r.fail('not a WebAssembly module (too short)', 0);
  if (bytes[0] !== 0x00 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) r.fail('not a WebAssembly module (bad magic)', 0);
  if (bytes[4] !== 0x01 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) r.fail('unsupported WebAssembly version (components are not supported)', 4);
  r.pos = 8;

  const info: ModuleInfo = {
    sections: [],
    types: [],
    funcTypes: [],
    importedFuncs: 0,
    importedGlobals: 0,
    definedGlobals: 0,
    funcImports: [],
    memory: undefined,
    tables: [],
    elementCount: 0,
    exports: [],
    start: undefined,
    bySection: new Map(),
  };
  let lastRank = 0;
  while (!r.atEnd) {
    const start = r.pos;
    const id = r.u8();
    const size = r.u32();
    const payloadStart = r.pos;
    if (size > r.end - payloadStart) r.fail(`section ${id} is truncated`, start);
    const ref: SectionRef = { id, start, payloadStart, end: payloadStart + size };
    if (id !== SectionId.custom) {
      const rank = SECTION_RANK[id];
      if (rank === undefined) {
        return r.fail(id === 13 ? 'exception handling (tag section) is not supported' : `unknown section id ${id}`, start);
      }
      if (rank <= lastRank) r.fail(`section ${id} is duplicated or out of order`, start);
      lastRank = rank;
      info.bySection.set(id, ref);
    }
    info.sections.push(ref);
    readSection(bytes, ref, info);
    r.pos = ref.end;
  }
  const fn = info.bySection.get(SectionId.function);
  const code = info.bySection.get(SectionId.code);
  const defined = info.funcTypes.length - info.importedFuncs;
  if (defined > 0 && code === undefined) throw new InstrumentError('function section without code section', { offset: fn?.start ?? 8 });
  if (code !== undefined) {
    const cr = new ByteReader(bytes, code.payloadStart, code.end);
    if (cr.u32() !== defined) cr.fail('function and code section counts differ', code.payloadStart);
  }
  if (info.start !== undefined && info.start >= info.funcTypes.length) r.fail('start function index out of range', info.bySection.get(SectionId.start)?.start);
  return info;
}

function readSection(bytes: Uint8Array, ref: SectionRef, info: ModuleInfo): void {
  const r = new ByteReader(bytes, ref.payloadStart, ref.end);
  switch (ref.id) {
    case SectionId.type:
      for (let n = r.count(); n > 0; n--) info.types.push(readFuncType(r));
      break;
    case SectionId.import:
      readImports(r, info);
      break;
    case SectionId.function:
      for (let n = r.count(); n > 0; n--) info.funcTypes.push(checkType(r, r.u32(), info));
      break;
    case SectionId.table:
      for (let n = r.count(); n > 0; n--) info.tables.push(readTable(r, false));
      break;
    case SectionId.element:
      info.elementCount = countElements(r);
      break;
    case SectionId.memory: {
      const n = r.count();
      if (n === 0) break;
      if (n > 1 || info.memory !== undefined) r.fail('multiple memories are not supported', ref.payloadStart);
      const limitsOffset = r.pos;
      info.memory = { imported: false, limits: readLimits(r, 'memory'), limitsOffset };
      break;
    }
    case SectionId.global:
      info.definedGlobals = r.count();
      return; // init expressions are read (and remapped) when the section is copied
    case SectionId.export:
      for (let n = r.count(); n > 0; n--) {
        const name = r.name();
        const kind = r.u8();
        const index = r.u32();
        if (kind > 3) r.fail(`unsupported export kind ${kind}`, r.pos - 1);
        info.exports.push({ name, kind, index });
      }
      break;
    case SectionId.start:
      info.start = r.u32();
      break;
    default:
      return; // custom, code, data, data count: read when rewritten or copied
  }
  if (!r.atEnd) r.fail(`section ${ref.id} has trailing bytes`, r.pos);
}

function checkType(r: ByteReader, index: number, info: ModuleInfo): number {
  if (index >= info.types.length) r.fail(`type index ${index} out of range`, r.pos - 1);
  return index;
}

function readImports(r: ByteReader, info: ModuleInfo): void {
  for (let n = r.count(); n > 0; n--) {
    const module = r.name();
    const name = r.name();
    const kindAt = r.pos;
    const kind = r.u8();
    switch (kind) {
      case 0: {
        const typeIndex = checkType(r, r.u32(), info);
        info.funcTypes.push(typeIndex);
        info.funcImports.push({ module, name, typeIndex });
        info.importedFuncs++;
        break;
      }
      case 1:
        info.tables.push(readTable(r, true));
        break;
      case 2: {
        if (info.memory !== undefined) r.fail('multiple memories are not supported', kindAt);
        const limitsOffset = r.pos;
        info.memory = { imported: true, limits: readLimits(r, 'memory'), limitsOffset };
        break;
      }
      case 3: {
        readValType(r);
        const mut = r.u8();
        if (mut > 1) r.fail('invalid global mutability', r.pos - 1);
        info.importedGlobals++;
        break;
      }
      default:
        r.fail(kind === 4 ? 'exception handling (tag import) is not supported' : `unknown import kind ${kind}`, kindAt);
    }
  }
}

function readTable(r: ByteReader, imported: boolean): TableInfo {
  const refType = readRefType(r);
  const limitsOffset = r.pos;
  return { imported, refType, limits: readLimits(r, 'table'), limitsOffset };
}

/**
 * Sums the elements of every segment (all eight encodings). Only counted here: the section is
 * copied, with function indices remapped, by element-section.ts.
 */
function countElements(r: ByteReader): number {
  const scratch = new ByteWriter(64);
  const skipExpr = (): void => {
    scratch.pos = 0;
    copyConstExpr(r, scratch, (f) => f);
  };
  let total = 0;
  for (let n = r.count(); n > 0; n--) {
    const at = r.pos;
    const flags = r.u32();
    if (flags > 7) r.fail(`unsupported element segment flags ${flags}`, at);
    if ((flags & 0x01) === 0) {
      if (flags & 0x02) r.u32(); // table index
      skipExpr(); // offset
    }
    if (flags & 0x03) {
      if (flags & 0x04) readRefType(r);
      else if (r.u8() !== 0x00) r.fail('unsupported element kind', r.pos - 1);
    }
    const count = r.count();
    total += count;
    for (let i = 0; i < count; i++) {
      if (flags & 0x04) skipExpr();
      else r.u32();
    }
  }
  return total;
}
