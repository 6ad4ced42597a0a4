import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConnectorFile, connectorFileJsonSchema } from '../../src/index.js';

describe('the published JSON Schema of connector files', () => {
  it('is the one the contract generates (run `npm run build && npm run schema -w @base44-connectors/contract` after a change)', () => {
    const published = JSON.parse(
      readFileSync(new URL('../../schemas/connector-file.schema.json', import.meta.url), 'utf8'),
    );
    expect(published).toEqual(connectorFileJsonSchema());
  });

  it('accepts what the CLI accepts and refuses a type with capitals', () => {
    expect(ConnectorFile.parse({ type: 'slack' })).toEqual({ type: 'slack', scopes: [] });
    expect(ConnectorFile.safeParse({ type: 'Slack', scopes: [] }).success).toBe(false);
  });
});
