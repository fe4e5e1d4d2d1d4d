/**
 * Second pass: writes the output module section by section, in the input's order, creating the
 * sections the plan needs but the module lacks (e.g. a global section) at their proper place.
 * Sections the rewrite does not touch (data, data count, custom) are copied verbatim; a
 * `reed.limits` custom section recording the module's initial sizes and caps is appended.
 */
import { BodyRewriter } from './code-rewriter.ts';
import { needsElementSection, writeElementSection } from './element-section.ts';
import { InstrumentError } from './errors.ts';
import { SECTION_RANK, SectionId, type SectionRef } from './module-scan.ts';
import { writeLimitsSection } from './limits-section.ts';
import { customSectionName, remapNameSection } from './name-section.ts';
import type { Plan } from './plan.ts';
import { ByteReader } from './reader.ts';
import { writeExportSection, writeFunctionSection, writeGlobalSection, writeImportSection, writeMemorySection, writeStartSection, writeTableSection, writeTypeSection } from './sections.ts';
import { writeAddedBodies } from './snippets.ts';
import { ByteWriter } from './writer.ts';

/** Writes the instrumented module. Returns its bytes and the number of fuel meters inserted. */
export function writeModule(bytes: Uint8Array, plan: Plan): { bytes: Uint8Array<ArrayBuffer>; meters: number } {
  const { info } = plan;
  const w = new ByteWriter(Math.ceil(bytes.length * 2.5) + 4096);
  w.bytes(bytes, 0, 8);
  let meters = 0;

  // Sections the output must have even when the input has none.
  const required = new Set<number>([SectionId.global, SectionId.export]);
  if (plan.newTypes.length > 0) required.add(SectionId.type);
  if (plan.addedImports.length > 0) required.add(SectionId.import);
  if (plan.addedFuncTypes.length > 0) {
    required.add(SectionId.function);
    required.add(SectionId.code);
  }
  if (needsElementSection(plan)) required.add(SectionId.element);
  const missing = [...required].filter((id) => !info.bySection.has(id)).sort((a, b) => SECTION_RANK[a]! - SECTION_RANK[b]!);

  const section = (id: number, body: () => void): void => {
    w.u8(id);
    const at = w.reserveSize();
    body();
    w.patchSize(at);
  };
  const emit = (id: number, ref: SectionRef | undefined): void => {
    switch (id) {
      case SectionId.type:
        return section(id, () => writeTypeSection(bytes, ref, plan, w));
      case SectionId.import:
        return section(id, () => writeImportSection(bytes, ref, plan, w));
      case SectionId.function:
        return section(id, () => writeFunctionSection(bytes, ref, plan, w));
      case SectionId.memory:
        return section(id, () => writeMemorySection(bytes, ref!, plan, w));
      case SectionId.table:
        return section(id, () => writeTableSection(bytes, ref!, plan, w));
      case SectionId.global:
        return section(id, () => writeGlobalSection(bytes, ref, plan, w));
      case SectionId.export:
        return section(id, () => writeExportSection(plan, w));
      case SectionId.start:
        return section(id, () => writeStartSection(plan, w));
      case SectionId.element:
        return section(id, () => writeElementSection(bytes, ref, plan, w));
      case SectionId.code:
        return section(id, () => {
          meters += writeCodeSection(bytes, ref, plan, w);
        });
      default:
        w.bytes(bytes, ref!.start, ref!.end); // data, data count
    }
  };
  const flushMissing = (beforeRank: number): void => {
    while (missing.length > 0 && SECTION_RANK[missing[0]!]! < beforeRank) emit(missing.shift()!, undefined);
  };

  for (const ref of info.sections) {
    if (ref.id === SectionId.custom) {
      writeCustomSection(bytes, ref, plan, w);
      continue;
    }
    // Deferred: the start function runs from __reed_start, inside a call.
    if (ref.id === SectionId.start && plan.fStart !== undefined) continue;
    flushMissing(SECTION_RANK[ref.id]!);
    emit(ref.id, ref);
  }
  flushMissing(Infinity);
  writeLimitsSection(w, plan);
  return { bytes: w.finish(), meters };
}

function writeCodeSection(bytes: Uint8Array, ref: SectionRef | undefined, plan: Plan, w: ByteWriter): number {
  let meters = 0;
  const { info } = plan;
  if (ref === undefined) {
    w.u32(plan.addedFuncTypes.length);
  } else {
    const r = new ByteReader(bytes, ref.payloadStart, ref.end);
    const n = r.u32();
    w.u32(n + plan.addedFuncTypes.length);
    const rewriter = new BodyRewriter(bytes, plan, w);
    for (let i = 0; i < n; i++) {
      const at = r.pos;
      const size = r.u32();
      const start = r.pos;
      if (size > r.end - start) r.fail('function body is truncated', at);
      meters += rewriter.rewrite(start, start + size, info.importedFuncs + i);
      r.pos = start + size;
    }
    if (!r.atEnd) r.fail('code section has trailing bytes');
  }
  writeAddedBodies(w, plan);
  return meters;
}

function writeCustomSection(bytes: Uint8Array, ref: SectionRef, plan: Plan, w: ByteWriter): void {
  if (plan.shift !== 0 && customSectionName(bytes, ref) === 'name') {
    const payload = remapNameSection(bytes, ref, plan.remapFunc);
    if (payload === undefined) return; // unreadable debug names: drop rather than misname
    w.u8(SectionId.custom);
    w.u32(payload.length);
    w.bytes(payload);
    return;
  }
  if (ref.end - ref.payloadStart === 0) throw new InstrumentError('custom section without a name', { offset: ref.start });
  w.bytes(bytes, ref.start, ref.end);
}
