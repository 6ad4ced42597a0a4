import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random identifier: 16 lower-case hex characters (64 bits), safe in URLs and keys. */
export function newId(): string {
  return randomBytes(8).toString('hex');
}

/** An app id in the 24-hex-character form Base44 app ids have. */
export function newAppId(): string {
  return randomBytes(12).toString('hex');
}

/** A secret with 256 bits of entropy, base64url encoded. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Secrets are stored only as this digest; they are random, so a fast hash is enough. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
