/**
 * Constant expressions (global initialisers, element offsets and items). They are copied
 * through, with `ref.func` indices remapped when an added import shifts function indices.
 */
import type { ByteReader } from './reader.ts';
import type { ByteWriter } from './writer.ts';
import { readRefType } from './types.ts';

/** Maps an input function index to its output index. */
export type FuncRemap = (index: number) => number;

/**
 * Copies one constant expression (up to and including its `end`) from `r` to `w`. Accepts the
 * constant instructions of 2.0 plus extended-const arithmetic.
 */
export function copyConstExpr(r: ByteReader, w: ByteWriter, remap: FuncRemap): void {
  let copyFrom = r.pos;
  for (;;) {
    const at = r.pos;
    const op = r.u8();
    switch (op) {
      case 0x0b: // end
        w.bytes(r.bytes, copyFrom, r.pos);
        return;
      case 0x41: // i32.const
        r.signed(32);
        break;
      case 0x42: // i64.const
        r.skipS64();
        break;
      case 0x43: // f32.const
        r.skip(4);
        break;
      case 0x44: // f64.const
        r.skip(8);
        break;
      case 0x23: // global.get
        r.u32();
        break;
      case 0xd0: // ref.null
        readRefType(r);
        break;
      case 0xd2: {
        // ref.func: the only place a constant names a function
        const index = r.u32();
        const mapped = remap(index);
        if (mapped !== index) {
          w.bytes(r.bytes, copyFrom, at + 1);
          w.u32(mapped);
          copyFrom = r.pos;
        }
        break;
      }
      case 0x6a: // i32.add / sub / mul (extended-const)
      case 0x6b:
      case 0x6c:
      case 0x7c: // i64.add / sub / mul
      case 0x7d:
      case 0x7e:
        break;
      case 0xfd: {
        // v128.const
        if (r.u32() !== 12) r.fail('unsupported instruction in constant expression', at);
        r.skip(16);
        break;
      }
      default:
        r.fail(`unsupported instruction 0x${op.toString(16)} in constant expression`, at);
    }
  }
}
