/**
 * How each kind runs its (already ordered) handlers. Filters stay synchronous until a handler
 * actually returns a promise, so a chain of plain JS handlers costs little more than a loop.
 */
import { ErrorCodes, GuestError, PluginError, describeError } from '../errors.ts';
import { CallStopped, type CallControl } from './call-control.ts';
import type { ErrorPolicy } from './hook-definitions.ts';
import { readFindings, readGuardVerdict, type CollectResult, type GuardResult, type HookKind } from './hook-kinds.ts';
import type { Orderable } from './ordering.ts';

/**
 * What a handler learns about the call it is part of.
 *
 * @example
 * ```ts
 * hooks.register('after_render', async (page, { signal }) => fetchExtra(page, { signal }));
 * ```
 */
export interface HookContext {
  /** The hook being executed. */
  hook: string;
  /** The plugin that registered the handler (undefined for the host's own handlers). */
  pluginId: string | undefined;
  /** The hook's kind. */
  kind: HookKind;
  /** Aborts when the call times out or the caller aborts: pass it on to cancellable work. */
  signal: AbortSignal;
}

/** A registered handler. */
export interface Registration extends Orderable {
  hook: string;
  handler: (data: any, context: HookContext) => unknown;
  /**
   * The frozen context for calls without limits (the common case), built once per kind so the
   * hot path allocates nothing per handler.
   */
  plainContext?: Readonly<HookContext>;
}

/** Everything a runner needs for one call. */
export interface RunEnv {
  hook: string;
  kind: HookKind;
  policy: ErrorPolicy;
  control: CallControl | undefined;
  signal: AbortSignal;
  enabled: ((pluginId: string) => boolean) | undefined;
  /** Whether a disabled plugin is disabled because it failed (a guard of such a plugin denies). */
  failedClosed: ((pluginId: string) => boolean) | undefined;
  /** Where skipped failures go, with the hook's name. */
  report: (error: PluginError, hook: string) => void;
}

/** Filter: threads the data through every handler; `undefined` means "unchanged". */
export function runFilter(list: readonly Registration[], data: unknown, env: RunEnv): unknown {
  let current = data;
  const enabled = env.enabled;
  const plain = env.control === undefined;
  for (let i = 0; i < list.length; i++) {
    const r = list[i] as Registration;
    // isEnabled, checkStopped and contextFor's common case, spelled out: this loop is the whole
    // cost of a chain of synchronous handlers.
    if (r.pluginId !== undefined && enabled !== undefined && !enabled(r.pluginId)) continue;
    let context = r.plainContext;
    if (!plain || context === undefined || context.kind !== env.kind) {
      checkStopped(env, r);
      context = contextFor(r, env);
    }
    let out: unknown;
    try {
      out = r.handler(current, context);
    } catch (err) {
      skipOrThrow(env, err, r);
      continue;
    }
    if (isThenable(out)) {
      // The last handler (the usual case: one plugin on the hook) needs no async loop: one
      // reaction maps "no output" to the data and applies the error policy.
      if (i === list.length - 1 && plain) return settleLast(out, current, env, r);
      return filterAsync(list, i, out, current, env);
    }
    if (out !== undefined) current = out;
  }
  return current;
}

function settleLast(out: PromiseLike<unknown>, current: unknown, env: RunEnv, r: Registration): PromiseLike<unknown> {
  return out.then(
    (value) => (value === undefined ? current : value),
    (err: unknown) => {
      skipOrThrow(env, err, r);
      return current;
    },
  );
}

/** The rest of a filter chain once a handler returned a promise. */
async function filterAsync(list: readonly Registration[], start: number, pending: PromiseLike<unknown>, data: unknown, env: RunEnv): Promise<unknown> {
  let current = data;
  let out: unknown = pending;
  for (let i = start; i < list.length; i++) {
    const r = list[i] as Registration;
    try {
      if (i !== start) {
        if (!isEnabled(r, env)) continue;
        checkStopped(env, r);
        out = r.handler(current, contextFor(r, env));
      }
      if (isThenable(out)) out = await wait(out, r, env);
    } catch (err) {
      skipOrThrow(env, err, r);
      continue;
    }
    if (out !== undefined) current = out;
  }
  return current;
}

