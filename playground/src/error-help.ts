/**
 * What a PluginError code means (from src/errors.ts, through the build) and what to change in
 * the playground when a plugin hits it. The meaning is the package's; the advice is the
 * playground's, for the codes a plugin author meets here.
 */
import meanings from 'virtual:playground/error-codes';

const ADVICE: Record<string, string> = {
  E_FUEL: 'Look for an endless loop, or raise "fuel" in the limits panel.',
  E_MEMORY: 'The plugin grows memory without bound, or needs more: raise "memoryBytes".',
  E_STACK: 'Unbounded recursion: make it iterative, or raise "maxCallDepth".',
  E_TRAP: 'See the logs for the abort message and its source position.',
  E_LIMIT: 'Output, logs or events beyond a size limit: see the limits panel.',
  E_HTTP_DENIED: "Add the host to the manifest's [network] allowed_hosts and to the host allow-list.",
  E_CONFIG: 'Fix the fields listed below in the config editor.',
  E_MANIFEST: 'Fix the plugin.toml fields listed below.',
  E_EXPORT: 'Every declared capability needs its export (hook_<name>, on_event, handle_command).',
  E_LINK: 'The module imports something the host does not provide (see docs/abi.md).',
  E_GUEST: 'The plugin reported this error itself (fail / error_set).',
  E_TIMEOUT: 'The call took longer than "timeoutMs" in worker isolation.',
  E_OUTPUT: 'The plugin must output JSON (or nothing, for "unchanged").',
};

/**
 * One line for a code: what it means, then what to change.
 */
export function explainCode(code: string): string {
  return [meanings[code] ?? 'Not a PluginError code.', ADVICE[code] ?? ''].join(' ').trim();
}
