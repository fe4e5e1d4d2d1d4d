/**
 * How log levels rank, in Extism's numbering (what `get_log_level` answers a guest): a line is
 * kept when its level ranks at or above the plugin's. `silent` ranks above every line.
 */
import type { LogLevel } from './extism-guest.ts';

/** Each level's rank, lowest first. */
export const LOG_PRIORITY: Readonly<Record<LogLevel, number>> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, silent: 0x7fff_ffff };