/**
 * Guard: the first deny wins; abstentions are ignored; no deny means allowed. A handler that
 * fails or answers in the wrong shape denies (policy `deny`) or rejects the call (`fail`).
 */
export async function runGuard(list: readonly Registration[], data: unknown, env: RunEnv): Promise<GuardResult> {
  for (const r of list) {
    if (!isEnabled(r, env)) {
      // A guard whose plugin was quarantined for failing still denies: skipping it would let
      // whoever can make it fail switch the check off.
      if (r.pluginId !== undefined && env.failedClosed?.(r.pluginId) === true) {
        return { allowed: false, reason: `guard plugin "${r.pluginId}" is quarantined, so access is denied`, pluginId: r.pluginId };
      }
      continue;
    }
    let failure: PluginError;
    try {
      const verdict = readGuardVerdict(await invoke(r, data, env));
      if (verdict === 'abstain' || verdict === 'allow') continue;
      if ('deny' in verdict) return { allowed: false, reason: verdict.deny, pluginId: r.pluginId };
      failure = outputError(env, r, verdict.invalid);
    } catch (err) {
      rethrowStop(env, err, r);
      failure = toHookError(err, env.hook, r.pluginId);
    }
    if (env.policy === 'fail') throw failure;
    env.report(failure, env.hook);
    return { allowed: false, reason: `handler failed, so access is denied: ${failure.message}`, pluginId: r.pluginId, error: failure };
  }
  return { allowed: true };
}

/**
 * First: the first handler returning something other than null / undefined wins, and later
 * handlers do not run. Resolves null when none answers.
 */
export async function runFirst(list: readonly Registration[], data: unknown, env: RunEnv): Promise<unknown> {
  for (const r of list) {
    if (!isEnabled(r, env)) continue;
    try {
      const out = await invoke(r, data, env);
      if (out !== undefined && out !== null) return out;
    } catch (err) {
      skipOrThrow(env, err, r);
    }
  }
  return null;
}

/** Collect: every handler runs (see runLanes); their findings are merged in run order. */
export async function runCollect(list: readonly Registration[], data: unknown, env: RunEnv): Promise<CollectResult> {
  const outcomes = await runLanes(list, data, env);
  const errors: CollectResult['errors'] = [];
  const failures: PluginError[] = [];
  for (const outcome of outcomes) {
    if (outcome === undefined) continue;
    if ('error' in outcome) {
      failures.push(outcome.error);
      continue;
    }
    const findings = readFindings(outcome.value);
    if ('invalid' in findings) failures.push(outputError(env, outcome.r, findings.invalid));
    else for (const finding of findings) errors.push({ pluginId: outcome.r.pluginId, path: finding.path, message: finding.message });
  }
  settleFailures(env, failures);
  return { valid: errors.length === 0, errors };
}

/**
 * Action: every handler runs (see runLanes); results are ignored; each failure is reported
 * (`skip`) or, after every handler has finished, the first one rejects the call (`fail`).
 */
export async function runAction(list: readonly Registration[], data: unknown, env: RunEnv): Promise<void> {
  const outcomes = await runLanes(list, data, env);
  const failures: PluginError[] = [];
  for (const outcome of outcomes) if (outcome !== undefined && 'error' in outcome) failures.push(outcome.error);
  settleFailures(env, failures);
}

type Outcome = { r: Registration; value: unknown } | { r: Registration; error: PluginError } | undefined;

/**
 * Runs handlers concurrently across plugins, each plugin's own handlers in order (the host's
 * handlers form one lane too), and returns each handler's outcome in run order. Lanes start in
 * the order of their first handler, so ordering decides who starts first, not who waits.
 */
async function runLanes(list: readonly Registration[], data: unknown, env: RunEnv): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array<Outcome>(list.length);
  const lanes = new Map<string | undefined, number[]>();
  list.forEach((r, i) => {
    const lane = lanes.get(r.pluginId);
    if (lane === undefined) lanes.set(r.pluginId, [i]);
    else lane.push(i);
  });
  const runLane = async (indexes: number[]) => {
    for (const i of indexes) {
      const r = list[i] as Registration;
      if (!isEnabled(r, env)) continue;
      try {
        outcomes[i] = { r, value: await invoke(r, data, env) };
      } catch (err) {
        rethrowStop(env, err, r);
        outcomes[i] = { r, error: toHookError(err, env.hook, r.pluginId) };
      }
    }
  };
  await Promise.all([...lanes.values()].map(runLane));
  return outcomes;
}

