/**
 * Type tests: `npx tsc -p tsconfig.json` checks them (tsconfig includes test/), and each
 * `@ts-expect-error` line fails compilation if the typing ever stops rejecting that misuse.
 * The runtime part only makes sure the calls are real.
 */
import { describe, it, expect, expectTypeOf } from 'vitest';
import { HookManager, type HookContext } from '../../src/hooks/hook-manager.ts';
import type { BuiltinHooks } from '../../src/hooks/hook-types.ts';
import type { CollectResult, GuardResult } from '../../src/hooks/hook-kinds.ts';

interface Page {
  title: string;
  body: string;
}
interface Route {
  handler: string;
}
interface MyHooks {
  before_render: { data: Page };
  auth_check: { kind: 'guard'; data: { user?: string } };
  route_match: { kind: 'first'; data: { path: string }; result: Route };
  validate_data: { kind: 'collect'; data: Page };
  after_save: { kind: 'action'; data: Page };
}

describe('typed hook maps', () => {
  it('types execute results by kind', async () => {
    const hooks = new HookManager<MyHooks>();
    const page: Page = { title: 't', body: 'b' };
    expectTypeOf(hooks.execute('before_render', page)).resolves.toEqualTypeOf<Page>();
    expectTypeOf(hooks.execute('auth_check', {})).resolves.toEqualTypeOf<GuardResult>();
    expectTypeOf(hooks.execute('route_match', { path: '/' })).resolves.toEqualTypeOf<Route | null>();
    expectTypeOf(hooks.execute('validate_data', page)).resolves.toEqualTypeOf<CollectResult>();
    expectTypeOf(hooks.execute('after_save', page)).resolves.toEqualTypeOf<void>();
    await hooks.execute('before_render', page);

    // @ts-expect-error: unknown hook name in a typed map
    void hooks.execute('before_rendr', page);
    // @ts-expect-error: wrong data type
    void hooks.execute('before_render', { title: 1 });
    // @ts-expect-error: route_match wants { path }
    void hooks.execute('route_match', page);
  });

  it('types handlers by kind', () => {
    const hooks = new HookManager<MyHooks>();
    hooks.register('before_render', (page, context) => {
      expectTypeOf(page).toEqualTypeOf<Page>();
      expectTypeOf(context).toEqualTypeOf<HookContext>();
      return { ...page, title: page.title.trim() };
    });
    hooks.register('before_render', () => undefined);
    hooks.register('auth_check', (req) => (req.user ? undefined : { allow: false, reason: 'login' }));
    hooks.register('auth_check', async () => ({ allow: true }));
    hooks.register('route_match', ({ path }) => (path === '/' ? { handler: 'home' } : null));
    hooks.register('validate_data', (page) => (page.title ? [] : [{ path: 'title', message: 'required' }]));
    hooks.register('validate_data', () => ({ errors: [{ message: 'whole page' }] }));
    hooks.register('after_save', async () => {});

    // @ts-expect-error: a filter must return its data type
    hooks.register('before_render', () => 42);
    // @ts-expect-error: a guard must return { allow } (not a bare boolean)
    hooks.register('auth_check', () => true);
    // @ts-expect-error: a deny reason is a string
    hooks.register('auth_check', () => ({ allow: false, reason: 7 }));
    // @ts-expect-error: route_match returns a Route
    hooks.register('route_match', () => ({ handlr: 'x' }));
    // @ts-expect-error: findings need a message
    hooks.register('validate_data', () => [{ path: 'x' }]);
    // @ts-expect-error: unknown hook
    hooks.register('nope', () => {});
  });

  it('define must agree with the declared kind', () => {
    const hooks = new HookManager<MyHooks & { seo_lint: { kind: 'collect'; data: Page } }>();
    hooks.define('seo_lint', { kind: 'collect' });
    // @ts-expect-error: declared as collect (and at run time: E_HOOK_DEFINITION)
    expect(() => hooks.define('seo_lint', { kind: 'filter' })).toThrow(/already defined as collect/);
  });

  it('the untyped manager keeps predefined kinds and treats other names as any-typed filters', () => {
    const hooks = new HookManager();
    expectTypeOf(hooks.execute('auth_check', {})).resolves.toEqualTypeOf<GuardResult>();
    expectTypeOf(hooks.execute('validate_data', {})).resolves.toEqualTypeOf<CollectResult>();
    expectTypeOf(hooks.execute('after_delete', {})).resolves.toEqualTypeOf<void>();
    expectTypeOf(hooks.execute('anything', 1)).resolves.toBeAny();
    const name: string = 'dynamic';
    expectTypeOf(hooks.execute(name, 1)).resolves.toBeAny();
    hooks.define('custom_guard', { kind: 'guard' });
    hooks.register(name, (n: number) => n + 1);
    // @ts-expect-error: auth_check handlers return verdicts even untyped
    hooks.register('auth_check', () => 'yes');
  });

  it('typed() views a manager through a map; BuiltinHooks can be extended', async () => {
    interface Extended extends BuiltinHooks {
      before_render: { kind: 'filter'; data: Page };
    }
    const hooks = new HookManager().typed<Extended>();
    expectTypeOf(hooks.execute('before_render', { title: '', body: '' })).resolves.toEqualTypeOf<Page>();
    expectTypeOf(hooks.execute('route_match', {})).resolves.toEqualTypeOf<unknown>();
    await hooks.execute('before_render', { title: '', body: '' });
  });
});
