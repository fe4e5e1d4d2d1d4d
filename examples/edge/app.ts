/**
 * The edge CMS: one web-standard request handler (Request → Response) shared by the Cloudflare
 * Worker and the Deno server. Every request goes through the plugin chain: an `auth_check`
 * guard (the admin area needs a token), a `route_match` hook (which content answers this path),
 * then the CMS render (`before_render` → template → `after_render`, where the seo and
 * reading-time plugins and a host filter run).
 *
 * @example
 * ```ts
 * const app = await createEdgeApp(manager);
 * const response = await app.handle(new Request('https://example.com/plugins-at-the-edge'));
 * ```
 */
import { Hooks, type PluginManager } from '@reedcms/plugins';
import { createCms, type Cms } from '../cms/cms.ts';

/** Per-plugin config the example plugins expect. */
export const EXAMPLE_PLUGIN_CONFIG = {
  seo: { base_url: 'https://edge.example.com' },
  'reading-time': { words_per_minute: 200 },
  'content-validator': { max_body_chars: 10_000 },
};

/** The token the admin area accepts (a demo: real sites check a session). */
export const DEMO_TOKEN = 'demo-token';

/** A resolved route: content to render, a listing, or the admin page. */
type Route = { kind: 'content'; path: string } | { kind: 'index' } | { kind: 'admin' };

/** The app: a fetch handler plus the CMS behind it. */
export interface EdgeApp {
  handle(request: Request): Promise<Response>;
  cms: Cms;
}

/**
 * Wires the host's own hooks (guard, route, footer filter) into a manager whose plugins are
 * loaded, seeds two articles, and returns the request handler.
 *
 * @example
 * ```ts
 * export default { fetch: (request) => app.handle(request) };
 * ```
 */
export async function createEdgeApp(manager: PluginManager, runtimeName: string): Promise<EdgeApp> {
  const cms = createCms(manager, { siteName: 'Reed Edge' });
  manager.hooks.register(Hooks.AUTH_CHECK, (req: { path: string; token: string | null }) =>
    req.path.startsWith('/admin') && req.token !== DEMO_TOKEN ? { allow: false, reason: 'the admin area needs a token' } : undefined,
  );
  manager.hooks.register(Hooks.ROUTE_MATCH, (req: { path: string }) => (req.path === '/' ? { kind: 'index' } : null), { priority: 10 });
  manager.hooks.register(Hooks.ROUTE_MATCH, (req: { path: string }) => (req.path.startsWith('/admin') ? { kind: 'admin' } : null), { priority: 20 });
  manager.hooks.register(Hooks.ROUTE_MATCH, (req: { path: string }) => ({ kind: 'content', path: req.path }), { priority: 1000 });
  // A host filter after the seo plugin (priority 50): says where the page was rendered.
  manager.hooks.register(
    Hooks.AFTER_RENDER,
    (page: { html: string }) => ({ ...page, html: page.html.replace('</body>', `  <footer>rendered on ${runtimeName} through ${manager.plugins().length} plugins</footer>\n</body>`) }),
    { priority: 900 },
  );
  await cms.save({
    type: 'article',
    title: 'Plugins at the Edge',
    description: 'Untrusted WebAssembly plugins under hard limits, at the edge.',
    body: 'Every plugin runs as WebAssembly with its own memory and a CPU budget.\n\nThe same plugins run in Node, Deno, browsers and Workers.',
  });
  await cms.save({ type: 'article', title: 'Hello, Deno and Workers', body: 'One request handler, two runtimes, the same hook chain.' });

  return {
    cms,
    async handle(request) {
      const url = new URL(request.url);
      const path = decodeURIComponent(url.pathname);
      const token = request.headers.get('authorization')?.replace(/^Bearer /, '') ?? null;
      const verdict = (await manager.hooks.execute(Hooks.AUTH_CHECK, { path, token })) as { allowed: boolean; reason?: string };
      if (!verdict.allowed) return new Response(`forbidden: ${verdict.reason ?? 'denied'}\n`, { status: 403 });
      const route = ((await manager.hooks.execute(Hooks.ROUTE_MATCH, { path })) ?? { kind: 'content', path }) as Route;
      if (route.kind === 'index') {
        const items = cms
          .list()
          .map((c) => `<li><a href="/${c.slug}">${c.title}</a></li>`)
          .join('');
        return html(`<!doctype html><html><body><h1>Reed Edge</h1><ul>${items}</ul></body></html>`);
      }
      if (route.kind === 'admin') {
        const rows = manager.plugins().map((p) => `${p.id} ${p.state} calls=${manager.stats(p.id).calls}`);
        return new Response(`${rows.join('\n')}\n`, { headers: { 'content-type': 'text/plain; charset=utf-8' } });
      }
      const page = await cms.render(route.path);
      return html(page.html, page.meta['status'] === 404 ? 404 : 200);
    },
  };
}

function html(body: string, status = 200): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8' } });
}
