/**
 * The session cookie and its secret: Secure over HTTPS (directly or behind a trusted proxy) and for every host but
 * localhost; a restart (a new app over the same database) keeps people signed in, with the generated secret kept in
 * the database or with SESSION_SECRET, which rotates without signing anyone out while the old secret stays listed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { DatabaseTarget } from '../db/database.ts';
import { databaseTargets, dropTestTarget } from '../testing/database-targets.ts';
import { pgliteTarget } from '../testing/pglite-template.ts';
import { startTestBff, TEST_ADMIN, type TestBff } from '../testing/test-runtime.ts';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const cookieOf = (response: { headers: Record<string, unknown> }): string[] =>
  (response.headers['set-cookie'] as string[] | undefined) ?? [];
const sessionCookie = (response: { headers: Record<string, unknown> }): string => {
  const cookie = cookieOf(response).find((c) => c.startsWith('recdesk.sid='));
  if (!cookie) throw new Error(`no session cookie in ${JSON.stringify(response.headers)}`);
  return cookie;
};
const pair = (cookie: string) => cookie.split(';')[0] as string;
const secret = () => randomBytes(32).toString('base64url');

describe('the session cookie carries Secure', () => {
  const started: TestBff[] = [];
  afterAll(async () => {
    for (const bff of started) await bff.close();
  });
  const start = async (env: Record<string, string> = {}) => {
    const bff = await startTestBff(pgliteTarget(), env);
    started.push(bff);
    return bff;
  };
  const signIn = (bff: TestBff, host: string, headers: Record<string, string> = {}) => {
    const request = bff.anonymous.post('/api/auth/login').set('host', host);
    for (const [name, value] of Object.entries(headers)) request.set(name, value);
    return request.send(TEST_ADMIN).expect(200);
  };

  it('for a host other than localhost, even over plain HTTP, and the session works there', async () => {
    const bff = await start();
    const login = await signIn(bff, 'recdesk.example');
    expect(sessionCookie(login)).toMatch(/;\s*Secure/i);
    const me = await bff.anonymous
      .get('/api/auth/me')
      .set('host', 'recdesk.example')
      .set('cookie', pair(sessionCookie(login)));
    expect(me.status).toBe(200);
    // Every renewal of the cookie (rolling sessions) keeps the flag.
    expect(sessionCookie(me)).toMatch(/;\s*Secure/i);
  });

  it('not for localhost over plain HTTP, whatever an untrusted proxy header says', async () => {
    const bff = await start();
    for (const host of ['localhost:3202', '127.0.0.1', '[::1]:3202']) {
      expect(sessionCookie(await signIn(bff, host))).not.toMatch(/Secure/i);
    }
    // TRUST_PROXY is unset: anyone can send X-Forwarded-Proto, so it proves nothing.
    expect(sessionCookie(await signIn(bff, 'localhost', { 'x-forwarded-proto': 'https' }))).not.toMatch(/Secure/i);
  });

  it('behind a trusted proxy that terminated HTTPS', async () => {
    const bff = await start({ TRUST_PROXY: '1' });
    const viaHttps = await signIn(bff, 'localhost', { 'x-forwarded-proto': 'https' });
    expect(sessionCookie(viaHttps)).toMatch(/;\s*Secure/i);
    const me = await bff.anonymous
      .get('/api/auth/me')
      .set('host', 'localhost')
      .set('x-forwarded-proto', 'https')
      .set('cookie', pair(sessionCookie(viaHttps)));
    expect(me.status).toBe(200);
    expect(sessionCookie(await signIn(bff, 'localhost', { 'x-forwarded-proto': 'http' }))).not.toMatch(/Secure/i);
  });
});

describe.each(databaseTargets)('a restart keeps people signed in on $name', ({ create }) => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  /** A database that outlives one app: PGlite on disk, or one schema on the server. */
  const durable = async (): Promise<DatabaseTarget> => {
    const target = await create();
    if (target.kind !== 'pglite') return target;
    const dir = mkdtempSync(path.join(tmpdir(), 'recdesk-restart-'));
    dirs.push(dir);
    return { kind: 'pglite', dataDir: dir };
  };
  /** Starts an app over `target`, signs in or checks `cookie`, and stops the app (keeping the database). */
  async function withApp<T>(target: DatabaseTarget, env: Record<string, string>, work: (bff: TestBff) => Promise<T>): Promise<T> {
    const bff = await startTestBff(target, env);
    try {
      return await work(bff);
    } finally {
      await bff.runtime.close();
    }
  }
  const signedIn = async (bff: TestBff) => pair(sessionCookie(await bff.anonymous.post('/api/auth/login').send(TEST_ADMIN).expect(200)));
  const meWith = (bff: TestBff, cookie: string) => supertest(bff.app).get('/api/auth/me').set('cookie', cookie);

  it('with the secret generated once and kept in the database', async () => {
    const target = await durable();
    try {
      const cookie = await withApp(target, {}, signedIn);
      await withApp(target, {}, async (bff) => {
        const me = await meWith(bff, cookie);
        expect(me.status).toBe(200);
        expect(me.body.user.email).toBe(TEST_ADMIN.email);
      });
    } finally {
      await dropTestTarget(target);
    }
  });

  it('with SESSION_SECRET, rotated by putting the new one first', async () => {
    const target = await durable();
    const [oldSecret, newSecret] = [secret(), secret()];
    try {
      const cookie = await withApp(target, { SESSION_SECRET: oldSecret }, signedIn);
      await withApp(target, { SESSION_SECRET: `${newSecret},${oldSecret}` }, async (bff) => {
        expect((await meWith(bff, cookie)).status).toBe(200);
      });
      // Once the old secret is dropped, what it signed is worth nothing; a cookie signed with the new one still is.
      const fresh = await withApp(target, { SESSION_SECRET: `${newSecret},${oldSecret}` }, signedIn);
      await withApp(target, { SESSION_SECRET: newSecret }, async (bff) => {
        expect((await meWith(bff, cookie)).status).toBe(401);
        expect((await meWith(bff, fresh)).status).toBe(200);
      });
    } finally {
      await dropTestTarget(target);
    }
  });
});
