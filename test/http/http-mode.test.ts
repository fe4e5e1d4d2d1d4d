import { describe, expect, it } from 'vitest';
import { httpMode } from '../../src/http/http-mode.ts';

describe('httpMode: the one rule for serving http_request', () => {
  // [isolation, jspi, hasWorkers, networked] -> mode
  const table: Array<['inline' | 'worker', boolean, boolean, boolean, string]> = [
    ['worker', false, true, true, 'worker'],
    ['worker', true, true, true, 'worker'],
    ['worker', true, true, false, 'none'],
    ['inline', true, false, true, 'jspi'],
    ['inline', true, true, false, 'jspi'],
    ['inline', false, true, true, 'worker'],
    ['inline', false, true, false, 'none'],
    ['inline', false, false, true, 'none'],
  ];
  it.each(table)('%s isolation, jspi %s, workers %s, networked %s -> %s', (isolation, jspi, hasWorkers, networked, mode) => {
    expect(httpMode({ isolation, jspi, hasWorkers }, networked)).toBe(mode);
  });
});
