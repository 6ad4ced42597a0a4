import { describe, expect, it } from 'vitest';
import { formatExtensionsHeader, parseExtensionsHeader, SERVER_EXTENSIONS } from '../../src/index.js';

describe('the x-base44-extensions header', () => {
  it('is written as the tokens separated by a comma and a space, and read back whole', () => {
    const value = formatExtensionsHeader(SERVER_EXTENSIONS);
    expect(value).toBe('plan, apply, status-wait');
    expect(parseExtensionsHeader(value)).toEqual(new Set(SERVER_EXTENSIONS));
  });

  it('names no extension when absent or empty (the Base44 cloud sends none)', () => {
    expect(parseExtensionsHeader(undefined).size).toBe(0);
    expect(parseExtensionsHeader(null).size).toBe(0);
    expect(parseExtensionsHeader(' , ').size).toBe(0);
  });

  it('reads tokens regardless of spacing and case, and keeps ones it does not know', () => {
    expect(parseExtensionsHeader('Plan,status-wait ,  future-thing')).toEqual(
      new Set(['plan', 'status-wait', 'future-thing']),
    );
  });
});
