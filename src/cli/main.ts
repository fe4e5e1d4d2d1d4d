#!/usr/bin/env node
/**
 * `reed-plugin`: the plugin author's command line (init, build, check, run, inspect). Exit
 * codes: 0 ok, 1 the plugin failed or has problems, 2 a usage error.
 *
 * @example
 * ```sh
 * npx reed-plugin init my-plugin && cd my-plugin && npm install && npm test
 * npx reed-plugin run . after_render --input page.json --fuel 5000000
 * deno run -A npm:@reedcms/plugins/cli check plugins/seo
 * ```
 */
import process from 'node:process';
import { PluginError } from '../errors.ts';
import { helpText, type CommandSpec } from './cli-args.ts';
import { BUILD, runBuild } from './commands/build.ts';
import { CHECK, runCheck } from './commands/check.ts';
import { INIT, runInit } from './commands/init.ts';
import { INSPECT, runInspect } from './commands/inspect.ts';
import { RUN, runRun } from './commands/run.ts';
import { PACKAGE_INFO } from './package-info.ts';
import { ExitCode, UsageError, paint, type Terminal } from './terminal.ts';

const COMMANDS: Record<string, { spec: CommandSpec; run: (argv: string[], term: Terminal) => Promise<number> }> = {
  init: { spec: INIT, run: runInit },
  build: { spec: BUILD, run: runBuild },
  check: { spec: CHECK, run: runCheck },
  run: { spec: RUN, run: runRun },
  inspect: { spec: INSPECT, run: runInspect },
};

function usage(): string {
  const lines = Object.values(COMMANDS).map(({ spec }) => `  ${spec.name.padEnd(9)} ${spec.summary}`);
  return [
    `reed-plugin ${PACKAGE_INFO.version}: build, check and run ReedCMS plugins`,
    '',
    'Usage: reed-plugin <command> [options]   (reed-plugin <command> --help for its options)',
    '',
    'Commands:',
    ...lines,
    '',
  ].join('\n');
}

/**
 * Runs the CLI with `argv` (the arguments after the program name); resolves with the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await main(['check', 'plugins/seo'], term);
 * ```
 */
export async function main(argv: string[], term: Terminal): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    term.out(usage());
    return name === undefined ? ExitCode.USAGE : ExitCode.OK;
  }
  if (name === '--version' || name === '-v') {
    term.out(PACKAGE_INFO.version);
    return ExitCode.OK;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    term.err(`unknown command "${name}"\n\n${usage()}`);
    return ExitCode.USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    term.out(helpText(command.spec));
    return ExitCode.OK;
  }
  const json = rest.includes('--json');
  try {
    return await command.run(rest, term);
  } catch (err) {
    if (err instanceof UsageError) {
      if (json) term.out(JSON.stringify({ ok: false, error: { code: 'E_USAGE', message: err.message } }));
      else term.err(`${paint(term, 'red', 'error:')} ${err.message}\n\n${helpText(command.spec)}`);
      return ExitCode.USAGE;
    }
    if (err instanceof PluginError) {
      const issues = (err as PluginError & { issues?: unknown }).issues;
      if (json) term.out(JSON.stringify({ ok: false, error: { code: err.code, message: err.message, pluginId: err.pluginId ?? null, ...(issues === undefined ? {} : { issues }) } }));
      else term.err(`${paint(term, 'red', '✗')} ${err.code}: ${err.message}`);
      return ExitCode.PLUGIN_ERROR;
    }
    throw err;
  }
}

const isTty = process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined;
const terminal: Terminal = {
  out: (text) => void process.stdout.write(`${text}\n`),
  err: (text) => void process.stderr.write(`${text}\n`),
  color: isTty && !process.argv.includes('--json'),
};

process.exitCode = await main(process.argv.slice(2), terminal);
