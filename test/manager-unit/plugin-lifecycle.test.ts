import { describe, expect, it } from 'vitest';
import { PluginManager, type Plugin } from '@reedcms/plugins';
import { parseManifest } from '../../src/manifest/parse-manifest.ts';
import { JsPlugin } from '../../src/plugin/js-plugin.ts';
import { activate, moveTo, PLUGIN_TRANSITIONS, quarantine, retire } from '../../src/manager/plugin-lifecycle.ts';
import { newRecord, pluginInfo, type Generation, type PluginRecord } from '../../src/manager/plugin-record.ts';
import { PluginError } from '../../src/errors.ts';
import type { PluginState } from '../../src/plugin/types.ts';

const metadata = parseManifest('id = "life"\nname = "Life"\nversion = "1.0.0"');
const record = (state: PluginState): PluginRecord => newRecord({ id: 'life', state, source: undefined, known: { metadata, kind: 'js' }, error: undefined }, 1);
const generation = (): Generation => ({
  metadata,
  runtime: new JsPlugin('life', { metadata: { id: 'life' } }, record('loading').stats),
  contentTypes: {},
  templates: {},
  disposers: [],
  phase: 'pending',
});

function thrown(fn: () => void): PluginError {
  try {
    fn();
  } catch (err) {
    return err as PluginError;
  }
  throw new Error('did not throw');
}

describe('plugin lifecycle: one transition table', () => {
  const states = Object.keys(PLUGIN_TRANSITIONS) as PluginState[];
  for (const from of states) {
    for (const to of states) {
      const legal = PLUGIN_TRANSITIONS[from].includes(to);
      it(`${from} -> ${to} is ${legal ? 'allowed' : 'E_INTERNAL'}`, () => {
        const r = record(from);
        if (legal) {
          moveTo(r, to);
          expect(r.state).toBe(to);
        } else {
          const err = thrown(() => moveTo(r, to));
          expect(err).toBeInstanceOf(PluginError);
          expect(err).toMatchObject({ code: 'E_INTERNAL', pluginId: 'life', message: `[life] illegal plugin state change ${from} -> ${to}` });
          expect(r.state).toBe(from);
        }
      });
    }
  }

  it('activate swaps in a pending generation; the record then reads manifest and kind from it', () => {
    const r = record('loading');
    const g = generation();
    activate(r, g);
    expect([r.state, g.phase, r.known, r.generation]).toStrictEqual(['active', 'active', undefined, g]);
    expect(pluginInfo(r)).toMatchObject({ id: 'life', state: 'active', kind: 'js', metadata: { version: '1.0.0' } });
  });

  it('a retired generation cannot go live again (E_INTERNAL), and retiring twice is a no-op', () => {
    const g = generation();
    let disposed = 0;
    g.disposers.push(() => disposed++);
    retire(g);
    retire(g);
    expect([g.phase, disposed]).toStrictEqual(['retired', 1]);
    const r = record('active');
    expect(thrown(() => activate(r, g))).toMatchObject({ code: 'E_INTERNAL', message: '[life] illegal generation phase change retired -> active' });
  });

  it('quarantine only from active', () => {
    const error = new PluginError('E_TRAP', 'boom', { pluginId: 'life' });
    const r = record('active');
    quarantine(r, error);
    expect([r.state, r.error]).toStrictEqual(['quarantined', error]);
    expect(thrown(() => quarantine(record('failed'), error)).code).toBe('E_INTERNAL');
  });
});

describe('plugin lifecycle through the manager', () => {
  const plugin = (version: string, init?: () => void): Plugin => ({
    metadata: { id: 'js-life', name: 'JS life', version, capabilities: [{ Command: 'ping' }] },
    ...(init === undefined ? {} : { initialize: init }),
    handleCommand: () => 'pong',
  });

  it('a failed plugin answers E_STATE with why it failed; plugins() shows its manifest and kind', async () => {
    const manager = new PluginManager({
      sources: [
        {
          plugin: plugin('1.0.0', () => {
            throw new Error('no database');
          }),
        },
      ],
      logger: quiet,
    });
    const { failed } = await manager.initialize();
    expect(failed.map((f) => [f.id, f.state, f.kind, f.metadata?.version])).toStrictEqual([['js-life', 'failed', 'js', '1.0.0']]);
    await expect(manager.command('js-life', 'ping')).rejects.toMatchObject({ code: 'E_STATE', pluginId: 'js-life', cause: { code: 'E_INIT' } });
    await manager.shutdown();
  });

  it('after a reload, plugins() reports the new generation', async () => {
    const manager = new PluginManager({ logger: quiet });
    await manager.load({ plugin: plugin('1.0.0') });
    await manager.reload('js-life', { plugin: plugin('1.1.0') });
    expect(manager.plugins().map((p) => [p.state, p.kind, p.metadata?.version])).toStrictEqual([['active', 'js', '1.1.0']]);
    await manager.shutdown();
  });
});

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
