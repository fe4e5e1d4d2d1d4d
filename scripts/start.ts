/**
 * `npm start`: builds the example plugins from source, loads them into a PluginManager in Node,
 * and runs the sample CMS: saves an article (validated by a plugin), rejects a bad one, renders
 * the page through the render hooks, and prints the page and what each plugin did.
 *
 * @example
 * ```sh
 * npm start
 * ```
 */
import { relative } from 'node:path';
import { PluginError, PluginManager, type PluginEvent } from '../src/node.ts';
import { createCms } from '../examples/cms/cms.ts';
import { REPO_ROOT } from './lib/build-assemblyscript.ts';
import { buildExamples, EXAMPLES_DIR } from './lib/build-examples.ts';

const rule = (title: string) => console.log(`\n── ${title} ${'─'.repeat(Math.max(0, 72 - title.length))}`);

rule('1. Build the example plugins (AssemblyScript → wasm)');
for (const r of await buildExamples()) console.log(`  ${r.built ? 'built     ' : 'up to date'}  ${r.id.padEnd(20)} ${relative(REPO_ROOT, r.outFile)}`);

rule('2. Load them');
const pluginLogs: string[] = [];
const manager = new PluginManager({
  pluginDir: EXAMPLES_DIR,
  plugins: {
    seo: { base_url: 'https://journal.example.com' },
    'reading-time': { words_per_minute: 180 },
    'content-validator': { max_body_chars: 5000 },
  },
  logger: {
    debug: (m) => pluginLogs.push(`debug ${m}`),
    info: (m) => pluginLogs.push(`info  ${m}`),
    warn: (m) => pluginLogs.push(`warn  ${m}`),
    error: (m) => pluginLogs.push(`error ${m}`),
  },
});
const events: PluginEvent[] = [];
manager.events.subscribe((e) => {
  events.push(e);
});
const { loaded, failed } = await manager.initialize();
for (const info of manager.plugins()) {
  const m = info.metadata;
  console.log(`  ${info.state.padEnd(7)} ${info.id.padEnd(18)} v${m?.version ?? '?'}  priority ${m?.priority ?? '-'}  ${m?.capabilities.map((c) => Object.entries(c)[0]?.join(':')).join(', ') ?? ''}`);
}
console.log(`  ${loaded.length} loaded, ${failed.length} failed`);

const cms = createCms(manager, { siteName: 'Reed Journal' });

rule('3. Save content through before_save (content-validator)');
const saved = await cms.save({
  type: 'article',
  title: '   Plugins at the Edge: Sandboxing Without Tears   ',
  description: 'How ReedCMS runs untrusted WebAssembly plugins under hard limits — everywhere.',
  body: [
    'Every CMS grows plugins, and every plugin is code you did not write. ReedCMS runs each one as a WebAssembly module with its own memory, a CPU budget and nothing else.',
    'A plugin sees only what the host hands it: the page it filters, the events it asked for, the commands it declared. It cannot read files, open sockets or stall the renderer.',
    'The same plugin runs in Node, in Deno, in the browser and at the edge, because the host speaks only web-standard APIs. Café, naïve, 日本語: text stays text.',
  ].join('\n\n'),
});
console.log(`  saved "${saved.title}" as /${saved.slug}`);
try {
  await cms.save({ type: 'article', title: '   ', body: 'no title' });
} catch (err) {
  if (!(err instanceof PluginError)) throw err;
  console.log(`  rejected a draft without a title: ${err.code}: ${err.message.split('\n')[0]}`);
}

rule('4. Render /' + saved.slug + ' through before_render (reading-time) and after_render (seo)');
const page = await cms.render(`/${saved.slug}`);
console.log(
  page.html
    .split('\n')
    .map((line) => `  │ ${line}`)
    .join('\n'),
);

rule('5. What each plugin did');
console.log(`  reading-time: meta = ${JSON.stringify(page.meta)}`);
const seoTags = [...page.html.matchAll(/<meta name="description"[^>]*>|<meta property="og:[^>]*>|<link rel="canonical"[^>]*>/g)].map((m) => m[0]);
console.log(`  seo: added ${seoTags.length} tags to <head>: ${seoTags.map((t) => t.split(' content=')[0]?.split(' href=')[0] + '>').join(' ')}`);
console.log(`  content-validator: ${JSON.stringify(await manager.command('content-validator', 'stats'))}`);
for (const info of manager.plugins()) {
  const s = manager.stats(info.id);
  console.log(`  ${info.id.padEnd(18)} calls ${String(s.calls).padStart(3)}  faults ${s.faults}  time ${s.timeMs.total.toFixed(2)} ms`);
}
console.log('  events:', events.map((e) => `${e.type}${e.source === 'host' ? '' : ` (from ${e.source})`}`).join(', '));
console.log('  plugin logs:');
for (const line of pluginLogs) console.log(`    ${line}`);

await manager.shutdown();
