import { describe, it, expect } from 'vitest';
import { documentedCodes, readmeWithTable } from '../scripts/lib/error-table.ts';
import { DependencyError, ErrorCodes, GuestError, ManifestError, PluginError, describeError, isPluginError, type ErrorCode } from '../src/errors.ts';

describe('ErrorCodes', () => {
  it('has the documented stable codes', () => {
    const documented = ['E_MANIFEST', 'E_DEPENDENCY', 'E_CAPABILITY', 'E_FUEL', 'E_MEMORY', 'E_TIMEOUT', 'E_TRAP', 'E_HTTP_DENIED', 'E_LIMIT', 'E_CLOSED'];
    const values = Object.values(ErrorCodes) as string[];
    for (const code of documented) expect(values).toContain(code);
  });

  it('every code is documented once, in src/errors.ts, and the README table is generated from it', () => {
    expect(documentedCodes().map(([code]) => code)).toStrictEqual(Object.values(ErrorCodes));
    for (const [code, doc] of documentedCodes()) expect(doc.length, code).toBeGreaterThan(10);
    const { current, next } = readmeWithTable();
    // On failure: npm run docs:errors
    expect(current).toBe(next);
  });

  it('every code is a unique E_ string matching its key', () => {
    const values = Object.values(ErrorCodes);
    expect(new Set(values).size).toBe(values.length);
    for (const [key, value] of Object.entries(ErrorCodes)) {
      expect(value).toMatch(/^E_[A-Z_]+$/);
      expect(value).toBe(`E_${key}`);
    }
  });
});

describe('PluginError', () => {
  it('carries code, pluginId, operation and cause, with an [id] prefix', () => {
    const cause = new Error('root');
    const err = new PluginError('E_TRAP', 'unreachable executed', { pluginId: 'seo', cause, operation: 'hook_after_render' });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('PluginError');
    expect(err.code).toBe('E_TRAP');
    expect(err.pluginId).toBe('seo');
    expect(err.operation).toBe('hook_after_render');
    expect(err.cause).toBe(cause);
    expect(err.message).toBe('[seo] unreachable executed');
    expect(String(err)).toBe('PluginError: [seo] unreachable executed');
  });

  it('has no prefix, and no own cause, without a pluginId or cause', () => {
    const err = new PluginError('E_CLOSED', 'manager is shut down');
    expect(err.message).toBe('manager is shut down');
    expect(err.pluginId).toBeUndefined();
    expect(err.operation).toBeUndefined();
    expect('cause' in err).toBe(false);
  });

  it('keeps a falsy cause that is not undefined', () => {
    expect(new PluginError('E_GUEST', 'x', { cause: 0 }).cause).toBe(0);
    expect(new PluginError('E_GUEST', 'x', { cause: null }).cause).toBeNull();
    expect(new PluginError('E_GUEST', 'x', { cause: '' }).cause).toBe('');
  });

  it('toJSON gives a plain description without the cause or stack', () => {
    const err = new PluginError('E_FUEL', 'out of fuel', { pluginId: 'hog', operation: 'hook_x', cause: new Error('secret') });
    const json = err.toJSON();
    expect(json).toStrictEqual({ name: 'PluginError', code: 'E_FUEL', pluginId: 'hog', operation: 'hook_x', message: '[hog] out of fuel' });
    expect(JSON.parse(JSON.stringify(err))).toStrictEqual({ name: 'PluginError', code: 'E_FUEL', pluginId: 'hog', operation: 'hook_x', message: '[hog] out of fuel' });
  });

  it('toJSON through JSON.stringify drops undefined fields', () => {
    expect(JSON.parse(JSON.stringify(new PluginError('E_CLOSED', 'closed')))).toStrictEqual({ name: 'PluginError', code: 'E_CLOSED', message: 'closed' });
  });

  it('has a stack trace', () => {
    expect(new PluginError('E_IO', 'x').stack).toContain('x');
  });
});

