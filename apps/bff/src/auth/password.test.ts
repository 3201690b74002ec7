import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password.ts';

const CHEAP = { N: 2 ** 10, r: 8, p: 1 };

describe('password hashing (scrypt)', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse battery staple', CHEAP);
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', hash)).toBe(false);
  });

  it('salts every hash and keeps the password out of it', async () => {
    const a = await hashPassword('the same password', CHEAP);
    const b = await hashPassword('the same password', CHEAP);
    expect(a).not.toBe(b);
    expect(a).not.toContain('the same password');
    expect(a.startsWith('scrypt$1024$8$1$')).toBe(true);
  });

  it('uses a memory-hard cost by default (32 MiB)', async () => {
    const hash = await hashPassword('a default-cost password');
    const [, n, r] = hash.split('$');
    expect(Number(n) * Number(r) * 128).toBeGreaterThanOrEqual(32 * 1024 * 1024);
    expect(await verifyPassword('a default-cost password', hash)).toBe(true);
  });

  it('refuses a malformed or foreign stored hash instead of throwing', async () => {
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
    expect(await verifyPassword('x', 'bcrypt$10$abc$def$ghi$jkl')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$abc$8$1$c2FsdA$a2V5')).toBe(false);
  });
});