/** Calls a handler and waits for it (bounded by the call's limits); stops surface as StopError. */
async function invoke(r: Registration, data: unknown, env: RunEnv): Promise<unknown> {
  checkStopped(env, r);
  const out = r.handler(data, contextFor(r, env));
  return isThenable(out) ? wait(out, r, env) : out;
}

/** A stop (timeout or abort) travelling through handler error handling untouched. */
class StopError {
  constructor(readonly error: PluginError) {}
}

function wait(promise: PromiseLike<unknown>, r: Registration, env: RunEnv): PromiseLike<unknown> {
  // Not async: an async function returning a promise adopts it, two microtasks later. Without
  // limits the handler's own promise is awaited directly.
  if (env.control === undefined) return promise;
  return waitControlled(promise, r, env.control);
}

async function waitControlled(promise: PromiseLike<unknown>, r: Registration, control: CallControl): Promise<unknown> {
  try {
    return await control.race(promise);
  } catch (err) {
    if (err instanceof CallStopped) throw new StopError(control.errorFor(err, r.pluginId));
    throw err;
  }
}

function checkStopped(env: RunEnv, r: Registration): void {
  if (env.control === undefined) return;
  const stopped = env.control.stoppedBy;
  if (stopped !== undefined) throw new StopError((env.control as CallControl).errorFor(stopped, r.pluginId));
}

/**
 * Rethrows the call's stop error when the call was stopped: a handler that threw because it saw
 * the signal abort is not at fault, and the caller must learn about the timeout or abort.
 */
function rethrowStop(env: RunEnv, err: unknown, r: Registration): void {
  if (err instanceof StopError) throw err.error;
  const stopped = env.control?.stoppedBy;
  if (stopped !== undefined) throw (env.control as CallControl).errorFor(stopped, r.pluginId);
}

/** Turns a StopError escaping a runner's synchronous part into the PluginError it carries. */
export function unwrapStop(err: unknown): unknown {
  return err instanceof StopError ? err.error : err;
}

/** A failed handler under `skip` is reported and the chain goes on; under `fail` it rejects. */
function skipOrThrow(env: RunEnv, err: unknown, r: Registration): void {
  rethrowStop(env, err, r);
  const error = toHookError(err, env.hook, r.pluginId);
  if (env.policy === 'fail') throw error;
  env.report(error, env.hook);
}

function settleFailures(env: RunEnv, failures: PluginError[]): void {
  const [first, ...rest] = failures;
  if (first === undefined) return;
  if (env.policy === 'fail') {
    for (const error of rest) env.report(error, env.hook);
    throw first;
  }
  for (const error of failures) env.report(error, env.hook);
}

function isEnabled(r: Registration, env: RunEnv): boolean {
  return r.pluginId === undefined || env.enabled === undefined || env.enabled(r.pluginId);
}

function contextFor(r: Registration, env: RunEnv): HookContext {
  if (env.control === undefined) {
    const cached = r.plainContext;
    if (cached !== undefined && cached.kind === env.kind) return cached;
    return (r.plainContext = Object.freeze({ hook: env.hook, pluginId: r.pluginId, kind: env.kind, signal: env.signal }));
  }
  return { hook: env.hook, pluginId: r.pluginId, kind: env.kind, signal: env.signal };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}

function outputError(env: RunEnv, r: Registration, problem: string): PluginError {
  return new GuestError(ErrorCodes.OUTPUT, `handler for ${env.kind} hook "${env.hook}" returned the wrong shape: ${problem}`, {
    pluginId: r.pluginId,
    operation: `hook:${env.hook}`,
  });
}

/** Wraps whatever a handler threw as a PluginError (a PluginError passes through unchanged). */
export function toHookError(err: unknown, hook: string, pluginId: string | undefined): PluginError {
  if (err instanceof PluginError) return err;
  return new GuestError(ErrorCodes.GUEST, `handler for hook "${hook}" failed: ${describeError(err)}`, {
    pluginId,
    cause: err,
    operation: `hook:${hook}`,
  });
}
