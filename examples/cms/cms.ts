/**
 * A very small CMS built on @reedcms/plugins, using only web-standard APIs so it runs the same
 * in Node, Deno and Cloudflare Workers: content is saved through `before_save` (plugins may
 * reject it), published as `content.created`, and pages render through `before_render`, a
 * template, and `after_render`.
 *
 * @example
 * ```ts
 * const cms = createCms(manager);
 * await cms.save({ type: 'article', title: 'Hello', body: '…' });
 * const { html } = await cms.render('/hello');
 * ```
 */
import { Events, Hooks, type PluginManager } from '@reedcms/plugins';

/** Content as authors submit it. */
export interface Draft {
  type: string;
  title: string;
  body: string;
  slug?: string;
  description?: string;
}

/** Content as stored, after `before_save`. */
export interface Stored extends Draft {
  slug: string;
}

/** A page going through the render hooks. */
export interface Page {
  path: string;
  title: string;
  body: string;
  meta: Record<string, unknown>;
  html?: string;
}

/** The CMS: save content, render pages. */
export interface Cms {
  save(draft: Draft): Promise<Stored>;
  render(path: string): Promise<Page & { html: string }>;
  list(): Stored[];
}

/**
 * Creates the CMS around a manager whose plugins are already loaded.
 *
 * @example
 * ```ts
 * const cms = createCms(manager, { siteName: 'Reed Journal' });
 * ```
 */
export function createCms(manager: PluginManager, options: { siteName?: string } = {}): Cms {
  const store = new Map<string, Stored>();
  const siteName = options.siteName ?? 'ReedCMS';
  return {
    async save(draft) {
      // A plugin rejecting content must stop the save: the hook runs with the `fail` policy.
      const stored = (await manager.hooks.execute(Hooks.BEFORE_SAVE, draft, { errorPolicy: 'fail' })) as Stored;
      const slug = stored.slug || slugFallback(stored.title);
      const saved = { ...stored, slug };
      const created = !store.has(slug);
      store.set(slug, saved);
      await manager.events.publish({ type: created ? Events.CONTENT_CREATED : Events.CONTENT_UPDATED, data: { slug, type: saved.type, title: saved.title } });
      await manager.hooks.execute(Hooks.AFTER_SAVE, saved);
      return saved;
    },
    async render(path) {
      const slug = path.replace(/^\/+|\/+$/g, '');
      const content = store.get(slug);
      if (content === undefined) {
        const html = renderTemplate(siteName, { path, title: 'Not found', body: `Nothing lives at ${path}.`, meta: {} });
        return { path, title: 'Not found', body: '', meta: { status: 404 }, html };
      }
      const meta: Record<string, unknown> = content.description === undefined ? {} : { description: content.description };
      const page = (await manager.hooks.execute(Hooks.BEFORE_RENDER, { path, title: content.title, body: content.body, meta })) as Page;
      const html = renderTemplate(siteName, page);
      return (await manager.hooks.execute(Hooks.AFTER_RENDER, { ...page, html })) as Page & { html: string };
    },
    list() {
      return [...store.values()];
    },
  };
}

/**
 * The site's one template.
 *
 * @example
 * ```ts
 * renderTemplate('Site', { path: '/a', title: 'A', body: 'text', meta: {} });
 * ```
 */
export function renderTemplate(siteName: string, page: Page): string {
  const reading = typeof page.meta['readingTime'] === 'number' ? `<p class="meta">${page.meta['readingTime']} min read · ${page.meta['wordCount']} words</p>` : '';
  const paragraphs = page.body
    .split(/\n{2,}/)
    .filter((p) => p.trim() !== '')
    .map((p) => `    <p>${escapeHtml(p.trim())}</p>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>${escapeHtml(page.title)} · ${escapeHtml(siteName)}</title>
</head>
<body>
  <article>
    <h1>${escapeHtml(page.title)}</h1>
    ${reading}
${paragraphs}
  </article>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function slugFallback(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'untitled'
  );
}