describe('ManifestError', () => {
  it('is E_MANIFEST, lists issues (with and without paths) in its message', () => {
    const issues = [
      { path: 'dependencies[0].version', message: '"^x" is not a semver range' },
      { path: '', message: 'malformed TOML' },
    ];
    const err = new ManifestError(issues, { pluginId: 'seo' });
    expect(err).toBeInstanceOf(PluginError);
    expect(err.name).toBe('ManifestError');
    expect(err.code).toBe('E_MANIFEST');
    expect(err.issues).toStrictEqual(issues);
    expect(err.message).toBe('[seo] invalid plugin manifest:\n  - dependencies[0].version: "^x" is not a semver range\n  - malformed TOML');
    expect(err.toJSON().name).toBe('ManifestError');
    expect(err.toJSON().code).toBe('E_MANIFEST');
  });
});

describe('DependencyError', () => {
  it('is E_DEPENDENCY and names the dependency', () => {
    const err = new DependencyError('requires "core"', 'core', { pluginId: 'seo', operation: 'load' });
    expect(err).toBeInstanceOf(PluginError);
    expect(err.name).toBe('DependencyError');
    expect(err.code).toBe('E_DEPENDENCY');
    expect(err.dependency).toBe('core');
    expect(err.message).toBe('[seo] requires "core"');
    expect(err.operation).toBe('load');
  });
});

describe('GuestError', () => {
  it('takes any code and an optional limit', () => {
    const err = new GuestError('E_FUEL', 'out of fuel', { pluginId: 'hog', limit: { name: 'fuel', value: 1000 } });
    expect(err).toBeInstanceOf(PluginError);
    expect(err.name).toBe('GuestError');
    expect(err.code).toBe('E_FUEL');
    expect(err.limit).toStrictEqual({ name: 'fuel', value: 1000 });
    expect(new GuestError('E_TRAP', 'x').limit).toBeUndefined();
  });
});

describe('isPluginError', () => {
  it('is true for PluginError and subclasses, false for anything else', () => {
    expect(isPluginError(new PluginError('E_IO', 'x'))).toBe(true);
    expect(isPluginError(new ManifestError([]))).toBe(true);
    expect(isPluginError(new DependencyError('x', 'y'))).toBe(true);
    expect(isPluginError(new GuestError('E_TRAP', 'x'))).toBe(true);
    for (const value of [new Error('x'), { code: 'E_IO', message: 'x' }, 'E_IO', null, undefined, 42]) {
      expect(isPluginError(value)).toBe(false);
    }
  });

  it('checks the code when given', () => {
    const err = new GuestError('E_FUEL', 'x');
    expect(isPluginError(err, 'E_FUEL')).toBe(true);
    expect(isPluginError(err, 'E_TRAP')).toBe(false);
    expect(isPluginError(new ManifestError([]), ErrorCodes.MANIFEST)).toBe(true);
    expect(isPluginError(new ManifestError([]), ErrorCodes.DEPENDENCY)).toBe(false);
    expect(isPluginError(new Error('x'), 'E_IO' as ErrorCode)).toBe(false);
  });
});

describe('describeError', () => {
  it('describes any thrown value', () => {
    expect(describeError(new Error('boom'))).toBe('boom');
    expect(describeError(new PluginError('E_IO', 'gone', { pluginId: 'p' }))).toBe('[p] gone');
    expect(describeError('plain')).toBe('plain');
    expect(describeError({ a: 1 })).toBe('{"a":1}');
    expect(describeError(42)).toBe('42');
    expect(describeError(null)).toBe('null');
    expect(describeError(undefined)).toBe('undefined');
    expect(describeError(10n)).toBe('10');
    expect(describeError(Symbol('s'))).toBe('Symbol(s)');
  });

  it('does not throw for a cyclic object', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(typeof describeError(cyclic)).toBe('string');
  });
});
