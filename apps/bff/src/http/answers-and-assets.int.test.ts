/**
 * What the BFF lets browsers and proxies keep: no `/api` answer is stored (personal data, one person's view), errors and
 * unknown endpoints included; the SPA's files are served, its source maps never, signed in or not.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAppFor } from '../app.ts';
import { VERSION } from '../runtime.ts';
import { pgliteTarget } from '../testing/pglite-template.ts';
import { startTestBff, TEST_ADMIN, type TestBff } from '../testing/test-runtime.ts';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

describe('answers and assets', () => {
  let bff: TestBff;
  let dist: string;
  beforeAll(async () => {
    bff = await startTestBff(pgliteTarget());
    dist = mkdtempSync(path.join(tmpdir(), 'recdesk-dist-'));
    mkdirSync(path.join(dist, 'assets'));
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>RecDesk</title>');
    writeFileSync(path.join(dist, 'assets', 'index-abc.js'), 'console.log(1)\n//# sourceMappingURL=index-abc.js.map');
    writeFileSync(path.join(dist, 'assets', 'index-abc.js.map'), '{"version":3,"sources":["src/secret.ts"]}');
  });
  afterAll(async () => {
    await bff?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('every /api answer says Cache-Control: no-store, errors and 404s included', async () => {
    const answers = await Promise.all([
      bff.http.get('/api/auth/me'),
      bff.http.get('/api/users'),
      bff.http.get('/api/recommendations'),
      bff.http.get('/api/audit'),
      bff.http.get('/api/recommendations?limit=0'),
      bff.http.get('/api/no-such-endpoint'),
      bff.anonymous.get('/api/users'),
      bff.anonymous.get('/api/health'),
      bff.anonymous.post('/api/auth/login').send({ email: 'nobody@x.test', password: 'wrong-password' }),
      bff.http.post('/api/users').set('origin', 'https://evil.example').send({}),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 400, 404, 401, 200, 401, 403]);
    for (const answer of answers) expect(answer.headers['cache-control'], String(answer.status)).toBe('no-store');
  });

  it('serves the SPA but no source map, with or without a session', async () => {
    const app = createAppFor(bff.runtime, { version: VERSION, webDistDir: dist });
    const anonymous = supertest(app);
    const admin = supertest.agent(app);
    await admin.post('/api/auth/login').send(TEST_ADMIN).expect(200);
    await anonymous.get('/assets/index-abc.js').expect(200);
    for (const client of [anonymous, admin]) {
      for (const url of ['/assets/index-abc.js.map', '/assets/INDEX-abc.js.MAP', '/assets/index-abc.js.map?x=1']) {
        const answer = await client.get(url);
        expect(answer.status, url).toBe(404);
        expect(answer.text).not.toContain('secret.ts');
      }
    }
  });
});
