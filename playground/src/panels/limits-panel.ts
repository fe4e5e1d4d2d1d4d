/**
 * The limits panel: one number field per host limit (defaults from the package's
 * DEFAULT_LIMITS, sent by the runner) and the isolation mode, worker only when the page is
 * cross-origin isolated (Extism's worker mode needs SharedArrayBuffer).
 */
import { byId, el } from './dom.ts';

/** Builds the fields for these defaults. */
export function renderLimits(defaults: Record<string, number | null>): void {
  const box = byId('limit-fields');
  box.replaceChildren();
  for (const [name, value] of Object.entries(defaults)) {
    const input = el('input', '', { type: 'number', min: '0', id: `limit-${name}`, 'data-limit': name, placeholder: String(value ?? 'off') });
    input.value = value === null ? '' : String(value);
    const label = el('label', `${name} `);
    label.append(input);
    box.append(label);
  }
  const worker = byId<HTMLSelectElement>('isolation').querySelector<HTMLOptionElement>('option[value="worker"]');
  if (worker !== null) {
    worker.disabled = !crossOriginIsolated;
    worker.textContent = crossOriginIsolated ? 'worker (wall-clock timeout)' : 'worker (needs a cross-origin isolated page)';
  }
}

/** The limits as set: an empty fuel field means unmetered, other empty fields the default. */
export function readLimits(): Record<string, number | false> {
  const limits: Record<string, number | false> = {};
  for (const input of byId('limit-fields').querySelectorAll<HTMLInputElement>('input[data-limit]')) {
    const name = input.dataset.limit!;
    if (input.value === '') {
      if (name === 'fuel') limits.fuel = false;
      continue;
    }
    limits[name] = Number(input.value);
  }
  return limits;
}

/** Puts saved limits back into the fields. */
export function writeLimits(limits: Record<string, number | false>): void {
  for (const [name, value] of Object.entries(limits)) {
    const input = document.querySelector<HTMLInputElement>(`input[data-limit="${name}"]`);
    if (input !== null) input.value = value === false ? '' : String(value);
  }
}

/** The isolation mode chosen. */
export function readIsolation(): 'inline' | 'worker' {
  return byId<HTMLSelectElement>('isolation').value === 'worker' && crossOriginIsolated ? 'worker' : 'inline';
}
