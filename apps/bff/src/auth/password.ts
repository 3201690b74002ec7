/**
 * Password hashing with scrypt, the memory-hard function built into Node (no native add-on to install). A stored hash
 * names its parameters (`scrypt$N$r$p$salt$hash`), so the cost can rise later without invalidating old hashes;
 * verification compares in constant time.
 */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/** 2^15 × 8 × 128 bytes = 32 MiB of memory per hash: costly to guess at scale, about 0.1 s for one sign-in. */
export type ScryptCost = { N: number; r: number; p: number };
export const DEFAULT_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };
/** NODE_ENV=test only (runtime.ts): a test suite signs in hundreds of times on a busy machine. */
export const TEST_COST: ScryptCost = { N: 2 ** 10, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string, cost: { N: number; r: number; p: number } = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (!Number.isInteger(cost.N) || !Number.isInteger(cost.r) || !Number.isInteger(cost.p)) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), cost);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash of nothing, checked when the email is unknown, so that the answer takes as long as for a real account. */
let decoy: Promise<string> | null = null;
export async function burnPasswordCheck(password: string, cost: ScryptCost = DEFAULT_COST): Promise<void> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'), cost);
  await verifyPassword(password, await decoy);
}
