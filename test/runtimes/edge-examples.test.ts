/**
 * The edge CMS examples for real: the Cloudflare Worker (built with Vite, served by workerd) and
 * the Deno server (Deno.serve), each started as a process and asked for pages over HTTP. Both
 * run the same chain: auth guard, route hook, before_render/after_render through the example
 * plugins and a host filter.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/build-assemblyscript.ts';
import { buildEdgeCmsWorker } from '../../examples/edge/cloudflare/build.ts';
import { DEMO_TOKEN } from '../../examples/edge/app.ts';
import { freePort, startProcess, waitForHttp, type RunningProcess } from './support/processes.ts';

const bin = (name: string) => join(REPO_ROOT, 'node_modules', '.bin', name);

const servers: Record<string, () => Promise<{ process: RunningProcess; base: string }>> = {
  async workerd() {
    const port = await freePort();
    const config = await buildEdgeCmsWorker(port, join(REPO_ROOT, 'build', 'edge-cloudflare-test'));
    return { process: startProcess(bin('workerd'), ['serve', config]), base: `http://127.0.0.1:${port}` };
  },
  async deno() {
    const port = await freePort();
    const args = ['run', '--allow-read', '--allow-env', '--allow-net', '--import-map', 'examples/edge/deno/import-map.json', 'examples/edge/deno/server.ts', String(port)];
    return { process: startProcess(bin('deno'), args, { cwd: REPO_ROOT, env: { DENO_NO_UPDATE_CHECK: '1' } }), base: `http://127.0.0.1:${port}` };
  },
};

for (const [runtime, start] of Object.entries(servers)) {
  describe(`edge CMS example on ${runtime}`, () => {
    let server: { process: RunningProcess; base: string } | undefined;
    beforeAll(async () => {
      server = await start();
      await waitForHttp(`${server.base}/`, server.process);
    }, 120_000);
    afterAll(async () => {
      await server?.process.stop();
    });

    const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server?.base}${path}`, { headers });

    it('renders an article through reading-time (before_render), seo (after_render) and the host footer', async () => {
      const response = await get('/plugins-at-the-edge');
      const html = await response.text();
      expect(response.status, html).toBe(200);
      expect(html).toContain('<h1>Plugins at the Edge</h1>');
      expect(html).toMatch(/<p class="meta">\d+ min read · \d+ words<\/p>/);
      expect(html).toContain('<link rel="canonical" href="https://edge.example.com/plugins-at-the-edge">');
      expect(html).toContain(`<footer>rendered on ${runtime} through 3 plugins</footer>`);
    });

    it('routes / to the index (route_match) and unknown paths to 404', async () => {
      const index = await (await get('/')).text();
      expect(index).toContain('<a href="/hello-deno-and-workers">Hello, Deno and Workers</a>');
      expect((await get('/nope')).status).toBe(404);
    });

    it('guards /admin (auth_check): 403 without the token, the plugin list with it', async () => {
      const denied = await get('/admin');
      expect(denied.status).toBe(403);
      expect(await denied.text()).toContain('the admin area needs a token');
      const allowed = await get('/admin', { authorization: `Bearer ${DEMO_TOKEN}` });
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toMatch(/^content-validator active calls=\d+\nreading-time active calls=\d+\nseo active calls=\d+\n$/);
    });
  });
}
