/**
 * What the playground remembers and shares: everything needed to reproduce a run.
 */
import type { MockResponse } from './protocol.ts';

/** The shareable state (the URL hash holds it; see share.ts). */
export interface PlaygroundState {
  /** The catalog entry it started from (its prebuilt module is reused while the source is unchanged). */
  example: string;
  source: string;
  manifest: string;
  /** The input editor's text (JSON). */
  input: string;
  /** The config editor's text (JSON). */
  config: string;
  /** A hook name, `command:<name>` or `event:<type>`. */
  target: string;
  limits: Record<string, number | false>;
  isolation: 'inline' | 'worker';
  allowedHosts: string[];
  mocks: MockResponse[];
}

/**
 * Reads a decoded hash back into a state, or undefined when it is not one.
 */
export function asState(value: unknown): PlaygroundState | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Partial<PlaygroundState>;
  const texts = [v.example, v.source, v.manifest, v.input, v.config, v.target];
  if (texts.some((t) => typeof t !== 'string')) return undefined;
  return {
    ...(v as PlaygroundState),
    limits: typeof v.limits === 'object' && v.limits !== null ? v.limits : {},
    isolation: v.isolation === 'worker' ? 'worker' : 'inline',
    allowedHosts: Array.isArray(v.allowedHosts) ? v.allowedHosts.filter((h) => typeof h === 'string') : [],
    mocks: Array.isArray(v.mocks) ? v.mocks : [],
  };
}
