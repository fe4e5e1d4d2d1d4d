/**
 * Builds the playground with Vite's JS API (playground/vite.config.ts) into build/playground,
 * skipping the build when nothing it is made from changed, and serves the result on 127.0.0.1
 * with a tiny static server that sends the COOP/COEP headers of its `_headers` file.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { build } from 'vite';
import { REPO_ROOT } from '../../../scripts/lib/build-assemblyscript.ts';

/** The built site. */
export const SITE_DIR = join(REPO_ROOT, 'build', 'playground');
const CONFIG = join(REPO_ROOT, 'playground', 'vite.config.ts');
/** Inputs of the build: a change to any file under these rebuilds the site. */
const INPUTS = ['playground', 'src', 'sdk', 'examples/plugins', 'test/fixtures/as/assembly'].map((p) => join(REPO_ROOT, p));

async function newest(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  const times = await Promise.all(entries.filter((e) => e.isFile() && !e.parentPath.includes('node_modules')).map(async (e) => (await stat(join(e.parentPath, e.name))).mtimeMs));
  return Math.max(0, ...times);
}

/**
 * Builds the site unless build/playground/index.html is newer than every input.
 */
export async function buildSite(options: { force?: boolean } = {}): Promise<{ built: boolean }> {
  const out = await stat(join(SITE_DIR, 'index.html')).catch(() => undefined);
  if (options.force !== true && out !== undefined) {
    const inputs = Math.max(...(await Promise.all(INPUTS.map(newest))));
    if (out.mtimeMs > inputs) return { built: false };
  }
  await build({ configFile: CONFIG, logLevel: 'warn' });
  return { built: true };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** The headers `_headers` asks for (one `/*` block), as a static host that reads it would send. */
async function siteHeaders(): Promise<Record<string, string>> {
  const text = await readFile(join(SITE_DIR, '_headers'), 'utf8');
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => /^\s+\S+:/.test(l))
      .map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]),
  );
}

/**
 * Serves build/playground on a free port of 127.0.0.1.
 */
export async function serveSite(): Promise<{ url: string; close: () => Promise<void> }> {
  const headers = await siteHeaders();
  const server = createServer((req, res) => {
    void (async () => {
      const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
      const file = join(SITE_DIR, path.endsWith('/') ? `${path}index.html` : path);
      try {
        const body = await readFile(file);
        res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        res.end(body);
      } catch {
        res.writeHead(404, headers);
        res.end('not found');
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
