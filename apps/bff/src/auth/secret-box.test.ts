import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.ts';

describe('secrets at rest (AES-256-GCM envelope)', () => {
  const box = new SecretBox(randomBytes(32).toString('base64'));

  it('round-trips and never stores the plaintext', () => {
    const sealed = box.encrypt('ads.refreshToken', 'Atzr|secret-refresh-token');
    expect(sealed).not.toContain('secret-refresh-token');
    expect(box.decrypt('ads.refreshToken', sealed)).toBe('Atzr|secret-refresh-token');
    expect(box.encrypt('ads.refreshToken', 'Atzr|secret-refresh-token')).not.toBe(sealed);
  });

  it('refuses a tampered value, another name, or another key', () => {
    const sealed = box.encrypt('ads.clientSecret', 'shh');
    const tampered = `${sealed.slice(0, -2)}${sealed.endsWith('A') ? 'B' : 'A'}A`;
    expect(() => box.decrypt('ads.clientSecret', tampered)).toThrow();
    expect(() => box.decrypt('ads.refreshToken', sealed)).toThrow();
    expect(() => new SecretBox(randomBytes(32).toString('base64')).decrypt('ads.clientSecret', sealed)).toThrow();
  });

  it('needs a 32-byte key', () => {
    expect(() => new SecretBox(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });
});
