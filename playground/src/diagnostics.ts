/**
 * Reads asc's text diagnostics (`--noColors`) into line/column records for the editor.
 */

/** One compiler diagnostic. */
export interface CompileDiagnostic {
  severity: 'error' | 'warning' | 'info';
  /** `TS2322`, `AS100`, … */
  code: string;
  message: string;
  /** The file it points into, when it points into one. */
  file?: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  column?: number;
}

const HEADER = /^(ERROR|WARNING|INFO) (\w+): (.*)$/;
const LOCATION = /in (\S+?)\((\d+),(\d+)\)/;

/**
 * Splits asc's output into diagnostics, each with the first location its block names.
 */
export function parseDiagnostics(output: string): CompileDiagnostic[] {
  const found: CompileDiagnostic[] = [];
  let open: CompileDiagnostic | undefined;
  for (const line of output.split('\n')) {
    const header = HEADER.exec(line.trim());
    if (header) {
      open = { severity: header[1]!.toLowerCase() as CompileDiagnostic['severity'], code: header[2]!, message: header[3]! };
      found.push(open);
      continue;
    }
    const at = LOCATION.exec(line);
    if (open !== undefined && at && open.file === undefined) {
      open.file = at[1]!;
      open.line = Number(at[2]);
      open.column = Number(at[3]);
    }
  }
  return found;
}
