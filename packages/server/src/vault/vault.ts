import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Keyring } from './keyring.js';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Seals secrets with AES-256-GCM. A sealed value reads `v1.<key id>.<iv>.<ciphertext+tag>`, so each
 * record names the key that opens it, and keys can rotate. The context (which record, which field)
 * is authenticated too: a sealed value copied into another row does not open there.
 */
export class Vault {
  /**
   * `reload` reads the keys again; a value sealed with a key this vault does not know (another
   * process rotated the keys) makes it reload once before giving up.
   */
  constructor(
    private keyring: Keyring,
    private readonly reload?: () => Keyring,
  ) {}

  seal(plaintext: string, context: string): string {
    const key = this.keyring.keys.get(this.keyring.currentId)!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(context));
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return [VERSION, this.keyring.currentId, iv.toString('base64url'), sealed.toString('base64url')].join(
      '.',
    );
  }

  open(sealed: string, context: string): string {
    const [version, keyId, iv, payload] = sealed.split('.');
    if (version !== VERSION || !keyId || !iv || !payload) throw new VaultError('not a sealed value');
    if (!this.keyring.keys.has(keyId) && this.reload) this.keyring = this.reload();
    const key = this.keyring.keys.get(keyId);
    if (!key) throw new VaultError(`sealed with key ${keyId}, which this server does not have`);
    const bytes = Buffer.from(payload, 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      return Buffer.concat([
        decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new VaultError(`does not open with key ${keyId} in this context`);
    }
  }

  /** True when the value was sealed with an older key and should be sealed again. */
  isStale(sealed: string): boolean {
    return sealed.split('.')[1] !== this.keyring.currentId;
  }
}

/** Never carries the secret, only what went wrong. */
export class VaultError extends Error {}
