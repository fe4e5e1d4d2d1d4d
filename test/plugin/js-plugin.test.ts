import { describe, expect, it } from 'vitest';
import { JsPlugin } from '../../src/plugin/js-plugin.ts';
import { emptyStats } from '../../src/plugin/stats.ts';
import type { PluginContext } from '../../src/plugin/types.ts';

describe('JsPlugin (unit)', () => {
  it('runs commands, counting calls; a throw becomes E_GUEST counted as a fault', async () => {
    const stats = emptyStats();
    const runtime = new JsPlugin(
      'js',
      {
        metadata: { id: 'js' },
        handleCommand: (name) => {
          if (name === 'bad') throw new Error('broken');
          return `ran ${name}`;
        },
      },
      stats,
    );
    expect(await runtime.command('go', {})).toBe('ran go');
    await expect(runtime.command('bad', {})).rejects.toMatchObject({ code: 'E_GUEST', pluginId: 'js', operation: 'command:bad', message: '[js] command:bad failed: broken' });
    expect([stats.calls, stats.faults]).toStrictEqual([2, 1]);
  });

  it('a failing initialize is E_INIT; what a JS plugin lacks is E_NOT_IMPLEMENTED', async () => {
    const runtime = new JsPlugin('js', { metadata: { id: 'js' }, initialize: () => Promise.reject(new Error('no db')) }, emptyStats());
    await expect(runtime.initialize({} as PluginContext)).rejects.toMatchObject({ code: 'E_INIT', cause: { code: 'E_GUEST' } });
    await expect(runtime.command('x', {})).rejects.toMatchObject({ code: 'E_NOT_IMPLEMENTED' });
    await expect(runtime.callExport('x')).rejects.toMatchObject({ code: 'E_NOT_IMPLEMENTED' });
  });
});
