/**
 * Command-line parsing on `node:util`'s parseArgs (Deno provides it too), one spec per command,
 * with `--help` for each and usage errors as `UsageError`.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './terminal.ts';
import { describeError } from '../errors.ts';

/** One command's options and help text. */
export interface CommandSpec {
  name: string;
  usage: string;
  summary: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Lines describing each option, for --help. */
  help: string[];
}

/** Options every command takes. */
export const COMMON_OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** Parsed arguments of one command. */
export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/**
 * Parses `argv` (the arguments after the command name) against `spec`.
 *
 * @throws UsageError for an unknown option or a missing value.
 */
export function parseCommand(spec: CommandSpec, argv: string[]): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...spec.options }, allowPositionals: true, strict: true });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (err) {
    throw new UsageError(describeError(err));
  }
}

/** The --help text of a command. */
export function helpText(spec: CommandSpec): string {
  return [`Usage: ${spec.usage}`, '', spec.summary, '', 'Options:', ...spec.help.map((l) => `  ${l}`), '  --json               machine-readable output', '  -h, --help           this help', ''].join(
    '\n',
  );
}

/**
 * A numeric option (integers, `_` separators allowed).
 *
 * @throws UsageError when it is not a non-negative integer.
 */
export function numberOption(values: ParsedArgs['values'], name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(String(raw).replaceAll('_', ''));
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer (got ${String(raw)})`);
  return n;
}
