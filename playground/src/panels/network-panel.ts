/**
 * The network panel: the manifest's `[network]` allow-list (read-only, it is the plugin's
 * request), the host allow-list (the host's cap), and the mock responses table.
 */
import type { MockResponse } from '../protocol.ts';
import { byId, el } from './dom.ts';

/**
 * The manifest's `[network] allowed_hosts`, read from its text for display (the runner parses
 * the manifest properly at load).
 */
export function manifestHosts(manifest: string): string[] {
  const section = /^\[network\][^[]*?allowed_hosts\s*=\s*\[([^\]]*)\]/m.exec(manifest);
  return section === null ? [] : [...section[1]!.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
}

/** Shows the manifest's allowed_hosts. */
export function showManifestNetwork(manifest: string): void {
  const hosts = manifestHosts(manifest);
  byId('manifest-hosts').textContent = hosts.length === 0 ? 'none (no network)' : hosts.join(', ');
}

/** The host allow-list, one host pattern per line. */
export function readAllowedHosts(): string[] {
  return byId<HTMLTextAreaElement>('allowed-hosts')
    .value.split('\n')
    .map((h) => h.trim())
    .filter(Boolean);
}

/** Fills the host allow-list. */
export function writeAllowedHosts(hosts: readonly string[]): void {
  byId<HTMLTextAreaElement>('allowed-hosts').value = hosts.join('\n');
}

/** Adds one editable row to the mock table (read at the next Run: every load setting is in its key). */
export function addMockRow(mock: MockResponse = { url: '', status: 200, body: '' }): void {
  const row = el('tr');
  const cell = (input: HTMLInputElement) => {
    const td = el('td');
    td.append(input);
    return td;
  };
  const url = Object.assign(el('input', '', { class: 'mock-url', placeholder: 'https://api.example.com/*' }), { value: mock.url });
  const status = Object.assign(el('input', '', { class: 'mock-status', type: 'number' }), { value: String(mock.status) });
  const body = Object.assign(el('input', '', { class: 'mock-body', placeholder: '{"ok":true}' }), { value: mock.body });
  const remove = el('button', '×', { class: 'mock-remove', title: 'remove' });
  remove.addEventListener('click', () => row.remove());
  const last = el('td');
  last.append(remove);
  row.append(cell(url), cell(status), cell(body), last);
  byId('mock-rows').append(row);
}

/** The mock table's rows with a URL. */
export function readMocks(): MockResponse[] {
  return [...byId('mock-rows').querySelectorAll('tr')]
    .map((row) => ({
      url: row.querySelector<HTMLInputElement>('.mock-url')!.value.trim(),
      status: Number(row.querySelector<HTMLInputElement>('.mock-status')!.value) || 200,
      body: row.querySelector<HTMLInputElement>('.mock-body')!.value,
    }))
    .filter((m) => m.url !== '');
}

/** Replaces the mock table's rows. */
export function writeMocks(mocks: readonly MockResponse[]): void {
  byId('mock-rows').replaceChildren();
  for (const mock of mocks) addMockRow(mock);
}
