import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addKeyToKeyringFile, loadKeyring } from '../../src/vault/keyring.js';
import { Vault, VaultError } from '../../src/vault/vault.js';

const tempDir = () => mkdtemp(join(tmpdir(), 'base44-vault-'));

describe('the token vault', () => {
  it('opens what it sealed, and the sealed form shows neither the secret nor its length exactly', async () => {
    const vault = new Vault(loadKeyring(await tempDir(), undefined));
    const sealed = vault.seal('xoxp-secret-token', 'connector/app/slack/access_token');
    expect(sealed).toMatch(/^v1\.k[0-9a-f]{8}\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('xoxp');
    expect(vault.open(sealed, 'connector/app/slack/access_token')).toBe('xoxp-secret-token');
  });

  it('seals the same secret differently every time', async () => {
    const vault = new Vault(loadKeyring(await tempDir(), undefined));
    expect(vault.seal('same', 'c')).not.toBe(vault.seal('same', 'c'));
  });

  it('refuses to open a value moved to another record or field, without revealing it', async () => {
    const vault = new Vault(loadKeyring(await tempDir(), undefined));
    const sealed = vault.seal('secret', 'connector/app1/slack/access_token');
    expect(() => vault.open(sealed, 'connector/app2/slack/access_token')).toThrow(VaultError);
    expect(() => vault.open(sealed, 'connector/app1/slack/refresh_token')).toThrow(/does not open/);
  });

  it('refuses a tampered value', async () => {
    const vault = new Vault(loadKeyring(await tempDir(), undefined));
    const sealed = vault.seal('secret', 'c');
    const last = sealed.at(-2) === 'A' ? 'B' : 'A';
    expect(() => vault.open(`${sealed.slice(0, -2)}${last}${sealed.at(-1)}`, 'c')).toThrow(VaultError);
  });

  it('makes its key file 0600 on first start and finds it again', async () => {
    const dir = await tempDir();
    const first = loadKeyring(dir, undefined);
    expect((await stat(join(dir, 'encryption-keys.json'))).mode & 0o777).toBe(0o600);
    expect(loadKeyring(dir, undefined).currentId).toBe(first.currentId);
  });

  it('opens values sealed with an older key after a new one became current, and knows they are stale', async () => {
    const dir = await tempDir();
    const before = new Vault(loadKeyring(dir, undefined));
    const sealed = before.seal('secret', 'c');
    const after = new Vault(addKeyToKeyringFile(dir));
    expect(after.open(sealed, 'c')).toBe('secret');
    expect(after.isStale(sealed)).toBe(true);
    expect(after.isStale(after.seal('secret', 'c'))).toBe(false);
    expect(
      Object.keys(JSON.parse(await readFile(join(dir, 'encryption-keys.json'), 'utf8')).keys),
    ).toHaveLength(2);
  });

  it('takes keys from the environment, the first one current, with ids every instance agrees on', () => {
    const [current, previous] = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64')];
    const keyring = loadKeyring('/nonexistent', `${current},${previous}`);
    expect(keyring.keys.size).toBe(2);
    expect(loadKeyring('/elsewhere', current).currentId).toBe(keyring.currentId);
    expect(() => loadKeyring('/x', 'dG9vIHNob3J0')).toThrow('base64 keys of 32 bytes');
  });

  it('says which key is missing when a value was sealed with a key it does not have', async () => {
    const sealed = new Vault(loadKeyring(await tempDir(), undefined)).seal('secret', 'c');
    const other = new Vault(loadKeyring(await tempDir(), undefined));
    expect(() => other.open(sealed, 'c')).toThrow(
      /sealed with key k[0-9a-f]{8}, which this server does not have/,
    );
  });
});
