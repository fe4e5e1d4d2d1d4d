/**
 * `reed-plugin init <dir>`: scaffolds a plugin that builds and passes its own test.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseCommand, type CommandSpec } from '../cli-args.ts';
import { pluginTemplate } from '../plugin-template.ts';
import { ExitCode, UsageError, paint, type Terminal } from '../terminal.ts';
import { PACKAGE_INFO } from '../package-info.ts';

export const INIT: CommandSpec = {
  name: 'init',
  usage: 'reed-plugin init <dir> [--hook after_render] [--lang assemblyscript] [--id name]',
  summary: 'Creates a new plugin in <dir> (which must be empty or absent): plugin.toml, assembly/index.ts, a test, package.json scripts.',
  options: { hook: { type: 'string' }, lang: { type: 'string' }, id: { type: 'string' } },
  help: [
    '--hook NAME          the hook the plugin filters (default after_render)',
    '--lang LANG           assemblyscript (the only one for now)',
    '--id ID               plugin id (default: the folder name)',
  ],
};

/** Runs `init`. */
export async function runInit(argv: string[], term: Terminal): Promise<number> {
  const { values, positionals } = parseCommand(INIT, argv);
  const target = positionals[0];
  if (target === undefined || positionals.length > 1) throw new UsageError('init takes exactly one folder');
  const lang = (values['lang'] as string | undefined) ?? 'assemblyscript';
  if (lang !== 'assemblyscript') throw new UsageError(`--lang ${lang} is not supported (only assemblyscript)`);
  const dir = resolve(target);
  const id =
    (values['id'] as string | undefined) ??
    basename(dir)
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[^a-z0-9]+/, '');
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(id)) throw new UsageError(`"${id}" is not a valid plugin id ([a-z0-9][a-z0-9._-]*): pass --id`);
  const hook = (values['hook'] as string | undefined) ?? 'after_render';
  const existing = await readdir(dir).catch(() => [] as string[]);
  if (existing.length > 0) throw new UsageError(`${dir} is not empty: init only writes into an empty or new folder`);
  const files = pluginTemplate({ id, hook, ...PACKAGE_INFO.template });
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  if (values['json'] === true) term.out(JSON.stringify({ ok: true, dir, id, hook, files: Object.keys(files) }));
  else {
    term.out(`${paint(term, 'green', '✓')} created plugin ${paint(term, 'bold', id)} in ${dir}`);
    for (const path of Object.keys(files)) term.out(`  ${path}`);
    term.out(`\nnext: cd ${target} && npm install && npm test`);
  }
  return ExitCode.OK;
}
