import { describe, expect, it } from 'vitest';
import { PluginManager, type PluginEvent } from '@reedcms/plugins';
import { asPluginError } from '../../src/manager/manager-errors.ts';
import { PluginError } from '../../src/errors.ts';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('error codes the manager raises', () => {
  it('a thrown value no code describes is E_INTERNAL (a host bug), keeping it as the cause', () => {
    const raw = new RangeError('index out of range');
    const error = asPluginError(raw, 'seo', 'load');
    expect(error).toBeInstanceOf(PluginError);
    expect(error).toMatchObject({ code: 'E_INTERNAL', pluginId: 'seo', operation: 'load', cause: raw, message: '[seo] index out of range' });
    const typed = new PluginError('E_IO', 'gone');
    expect(asPluginError(typed, 'seo', 'load')).toBe(typed);
  });

  it('a source of the wrong shape is E_INVALID_ARGUMENT, not E_UNSUPPORTED', async () => {
    const manager = new PluginManager({ logger: quiet });
    await expect(manager.load({ bogus: true } as never)).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT', operation: 'load' });
    await expect(manager.load({ plugin: 42 } as never)).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    await manager.shutdown();
  });

  it('reload of a plugin that has no source to reload from, and none given, is E_INVALID_ARGUMENT', async () => {
    const orphan = { plugin: { metadata: { id: 'orphan', name: 'Orphan', version: '1.0.0', dependencies: [{ plugin_id: 'missing', version: '^1' }] } } };
    const manager = new PluginManager({ sources: [orphan], logger: quiet });
    expect((await manager.initialize()).failed.map((f) => f.error?.code)).toStrictEqual(['E_DEPENDENCY']);
    await expect(manager.reload('orphan')).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT', pluginId: 'orphan', operation: 'reload' });
    await manager.shutdown();
  });

  it('register with a bad handler is E_INVALID_ARGUMENT', () => {
    const manager = new PluginManager({ logger: quiet });
    expect(() => manager.hooks.register('after_render', 'not a function' as never, { pluginId: 'seo' })).toThrow(
      expect.objectContaining({ code: 'E_INVALID_ARGUMENT', name: 'PluginError', pluginId: 'seo', operation: 'register' }),
    );
  });

  it('a throwing subscriber is reported as E_GUEST naming the event', async () => {
    const manager = new PluginManager({ logger: quiet });
    const errors: PluginEvent[] = [];
    manager.events.subscribe('plugin.error', (e) => void errors.push(e));
    manager.events.subscribe('content.created', () => {
      throw new Error('subscriber broke');
    });
    await manager.events.publish({ type: 'content.created', data: {} });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(errors.map((e) => e.data as { code: string; operation: string })).toEqual([expect.objectContaining({ code: 'E_GUEST', operation: 'event:content.created' })]);
    await manager.shutdown();
  });
});
