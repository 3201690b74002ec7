/**
 * Encryption at rest for credentials kept in the database (an Ads API refresh token or client secret entered by an
 * admin rather than set in the environment): envelope encryption with AES-256-GCM from node:crypto. Each secret gets
 * its own random data key, which is sealed with the key-encryption key from RECDESK_SECRETS_KEY (32 bytes, base64);
 * a sealed value names its format version, so the key can be rotated by re-sealing. A tampered value fails to open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

function seal(key: Buffer, plain: Buffer, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url')).join('.');
}

function open(key: Buffer, sealed: string, aad: string): Buffer {
  const [iv, tag, body] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
  if (!iv || !tag || !body) throw new Error('not a sealed value');
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]);
}

export class SecretBox {
  private readonly kek: Buffer;

  /** `keyBase64`: RECDESK_SECRETS_KEY, 32 random bytes in base64 (`openssl rand -base64 32`). */
  constructor(keyBase64: string) {
    this.kek = Buffer.from(keyBase64, 'base64');
    if (this.kek.length !== 32) throw new Error('RECDESK_SECRETS_KEY must be 32 bytes in base64');
  }

  /** `name` binds the value to its use: a sealed refresh token cannot be passed off as a client secret. */
  encrypt(name: string, plaintext: string): string {
    const dataKey = randomBytes(32);
    const sealedKey = seal(this.kek, dataKey, `${VERSION}:key:${name}`);
    const sealedValue = seal(dataKey, Buffer.from(plaintext, 'utf8'), `${VERSION}:value:${name}`);
    return `${VERSION}:${sealedKey}:${sealedValue}`;
  }

  decrypt(name: string, stored: string): string {
    const [version, sealedKey, sealedValue] = stored.split(':');
    if (version !== VERSION || !sealedKey || !sealedValue) throw new Error('unknown secret format');
    const dataKey = open(this.kek, sealedKey, `${VERSION}:key:${name}`);
    return open(dataKey, sealedValue, `${VERSION}:value:${name}`).toString('utf8');
  }
}
