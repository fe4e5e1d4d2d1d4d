/**
 * A logger that keeps what it is told, so tests can assert on log lines and keep output quiet.
 *
 * @example
 * ```ts
 * const logger = captureLogger();
 * new PluginManager({ logger });
 * expect(logger.lines).toContainEqual(['info', '[seo] ready']);
 * ```
 */
import type { Logger } from '@reedcms/plugins';

export interface CapturingLogger extends Logger {
  lines: Array<[level: 'debug' | 'info' | 'warn' | 'error', message: string]>;
}

export function captureLogger(): CapturingLogger {
  const lines: CapturingLogger['lines'] = [];
  return {
    lines,
    debug: (message) => void lines.push(['debug', message]),
    info: (message) => void lines.push(['info', message]),
    warn: (message) => void lines.push(['warn', message]),
    error: (message) => void lines.push(['error', message]),
  };
}
