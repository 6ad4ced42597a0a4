import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/broker/catalog/index.js';
import { ALL_SCRIPTS } from './providers/index.js';

// Done means every type list-available offers has its conformance test and its row in
// docs/providers.md; a new catalog entry without both fails here.

const OFFERED = CATALOG.filter((entry) => !entry.unsupported).map((entry) => entry.type);

describe('conformance coverage', () => {
  it('has one documented fake for every offered type, and none for a type not offered', () => {
    const scripted = ALL_SCRIPTS.filter((script) => !script.settings && !script.variant).map(
      (script) => script.type,
    );
    expect([...scripted].sort()).toEqual([...OFFERED].sort());
  });

  it('gives every type with connection settings a variant that uses them', () => {
    const withSettings = CATALOG.filter(
      (entry) => !entry.unsupported && entry.connectionConfigFields.length > 0,
    );
    for (const entry of withSettings) {
      const variants = ALL_SCRIPTS.filter((script) => script.type === entry.type && script.settings);
      expect(variants.length, entry.type).toBeGreaterThan(0);
    }
  });

  it('names the documentation each fake was built from, with the date it was read', () => {
    for (const script of ALL_SCRIPTS) {
      expect(script.documentation.length, script.type).toBeGreaterThan(0);
      for (const line of script.documentation)
        expect(line, script.type).toMatch(/^https:\/\/\S+ .*read \d{4}-\d{2}-\d{2}/);
    }
  });

  it('gives every offered type a row in docs/providers.md', async () => {
    const page = await readFile(new URL('../../../../docs/providers.md', import.meta.url), 'utf8');
    const rows = new Set([...page.matchAll(/^\| `([a-z0-9_-]+)` \|/gm)].map((match) => match[1]));
    expect(OFFERED.filter((type) => !rows.has(type))).toEqual([]);
  });
});
